from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.account.signals import password_reset

        password_reset.connect(_clear_sign_in_throttle, dispatch_uid="accounts.clear_sign_in_throttle")


def _clear_sign_in_throttle(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A password reset (the mailbox was shown) lifts the throttle for the account and this address."""
    from allauth.account.adapter import get_adapter

    from apps.accounts import throttle

    throttle.clear_for(request, login=user.email, client_ip=get_adapter().get_client_ip(request))
