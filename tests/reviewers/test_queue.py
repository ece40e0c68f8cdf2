"""The triage queue: order, filters, counts, search, keyset pages and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.roles import Role
from apps.cases.models import Case, CaseStatus, Track
from apps.reviewers.queue import selectors as queue_selectors
from apps.reviewers.queue import views as queue_views
from apps.reviewers.queue.selectors import (
    AssignedTo,
    InvalidCursor,
    QueueFilters,
    cursor_for,
    parse_cursor,
    queue_cases,
    queue_counts,
    queue_page,
)
from tests.factories import UserFactory
from tests.ministry import reviewer, sign_in, submitted_case, supervisor

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)
QUEUE = reverse("ministry:queue")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def due_at(when: dt.datetime, **kwargs) -> Case:
    """A submitted case whose 14-day clock ends at ``when``."""
    return submitted_case(submitted_at=when - dt.timedelta(days=14), **kwargs)


def due_in(days: float = 0, hours: float = 0, **kwargs) -> Case:
    return due_at(NOW + dt.timedelta(days=days, hours=hours), **kwargs)


def paused(case: Case, *, at: dt.datetime, by=None) -> Case:
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.INFORMATION_REQUESTED, paused_at=at, assigned_to=by or reviewer()
    )
    case.refresh_from_db()
    return case


ALL = QueueFilters()


def pks(filters: QueueFilters = ALL, user_id: int = 0, **kwargs) -> list[int]:
    return [row.case.pk for row in queue_page(filters, user_id=user_id, now=NOW, **kwargs).rows]


def row_references(response) -> list[str]:
    """The case references in the table's rows, in order."""
    body = response.content.decode()
    if "<tbody>" not in body:
        return []
    table = body[body.find("<tbody>") : body.find("</tbody>")]
    return re.findall(r'<th scope="row"[^>]*><a href="[^"]+">(KTP-[0-9A-Z-]+)</a></th>', table)


@pytest.fixture
def staff_client(client):
    user = reviewer(full_name="Lee Reviewer")
    sign_in(client, user)
    client.user = user
    return client


@pytest.fixture
def supervisor_client(client):
    user = supervisor(full_name="Kim Supervisor")
    sign_in(client, user)
    client.user = user
    return client


# --- Order ----------------------------------------------------------------------------------------


def test_default_order_is_earliest_due_first_then_id_with_overdue_on_top():
    later = due_in(days=9)
    overdue = due_in(days=-2)
    tie_a = due_in(days=3)
    tie_b = due_at(tie_a.due_at)  # the same instant: the id decides
    due_in(days=1, hours=1)
    decided = submitted_case(status=CaseStatus.APPROVED, submitted_at=NOW - dt.timedelta(days=20))
    found = pks()
    assert found[0] == overdue.pk
    assert found[-1] == later.pk
    assert found.index(tie_a.pk) + 1 == found.index(tie_b.pk)
    assert decided.pk not in found
    ordered = list(Case.objects.filter(pk__in=found).order_by("due_at", "id").values_list("pk", flat=True))
    assert found == ordered


def test_a_case_paused_before_its_due_date_is_not_overdue_even_after_it():
    late_pause = paused(due_in(days=-3), at=NOW - dt.timedelta(days=1))  # paused when already late
    early_pause = paused(due_in(days=-3), at=NOW - dt.timedelta(days=5))  # clock frozen with 2 days left
    running_late = due_in(days=-1)
    overdue = set(pks(QueueFilters(overdue=True)))
    assert overdue == {late_pause.pk, running_late.pk}
    assert early_pause.pk not in overdue


# --- Filters --------------------------------------------------------------------------------------


def test_filter_by_status_track_field_and_sme():
    someone = reviewer()
    waiting = due_in(days=5, track=Track.QUALITATIVE, field="semiconductors", sponsor_is_sme=True)
    in_review = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=someone, field="ai")
    programme = due_in(days=6, track=Track.GOVERNMENT_PROGRAMME, field="other")
    assert pks(QueueFilters(status=CaseStatus.SUBMITTED)) == [waiting.pk, programme.pk]
    assert pks(QueueFilters(status=CaseStatus.IN_REVIEW)) == [in_review.pk]
    assert pks(QueueFilters(track=Track.QUALITATIVE)) == [waiting.pk]
    assert pks(QueueFilters(field="semiconductors")) == [waiting.pk]
    assert pks(QueueFilters(field="other")) == [programme.pk]
    assert pks(QueueFilters(sme=True)) == [waiting.pk]
    assert set(pks(QueueFilters(sme=False))) == {in_review.pk, programme.pk}


