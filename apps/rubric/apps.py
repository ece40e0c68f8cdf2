from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RubricConfig(AppConfig):
    name = "apps.rubric"
    label = "rubric"
    verbose_name = _("Rubric and reference data")
