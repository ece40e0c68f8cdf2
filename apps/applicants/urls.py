from django.urls import path

from apps.applicants import views

urlpatterns = [
    path("", views.home, name="home"),
    path("self-assessment/", views.self_assessment, name="self_assessment"),
    path("self-assessment/compare/", views.self_assessment_compare, name="self_assessment_compare"),
]
