"""Ministry URLs: dashboard (included by apps.reviewers.urls under the "ministry" namespace)."""

from django.urls import path

from apps.reviewers.dashboard import views as dashboard_views

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    # One CSV file per chart, e.g. /ministry/dashboard/within-14-days.csv?weeks=12
    path("dashboard/<slug:chart>.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
]
