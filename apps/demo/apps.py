from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`. A composition root like config/: never imported by other apps."""

    name = "apps.demo"
    label = "demo"
    verbose_name = "Demo data"
