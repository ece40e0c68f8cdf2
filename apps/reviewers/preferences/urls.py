"""Ministry URLs: preferences (included by apps.reviewers.urls under the "ministry" namespace)."""

from django.urls import path

from apps.reviewers.preferences import views

urlpatterns = [
    path("preferences/", views.reminder_preferences, name="preferences"),
]
