from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Small shared utilities with no models: every other app may use them."""

    name = "apps.core"
    label = "core"
