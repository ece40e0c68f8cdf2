from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Small shared utilities with no models: every other app may use them."""

    name = "apps.core"
    label = "core"

    def ready(self) -> None:
        from apps.core.ops import checks, metrics

        metrics.connect_celery_signals()
        checks.register()
