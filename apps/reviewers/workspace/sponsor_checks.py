"""Signals that an applicant and their sponsor may not be independent (decision 45).

Confirming a sponsorship from one's own organisation is refused outright
(apps.cases.sponsorships); these checks are for the reviewer, on every case with a confirmed
sponsorship, and each comes with its reason in words:

- the applicant is or was a member of the sponsor (any time, from the membership history);
- the applicant registered the organisation, or wrote the sponsorship themselves;
- the applicant's e-mail address is one the organisation used (a member's, past or present, or an
  address it invited to join);
- the applicant's e-mail domain is one the organisation's people use, unless it is a public webmail
  domain (apps/organisations/data/public_email_domains.txt);
- the organisation is not verified (registered before the rule, or verified later).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from apps.cases.models import Case, Sponsorship
from apps.organisations.models import Invitation
from apps.organisations.selectors import email_domain, membership_periods, public_email_domains


@dataclass(frozen=True, slots=True)
class SponsorFlag:
    code: str
    reason: str


def _date(value: dt.datetime) -> str:
    return formats.date_format(value, "Y-m-d")


def sponsor_flags(case: Case, sponsorship: Sponsorship | None) -> list[SponsorFlag]:
    if sponsorship is None:
        return []
    organisation = sponsorship.organisation
    applicant = case.applicant
    address = applicant.email.lower()
    domain = email_domain(address)
    flags: list[SponsorFlag] = []
    periods = membership_periods(organisation.pk)
    own = [p for p in periods if p.user_id == applicant.pk]
    for period in own:
        if period.ended_at is None:
            reason = _("The applicant is a member of %(organisation)s (%(role)s since %(start)s).")
        else:
            reason = _("The applicant was a member of %(organisation)s (%(role)s from %(start)s to %(end)s).")
        flags.append(
            SponsorFlag(
                "membership",
                reason
                % {
                    "organisation": organisation.name,
                    "role": period.get_role_display(),
                    "start": _date(period.started_at),
                    "end": _date(period.ended_at) if period.ended_at else "",
                },
            )
        )
    if not own and organisation.memberships.filter(user=applicant).exists():  # no history kept for it
        flags.append(
            SponsorFlag(
                "membership",
                _("The applicant is a member of %(organisation)s.") % {"organisation": organisation.name},
            )
        )
    if organisation.created_by_id == applicant.pk:
        flags.append(
            SponsorFlag(
                "registered",
                _("The applicant registered %(organisation)s.") % {"organisation": organisation.name},
            )
        )
    if sponsorship.created_by_id == applicant.pk:
        flags.append(SponsorFlag("author", _("The applicant wrote this sponsorship themselves.")))
    invited = (
        Invitation.objects.filter(organisation=organisation, email__iexact=address)
        .order_by("created_at")
        .first()
    )
    if invited is not None:
        flags.append(
            SponsorFlag(
                "same_email",
                _("%(organisation)s invited the applicant's e-mail address %(email)s to join it on %(date)s.")
                % {"organisation": organisation.name, "email": address, "date": _date(invited.created_at)},
            )
        )
    if domain and domain not in public_email_domains():
        people = {p.user.email.lower() for p in periods if p.user_id != applicant.pk}
        people |= {m.user.email.lower() for m in organisation.memberships.select_related("user")}
        people.discard(address)
        same = sorted(email for email in people if email_domain(email) == domain)
        if same:
            flags.append(
                SponsorFlag(
                    "same_domain",
                    _(
                        "The applicant's e-mail domain %(domain)s is also that of %(people)s, who act or acted "
                        "for %(organisation)s."
                    )
                    % {"domain": domain, "people": ", ".join(same), "organisation": organisation.name},
                )
            )
    if not organisation.is_verified:
        flags.append(
            SponsorFlag(
                "unverified",
                _(
                    "%(organisation)s is not verified: no reviewer has checked its business registration certificate."
                )
                % {"organisation": organisation.name},
            )
        )
    return flags
