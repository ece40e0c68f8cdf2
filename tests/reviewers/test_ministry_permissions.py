"""Every URL of the "ministry" namespace against every persona, by GET and by POST.

The URLs are read from the resolver, so a page added later is checked without anyone listing it;
ministry pages that live outside the namespace are listed in ELSEWHERE with their level (the
supervisors' publish page of the public statistics):

- anonymous visitors, applicants, employer members (of the case's own sponsor), programme
  officers and policy administrators get 404: outsiders never learn what is there;
- a reviewer without the second factor in this session is sent to set it up or to confirm it
  (302), never shown the page;
- a reviewer with it is let in (anything but 404) except on supervisor pages (404);
- a supervisor with it is let in everywhere.

Each URL of the namespace must be wrapped by apps.reviewers.access (``ministry_required`` or
``supervisor_required``); which one is read from the wrapper itself, so the reviewer's expectation
follows the code. URL
arguments are filled from a small world (a case in review with a document, a note, an answered
information request and a confirmed SME sponsor): ``reference`` is the case's, ids name their
object (``document_id``, ``claim_id``, ...), anything else gets a value from PLAUSIBLE.
Each request runs in a savepoint that is rolled back, so one persona's POST cannot change what the
next one sees.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import (
    Case,
    CaseDocument,
    CaseNote,
    CaseStatus,
    InformationRequest,
    SponsorshipStatus,
    Track,
)
from apps.organisations.models import MemberRole, Organisation, OwnershipClaim, SmeClaim
from apps.programmes.services import programme_officer_appoint
from apps.reviewers import access
from apps.rubric.models import GovernmentProgramme
from tests.factories import (
    PDF_BYTES,
    MembershipFactory,
    OwnershipClaimFactory,
    SmeClaimFactory,
    SponsorshipFactory,
    UserFactory,
)
from tests.ministry import policy_administrator, reviewer, sign_in, submitted_case, supervisor

pytestmark = pytest.mark.django_db

NAMESPACE = "ministry"
SECOND_FACTOR_PAGES = {"mfa_activate_totp", "mfa_reauthenticate", "account_reauthenticate"}
# URL arguments that are neither a case reference nor an object id: a value each page accepts.
PLAUSIBLE: dict[str, str] = {"chart": "queue", "format": "csv", "kind": "passport", "track": "quantitative"}
# An id argument names its object: the first keyword found in the argument's name wins.
OBJECT_FOR_ID = [
    ("ownership", "ownership_claim"),
    ("claim", "claim"),
    ("document", "document"),
    ("note", "note"),
    ("request", "information_request"),
    ("organisation", "organisation"),
    ("reviewer", "reviewer"),
    ("assignee", "reviewer"),
    ("user", "reviewer"),
    ("case", "case"),
]


# --- The URLs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MinistryUrl:
    namespace: str  # "ministry", or "ministry:nested" for a nested include
    name: str | None
    route: tuple[Any, ...]  # the patterns from the root to this one
    callback: Callable[..., Any]
    stated_level: str | None = None  # a page outside the namespace: its level, as ELSEWHERE says

    @property
    def level(self) -> str | None:
        return self.stated_level or access_level(self.callback)

    @property
    def id(self) -> str:
        return self.name or "".join(str(part) for part in self.route)

    def arguments(self) -> dict[str, Any]:
        """Argument name -> converter (None for a regular-expression group)."""
        found: dict[str, Any] = {}
        for part in self.route:
            if isinstance(part, RoutePattern):
                found.update(part.converters)
            else:
                found.update(dict.fromkeys(part.regex.groupindex))
        return found


def ministry_urls() -> list[MinistryUrl]:
    found: list[MinistryUrl] = []

    def walk(patterns: list[Any], route: tuple[Any, ...], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, (*route, pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and namespace and namespace.split(":")[0] == NAMESPACE:
                found.append(
                    MinistryUrl(namespace, pattern.name, (*route, pattern.pattern), pattern.callback)
                )

    walk(get_resolver().url_patterns, (), None)
    return found


URLS = ministry_urls()

# Ministry pages outside the namespace, each checked by the view itself, with the level it promises.
ELSEWHERE: dict[str, str] = {"statistics:publish": "supervisor"}


def elsewhere_urls() -> list[MinistryUrl]:
    found = []
    for name, level in ELSEWHERE.items():
        match = resolve(reverse(name))
        namespace, _, short = name.rpartition(":")
        found.append(MinistryUrl(namespace, short, (), match.func, stated_level=level))  # no arguments
    return found


CHECKED = URLS + elsewhere_urls()


def _probe(request: Any) -> Any:
    return None


# Every wrapper made by one decorator shares that decorator's code object, whatever it wraps.
_ACCESS_CODE = {
    access.ministry_required(_probe).__code__: "ministry",
    access.supervisor_required(_probe).__code__: "supervisor",
}


def access_level(callback: Callable[..., Any]) -> str | None:
    """ "ministry" or "supervisor" from the access wrapper on the view (under any other decorators,
    which keep ``__wrapped__``), or None when the view is not wrapped by apps.reviewers.access."""
    func: Any = callback
    for _depth in range(20):
        if func is None:
            return None
        marker = func.__dict__.get("ministry_access") if hasattr(func, "__dict__") else None
        if marker in {"ministry", "supervisor"}:
            return str(marker)
        level = _ACCESS_CODE.get(getattr(func, "__code__", None))
        if level:
            return level
        func = getattr(func, "__wrapped__", None)
    return None


# --- The world -----------------------------------------------------------------------------------


@dataclass
class World:
    case: Case
    document: CaseDocument
    note: CaseNote
    information_request: InformationRequest
    organisation: Organisation
    claim: SmeClaim
    ownership_claim: OwnershipClaim
    reviewer: User
    reviewer_without_second_factor: User
    supervisor: User
    supervisor_without_second_factor: User
    applicant: User
    employer: User
    officer: User
    policy_administrator: User


@pytest.fixture
def world() -> World:
    the_reviewer = reviewer()
    case = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=the_reviewer, track=Track.QUALITATIVE)
    employer = UserFactory(role=Role.EMPLOYER)
    membership = MembershipFactory(user=employer, role=MemberRole.ADMIN)
    organisation = membership.organisation
    claim = SmeClaimFactory(organisation=organisation, submitted_by=employer)
    ownership_claim = OwnershipClaimFactory(organisation=organisation, submitted_by=UserFactory())
    SponsorshipFactory(
        organisation=organisation,
        case=case,
        created_by=employer,
        candidate_email=case.applicant.email,
        status=SponsorshipStatus.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    now = timezone.now()
    document = CaseDocument.objects.create(
        case=case,
        kind="passport",
        file=SimpleUploadedFile("passport.pdf", PDF_BYTES, content_type="application/pdf"),
        original_name="passport.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=case.applicant,
        uploaded_at=now,
    )
    note = CaseNote.objects.create(
        case=case, author=the_reviewer, text="Checked the passport.", created_at=now
    )
    answered = InformationRequest.objects.create(
        case=case,
        addressee=InformationRequest.Addressee.APPLICANT,
        message="Please send the signed certificate.",
        needed="A signed employment certificate.",
        respond_by=timezone.localdate() + dt.timedelta(days=7),
        requested_by=the_reviewer,
        requested_at=now - dt.timedelta(days=2),
        response_text="Attached.",
        responded_by=case.applicant,
        responded_at=now - dt.timedelta(days=1),
    )
    officer = UserFactory()
    programme_officer_appoint(user=officer, programme=GovernmentProgramme.objects.get(code="KASA"))
    return World(
        case=case,
        document=document,
        note=note,
        information_request=answered,
        organisation=organisation,
        claim=claim,
        ownership_claim=ownership_claim,
        reviewer=the_reviewer,
        reviewer_without_second_factor=reviewer(),
        supervisor=supervisor(),
        supervisor_without_second_factor=supervisor(),
        applicant=case.applicant,
        employer=employer,
        officer=officer,
        policy_administrator=policy_administrator(),
    )


def argument_value(name: str, converter: Any, world: World) -> Any:
    lowered = name.lower()
    if lowered in PLAUSIBLE:
        return PLAUSIBLE[lowered]
    if "reference" in lowered:
        return world.case.reference
    if isinstance(converter, UUIDConverter):
        return uuid.uuid4()
    if isinstance(converter, IntConverter) or lowered == "pk" or lowered.endswith(("_id", "_pk")):
        for keyword, attribute in OBJECT_FOR_ID:
            if keyword in lowered:
                return getattr(world, attribute).pk
        return world.case.pk
    return "x"


def url_for(entry: MinistryUrl, world: World) -> str:
    kwargs = {name: argument_value(name, conv, world) for name, conv in entry.arguments().items()}
    if entry.name:
        return reverse(f"{entry.namespace}:{entry.name}", kwargs=kwargs)
    path = ""
    for part in entry.route:  # an unnamed path(): fill its <converter:name> placeholders
        assert isinstance(part, RoutePattern), f"name the regular-expression URL {entry.id}"
        text = str(part)
        for name, value in kwargs.items():
            for converter in ("", "str:", "int:", "slug:", "uuid:", "path:"):
                text = text.replace(f"<{converter}{name}>", str(value))
        path += text
    return "/" + path.lstrip("/")


def second_factor_page(url: str) -> bool:
    return urlsplit(url).path in {reverse(name) for name in SECOND_FACTOR_PAGES}


def fetch(client: Client, method: str, url: str) -> Any:
    """One request in a savepoint that is rolled back: no persona's POST changes the world."""
    with transaction.atomic():
        response = client.get(url) if method == "get" else client.post(url, {})
        transaction.set_rollback(True)
    return response


