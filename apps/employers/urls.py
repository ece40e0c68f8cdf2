from django.urls import path

from apps.employers import views

app_name = "employers"

ORG = "organisations/<int:pk>/"
SPONSORSHIP = f"{ORG}sponsorships/<int:sponsorship_pk>/"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisations/register/", views.organisation_register_view, name="register"),
    path(ORG, views.organisation_detail, name="organisation"),
    path(f"{ORG}verification/", views.verification, name="verification"),
    path(
        f"{ORG}verification/<int:claim_pk>/certificate/",
        views.verification_certificate,
        name="verification_certificate",
    ),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<int:claim_pk>/certificate/", views.claim_certificate, name="claim_certificate"),
    path(f"{ORG}invite/", views.invite, name="invite"),
    path(f"{ORG}members/<int:member_pk>/remove/", views.member_remove_view, name="member_remove"),
    path(f"{ORG}members/<int:member_pk>/role/", views.member_role_view, name="member_role"),
    path(
        f"{ORG}invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path(f"{ORG}sme/", views.sme_claims, name="sme_claims"),
    path(f"{ORG}sme/<int:claim_pk>/certificate/", views.sme_certificate, name="sme_certificate"),
    path(f"{ORG}sponsorships/", views.sponsorship_list, name="sponsorships"),
    path(f"{ORG}sponsorships/new/", views.sponsorship_new, name="sponsorship_new"),
    path(SPONSORSHIP, views.sponsorship_detail, name="sponsorship"),
    path(f"{SPONSORSHIP}edit/", views.sponsorship_edit, name="sponsorship_edit"),
    path(f"{SPONSORSHIP}submit/", views.sponsorship_submit_view, name="sponsorship_submit"),
    path(f"{SPONSORSHIP}withdraw/", views.sponsorship_withdraw_view, name="sponsorship_withdraw"),
    path(f"{SPONSORSHIP}case/", views.sponsored_case_view, name="sponsored_case"),
    path(f"{SPONSORSHIP}case/respond/", views.sponsored_case_respond, name="sponsored_case_respond"),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
]
