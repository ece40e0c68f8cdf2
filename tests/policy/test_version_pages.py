"""The versions pages: list, draft, edit (validated as typed), cases, submit, approve with confirmation,
the self-assessment's compare view showing an approved version before it starts, and the permission
matrix of every URL in the "policy" namespace (404 for every other role)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.formats import date_format

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.demo.policy import TOP_200, seed_top_200_draft
from apps.policy import versions
from apps.policy.models import ChangeReason, ConformanceCase, VersionEvent, VersionEventKind
from apps.rubric.models import RubricVersion, VersionState
from tests.factories import UserFactory
from tests.ministry import policy_administrator, sign_in

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def author() -> User:
    return policy_administrator(full_name="Author Kim")


@pytest.fixture
def approver() -> User:
    return policy_administrator(full_name="Approver Han")


def as_user(user: User) -> Client:
    return sign_in(Client(), user)


def test_the_versions_page_lists_every_version_with_its_state(author: User) -> None:
    seed_top_200_draft(author=author)
    page = as_user(author).get(reverse("policy:versions")).content.decode()
    assert 'data-version="2025-03"' in page
    assert 'data-version="2026-07"' in page
    assert 'data-state="in_force"' in page
    assert 'data-state="ended"' in page
    assert 'data-state="awaiting"' in page


def test_starting_a_draft_from_the_page_opens_its_editor(author: User) -> None:
    client = as_user(author)
    response = client.post(reverse("policy:versions"), {"base": "2026-07", "code": "2027-05", "title": "SME"})
    assert response.status_code == 302
    assert response["Location"] == reverse("policy:edit", args=["2027-05"])
    assert RubricVersion.objects.get(code="2027-05").author == author
    response = client.post(
        reverse("policy:versions"), {"base": "2026-07", "code": "2027-05", "title": "again"}
    )
    assert response.status_code == 400
    assert "exists already" in response.content.decode()


def test_the_document_is_checked_as_it_is_typed_with_path_named_problems(author: User) -> None:
    draft = versions.draft_start(
        base=RubricVersion.objects.get(code="2026-07"), code="2027-05", title="t", by=author
    )
    client = as_user(author)
    config = dict(draft.config, clock={"days": 0, "reminder_days_left": [], "unassigned_alert_days": 1})
    response = client.post(reverse("policy:validate", args=[draft.code]), {"document": json.dumps(config)})
    assert response.status_code == 200
    assert "<strong>clock.days</strong>" in response.content.decode()
    response = client.post(
        reverse("policy:validate", args=[draft.code]), {"document": json.dumps(draft.config)}
    )
    assert 'data-problems="0"' in response.content.decode()
    edit = client.get(reverse("policy:edit", args=[draft.code])).content.decode()
    assert 'hx-post="' + reverse("policy:validate", args=[draft.code]) + '"' in edit


def test_saving_an_invalid_document_keeps_it_as_a_draft_with_its_problems_shown(author: User) -> None:
    draft = versions.draft_start(
        base=RubricVersion.objects.get(code="2026-07"), code="2027-05", title="t", by=author
    )
    client = as_user(author)
    config = dict(
        draft.config, thresholds=[{"code": "pass_mark", "title": {"en": "p", "ko": "p"}, "points": -5}]
    )
    response = client.post(
        reverse("policy:edit", args=[draft.code]), {"form": "document", "document": json.dumps(config)}
    )
    assert response.status_code == 400
    assert "thresholds[0].points" in response.content.decode()
    draft.refresh_from_db()
    assert draft.config["thresholds"][0]["points"] == -5
    assert not draft.published


def test_the_structured_form_keeps_what_was_typed_when_a_value_is_wrong(author: User) -> None:
    draft = versions.draft_start(
        base=RubricVersion.objects.get(code="2026-07"), code="2027-05", title="t", by=author
    )
    client = as_user(author)
    response = client.post(
        reverse("policy:edit", args=[draft.code]),
        {"form": "parameters", "param:bonuses[0].points": "ten", "param:clock.days": "12"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="ten"' in page
    assert 'value="12"' in page
    assert "must be a whole number" in page
    response = client.post(
        reverse("policy:edit", args=[draft.code]), {"form": "parameters", "param:bonuses[0].points": "12"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.config["bonuses"][0]["points"] == 12
    detail = client.get(reverse("policy:version", args=[draft.code])).content.decode()
    assert 'data-path="bonuses[0].points"' in detail
    response = client.post(
        reverse("policy:reason", args=[draft.code]),
        {
            "path": ["clock.days", "bonuses[0].points"],
            "reason": ["", "Draw SMEs in"],
            "reference": ["", "SME Act art. 2"],
        },
    )
    assert response.status_code == 302
    assert ChangeReason.objects.get(version=draft).reason == "Draw SMEs in"
    versions.draft_set_parameters(
        draft=draft, typed={"clock.days": "12", "clock.unassigned_alert_days": "3"}, by=author
    )
    response = client.post(
        reverse("policy:reason", args=[draft.code]),
        {
            "path": ["bonuses[0].points", "clock.days", "clock.unassigned_alert_days"],
            "reason": ["", "", "Faster alerts"],
            "reference": ["", "", ""],
            "all_reason": "Twelve days",
            "all_reference": "Cabinet decision 2026-11",
        },
        follow=True,
    )
    reasons = dict(ChangeReason.objects.filter(version=draft).values_list("path", "reason"))
    assert reasons == {"bonuses[0].points": "Twelve days", "clock.days": "Twelve days"}
    assert "clock.unassigned_alert_days: Give both a reason" in response.content.decode()


def test_cases_are_added_run_and_proposed_from_the_page(author: User) -> None:
    draft = versions.draft_start(
        base=RubricVersion.objects.get(code="2026-07"), code="2027-05", title="t", by=author
    )
    client = as_user(author)
    url = reverse("policy:cases", args=[draft.code])
    response = client.post(
        url,
        {
            "name": "m150",
            "source": "guide 2",
            "profile": '{"degree_level": "master", "institution_rank": 150}',
            "expected": '{"points": {"A1": 20}}',
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-case="m150" data-passed="no"' in page
    assert "expected 20, got 15" in page
    assert "pass_mark: total 70" in page  # a proposed boundary case
    response = client.post(url, {"name": "", "source": "", "profile": "{", "expected": "{}"})
    assert response.status_code == 400
    assert "not valid JSON" in response.content.decode()
    client.post(reverse("policy:accept_proposals", args=[draft.code]), {"name": ["pass_mark: total 70"]})
    assert ConformanceCase.objects.filter(version=draft, boundary=True).count() == 1


def test_submit_is_refused_with_its_reasons_on_the_page(author: User) -> None:
    draft = versions.draft_start(
        base=RubricVersion.objects.get(code="2026-07"), code="2027-05", title="t", by=author
    )
    client = as_user(author)
    response = client.post(reverse("policy:submit", args=[draft.code]), follow=True)
    assert "Add at least one conformance case." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state(TODAY) == VersionState.DRAFT


def test_the_approver_confirms_before_publishing(author: User, approver: User) -> None:
    draft = seed_top_200_draft(author=author)
    author_page = as_user(author).get(reverse("policy:version", args=[TOP_200])).content.decode()
    assert reverse("policy:approve", args=[TOP_200]) not in author_page
    client = as_user(approver)
    page = client.get(reverse("policy:version", args=[TOP_200])).content.decode()
    assert reverse("policy:approve", args=[TOP_200]) in page
    assert 'data-path="tracks.quantitative.eligible_when.any[0].all[1].value"' in page
    assert 'data-passed="yes"' in page
    assert "No simulation of this version yet." in page
    response = client.post(reverse("policy:approve", args=[TOP_200]), {"start": "2027-03-01"})
    assert response.status_code == 200
    assert "ends on" in response.content.decode()
    assert not RubricVersion.objects.get(pk=draft.pk).published  # nothing happens before confirming
    response = client.post(
        reverse("policy:approve", args=[TOP_200]), {"start": "2027-03-01", "confirmed": "yes"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published
    assert draft.effective_from == dt.date(2027, 3, 1)


def test_a_past_date_is_refused_on_the_page_with_its_reason(author: User, approver: User) -> None:
    seed_top_200_draft(author=author)
    response = as_user(approver).post(
        reverse("policy:approve", args=[TOP_200]), {"start": "2026-12-06", "confirmed": "yes"}, follow=True
    )
    assert "in the past" in response.content.decode()
    assert not RubricVersion.objects.get(code=TOP_200).published


def test_send_back_from_the_page(author: User, approver: User) -> None:
    seed_top_200_draft(author=author)
    as_user(approver).post(reverse("policy:send_back", args=[TOP_200]), {"reason": "Cite the article."})
    assert VersionEvent.objects.filter(kind=VersionEventKind.RETURNED, actor=approver).exists()
    page = as_user(author).get(reverse("policy:version", args=[TOP_200])).content.decode()
    assert "Cite the article." in page


def test_the_compare_view_shows_an_approved_version_from_its_start(author: User, approver: User) -> None:
    draft = seed_top_200_draft(author=author)
    versions.draft_approve(draft=draft, by=approver, start=dt.date(2027, 3, 1))
    query = "degree_level=master&institution_rank=150&experience_years=9&offered_salary_krw=90000000"
    page = Client().get(reverse("self_assessment_compare") + "?" + query).content.decode()
    assert f'data-version="{TOP_200}"' in page
    assert f"Rubric version {TOP_200}, from {date_format(dt.date(2027, 3, 1), 'DATE_FORMAT')}." in page


def test_a_draft_is_not_in_the_compare_view(author: User) -> None:
    seed_top_200_draft(author=author)
    query = "degree_level=master&institution_rank=150&experience_years=9&offered_salary_krw=90000000"
    page = Client().get(reverse("self_assessment_compare") + "?" + query).content.decode()
    assert 'data-version="2026-07"' in page
    assert TOP_200 not in page


# --- the permission matrix ---------------------------------------------------------------------------


def policy_urls() -> list[tuple[str, Any]]:
    found = []

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "policy":
                found.append((pattern.name, pattern.pattern))

    walk(get_resolver().url_patterns, None)
    return found


URLS = policy_urls()


def url_for(name: str, pattern: Any, case_id: int) -> str:
    kwargs: dict[str, Any] = {}
    for argument in getattr(pattern, "converters", {}):
        kwargs[argument] = TOP_200 if argument == "code" else case_id
    return reverse(f"policy:{name}", kwargs=kwargs)


def test_the_policy_namespace_has_the_version_pages() -> None:
    names = {name for name, _pattern in URLS}
    assert {"home", "versions", "version", "edit", "cases", "submit", "approve", "send_back"} <= names


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", [name for name, _ in URLS])
def test_every_other_role_gets_404_on_every_policy_url(author: User, name: str, method: str) -> None:
    seed_top_200_draft(author=author)
    case = ConformanceCase.objects.filter(version__code=TOP_200).first()
    assert case is not None
    pattern = dict(URLS)[name]
    url = url_for(name, pattern, case.pk)
    others = [Client()] + [
        sign_in(Client(), UserFactory(role=role))
        for role in (Role.APPLICANT, Role.EMPLOYER, Role.REVIEWER, Role.SUPERVISOR, Role.PROGRAMME_OFFICER)
    ]
    for client in others:
        with transaction.atomic():
            response = client.get(url) if method == "get" else client.post(url, {"start": "2027-03-01"})
            transaction.set_rollback(True)
        assert response.status_code == 404, f"{method.upper()} {url}: {response.status_code}"
    without = sign_in(Client(), policy_administrator(), two_factor=False)
    response = without.get(url) if method == "get" else without.post(url, {})
    assert response.status_code in (302, 405)
    assert RubricVersion.objects.get(code=TOP_200).state(TODAY) == VersionState.AWAITING