def test_filter_by_assignment():
    me, colleague = reviewer(), reviewer()
    mine = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=me)
    theirs = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=colleague)
    nobodys = submitted_case()
    assert pks(QueueFilters(assigned=AssignedTo.ME), user_id=me.pk) == [mine.pk]
    assert set(pks(QueueFilters(assigned=AssignedTo.SOMEONE), user_id=me.pk)) == {mine.pk, theirs.pk}
    assert pks(QueueFilters(assigned=AssignedTo.NOBODY), user_id=me.pk) == [nobodys.pk]
    assert pks(QueueFilters(assignee_id=colleague.pk), user_id=me.pk) == [theirs.pk]


def test_due_within_counts_calendar_days_in_korea():
    last_minute = due_at(dt.datetime(2026, 11, 4, 23, 59, tzinfo=SEOUL))  # 2 days left
    next_morning = due_at(dt.datetime(2026, 11, 5, 0, 0, tzinfo=SEOUL))  # 3 days left
    today_later = due_at(dt.datetime(2026, 11, 2, 18, 0, tzinfo=SEOUL))  # due today
    due_in(hours=-1)  # overdue: not "due within"
    paused(due_in(days=1), at=NOW - dt.timedelta(hours=1))  # clock stopped: not "due within"
    assert set(pks(QueueFilters(due_within=2))) == {last_minute.pk, today_later.pk}
    assert set(pks(QueueFilters(due_within=3))) == {last_minute.pk, next_morning.pk, today_later.pk}
    assert pks(QueueFilters(due_within=0)) == [today_later.pk]


def test_search_by_korean_name_reference_and_employer():
    kim = due_in(days=3, applicant_name="김민준")
    due_in(days=4, applicant_name="박서연")
    elena = due_in(days=5, applicant_name="Elena Petrova")
    assert pks(QueueFilters(q="민준")) == [kim.pk]
    assert pks(QueueFilters(q=elena.reference.lower())) == [elena.pk]
    Case.objects.filter(pk=elena.pk).update(
        employer_name="Hanbit Semiconductor",
        search_text=f"{elena.search_text} hanbit semiconductor",
        search_grams=[*elena.search_grams, "ha", "an", "nb", "bi", "it"],
    )
    assert pks(QueueFilters(q="hanbit")) == [elena.pk]


def test_the_page_filters_through_the_address(staff_client):
    kim = due_in(days=3, applicant_name="김민준")
    due_in(days=4, applicant_name="박서연")
    response = staff_client.get(QUEUE, {"q": "민준", "status": "submitted", "size": "10"})
    assert response.status_code == 200
    assert row_references(response) == [kim.reference]
    assert "1 open case matches." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"due_within": "31"}, "Enter a whole number of days from 0 to 30."),
        ({"due_within": "soon"}, "Enter a whole number of days from 0 to 30."),
        ({"status": "approved"}, "Choose one of the open statuses listed."),
        ({"track": "fast"}, "Choose one of the tracks listed."),
        ({"field": "astrology"}, "Choose one of the fields listed."),
        ({"sme": "maybe"}, "Choose whether the SME bonus is claimed."),
        ({"assigned": "everyone"}, "Choose me, someone or nobody."),
        ({"size": "7"}, "Choose 10, 25, 50 or 100 cases per page."),
        ({"after": "not-a-cursor!"}, "This page link is not valid any more."),
    ],
)
def test_an_invalid_filter_is_reported_and_the_rest_still_apply(staff_client, params, message):
    case = due_in(days=3)
    response = staff_client.get(QUEUE, params)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Some filters could not be used" in body
    assert row_references(response) == [case.reference]


