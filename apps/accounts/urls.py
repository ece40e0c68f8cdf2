"""Account URLs of our own, included under /accounts/ *before* allauth's (config/urls.py).

Two of allauth's MFA pages are replaced at the same addresses by subclasses (apps.accounts.views)
so two-factor set-up counts for the session and returns to the page that asked for it; allauth's
URL names still reverse to these addresses (and the set-up page now asks staff for an enrolment
grant). allauth's e-mail addresses page is wrapped the same way, closed to staff. The staff
enrolment link (apps.accounts.enrolment) is ours alone.
"""

from django.urls import path

from apps.accounts import views

urlpatterns = [
    path("2fa/totp/activate/", views.activate_totp),
    path("2fa/recovery-codes/", views.view_recovery_codes),
    path("2fa/enrol/<str:token>/", views.enrolment_link, name="staff_enrolment"),
    path("email/", views.email_addresses),  # allauth's, closed to staff (their link goes there)
    path("session/", views.session_status, name="session_status"),
    path("session/keep-alive/", views.keep_alive, name="session_keep_alive"),
]
