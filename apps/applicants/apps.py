from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicantsConfig(AppConfig):
    name = "apps.applicants"
    label = "applicants"
    verbose_name = _("Applicants")

    def ready(self) -> None:
        # drf-spectacular finds schema extensions by subclass registration: import them once.
        from apps.applicants.api import schema  # noqa: F401