def test_a_reviewer_cannot_filter_by_a_named_reviewer_but_a_supervisor_can(client):
    colleague = reviewer(full_name="Choi Colleague")
    theirs = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=colleague)
    other = submitted_case()
    sign_in(client, reviewer())
    response = client.get(QUEUE, {"assignee": colleague.pk})
    assert set(row_references(response)) == {theirs.reference, other.reference}  # ignored
    assert 'name="assignee"' not in response.content.decode()
    sign_in(client, supervisor())
    response = client.get(QUEUE, {"assignee": colleague.pk})
    assert row_references(response) == [theirs.reference]
    assert "Choi Colleague" in response.content.decode()


def test_a_supervisor_can_filter_by_someone_who_left_but_still_holds_cases(supervisor_client):
    leaver = reviewer(full_name="Former Reviewer")
    theirs = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=leaver)
    leaver.is_active = False
    leaver.save()
    response = supervisor_client.get(QUEUE, {"assignee": leaver.pk})
    assert row_references(response) == [theirs.reference]
    assert "Former Reviewer" in response.content.decode()


# --- Counts ---------------------------------------------------------------------------------------


def test_counts_per_filter_come_from_one_query_per_source():
    me = reviewer()
    due_in(days=1, sponsor_is_sme=True, track=Track.QUALITATIVE)  # due soon, unassigned, SME
    due_in(days=-1)  # overdue, unassigned
    submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=me, submitted_at=NOW - dt.timedelta(days=5))
    paused(due_in(days=4), at=NOW - dt.timedelta(days=1))
    submitted_case(status=CaseStatus.REJECTED, submitted_at=NOW - dt.timedelta(days=20))  # not open
    with CaptureQueriesContext(connection) as queries:
        counts = queue_counts(QueueFilters(status=CaseStatus.SUBMITTED), user_id=me.pk, now=NOW)
    assert len(queries) == 2  # open cases, and reviews of rejections (decision 57)
    assert all("FILTER (WHERE" in query["sql"] for query in queries)
    assert counts.total == 4
    assert counts.matching == 2  # the status filter: the two submitted ones
    assert counts.status == {
        "submitted": 2,
        "in_review": 1,
        "information_requested": 1,
        "review_requested": 0,
    }
    assert counts.track["qualitative"] == 1
    assert counts.track["quantitative"] == 3
    assert (counts.sme_claimed, counts.sme_not_claimed) == (1, 3)
    assert (counts.mine, counts.unassigned, counts.assigned) == (1, 2, 2)
    assert (counts.overdue, counts.due_soon) == (1, 1)


def test_counts_follow_the_search_only():
    due_in(days=3, applicant_name="김민준")
    due_in(days=4, applicant_name="박서연")
    counts = queue_counts(QueueFilters(q="민준", track=Track.QUALITATIVE), user_id=0, now=NOW)
    assert (counts.total, counts.matching, counts.status["submitted"]) == (1, 0, 1)


def test_counts_are_shown_next_to_the_options(staff_client):
    due_in(days=-1)
    due_in(days=2)
    body = staff_client.get(QUEUE).content.decode()
    assert '<span id="filter-status-submitted-count">2</span>' in body
    assert '<span id="filter-overdue-count">1</span>' in body
    assert '<span id="filter-assigned-nobody-count">2</span>' in body


# --- The table ------------------------------------------------------------------------------------


def test_rows_say_how_many_days_are_left_in_words(staff_client):
    due_in(days=3)
    due_at(dt.datetime(2026, 11, 2, 20, 0, tzinfo=SEOUL))
    due_in(days=-2)
    due_in(hours=-2)
    paused(due_in(days=6), at=NOW - dt.timedelta(days=1))
    body = staff_client.get(QUEUE).content.decode()
    for text in ("3 days left", "Due today", "2 days overdue", "Overdue today", "Paused (7 days left)"):
        assert text in body


