from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    """Hiring organisations, their members and SME claims: shared by employers, cases and reviewers."""

    name = "apps.organisations"
    label = "organisations"
    verbose_name = _("Organisations")
