"""Sign ministry staff out after a period without activity (SESSION_IDLE_TIMEOUT, 30 minutes).

Who is watched (settings.SESSION_IDLE_SCOPE, "staff" by default): a session becomes watched the
first time it opens a ministry page (the access check has just loaded the person's ministry roles,
so this costs no query) and site staff (``is_staff``) are watched from the start; a reviewer who
signed in but has opened nothing of the ministry's yet has nothing on screen to protect.
Applicants and employers are not watched: see the comment at SESSION_IDLE_TIMEOUT in the settings.
With "everyone", every signed-in session is.

The time of the last activity lives in the cache (Redis), keyed by the session, not in the session
itself: the session is a database row, and writing it on every request would add a write (and a
query) to every page. The session holds one thing, written once when it becomes watched: that it
is watched (under which session key). So a record lost from the cache (Redis restarted, flushed or
evicting) signs the person out instead of giving them a fresh 30 minutes: the control fails closed.

While the cache cannot be reached or refuses writes (decision 14), a watched session keeps its
last activity in the session itself (one database write per request, for the outage only), so
staff who sign in during an outage can work and still time out; a watched session whose record
is in the unreachable cache only is signed out with the same message as a lost record (fail
closed), and sessions nobody watches (applicants, employers) carry on (fail open). When Redis is
back, the later of the two records counts and the session's copy is dropped.

Every request of a watched session counts as activity except requests to
views marked with ``@not_activity`` (the session status the warning script polls) and requests
sent with the header ``X-Session-Passive: 1`` (for automatic refreshes such as htmx polling: a
page that refreshes itself must not keep an unattended session open). The explicit keep-alive
(apps.accounts.views.keep_alive) is an ordinary request, so it counts.

When the time is up, the next request signs the person out and sends them to the login page with
a message, ``next`` being the page they asked for; htmx requests get an HX-Redirect there instead
and JSON requests (the warning script's) a 401 with the login address.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.mfa import path_on_this_site, with_next
from apps.core.cache import SharedCacheUnavailable, get_shared, set_shared

F = TypeVar("F", bound=Callable[..., Any])
PASSIVE_HEADER = "X-Session-Passive"
# In the session: the session key under which it became watched. The key, not True: a login cycles
# the key and keeps the data, and the new key has no record in the cache yet, which is not a loss.
WATCHED_SESSION_KEY = "accounts.idle_watched_under"
# In the session, only while the cache cannot take it: the time of the last activity.
OUTAGE_RECORD_KEY = "accounts.idle_last_activity"


def not_activity(view: F) -> F:
    """Mark a view whose requests do not count as activity (they still end an expired session)."""
    view.session_activity = False  # type: ignore[attr-defined]
    return view


class IdleSession:
    """This request's view of the session's inactivity clock; templates read ``request.session_idle``."""

    def __init__(self, request: HttpRequest, state: dict[str, Any]) -> None:
        self.request = request
        self.state = state
        self.timeout: int = settings.SESSION_IDLE_TIMEOUT
        self.warning: int = settings.SESSION_IDLE_WARNING

    @property
    def watched(self) -> bool:
        return bool(
            self.state.get("watched")
            or settings.SESSION_IDLE_SCOPE == "everyone"
            or getattr(self.request.user, "is_staff", False)
            or getattr(self.request, "ministry_roles", None)  # set by apps.reviewers.access
        )

    @property
    def minutes(self) -> int:
        return max(1, round(self.timeout / 60))

    @property
    def last_activity(self) -> float:
        return float(self.state.get("last", time.time()))

    @property
    def remaining(self) -> int:
        """Whole seconds until the session expires (all of them when this request is activity)."""
        if _counts_as_activity(self.request):
            return self.timeout
        return max(0, int(self.timeout - (time.time() - self.last_activity)))

    @property
    def expired(self) -> bool:
        if self.state.get("watched"):
            return time.time() - self.last_activity >= self.timeout
        return self.record_lost

    @property
    def record_lost(self) -> bool:
        """Watched under this very key, yet the cache has no record of its last activity."""
        session = self.request.session
        return session.session_key is not None and session.get(WATCHED_SESSION_KEY) == session.session_key

    def touch(self) -> None:
        """Record activity now (and that the session is watched): in the cache, or in the session
        while the cache cannot take it."""
        now = time.time()
        self.state = {"watched": True, "last": now}
        session = self.request.session
        try:
            set_shared(_cache_key(self.request), self.state, timeout=settings.SESSION_COOKIE_AGE)
        except SharedCacheUnavailable:
            session[OUTAGE_RECORD_KEY] = now
        else:
            session.pop(OUTAGE_RECORD_KEY, None)  # the cache holds it again
        if session.get(WATCHED_SESSION_KEY) != session.session_key:
            session[WATCHED_SESSION_KEY] = session.session_key  # once per session key


def _cache_key(request: HttpRequest) -> str:
    return f"accounts:idle:{request.session.session_key}"


def read_state(request: HttpRequest) -> dict[str, Any]:
    """The session's inactivity record: the cache's, or the session's own copy kept during an
    outage, whichever is later. An unreachable cache reads as no record (see ``expired``)."""
    try:
        state: dict[str, Any] = get_shared(_cache_key(request)) or {}
    except SharedCacheUnavailable:
        state = {}
    kept = request.session.get(OUTAGE_RECORD_KEY)
    if isinstance(kept, int | float) and float(kept) > float(state.get("last", 0)):
        state = {"watched": True, "last": float(kept)}
    return state


def _counts_as_activity(request: HttpRequest) -> bool:
    if request.headers.get(PASSIVE_HEADER):
        return False
    match = request.resolver_match
    return match is None or getattr(match.func, "session_activity", True)


def login_url() -> str:
    return reverse("account_login")


def signed_out_message(minutes: int) -> str:
    return ngettext(
        "You were signed out after %(minutes)d minute without activity.",
        "You were signed out after %(minutes)d minutes without activity.",
        minutes,
    ) % {"minutes": minutes}


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.SESSION_IDLE_TIMEOUT or not request.user.is_authenticated:
            return self.get_response(request)
        idle = IdleSession(request, read_state(request))
        if idle.expired:
            return self._sign_out(request, idle)
        request.session_idle = idle  # type: ignore[attr-defined]
        response = self.get_response(request)
        # Read after the view: opening a ministry page is what makes a staff session watched.
        if idle.watched and request.user.is_authenticated and _counts_as_activity(request):
            idle.touch()
        return response

    def _sign_out(self, request: HttpRequest, idle: IdleSession) -> HttpResponse:
        cache.delete(_cache_key(request))
        logout(request)  # flushes the session; the message goes to the cookie storage
        if idle.state.get("watched"):
            messages.info(request, signed_out_message(idle.minutes))
        else:  # the record of the last activity was lost: we cannot say how long it was
            messages.info(request, _("For your security, you were signed out. Please sign in again."))
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            here = path_on_this_site(request, request.headers.get("HX-Current-URL"))
            response["HX-Redirect"] = with_next(login_url(), here)
            return response
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"signed_in": False, "login_url": login_url()}, status=401)
        if request.method != "GET":
            return HttpResponseRedirect(login_url())  # a form post cannot be replayed by a GET
        if request.path == login_url():
            return HttpResponseRedirect(request.get_full_path())  # keep its own ``next``, not nest it
        return HttpResponseRedirect(with_next(login_url(), request.get_full_path()))
