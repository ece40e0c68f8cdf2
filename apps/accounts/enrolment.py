"""Staff two-factor enrolment grants (decision 7): who may set up an authenticator on a staff account.

A staff account (apps.accounts.mfa.is_two_factor_staff) sets up its authenticator only after its
owner, signed in, follows a single-use link someone else issued: a site administrator (the users
admin's action, ``manage.py issue_staff_enrolment``). The link goes to the account's
e-mail address, so a stolen password alone can no longer enrol the thief's phone.

``grant_issue`` makes the grant (revoking any earlier one not yet used for enrolment) and e-mails
the link; ``grant_for_link`` reads it for the link's page; ``grant_claim`` marks it used and lets
this session set up an authenticator; ``enrolment_allowed`` is what the set-up page checks, and
``grant_complete`` closes the grant in the same transaction that adds the authenticator.
Applicants and employers are not concerned: they still set up two-factor on their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.mfa import has_totp, is_two_factor_staff
from apps.accounts.models import EnrolmentGrant, User

logger = logging.getLogger(__name__)

# The grant this session may enrol with (its id), set when the person follows their link.
GRANT_SESSION_KEY = "accounts.enrolment_grant"
LINK_URL_NAME = "staff_enrolment"


@dataclass(frozen=True)
class IssuedGrant:
    grant: EnrolmentGrant
    link: str  # the only place the token exists: it goes into the e-mail and is never stored


def token_hash(token: str) -> str:
    # A plain hash is enough: the token is 256 random bits, so there is nothing to guess from it.
    return hashlib.sha256(token.encode()).hexdigest()


def grant_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.STAFF_ENROLMENT_GRANT_HOURS)


def link_for(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(LINK_URL_NAME, kwargs={"token": token})


def _check_can_issue(user: User, by: User | None) -> None:
    if not user.is_active:
        raise ValidationError(_("%(email)s is not an active account.") % {"email": user.email})
    if not is_two_factor_staff(user):
        raise ValidationError(
            _("%(email)s is not a staff account: they set up two-factor themselves.") % {"email": user.email}
        )
    if has_totp(user):
        raise ValidationError(
            _(
                "%(email)s already has an authenticator. If they lost it, delete it "
                "(admin, MFA authenticators) and issue a new enrolment link."
            )
            % {"email": user.email}
        )
    if by is not None and by.pk == user.pk:
        raise ValidationError(_("An enrolment link must be issued by someone else."))


def grant_issue(
    *, user: User, by: User | None, via: str, by_name: str = "", send: bool = True
) -> IssuedGrant:
    """Issue a grant for ``user`` and e-mail its link; ``by`` None only from the command line.

    The e-mail is sent inside the transaction: if it cannot be sent, nothing changes (the person's
    earlier link is not revoked for a new one that reaches nobody) and the error propagates. With
    ``send=False`` the caller hands the link over itself (``manage.py issue_staff_enrolment
    --print-link`` on a server whose e-mail is not set up yet) and may then try ``send_link``.

    Raises ValidationError for an inactive or non-staff account, one that already has an
    authenticator, or a person issuing their own grant (the point is that someone else vouches).
    """
    _check_can_issue(user, by)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        EnrolmentGrant.objects.filter(user=user, enrolled_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        grant = EnrolmentGrant.objects.create(
            user=user,
            token_hash=token_hash(token),
            issued_by=by,
            issued_by_name=by_name or (by.email if by else ""),
            issued_via=via,
            issued_at=now,
            expires_at=now + grant_lifetime(),
        )
        issued = IssuedGrant(grant=grant, link=link_for(token))
        if send:
            send_link(issued)
    logger.info(
        "two-factor enrolment grant %s issued for %s by %s via %s",
        grant.pk,
        user.email,
        grant.issued_by_name,
        via,
    )
    return issued


def send_link(issued: IssuedGrant) -> None:
    """E-mail the link in the recipient's language. A failure propagates: the issuer must know."""
    grant = issued.grant
    with translation.override(grant.user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "user": grant.user,
            "link": issued.link,
            "hours": settings.STAFF_ENROLMENT_GRANT_HOURS,
            "issuer": (grant.issued_by.full_name or grant.issued_by.email) if grant.issued_by else "",
        }
        subject = render_to_string("accounts/emails/enrolment_subject.txt", context)
        body = render_to_string("accounts/emails/enrolment_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [grant.user.email])


def grant_for_link(*, token: str, user: User, now: dt.datetime | None = None) -> EnrolmentGrant | None:
    """The usable grant behind this link for ``user``, else None (unknown, someone else's, used,
    revoked or expired: all alike, so the page reveals nothing about other people's links)."""
    return (
        EnrolmentGrant.objects.filter(
            token_hash=token_hash(token),
            user=user,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )
        .select_related("issued_by")
        .first()
    )


def grant_claim(*, request: HttpRequest, token: str, user: User) -> EnrolmentGrant | None:
    """Use the link: once only (compare-and-set), and only by its own signed-in person.

    The permission to enrol then lives in this session: the set-up happens in the same sitting.
    """
    grant = grant_for_link(token=token, user=user)
    if grant is None:
        return None
    now = timezone.now()
    claimed = EnrolmentGrant.objects.filter(
        pk=grant.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not claimed:
        return None  # used in another tab a moment ago, or revoked meanwhile
    request.session[GRANT_SESSION_KEY] = grant.pk
    logger.info("two-factor enrolment grant %s used by %s", grant.pk, user.email)
    return grant


def _claimed_grant(request: HttpRequest, user: User) -> EnrolmentGrant | None:
    grant_id = request.session.get(GRANT_SESSION_KEY)
    if not isinstance(grant_id, int):
        return None
    return EnrolmentGrant.objects.filter(
        pk=grant_id,
        user=user,
        used_at__isnull=False,
        enrolled_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()


def needs_grant(user: User) -> bool:
    return is_two_factor_staff(user)


def enrolment_allowed(request: HttpRequest, user: User) -> bool:
    """May this session add an authenticator to ``user``? Always for non-staff; staff need a grant."""
    return not needs_grant(user) or _claimed_grant(request, user) is not None


def grant_complete(*, request: HttpRequest, user: User) -> bool:
    """Close this session's grant as the authenticator is added; call inside that transaction.

    False when there is none to close (not claimed in this session, expired, revoked, or already
    used for an enrolment): the set-up must then be refused.
    """
    grant = _claimed_grant(request, user)
    if grant is None:
        return False
    closed = EnrolmentGrant.objects.filter(
        pk=grant.pk, enrolled_at__isnull=True, revoked_at__isnull=True
    ).update(enrolled_at=timezone.now())
    if closed:
        # The session keeps the grant's id until the caller's transaction has committed
        # (``forget_claim``): if adding the authenticator fails, the person can simply try again.
        logger.info("two-factor enrolment grant %s closed: %s set up an authenticator", grant.pk, user.email)
    return bool(closed)


def forget_claim(request: HttpRequest) -> None:
    request.session.pop(GRANT_SESSION_KEY, None)