def clients(world: World) -> Iterator[tuple[str, Client]]:
    yield "anonymous", Client()
    for persona in ("applicant", "employer", "officer"):
        client = Client()
        client.force_login(getattr(world, persona))
        yield persona, client
    # A policy administrator holds a second factor (ministry staff too), yet is no reviewer.
    yield "policy administrator", sign_in(Client(), world.policy_administrator)


# --- The tests -----------------------------------------------------------------------------------


def test_the_ministry_namespace_has_urls():
    assert len(URLS) >= 1, "no URL found in the 'ministry' namespace: the matrix would check nothing"
    assert any(entry.name == "case" for entry in URLS)


def test_the_wrapper_check_tells_the_two_access_levels_and_a_bare_view_apart():
    from django.views.decorators.http import require_POST

    def view(request: Any) -> Any:
        return None

    assert access_level(view) is None
    assert access_level(require_POST(view)) is None
    assert access_level(require_POST(access.ministry_required(view))) == "ministry"
    assert access_level(access.supervisor_required(require_POST(view))) == "supervisor"


@pytest.mark.parametrize("entry", URLS, ids=[entry.id for entry in URLS])
def test_every_ministry_view_is_wrapped_by_the_access_check(entry):
    assert access_level(entry.callback) is not None, (
        f"{entry.id}: wrap the view with apps.reviewers.access.ministry_required or supervisor_required "
        "(a class-based view: wrap its as_view() in the URLconf, not its dispatch)"
    )


