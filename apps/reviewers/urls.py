"""Every ministry page lives under /ministry/ in the "ministry" namespace.

Each view is wrapped by apps.reviewers.access (404 for non-staff, second factor required);
tests/reviewers/test_ministry_permissions.py walks this namespace and checks every URL.
"""

from apps.reviewers.dashboard import urls as dashboard
from apps.reviewers.organisations import urls as organisations
from apps.reviewers.preferences import urls as preferences
from apps.reviewers.queue import urls as queue
from apps.reviewers.workspace import urls as workspace

app_name = "ministry"

urlpatterns = [
    *queue.urlpatterns,
    *workspace.urlpatterns,
    *dashboard.urlpatterns,
    *preferences.urlpatterns,
    *organisations.urlpatterns,
]
