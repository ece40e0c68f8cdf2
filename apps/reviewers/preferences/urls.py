"""Ministry URLs: preferences (included by apps.reviewers.urls under the "ministry" namespace)."""

from django.urls import path

from apps.reviewers.preferences import views as preferences_views

urlpatterns = [
    path("preferences/", preferences_views.reminder_preferences, name="preferences"),
]
