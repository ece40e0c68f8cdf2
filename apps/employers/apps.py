from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    """The employer pages: organisations, members, SME claims and sponsorships of named candidates."""

    name = "apps.employers"
    label = "employers"
    verbose_name = _("Employers")
