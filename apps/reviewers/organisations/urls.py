"""Ministry URLs: employers' ownership certificates (included by apps.reviewers.urls)."""

from django.urls import path

from apps.reviewers.organisations import views as organisation_views

urlpatterns = [
    path("organisations/claims/", organisation_views.ownership_claims, name="ownership_claims"),
    path(
        "organisations/claims/<int:ownership_claim_id>/",
        organisation_views.ownership_claim,
        name="ownership_claim",
    ),
    path(
        "organisations/claims/<int:ownership_claim_id>/certificate/",
        organisation_views.ownership_certificate,
        name="ownership_certificate",
    ),
]
