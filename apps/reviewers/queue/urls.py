"""Ministry URLs: queue (included by apps.reviewers.urls under the "ministry" namespace)."""

from django.urls import path

from apps.reviewers.queue import views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("claim-next/", views.claim_next_case, name="claim_next"),
    path("assign/", views.bulk_assign_cases, name="bulk_assign"),
    path("cases/<str:reference>/assign/", views.assign_case, name="assign"),
    path("caseloads/", views.caseloads, name="caseloads"),
]
