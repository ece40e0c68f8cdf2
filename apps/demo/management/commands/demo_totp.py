"""Print the current two-factor code of a demo login, as an authenticator app would show it.

For the demo only: refused for any address outside the demo domain (apps.demo.ministry), so it
cannot read a real person's authenticator. A code works once (allauth refuses a reused one), so to
sign in again within the same 30 seconds, wait for the next code.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.models import User
from apps.accounts.totp import seconds_left, totp_code, totp_secret
from apps.demo.ministry import DEMO_DOMAIN, is_demo_email


class Command(BaseCommand):
    help = f"Print the current TOTP code of a demo login (…@{DEMO_DOMAIN} only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        email: str = options["email"]
        if not is_demo_email(email):
            raise CommandError(f"Only for demo logins (…@{DEMO_DOMAIN}).")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No demo login {email}: run `manage.py load_demo` first.")
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError(f"{email} has no authenticator yet: sign in and set one up first.")
        now = time.time()
        self.stdout.write(totp_code(totp_secret(authenticator), now))
        self.stderr.write(f"valid for {seconds_left(now)} more seconds; each code works once")