def test_the_table_has_a_caption_header_scopes_links_and_text_statuses(staff_client):
    someone = reviewer(full_name="Park Reviewer")
    case = submitted_case(
        status=CaseStatus.IN_REVIEW, assigned_to=someone, applicant_name="김민준", sponsor_is_sme=True
    )
    body = staff_client.get(QUEUE).content.decode()
    assert "<caption" in body
    assert body.count('<th scope="col">') >= 8
    assert f'<a href="{reverse("ministry:case", args=[case.reference])}">{case.reference}</a>' in body
    for text in (
        "김민준",
        "In review",
        "Quantitative track",
        "Artificial intelligence",
        "Claimed",
        "Park Reviewer",
    ):
        assert text in body


def test_empty_state(staff_client):
    body = staff_client.get(QUEUE, {"q": "nobody-has-this-name"}).content.decode()
    assert "No open cases match these filters." in body
    assert "0 open cases match." in body


def test_htmx_gets_the_results_region_and_the_counts_out_of_band(staff_client):
    due_in(days=3)
    response = staff_client.get(QUEUE, {"status": "submitted"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="queue-count" hx-swap-oob="innerHTML"' in body
    assert 'id="filter-status-submitted-count" hx-swap-oob="true"' in body
    assert response["Vary"].find("HX-Request") >= 0
    full = staff_client.get(QUEUE).content.decode()
    assert 'hx-push-url="true"' in full
    assert 'aria-live="polite"' in full


def test_only_supervisors_get_the_bulk_assignment_controls(staff_client, client):
    due_in(days=3)
    assert 'name="cases"' not in staff_client.get(QUEUE).content.decode()
    sign_in(client, supervisor())
    body = client.get(QUEUE).content.decode()
    assert 'name="cases"' in body
    assert reverse("ministry:bulk_assign") in body


def test_outsiders_get_404(client):
    assert client.get(QUEUE).status_code == 404
    sign_in(client, UserFactory(role=Role.APPLICANT), two_factor=False)
    assert client.get(QUEUE).status_code == 404


# --- Keyset pages ---------------------------------------------------------------------------------


def test_cursor_round_trip_and_refusal():
    when = dt.datetime(2026, 11, 2, 9, 0, 0, 123456, tzinfo=SEOUL)
    parsed = parse_cursor(cursor_for(when, 42))
    assert (parsed.due_at, parsed.pk) == (when, 42)
    for bad in ("", "!!!", cursor_for(when, 42)[:-3] + "zz", "MTIzNA"):
        with pytest.raises(InvalidCursor):
            parse_cursor(bad)


def test_pages_have_neither_duplicates_nor_gaps_even_with_equal_due_dates(staff_client):
    shared = NOW + dt.timedelta(days=4)
    for index in range(23):
        due_at(shared) if index % 3 == 0 else due_in(days=index - 5)
    expected = list(
        queue_cases(QueueFilters(), user_id=0, now=NOW)
        .order_by("due_at", "id")
        .values_list("reference", flat=True)
    )
    seen: list[str] = []
    url = f"{QUEUE}?size=10"
    pages = 0
    while url:
        response = staff_client.get(url)
        seen += row_references(response)
        match = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
        url = match.group(1).replace("&amp;", "&") if match else ""
        pages += 1
    assert pages == 3
    assert seen == expected
    assert "OFFSET" not in str(queue_cases(QueueFilters(), user_id=0, now=NOW)[:10].query)


def test_previous_pages_walk_back_in_order():
    cases = [due_in(days=day) for day in range(12)]
    first = queue_page(QueueFilters(), user_id=0, now=NOW, size=5)
    second = queue_page(QueueFilters(), user_id=0, now=NOW, size=5, after=parse_cursor(first.next_cursor))
    third = queue_page(QueueFilters(), user_id=0, now=NOW, size=5, after=parse_cursor(second.next_cursor))
    assert [row.case.pk for row in third.rows] == [case.pk for case in cases[10:]]
    assert third.next_cursor is None
    back = queue_page(QueueFilters(), user_id=0, now=NOW, size=5, before=parse_cursor(third.previous_cursor))
    assert [row.case.pk for row in back.rows] == [case.pk for case in cases[5:10]]
    start = queue_page(QueueFilters(), user_id=0, now=NOW, size=5, before=parse_cursor(back.previous_cursor))
    assert [row.case.pk for row in start.rows] == [case.pk for case in cases[:5]]
    assert start.is_first
    assert start.previous_cursor is None
    assert first.is_first
    assert not second.is_first


def test_a_deep_page_from_a_built_cursor(staff_client):
    cases = [due_in(days=day) for day in range(6)]
    after = cursor_for(cases[2].due_at, cases[2].pk)
    response = staff_client.get(QUEUE, {"after": after, "size": 10})
    assert row_references(response) == [case.reference for case in cases[3:]]
    body = response.content.decode()
    assert "First page" in body
    assert 'rel="prev"' in body
    assert 'rel="next"' not in body


@pytest.mark.parametrize("client_fixture", ["staff_client", "supervisor_client"])
def test_a_page_costs_the_same_number_of_queries_whatever_its_size(
    request, client_fixture, django_assert_num_queries, monkeypatch
):
    # Measured without the counts' cache, so every page pays its worst case.
    monkeypatch.setattr(queue_views.selectors, "queue_counts_cached", queue_counts)
    client = request.getfixturevalue(client_fixture)
    people = [reviewer(), reviewer()]
    for index in range(30):
        if index % 2:
            submitted_case(
                status=CaseStatus.IN_REVIEW,
                assigned_to=people[index % 4 // 2],
                submitted_at=NOW - dt.timedelta(days=index % 13),
            )
        else:
            due_in(days=index % 9 - 3)
    client.get(QUEUE)  # warm up: the session and the second-factor check settle
    with CaptureQueriesContext(connection) as small:
        response = client.get(QUEUE, {"size": 10})
    assert len(row_references(response)) == 10
    with django_assert_num_queries(len(small)):
        response = client.get(QUEUE, {"size": 100})
    assert len(row_references(response)) == 30
    deep = cursor_for(
        Case.objects.order_by("due_at", "id")[5].due_at, Case.objects.order_by("due_at", "id")[5].pk
    )
    with django_assert_num_queries(len(small)):
        client.get(QUEUE, {"size": 100, "after": deep, "q": "ktp"})


def test_cached_counts_are_reused_until_a_case_changes(django_capture_on_commit_callbacks):
    staff_user = reviewer()
    waiting = due_in(days=3)
    filters = QueueFilters()
    first = queue_selectors.queue_counts_cached(filters, user_id=staff_user.pk, now=NOW)
    assert first.status[CaseStatus.SUBMITTED] == 1
    due_in(days=4)  # saved in the test's transaction, not committed: the cache is not told yet
    again = queue_selectors.queue_counts_cached(filters, user_id=staff_user.pk, now=NOW)
    assert again == first
    with django_capture_on_commit_callbacks(execute=True):
        waiting.status = CaseStatus.WITHDRAWN
        waiting.save()
    fresh = queue_selectors.queue_counts_cached(filters, user_id=staff_user.pk, now=NOW)
    assert fresh.status[CaseStatus.SUBMITTED] == 1  # one withdrawn, one added
    assert fresh.total == 1


# --- In a browser: axe, and htmx updating the results in place ----------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": ["--no-sandbox", "--disable-gpu", "--no-first-run"]}


def _severe_axe_violations(page) -> str:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return "\n".join(
        f"{v['id']}: {v['help']} {[node.get('target') for node in v['nodes']]}"
        for v in violations
        if v.get("impact") in ("serious", "critical")
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed")
def test_the_queue_in_a_browser(page, live_server):
    boss = supervisor(full_name="Kim Supervisor")
    lee = reviewer(full_name="Lee Reviewer")
    due_in(days=-1, applicant_name="김민준")
    submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=lee, applicant_name="Elena Petrova")
    client = sign_in(Client(), boss)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}{QUEUE}")
    assert page.get_by_role("heading", level=1).inner_text() == "Case queue"
    assert not _severe_axe_violations(page), _severe_axe_violations(page)

    page.get_by_label("In review").check()  # htmx: the results change in place, the address follows
    page.wait_for_url("**status=in_review**")
    assert page.locator("#queue-results tbody tr").count() == 1
    assert page.locator("#queue-count").inner_text() == "1 open case matches."
    assert page.get_by_role("heading", level=1).count() == 1  # not a whole page swapped in

    page.get_by_label("Search").fill("민준")  # the counts next to the options follow the search
    page.wait_for_url(lambda address: "q=%EB%AF%BC" in address)
    page.wait_for_function("() => document.getElementById('filter-status-any-count').textContent === '1'")
    assert page.locator("#queue-count").inner_text() == "0 open cases match."
    assert "No open cases match these filters." in page.locator("#queue-results").inner_text()

    # Paging with htmx: the pressed link is swapped away, so focus moves to the results heading.
    for days in range(10):
        due_in(days=days + 2)
    page.goto(f"{live_server.url}{QUEUE}?size=10")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**after=**")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'results-heading'")
    assert page.locator("#queue-results tbody tr").count() == 2  # 12 open cases, 10 per page
    page.get_by_role("link", name="Previous page").click()
    page.wait_for_url("**before=**")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'results-heading'")
    assert page.locator("#queue-results tbody tr").count() == 10

    page.goto(f"{live_server.url}{QUEUE}?due_within=45")
    assert "Enter a whole number of days from 0 to 30." in page.locator("#queue-results").inner_text()
    assert not _severe_axe_violations(page), _severe_axe_violations(page)

    page.goto(f"{live_server.url}{reverse('ministry:caseloads')}")
    assert not _severe_axe_violations(page), _severe_axe_violations(page)


def test_saving_a_draft_keeps_the_cached_counts(django_capture_on_commit_callbacks):
    """Drafts are not in the queue: an applicant's draft step must not wipe the counts' cache."""
    from django.core.cache import cache

    from tests.factories import CaseFactory

    draft = CaseFactory(status=CaseStatus.DRAFT)
    before = cache.get(queue_selectors.QUEUE_VERSION_KEY, 0)
    with django_capture_on_commit_callbacks(execute=True):
        draft.facts = {**draft.facts, "experience_years": 9}
        draft.save()
    assert cache.get(queue_selectors.QUEUE_VERSION_KEY, 0) == before
    with django_capture_on_commit_callbacks(execute=True):
        due_in(days=3).save()
    assert cache.get(queue_selectors.QUEUE_VERSION_KEY, 0) > before  # a case in the queue changed


def test_the_due_within_help_and_errors_follow_the_reader_s_language(staff_client):
    english = staff_client.get(QUEUE, {"due_within": "99"}).content.decode()
    assert "Enter a whole number of days from 0 to 30." in english
    korean = staff_client.get(QUEUE, {"due_within": "99"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "한국 기준 역일로, 0(오늘 기한)부터 30까지 입력합니다." in korean
    assert "0부터 30까지의 일수를 정수로 입력하십시오." in korean


def test_a_row_shows_korean_dates_its_link_and_labels_worked_out_once_per_page():
    from django.utils import translation

    from apps.reviewers.queue.rows import display_rows

    lee = reviewer(full_name="Lee Reviewer")
    # 23:30 in Seoul is 14:30 UTC: the date shown is Seoul's, as the template's date filter gave.
    late = due_at(dt.datetime(2026, 11, 5, 23, 30, tzinfo=SEOUL), assigned_to=lee)
    Case.objects.filter(pk=late.pk).update(sme_claimed=True)
    unassigned = due_in(days=6)
    page = queue_page(ALL, user_id=lee.pk, now=NOW, field_labels={late.field: "Semiconductors"})
    with translation.override("ko"):
        korean = display_rows(page.rows)
    english = display_rows(page.rows)

    first = english[0]
    assert first.reference == late.reference
    assert first.href == reverse("ministry:case", args=[late.reference])
    # The one date format per language (decision 50), never ISO.
    assert (first.due_date, first.due_iso) == ("5 November 2026", "2026-11-05T23:30:00+09:00")
    assert korean[0].due_date == "2026년 11월 5일"
    assert first.due_text == "3 days left"
    assert (first.reviewer, first.sme, first.field) == ("Lee Reviewer", "Claimed", "Semiconductors")
    assert first.select_label == f"Select {late.reference}"
    assert english[1].reference == unassigned.reference
    assert (english[1].reviewer, english[1].sme) == ("Nobody", "Not claimed")
    assert (korean[1].reviewer, korean[0].status) == ("미배정", "제출")  # the reader's language
