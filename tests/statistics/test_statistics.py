"""The public statistics: releases (monthly, corrections with a note), the page without sign-in in
English and Korean, the CSV and JSON downloads, the supervisors' publish page, and the three readers
(public page, supervisor dashboard, applicant's status page) agreeing on the same figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError
from django.test import Client

from apps.accounts.roles import Role
from apps.cases.models import Case, CaseStatus, SponsorshipStatus, Track
from apps.metrics.models import StatisticsRelease
from apps.metrics.selectors import similar_cases_days
from apps.metrics.services import ROW_FIELDS, ReleaseRefused, release_publish
from apps.organisations.models import SizeClass
from apps.reviewers.dashboard.selectors import (
    open_cases,
    period_weeks,
    sponsor_outcomes,
    track_outcomes,
    within_clock_by_week,
)
from tests.factories import OrganisationFactory, SmeClaimFactory, SponsorshipFactory, UserFactory
from tests.ministry import sign_in, submitted_case, supervisor

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SEOUL)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def decided(
    submitted: dt.datetime, days: float, *, status: str = CaseStatus.APPROVED, track: str = Track.QUANTITATIVE
) -> Case:
    case = submitted_case(submitted_at=submitted, track=track)
    Case.objects.filter(pk=case.pk).update(
        status=status, due_at=submitted + 14 * DAY, decided_at=submitted + dt.timedelta(days=days)
    )
    return case


@pytest.fixture
def history() -> None:
    """40 quantitative cases (days 1..20, twice; every fourth rejected), 12 qualitative, 12
    government-programme, 6 withdrawn, all decided in October and November 2026; no SME sponsor."""
    start = dt.datetime(2026, 10, 1, 9, 0, tzinfo=SEOUL)
    for i in range(40):
        status = CaseStatus.REJECTED if i % 4 == 3 else CaseStatus.APPROVED
        decided(start + dt.timedelta(days=i), 1 + i % 20, status=status)
    for i in range(12):
        decided(start + dt.timedelta(days=i, hours=3), 10, track=Track.QUALITATIVE)
    for i in range(6):
        decided(start + dt.timedelta(days=i, hours=5), 4, status=CaseStatus.WITHDRAWN)
    for i in range(12):
        decided(start + dt.timedelta(days=i, hours=7), 3, track=Track.GOVERNMENT_PROGRAMME)


def row(release: StatisticsRelease, period: str, group_type: str, group: str) -> dict[str, Any]:
    return next(
        r
        for r in release.figures["rows"]
        if (r["period"], r["group_type"], r["group"]) == (period, group_type, group)
    )


# --- Releases -------------------------------------------------------------------------------------


def test_the_monthly_release_is_published_once(history: None) -> None:
    first = release_publish()
    assert release_publish().pk == first.pk  # the beat job runs again: nothing new
    assert (first.month, first.revision, first.trigger) == (dt.date(2026, 12, 1), 0, "scheduled")
    assert (first.period_first, first.period_last) == (dt.date(2025, 12, 1), dt.date(2026, 11, 30))
    assert first.next_release_on == dt.date(2027, 1, 1)
    assert first.methodology_version == "1"
    assert first.rubric_version_code == "2026-07"


def test_a_correction_is_a_new_release_with_a_note_never_an_edit(history: None) -> None:
    first = release_publish()
    boss = supervisor()
    with pytest.raises(ReleaseRefused):
        release_publish(by=boss, revision_note="  ")
    decided(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL), 2)  # a decision recorded late
    second = release_publish(by=boss, revision_note="One November decision was recorded late.")
    assert (second.revision, second.revises_id, second.published_by_id) == (1, first.pk, boss.pk)
    first.refresh_from_db()
    assert row(first, "all", "track", "quantitative")["decided"] == 40  # unchanged
    assert row(second, "all", "track", "quantitative")["decided"] == 41
    assert StatisticsRelease.pgh_event_model.objects.filter(pgh_obj=second).exists()


def test_a_revision_without_a_note_is_refused_by_the_database(history: None) -> None:
    first = release_publish()
    with pytest.raises(IntegrityError):
        StatisticsRelease.objects.create(
            **{
                f.attname: getattr(first, f.attname)
                for f in StatisticsRelease._meta.concrete_fields
                if f.attname != "id"
            }
            | {"revision": 1, "revises_id": first.pk, "revision_note": ""}
        )


def test_small_numbers_are_hidden_and_percentiles_need_ten_cases(history: None) -> None:
    for i in range(2):  # two government-programme rejections: a small number
        decided(dt.datetime(2026, 11, 3 + i, 9, 0, tzinfo=SEOUL), 3, status=CaseStatus.REJECTED,
                track=Track.GOVERNMENT_PROGRAMME)  # fmt: skip
    release = release_publish()
    government = row(release, "all", "track", "government_programme")
    assert government["rejected"] is None  # 2 cases
    # The total would give the 2 away (all - quantitative - qualitative): another cell goes too.
    rejected = [row(release, "all", "track", t)["rejected"] for t in ("quantitative", "qualitative")]
    assert None in [*rejected, row(release, "all", "all", "all")["rejected"], government["decided"]]
    quantitative = row(release, "all", "track", "quantitative")
    assert quantitative["clock_days_p80"] == 16  # nearest rank of 1..20 twice
    assert row(release, "2026-11", "track", "government_programme")["clock_days_p80"] is None  # 2 cases
    assert release.figures["excluded"]["withdrawn"] == 6


# --- The page and downloads -----------------------------------------------------------------------


def test_the_page_needs_no_sign_in_and_says_when_nothing_is_published(client: Client) -> None:
    response = client.get("/statistics/")
    assert response.status_code == 200
    assert "No statistics published yet" in response.content.decode()
    assert client.get("/statistics/ktp-statistics.json").status_code == 404


def test_the_page_shows_the_release_its_dates_charts_and_tables(client: Client, history: None) -> None:
    release_publish()
    page = client.get("/statistics/").content.decode()
    for text in ("Processing statistics", "Next release", "1 January 2027", "Methodology (version 1)",
                 'id="table-months"', 'id="table-tracks"', 'id="table-sponsors"', 'id="table-segments"',
                 'id="table-ages"', "Excluded: 6 applications withdrawn", "dash-bar-fill ktp-w-"):  # fmt: skip
        assert text in page, text


def test_the_page_in_korean(client: Client, history: None) -> None:
    release_publish()
    page = client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "처리 통계" in page


def test_the_page_costs_one_query(client: Client, history: None, django_assert_max_num_queries: Any) -> None:
    release_publish()
    with django_assert_max_num_queries(2):
        assert client.get("/statistics/").status_code == 200


def test_the_release_is_rendered_once_per_language_and_a_correction_shows_at_once(
    client: Client, history: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.statistics import views

    built: list[int] = []
    original = views._figures_context

    def counting(release: StatisticsRelease) -> dict[str, object]:
        built.append(release.pk)
        return original(release)

    monkeypatch.setattr(views, "_figures_context", counting)
    first = release_publish()
    for _ in range(3):
        assert "Excluded: 6 applications withdrawn" in client.get("/statistics/").content.decode()
    assert "처리 통계" in client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert built == [first.pk, first.pk]  # once in English, once in Korean: the rest from the cache
    decided(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL), 2)
    release_publish(by=supervisor(), revision_note="One November decision was recorded late.")
    page = client.get("/statistics/").content.decode()
    assert "One November decision was recorded late." in page  # the new release, not the cached one
    assert len(built) == 3


def test_csv_and_json_have_the_stable_schema(client: Client, history: None) -> None:
    release = release_publish()
    text = client.get("/statistics/ktp-statistics.csv").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["release", *ROW_FIELDS]
    assert rows[1][0] == "2026-12-r0"
    document = json.loads(client.get("/statistics/ktp-statistics.json").content)
    assert document["schema"] == "ktp-statistics/1"
    assert document["release"]["next_release_on"] == "2027-01-01"
    assert set(document["rows"][0]) == set(ROW_FIELDS)
    assert document["rows"] == release.figures["rows"]


# --- Publishing by hand ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, Role.APPLICANT, Role.EMPLOYER, Role.REVIEWER])
def test_only_supervisors_may_publish(client: Client, role: Role | None) -> None:
    if role is not None:
        sign_in(client, UserFactory(role=role))
    assert client.get("/statistics/publish/").status_code == 404
    assert client.post("/statistics/publish/").status_code == 404


def test_a_supervisor_publishes_and_a_correction_needs_a_note(client: Client, history: None) -> None:
    sign_in(client, supervisor())
    assert client.post("/statistics/publish/", {"revision_note": ""}).status_code == 302
    response = client.post("/statistics/publish/", {"revision_note": ""})
    assert response.status_code == 400
    assert "Say what the new release corrects" in response.content.decode()
    assert client.post("/statistics/publish/", {"revision_note": "Late decision."}).status_code == 302
    assert list(StatisticsRelease.objects.values_list("revision", flat=True).order_by("revision")) == [0, 1]


# --- The three readers agree ----------------------------------------------------------------------


def test_the_public_page_dashboard_and_status_page_agree(client: Client, history: None) -> None:
    # Beside the history: qualitative cases sponsored by a verified SME (8 approved, 5 rejected), and
    # open cases of several ages (6 of 9 days, 5 of 20 days, 7 of 40 days: all submitted in the
    # release's months), so that the sponsor groups and the age bands have figures large enough to
    # be published. (The dashboard counts received cases ever; the release, over its twelve months.)
    sme = OrganisationFactory(size_class=SizeClass.SME)
    SmeClaimFactory(organisation=sme)  # verified, valid through 2026 and 2027
    for i in range(13):
        sponsored = decided(
            dt.datetime(2026, 10, 2, 11, 0, tzinfo=SEOUL) + dt.timedelta(days=i),
            6,
            status=CaseStatus.APPROVED if i < 8 else CaseStatus.REJECTED,
            track=Track.QUALITATIVE,
        )
        SponsorshipFactory(organisation=sme, case=sponsored, status=SponsorshipStatus.CONFIRMED)
    for days, count in ((9, 6), (20, 5), (40, 7)):
        for _ in range(count):
            submitted_case(submitted_at=NOW - days * DAY, status=CaseStatus.IN_REVIEW)
    release = release_publish()
    document = json.loads(client.get("/statistics/ktp-statistics.json").content)
    public = {(r["period"], r["group_type"], r["group"]): r for r in document["rows"]}

    # The supervisor dashboard (live, same definitions): decisions and within the clock over the
    # weeks that hold every decision, and approvals per track.
    weeks = within_clock_by_week(weeks=period_weeks(now=NOW, weeks=14))
    outcomes = {o.track: o for o in track_outcomes()}
    compared = 0
    for track in Track.values:
        published = public[("all", "track", track)]
        for measure in ("approved", "rejected"):
            if published[measure] is not None:
                assert getattr(outcomes[track], measure) == published[measure], (track, measure)
                compared += 1
    assert compared >= 4
    total = public[("all", "all", "all")]
    if total["decided"] is not None:
        assert sum(w.within.whole for w in weeks) == total["decided"]
    if total["decided_within_clock"] is not None:
        assert sum(w.within.part for w in weeks) == total["decided_within_clock"]
    quantitative = public[("all", "track", "quantitative")]

    # The dashboard's sponsor chart and age bands: the same groups and bands, the same counts.
    sponsors = {s.group: s for s in sponsor_outcomes()}
    assert set(sponsors) == set(document["sponsor_groups"])
    for group, sponsor in sponsors.items():
        published = public[("all", "sponsor", group)]
        for measure, value in (
            ("received", sponsor.cases),
            ("approved", sponsor.approved),
            ("rejected", sponsor.rejected),
        ):
            if published[measure] is not None:
                assert value == published[measure], (group, measure)
                compared += 1
    assert (sponsors["sme_sponsor"].cases, sponsors["sme_sponsor"].approved) == (13, 8)
    ages = open_cases(now=NOW).ages
    bands = document["open_by_age"]["bands"]
    assert [(a.first_day, a.last_day) for a in ages] == [(b["first_day"], b["last_day"]) for b in bands]
    opened = {(r["band"], r["group_type"]): r["open"] for r in document["open_by_age"]["rows"]}
    for band, age in zip(bands, ages, strict=True):
        if opened[(band["code"], "all")] is not None:
            assert age.cases == opened[(band["code"], "all")], band
            compared += 1
    assert [a.cases for a in ages] == [0, 6, 5, 7]
    assert compared >= 12  # tracks 4+, sponsors 5+, age bands 3

    # The applicant's status page: an open quantitative case shows the release's p80.
    applicant_case = submitted_case(submitted_at=NOW - 3 * DAY, track=Track.QUANTITATIVE)
    sign_in(client, applicant_case.applicant, two_factor=False)
    page = client.get(f"/apply/{applicant_case.reference}/status/").content.decode()
    expected = similar_cases_days(release, "quantitative")
    assert expected == quantitative["clock_days_p80"] == 16
    assert f'data-days="{expected}"' in page
    assert "80% of similar applications (same track) were decided within 16 days" in page
    assert "taken longer than that" not in page


def test_the_status_page_says_when_a_case_has_taken_longer(client: Client, history: None) -> None:
    release_publish()
    late = submitted_case(submitted_at=NOW - 17 * DAY, track=Track.QUANTITATIVE)
    sign_in(client, late.applicant, two_factor=False)
    page = client.get(f"/apply/{late.reference}/status/").content.decode()
    assert "Your application has now taken longer than that." in page


def test_the_page_is_not_cached_by_shared_caches_but_the_downloads_may_be(
    client: Client, history: None
) -> None:
    release_publish()
    page = client.get("/statistics/")
    assert "private" in page["Cache-Control"]  # it carries the visitor's CSRF token
    assert "public" not in page["Cache-Control"]
    for path in ("/statistics/ktp-statistics.csv", "/statistics/ktp-statistics.json"):
        assert "public" in client.get(path)["Cache-Control"], path


def _form_token(html: str) -> str:
    import re

    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_anonymous_visitors_share_one_stored_page_each_with_a_token_of_their_own(
    history: None, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Any
) -> None:
    from apps.statistics import views

    rendered: list[str] = []
    original = views._statistics_response

    def counting(request: Any, release: StatisticsRelease) -> Any:
        rendered.append(request.path)
        return original(request, release)

    monkeypatch.setattr(views, "_statistics_response", counting)
    TOKEN_HOLE = views.TOKEN_HOLE
    release_publish()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [first.get("/statistics/").content.decode()]
    with django_assert_num_queries(0):  # the release in force and its page, both from the cache
        pages.append(second.get("/statistics/").content.decode())
    assert len(rendered) == 1  # the second visitor got the stored page
    assert all("Excluded: 6 applications withdrawn" in page and TOKEN_HOLE not in page for page in pages)
    assert _form_token(pages[0]) != _form_token(pages[1])
    assert pages[0].count(_form_token(pages[0])) == 2  # the language switch and the htmx header
    assert pages[1].count(_form_token(pages[1])) == 2
    # The stored page's token works: the language switch of the second visitor is accepted.
    switched = second.post("/i18n/setlang/", {"language": "ko", "next": "/statistics/",
                                              "csrfmiddlewaretoken": _form_token(pages[1])})  # fmt: skip
    assert switched.status_code == 302
    assert "처리 통계" in second.get("/statistics/").content.decode()  # and Korean is stored apart
    assert "Processing statistics" in first.get("/statistics/").content.decode()
    assert len(rendered) == 2  # once in English, once in Korean


def test_signed_in_visitors_and_query_strings_get_a_page_of_their_own(client: Client, history: None) -> None:
    release_publish()
    Client().get("/statistics/")  # an anonymous visitor fills the stored page
    boss = supervisor(full_name="Sun Boss")
    client.force_login(boss)
    assert "Sign out" in client.get("/statistics/").content.decode()  # the visitor's own menu
    odd = Client().get("/statistics/?from=newsletter").content.decode()
    assert 'value="/statistics/?from=newsletter"' in odd  # "next" is this request's own
    assert 'value="/statistics/?from=newsletter"' not in Client().get("/statistics/").content.decode()