def test_the_pages_elsewhere_are_found_and_not_also_in_the_namespace():
    assert [entry.id for entry in elsewhere_urls()] == ["publish"]
    assert elsewhere_urls()[0].level == "supervisor"
    assert url_for(elsewhere_urls()[0], None) == "/statistics/publish/"  # type: ignore[arg-type]
    assert not {entry.callback for entry in elsewhere_urls()} & {entry.callback for entry in URLS}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("entry", CHECKED, ids=[entry.id for entry in CHECKED])
def test_ministry_urls_for_every_persona(world, entry, method):
    url = url_for(entry, world)
    level = entry.level

    for persona, client in clients(world):
        status = fetch(client, method, url).status_code
        assert status == 404, f"{persona} {method.upper()} {url}: {status}, expected 404"

    # Without the second factor: sent to set it up, never in. A reviewer is not told that a
    # supervisor page exists; a supervisor without the second factor is sent to set it up there too.
    without = (
        world.supervisor_without_second_factor
        if level == "supervisor"
        else world.reviewer_without_second_factor
    )
    response = fetch(sign_in(Client(), without, two_factor=False), method, url)
    assert response.status_code == 302, (
        f"{without} without 2FA {method.upper()} {url}: {response.status_code}"
    )
    assert second_factor_page(response.url), f"{url} sent to {response.url}"
    if level == "supervisor":
        status = fetch(sign_in(Client(), world.reviewer_without_second_factor, two_factor=False), method, url)
        assert status.status_code == 404, f"reviewer without 2FA {method.upper()} supervisor page {url}"

    status = fetch(sign_in(Client(), world.reviewer), method, url).status_code
    if level == "supervisor":
        assert status == 404, f"reviewer {method.upper()} supervisor page {url}: {status}, expected 404"
    else:
        assert status != 404, (
            f"reviewer {method.upper()} {url}: 404 (if an argument's value is wrong, add it to PLAUSIBLE)"
        )

    status = fetch(sign_in(Client(), world.supervisor), method, url).status_code
    assert status != 404, (
        f"supervisor {method.upper()} {url}: 404 (if an argument's value is wrong, see PLAUSIBLE)"
    )


def test_staff_with_an_authenticator_who_signed_in_without_it_are_never_shown_a_ministry_page(world):
    """Sent to confirm with a code, not in (a session from before the authenticator existed)."""
    TOTP.activate(world.supervisor_without_second_factor, generate_totp_secret())
    client = sign_in(Client(), world.supervisor_without_second_factor, two_factor=False)
    for entry in CHECKED:
        url = url_for(entry, world)
        for method in ("get", "post"):
            response = fetch(client, method, url)
            assert response.status_code == 302, (method, url, response.status_code)
            assert second_factor_page(response.url), (method, url, response.url)
