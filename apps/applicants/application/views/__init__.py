"""The applicant's pages under /apply/: applications, the profile, the wizard, evidence, submission,
the status page and withdrawal.

Thin views: a form validates, a service in ``apps.applicants.services`` / ``apps.cases.services``
acts, and the view redirects with a message; reads come from ``apps.applicants.selectors``. Every
case is fetched through ``get_case_for_applicant``: another person's case is a 404, the same as one
that does not exist.

- ``start``: my applications, starting one
- ``profile``: the profile page (and the forms the wizard's profile step shares)
- ``wizard``: the wizard's entry point and its steps; ``steps``: the step list and moving between steps
- ``sponsorship``: confirming an employer's sponsorship
- ``evidence``: uploading, replacing, removing and downloading documents
- ``submission``: the submit page
- ``case_status``: the status page, answering a request for information, withdrawing
- ``contexts``: context shared by several pages; ``common``: small helpers
"""

from apps.applicants.application.views.case_status import inquire, respond, status, withdraw
from apps.applicants.application.views.evidence import (
    document_download,
    document_remove_view,
    document_upload,
)
from apps.applicants.application.views.profile import profile_edit
from apps.applicants.application.views.sponsorship import sponsorship_confirm_view
from apps.applicants.application.views.start import application_list, application_start_view
from apps.applicants.application.views.submission import submit
from apps.applicants.application.views.wizard import wizard, wizard_step

# Re-exported for the URLconf's readability.
__all__ = [
    "application_list",
    "application_start_view",
    "document_download",
    "document_remove_view",
    "document_upload",
    "inquire",
    "profile_edit",
    "respond",
    "sponsorship_confirm_view",
    "status",
    "submit",
    "withdraw",
    "wizard",
    "wizard_step",
]
