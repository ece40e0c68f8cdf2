"""Every ministry page lives under /ministry/ in the "ministry" namespace.

Each view is wrapped by apps.reviewers.access (404 for non-staff, second factor required);
tests/reviewers/test_ministry_permissions.py walks this namespace and checks every URL.
"""

from apps.reviewers import urls_dashboard, urls_organisations, urls_preferences, urls_queue, urls_workspace

app_name = "ministry"

urlpatterns = [
    *urls_queue.urlpatterns,
    *urls_workspace.urlpatterns,
    *urls_dashboard.urlpatterns,
    *urls_preferences.urlpatterns,
    *urls_organisations.urlpatterns,
]
