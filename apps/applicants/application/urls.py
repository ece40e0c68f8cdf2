"""/apply/: the applicant's applications. Every page needs a signed-in user; a case that is not the
user's own is a 404 (see ``apps.cases.selectors.get_case_for_applicant``)."""

from django.urls import path

from apps.applicants.application import views
from apps.applicants.letters import views as letter_views

app_name = "application"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("start/", views.application_start_view, name="start"),
    path("profile/", views.profile_edit, name="profile"),
    path("<str:reference>/", views.wizard, name="wizard"),
    path("<str:reference>/status/", views.status, name="status"),
    path("<str:reference>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:reference>/respond/", views.respond, name="respond"),
    path("<str:reference>/inquiry/", views.inquire, name="inquire"),  # issue 15
    path("<str:reference>/submit/", views.submit, name="submit"),
    path("<str:reference>/documents/<slug:kind>/upload/", views.document_upload, name="document_upload"),
    path(
        "<str:reference>/documents/<int:document_id>/remove/",
        views.document_remove_view,
        name="document_remove",
    ),
    path(
        "<str:reference>/documents/<int:document_id>/download/",
        views.document_download,
        name="document_download",
    ),
    path(
        "<str:reference>/sponsorship/<int:sponsorship_id>/confirm/",
        views.sponsorship_confirm_view,
        name="sponsorship_confirm",
    ),
    path("<str:reference>/letter/", letter_views.letter_download, name="letter"),
    path("<str:reference>/review-request/", letter_views.review_request_view, name="review_request"),
    path("<str:reference>/<slug:step>/", views.wizard_step, name="step"),
]
