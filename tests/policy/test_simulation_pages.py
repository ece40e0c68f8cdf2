"""The impact simulation's pages (issue 10, part 3): the start form and its refusals, the run list,
the progress partial, the result's tables, the changed cases for staff allowed to see cases, the two
CSVs, and a simulation that leaves every real case (and its score) as it was."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zoneinfo
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from apps.accounts.roles import Role
from apps.cases.models import Case, CaseScore
from apps.cases.score_snapshot import case_score
from apps.policy import services
from apps.policy.models import DraftSource, SimulationRun, SimulationStatus
from apps.policy.services import simulation_run
from apps.rubric.models import RubricVersion
from tests.ministry import policy_administrator, sign_in, submitted_case
from tests.policy.helpers import top_200_document

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
DAY = dt.datetime(2026, 9, 1, 10, tzinfo=SEOUL)
MODEST = {"experience_years": "3", "fortune_global_500_years": "0", "offered_salary_krw": 60_000_000,
          "field": "other", "publications_and_patents": 0, "led_project_years": "0"}  # fmt: skip
PERIOD = {"submitted_from": "2026-09-01", "submitted_to": "2026-09-30"}


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    calls: list[tuple[str, tuple[Any, ...]]] = []

    def enqueue(name: str, *args: Any) -> bool:
        calls.append((name, args))
        return True

    monkeypatch.setattr(services, "enqueue", enqueue)
    return calls


@pytest.fixture
def admin(client: Client) -> Client:
    return sign_in(client, policy_administrator(full_name="Park Policy"))


@pytest.fixture
def draft_row() -> RubricVersion:
    document = top_200_document()
    return RubricVersion.objects.create(
        code=document["code"],
        title="Top 200",
        effective_from=dt.date(2027, 3, 1),
        config=document,
        published=False,
    )


def moved_cases(count: int = 3) -> list[Case]:
    """Cases the top-200 draft moves from fail to pass on the quantitative track."""
    return [
        submitted_case(submitted_at=DAY, degree_level="master", institution_rank=150, **MODEST)
        for _ in range(count)
    ]


def errors(response: Any) -> str:
    return response.content.decode()


# --------------------------------------------------------------------------------------------------
# The start page


def test_the_start_page_offers_every_stored_version_and_the_last_twelve_months(
    admin: Client, draft_row: RubricVersion
) -> None:
    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 7, 12, tzinfo=SEOUL)):
        response = admin.get(reverse("policy_simulations:start"), {"draft": draft_row.code})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["draft_code"] == draft_row.code
    assert (form.initial["submitted_from"], form.initial["submitted_to"]) == (
        dt.date(2025, 12, 8),
        dt.date(2026, 12, 7),
    )
    codes = [code for code, _label in form.fields["draft_code"].choices]
    assert {"2026-07", "2025-03", draft_row.code} <= set(codes)
    assert f'<option value="{draft_row.code}" selected>' in response.content.decode()


def test_an_unknown_draft_code_is_said_so(admin: Client) -> None:
    response = admin.get(reverse("policy_simulations:start"), {"draft": "no-such-version"})
    assert response.status_code == 200
    assert "No rubric version has the code no-such-version" in response.content.decode()


def test_starting_from_a_stored_draft_stores_the_run_and_enqueues_it_after_commit(
    admin: Client, draft_row: RubricVersion, sent: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    moved_cases(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("policy_simulations:start"), {"draft_code": draft_row.code, **PERIOD})
    run = SimulationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("policy_simulations:detail", args=[run.pk])
    assert sent == [("policy.run_simulation", (run.pk,))]
    assert (run.draft_code, run.draft_source, run.base_code) == (
        draft_row.code,
        DraftSource.VERSION,
        "2026-07",
    )
    assert run.draft == draft_row.config
    assert (run.submitted_from, run.submitted_to) == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert run.enqueued_at is not None
    event = run.events.get(pgh_label="insert")  # pghistory: who asked
    assert event.pgh_context.metadata["actor"] == run.created_by.pk


def test_a_pasted_or_uploaded_document_is_a_draft_too(admin: Client, sent: list[Any]) -> None:
    moved_cases(1)
    text = json.dumps(top_200_document())
    response = admin.post(reverse("policy_simulations:start"), {"document": text, **PERIOD})
    assert response.status_code == 302
    upload = SimpleUploadedFile("draft.json", text.encode(), content_type="application/json")
    response = admin.post(reverse("policy_simulations:start"), {"upload": upload, **PERIOD})
    assert response.status_code == 302
    assert [r.draft_source for r in SimulationRun.objects.order_by("pk")] == [DraftSource.DOCUMENT] * 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**PERIOD}, "Choose a stored version, or paste or upload a version document."),
        ({"document": "{not json", **PERIOD}, "This is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)."),
        ({"document": json.dumps({**top_200_document(), "tracks": []}), **PERIOD}, "tracks: must not be empty"),
        ({"document": json.dumps(top_200_document()), "submitted_from": "2026-09-30", "submitted_to": "2026-09-01"},
         "The period ends (1 September 2026) before it starts (30 September 2026): swap the dates."),
        ({"document": json.dumps(top_200_document()), "submitted_from": "2025-01-01", "submitted_to": "2025-01-31"},
         "No case was submitted from 1 January 2025 to 31 January 2025: choose a longer or another period."),
        ({"document": json.dumps(top_200_document()), "submitted_from": "", "submitted_to": "2026-09-01"},
         "This field is required."),
        ({"document": json.dumps(top_200_document()), "draft_code": "2026-07", **PERIOD},
         "Choose one draft: a stored version, a pasted document or an uploaded file, not several."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_a_reason_and_nothing_typed_is_lost(
    admin: Client, sent: list[Any], data: dict[str, str], message: str
) -> None:
    moved_cases(1)
    response = admin.post(reverse("policy_simulations:start"), data)
    assert response.status_code == 200
    page = errors(response)
    assert "There is a problem" in page
    assert message in response.context["form"].errors.as_text() or message in page
    if data.get("document"):
        assert response.context["form"]["document"].value() == data["document"]
    assert not SimulationRun.objects.exists()
    assert sent == []


def test_a_language_error_names_its_path(admin: Client) -> None:
    moved_cases(1)
    document = top_200_document()
    document["criteria"][2]["points"]["bands"]["bands"][0]["points"] = "twenty"
    response = admin.post(reverse("policy_simulations:start"), {"document": json.dumps(document), **PERIOD})
    assert response.status_code == 200
    assert "criteria.A3.points.bands.bands[0].points" in response.context["form"].errors["document"][0]


def test_an_uploaded_file_that_is_not_text_is_refused(admin: Client) -> None:
    moved_cases(1)
    upload = SimpleUploadedFile("draft.json", b"\xff\xfe\x00bad", content_type="application/json")
    response = admin.post(reverse("policy_simulations:start"), {"upload": upload, **PERIOD})
    assert "The file is not UTF-8 text" in response.context["form"].errors["upload"][0]


# --------------------------------------------------------------------------------------------------
# The list, the progress, the result


def finished_run(by: Any = None) -> SimulationRun:
    run = services.simulation_request(
        draft=top_200_document(), submitted_from=dt.date(2026, 9, 1), submitted_to=dt.date(2026, 9, 30), by=by
    )
    return simulation_run(run_id=run.pk)


def test_the_list_shows_past_runs_with_their_inputs(admin: Client, sent: list[Any]) -> None:
    moved_cases(1)
    run = finished_run()
    response = admin.get(reverse("policy_simulations:list"))
    page = response.content.decode()
    assert reverse("policy_simulations:detail", args=[run.pk]) in page
    assert "2027-03-top-200" in page
    assert "2026-07" in page
    assert "1 September 2026 to 30 September 2026" in page  # the one date format (decision 50)
    assert "2026-09-01" not in page


def test_a_waiting_run_shows_an_accessible_progress_bar_that_polls(admin: Client) -> None:
    moved_cases(1)
    run = SimulationRun.objects.create(
        draft_code="x", draft=top_200_document(), base_code="2026-07",
        submitted_from=dt.date(2026, 9, 1), submitted_to=dt.date(2026, 9, 30),
        status=SimulationStatus.RUNNING, done=2, total=5,
    )  # fmt: skip
    page = admin.get(reverse("policy_simulations:detail", args=[run.pk])).content.decode()
    progress = reverse("policy_simulations:progress", args=[run.pk])
    assert f'hx-get="{progress}"' in page
    assert 'role="progressbar"' in page
    assert 'aria-valuenow="40"' in page
    assert 'role="status"' in page
    assert "Scored 2 of 5 cases (40%)." in page

    partial = admin.get(progress, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert 'aria-valuenow="40"' in partial.content.decode()
    assert 'hx-swap-oob="innerHTML"' in partial.content.decode()
    # The status beside the inputs follows too ("Waiting" no longer stands beside a moving bar).
    assert '<span id="sim-run-status">Running</span>' in page
    assert '<span id="sim-run-status" hx-swap-oob="innerHTML">Running</span>' in partial.content.decode()

    SimulationRun.objects.filter(pk=run.pk).update(status=SimulationStatus.FINISHED, result={})
    done = admin.get(progress, HTTP_HX_REQUEST="true")
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")


def test_a_failed_run_says_why(admin: Client) -> None:
    run = SimulationRun.objects.create(
        draft_code="x", draft={}, base_code="2026-07", submitted_from=dt.date(2026, 9, 1),
        submitted_to=dt.date(2026, 9, 30), status=SimulationStatus.FAILED, error="no figure for 1990",
    )  # fmt: skip
    page = admin.get(reverse("policy_simulations:detail", args=[run.pk])).content.decode()
    assert "The simulation failed" in page
    assert "no figure for 1990" in page


def test_the_result_page_shows_the_tables_and_the_causes_but_no_case_to_a_policy_administrator_alone(
    admin: Client,
) -> None:
    moved = moved_cases(3)
    submitted_case(submitted_at=DAY, degree_level="doctorate", institution_rank=50, **MODEST)
    run = finished_run()
    assert run.status == SimulationStatus.FINISHED
    response = admin.get(reverse("policy_simulations:detail", args=[run.pk]))
    page = response.content.decode()
    tables = response.context["tables"]
    quantitative = dict(tables.overall_tracks())["Quantitative track"]
    assert (quantitative.pass_to_pass, quantitative.fail_to_pass, quantitative.net) == (1, 3, 3)
    assert "Verdicts by track" in page
    assert "By segment and field" in page
    assert "Near a threshold" in page
    assert "School ranked 101-200" in page  # the segments, by the version's own names
    assert "tracks.quantitative.eligible_when.any[0].all[1].value" in page  # the cause, named
    causes = {c["label"]: c for c in tables.causes}
    assert causes["tracks.quantitative.eligible_when.any[0].all[1].value"]["cases"] == 3
    assert "4 cases replayed; 3 of them would change their verdict" in page
    assert all(case.reference not in page for case in moved)
    assert "shown only to staff allowed to open cases" in page


def test_staff_allowed_to_see_cases_get_the_changed_cases_by_reference_paginated(client: Client) -> None:
    from django.contrib.auth.models import Group

    who = policy_administrator()
    who.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    sign_in(client, who)
    moved = moved_cases(3)
    run = finished_run()
    response = client.get(reverse("policy_simulations:detail", args=[run.pk]))
    page = response.content.decode()
    for case in moved:
        assert case.reference in page
        assert case.applicant.email not in page  # pseudonymised: the reference only
    rows = response.context["cases_page"].object_list
    assert {r["reference"] for r in rows} == {c.reference for c in moved}
    assert all(r["flips"] == [("Quantitative track", True)] for r in rows)
    assert all("tracks.quantitative.eligible_when.any[0].all[1].value" in r["causes"] for r in rows)


def read_csv(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_holds_everything_and_the_public_one_hides_groups_under_five(client: Client) -> None:
    from django.contrib.auth.models import Group

    who = policy_administrator()
    who.groups.add(Group.objects.get(name=Role.REVIEWER))
    sign_in(client, who)
    moved = moved_cases(3)
    for _ in range(6):
        submitted_case(submitted_at=DAY, degree_level="doctorate", institution_rank=50, **MODEST)
    run = finished_run()
    url = reverse("policy_simulations:csv", args=[run.pk])

    full = read_csv(client.get(url))
    assert full[0] == ["Section", "Group", "Track", "Item", "Measure", "Value"]
    assert ["All cases", "All cases", "", "", "cases", "9"] in full
    assert ["All cases", "All cases", "Quantitative track", "verdict", "fail_to_pass", "3"] in full
    assert ["Segment", "School ranked 101-200", "", "", "cases", "3"] in full
    changed = [row for row in full if row[0] == "Changed case"]
    assert {row[1] for row in changed} == {c.reference for c in moved}

    public = read_csv(client.get(url, {"variant": "public"}))
    assert ["All cases", "All cases", "", "", "cases", "9"] in public
    assert ["All cases", "All cases", "Quantitative track", "verdict", "fail_to_pass", "<5"] in public
    assert ["Segment", "School ranked 101-200", "", "", "cases", "<5"] in public
    assert not [
        row
        for row in public
        if row[0] == "Segment" and row[1] == "School ranked 101-200" and row[4] != "cases"
    ]
    assert ["Segment", "School in the top 100", "", "", "cases", "6"] in public
    assert not [row for row in public if row[0] == "Changed case"]
    assert all(case.reference not in str(public) for case in moved)


def test_a_policy_administrator_alone_gets_no_case_reference_in_the_csv(admin: Client) -> None:
    moved = moved_cases(3)
    run = finished_run()
    rows = read_csv(admin.get(reverse("policy_simulations:csv", args=[run.pk])))
    assert not [row for row in rows if row[0] == "Changed case"]
    assert all(case.reference not in str(rows) for case in moved)


def test_an_unfinished_run_has_no_csv(admin: Client) -> None:
    run = SimulationRun.objects.create(
        draft_code="x", draft={}, base_code="2026-07", submitted_from=dt.date(2026, 9, 1), submitted_to=dt.date(2026, 9, 30)
    )  # fmt: skip
    assert admin.get(reverse("policy_simulations:csv", args=[run.pk])).status_code == 404


def test_the_pages_speak_korean(admin: Client, draft_row: RubricVersion) -> None:
    moved_cases(1)
    run = finished_run()
    admin.cookies["ktp_language"] = "ko"
    page = admin.get(
        reverse("policy_simulations:detail", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert "정량 트랙" in page  # the version's own Korean name
    assert "트랙별 판정" in page
    start = admin.get(reverse("policy_simulations:start"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "시뮬레이션 시작" in start


# --------------------------------------------------------------------------------------------------
# Never a real score


def test_a_simulation_changes_no_case_and_no_score() -> None:
    cases = moved_cases(3)
    for case in cases:
        case_score(case_id=case.pk)

    def snapshot() -> list[Any]:
        rows = [model_to_dict(c) for c in Case.objects.order_by("pk")]
        scores = [model_to_dict(s) for s in CaseScore.objects.order_by("pk")]
        return [rows, scores, [c.updated_at for c in Case.objects.order_by("pk")]]

    before = snapshot()
    run = finished_run()
    assert run.result is not None
    assert run.result["changed_cases"] == 3
    assert snapshot() == before
    assert all(s.total for s in CaseScore.objects.all())
