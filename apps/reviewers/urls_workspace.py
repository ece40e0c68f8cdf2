"""Ministry URLs: the case workspace (included by apps.reviewers.urls under the "ministry" namespace)."""

from django.urls import path

from apps.reviewers import workspace_views

urlpatterns = [
    path("cases/<str:reference>/", workspace_views.case_workspace, name="case"),
]
