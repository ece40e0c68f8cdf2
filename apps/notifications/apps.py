from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from apps.accounts.signals import repeated_sign_in_failures
        from apps.core.ops import metrics
        from apps.notifications import reminders  # noqa: F401  (registers its check before sending)
        from apps.notifications.metrics import service_gauges
        from apps.notifications.security import on_repeated_sign_in_failures

        metrics.register_gauges(service_gauges)
        repeated_sign_in_failures.connect(
            on_repeated_sign_in_failures, dispatch_uid="notifications.repeated_sign_in_failures"
        )
