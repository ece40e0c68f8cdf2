"""The JSON API, included at ``/api/v1/``."""

from django.urls import path

from apps.applicants.api.views import SelfAssessmentView

app_name = "api"

urlpatterns = [
    path("self-assessment", SelfAssessmentView.as_view(), name="self-assessment"),
    # The same endpoint with a trailing slash, left out of the schema so it is documented once.
    path("self-assessment/", SelfAssessmentView.as_view(schema=None), name="self-assessment-slash"),
]
