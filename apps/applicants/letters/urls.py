"""/letters/: the public check of a decision letter (no sign-in; throttled)."""

from django.urls import path

from apps.applicants.letters import views as letter_views

app_name = "letters"

urlpatterns = [path("verify/", letter_views.verify, name="verify")]
