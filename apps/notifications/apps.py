from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from apps.core.ops import metrics
        from apps.notifications.metrics import service_gauges

        metrics.register_gauges(service_gauges)
