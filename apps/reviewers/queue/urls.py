"""Ministry URLs: queue (included by apps.reviewers.urls under the "ministry" namespace)."""

from django.urls import path

from apps.reviewers.queue import views as queue_views

urlpatterns = [
    path("", queue_views.queue, name="queue"),
    path("claim-next/", queue_views.claim_next_case, name="claim_next"),
    path("assign/", queue_views.bulk_assign_cases, name="bulk_assign"),
    path("cases/<str:reference>/assign/", queue_views.assign_case, name="assign"),
    path("caseloads/", queue_views.caseloads, name="caseloads"),
]
