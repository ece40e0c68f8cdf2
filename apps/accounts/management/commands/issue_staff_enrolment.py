"""E-mail a staff member a single-use link to set up their authenticator (decision 7).

    manage.py issue_staff_enrolment reviewer@motie.go.kr [--print-link]

For the first administrator of a fresh installation (``createsuperuser``), and for anyone who lost
their authenticator (delete it in the admin first). Whoever runs this has the server's shell, so the
grant is recorded as issued through the command line by that system user. ``--print-link`` also
prints the link, for an installation whose e-mail is not set up yet: it gives the operator nothing
they could not do already with shell access.
"""

from __future__ import annotations

import getpass
import socket
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.accounts.enrolment import grant_issue
from apps.accounts.models import EnrolmentGrant, User


def operator_name() -> str:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        who = "unknown"
    return f"{who}@{socket.gethostname()} (manage.py)"


class Command(BaseCommand):
    help = "E-mail a staff member a single-use link to set up their two-factor authenticator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--print-link", action="store_true", help="also print the link (when e-mail is not set up yet)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email: str = options["email"]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account {email}.")
        try:
            issued = grant_issue(
                user=user, by=None, via=EnrolmentGrant.Channel.COMMAND, by_name=operator_name()
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Enrolment link e-mailed to {user.email}, valid until {timezone.localtime(issued.grant.expires_at):%Y-%m-%d %H:%M %Z}."
        )
        if options["print_link"]:
            self.stdout.write(issued.link)
