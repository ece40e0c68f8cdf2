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

from apps.accounts.enrolment import grant_issue, send_link
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
        print_link: bool = options["print_link"]
        try:
            # With --print-link the link is printed before any e-mail is tried, so a server whose
            # e-mail does not work yet (the first administrator's) still gets its link.
            issued = grant_issue(
                user=user,
                by=None,
                via=EnrolmentGrant.Channel.COMMAND,
                by_name=operator_name(),
                send=not print_link,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except OSError as error:  # SMTP failed (smtplib's errors are OSErrors): rolled back, nothing changed
            raise CommandError(
                f"Could not e-mail {user.email} ({error}); nothing was issued. "
                "Use --print-link to hand the link over yourself."
            ) from error
        until = f"{timezone.localtime(issued.grant.expires_at):%Y-%m-%d %H:%M %Z}"
        if not print_link:
            self.stdout.write(f"Enrolment link e-mailed to {user.email}, valid until {until}.")
            return
        self.stdout.write(f"Enrolment link for {user.email}, valid until {until}:")
        self.stdout.write(issued.link)
        try:
            send_link(issued)
        except OSError as error:  # the link above is valid all the same
            self.stderr.write(f"It could not be e-mailed ({error}): hand it over yourself.")
        else:
            self.stdout.write(f"Also e-mailed to {user.email}.")
