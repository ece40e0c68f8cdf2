from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Small shared utilities with no models: every other app may use them."""

    name = "apps.core"
    label = "core"

    def ready(self) -> None:
        from apps.core import links
        from apps.core.ops import checks, metrics

        metrics.connect_celery_signals()
        checks.register()
        links.discover()  # each role app's links.py registers the pages others link to
