"""Ministry URLs: workspace (included by apps.reviewers.urls under the "ministry" namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
