from django.urls import path

from apps.applicants.landing import landing
from apps.applicants.self_assessment import views

urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/", landing, name="landing"),  # after signing in: each role's home (decision 50)
    path("self-assessment/", views.self_assessment, name="self_assessment"),
    path("self-assessment/compare/", views.self_assessment_compare, name="self_assessment_compare"),
    path("self-assessment/scenarios/", views.scenarios, name="self_assessment_scenarios"),
    path(
        "self-assessment/scenarios/compare/",
        views.scenarios_compare,
        name="self_assessment_scenarios_compare",
    ),
    path(
        "self-assessment/scenarios/<int:scenario_id>/delete/",
        views.scenario_remove,
        name="self_assessment_scenario_delete",
    ),
]
