"""Account URLs of our own, included under /accounts/ *before* allauth's (config/urls.py).

Two of allauth's MFA pages are replaced at the same addresses by subclasses (apps.accounts.views)
so two-factor set-up counts for the session and returns to the page that asked for it; allauth's
URL names still reverse to these addresses.
"""

from django.urls import path

from apps.accounts import views

urlpatterns = [
    path("2fa/totp/activate/", views.activate_totp),
    path("2fa/recovery-codes/", views.view_recovery_codes),
    path("session/", views.session_status, name="session_status"),
    path("session/keep-alive/", views.keep_alive, name="session_keep_alive"),
]
