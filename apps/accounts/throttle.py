"""Wrong passwords are throttled by account and source together (issue 13, decision 31).

allauth counted failures per e-mail address: five wrong passwords from anywhere blocked the right
one from everywhere for five minutes, so anyone who knew a reviewer's address could lock them out.
Following OWASP's advice, the counters are now (all in the cache, through allauth's public rate
limiter, so they are shared by every web process and per process while Redis is down, decision 14):

``login_failed`` (``RATE_LIMIT_LOGIN_FAILED``, ``10/m/ip,5/5m/key``)
    per client address across accounts, and per *account and address together* (the key): an
    address that fails five times on an account waits five minutes, for that account; the owner
    signing in from another address is not affected.
``login_failed_account`` (``RATE_LIMIT_LOGIN_FAILED_ACCOUNT``, ``50/h/key``)
    per account from every address: the ceiling a guesser with many addresses meets. Over it, the
    account is not locked: each address may still try, but only once per
    ``login_failed_strained`` (``RATE_LIMIT_LOGIN_FAILED_STRAINED``, ``1/15m/key``) after a failure
    there. The owner's first attempt from their own address goes through; guessing slows to one
    try per address per quarter of an hour.

Only wrong passwords count (checked before, recorded after: a right password consumes nothing).
When an account has had ``LOGIN_FAILURE_ALERT_AFTER`` wrong passwords within
``LOGIN_FAILURE_ALERT_WINDOW`` seconds (a fixed window: the hour, by default), its holder is told
by e-mail, once per window (``repeated_sign_in_failures``, sent by apps.notifications). Nothing tells the person trying
whether the account exists.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from allauth import app_settings as allauth_settings
from allauth.core import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from apps.accounts.models import User
from apps.accounts.signals import repeated_sign_in_failures

PAIR_ACTION = "login_failed"  # allauth's own action: its per-address rate stays, its key is ours
ACCOUNT_ACTION = "login_failed_account"
STRAINED_ACTION = "login_failed_strained"


@dataclass(frozen=True, slots=True)
class Attempt:
    login: str  # the e-mail address typed, normalised
    source: str  # the client address (an IPv6 address as its /64, as allauth counts it)

    @property
    def pair_key(self) -> str:
        return f"sign-in:{self.login}|{self.source}"

    @property
    def account_key(self) -> str:
        return f"sign-in:{self.login}"


def _network(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
        return str(ipaddress.IPv6Network(f"{parsed}/{prefix}", strict=False).network_address)
    return str(parsed)


def attempt_of(request: HttpRequest, credentials: Mapping[str, Any], client_ip: str) -> Attempt:
    login = str(credentials.get("email") or credentials.get("username") or "")
    return Attempt(login=login.strip().lower(), source=_network(client_ip))


def is_refused(request: HttpRequest, attempt: Attempt) -> bool:
    """Whether this attempt must not even be checked (the counters are only read)."""
    if not ratelimit.consume(request, action=PAIR_ACTION, key=attempt.pair_key, dry_run=True):
        return True
    account_over_ceiling = not ratelimit.consume(
        request, action=ACCOUNT_ACTION, key=attempt.account_key, dry_run=True
    )
    return account_over_ceiling and not ratelimit.consume(
        request, action=STRAINED_ACTION, key=attempt.pair_key, dry_run=True
    )


def record_failure(request: HttpRequest, attempt: Attempt) -> None:
    """Count a wrong password on every counter, and tell the holder when failures repeat."""
    ratelimit.consume(request, action=PAIR_ACTION, key=attempt.pair_key)
    ratelimit.consume(request, action=ACCOUNT_ACTION, key=attempt.account_key)
    ratelimit.consume(request, action=STRAINED_ACTION, key=attempt.pair_key)
    failures, window_start = _count_in_window(attempt)
    if failures == settings.LOGIN_FAILURE_ALERT_AFTER:  # exactly one request sees the count reach it
        _alert(attempt, failures, window_start)


def clear_for(request: HttpRequest, *, login: str, client_ip: str) -> None:
    """After a password reset: this address and the account start afresh (the mailbox was shown)."""
    attempt = Attempt(login=login.strip().lower(), source=_network(client_ip))
    ratelimit.clear(request, action=PAIR_ACTION, key=attempt.pair_key)
    ratelimit.clear(request, action=STRAINED_ACTION, key=attempt.pair_key)
    ratelimit.clear(request, action=ACCOUNT_ACTION, key=attempt.account_key)


def _digest(attempt: Attempt) -> str:
    return hashlib.sha256(attempt.login.encode()).hexdigest()[:32]


def _count_in_window(attempt: Attempt) -> tuple[int, int]:
    """Failures on the account in the current fixed window, and the window's start (epoch seconds)."""
    window = settings.LOGIN_FAILURE_ALERT_WINDOW
    start = int(time.time() // window * window)
    key = f"sign-in-failures:{_digest(attempt)}:{start}"
    cache.add(key, 0, timeout=window + 60)
    try:
        return int(cache.incr(key)), start
    except ValueError:  # gone between the two calls (evicted, or the cache failed over)
        cache.set(key, 1, timeout=window + 60)
        return 1, start


def _alert(attempt: Attempt, failures: int, window_start: int) -> None:
    """Once per window: the count reaches the threshold once (per process during a Redis outage,
    when the message's dedupe key, which names the window, still keeps it to one)."""
    user = User.objects.filter(email__iexact=attempt.login, is_active=True).first()
    if user is None:
        return
    repeated_sign_in_failures.send(
        sender=User, user=user, failures=failures, source=attempt.source, window_start=window_start
    )
