from django.urls import path

from apps.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.statistics_page, name="page"),
    path("ktp-statistics.json", views.statistics_json, name="json"),
    path("ktp-statistics.csv", views.statistics_csv, name="csv"),
    path("schema/", views.schema_page, name="schema"),
    path("publish/", views.publish_page, name="publish"),  # supervisors only (404 for others)
]
