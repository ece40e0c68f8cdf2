"""The roles of policy.md section 5, held as Django groups so an administrator can grant them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    EMPLOYER = "employer", _("Employer member")
    REVIEWER = "reviewer", _("Reviewer")
    SUPERVISOR = "supervisor", _("Supervisor")
    PROGRAMME_OFFICER = "programme_officer", _("Programme officer")
    POLICY_ADMINISTRATOR = "policy_administrator", _("Policy administrator")


MINISTRY_ROLES = frozenset({Role.REVIEWER, Role.SUPERVISOR, Role.POLICY_ADMINISTRATOR})
