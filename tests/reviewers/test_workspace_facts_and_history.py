"""The workspace shows the facts the score used (never self-declared B2 ratings the score ignored,
nor pre-fills the assessment with them), the assessed field by name in the reader's language, and
the newest record changes when there are more than it lists."""

from __future__ import annotations

import re

import pytest
from django.db.models import F

from apps.cases.models import Case, CaseScore, CaseStatus, Track
from apps.cases.score_snapshot import case_score
from tests.ministry import reviewer, submitted_case
from tests.reviewers.test_qualitative_assessment import MODEST
from tests.reviewers.test_workspace_support import (
    T0,
    ministry_client,
    qualitative_case,
    row_of,
    text_of,
    url,
    workspace_url,
)

pytestmark = pytest.mark.django_db


def evidence_of(html: str, code: str) -> str:
    block = re.search(rf'<div class="mb-3" data-evidence="{code}">.*?</div>', html, re.S)
    assert block, f"no evidence block for {code}"
    return text_of(block.group(0))


# --- B2 without a confirmed sponsor --------------------------------------------------------------


@pytest.fixture
def unsponsored():
    """A qualitative case whose applicant rated their own post (B2) at the top, with no confirmed
    sponsor: the score gives B2 nothing (apps.cases.score_snapshot)."""
    assignee = reviewer()
    case = submitted_case(
        track=Track.QUALITATIVE,
        status=CaseStatus.IN_REVIEW,
        assigned_to=assignee,
        submitted_at=T0,
        core_technology_role=5,
        hard_to_fill=True,
        transfer_plan=5,
        sponsor_is_sme=True,
    )
    case_score(case_id=case.pk)
    return case, assignee


def test_without_a_sponsor_the_b2_facts_shown_are_the_ones_the_score_used(unsponsored):
    case, assignee = unsponsored
    html = ministry_client(assignee).get(workspace_url(case)).content.decode()
    assert "0 of 15" in text_of(row_of(html, 'data-criterion="B2"'))
    b2 = evidence_of(html, "B2")
    assert "Core-technology role (rating): 0 (declared: 5)" in b2
    assert "Hard to fill domestically: No (declared: Yes)" in b2
    assert "Technology-transfer or training plan (rating): 0 (declared: 5)" in b2


def test_without_a_sponsor_the_assessment_starts_from_no_b2_points(unsponsored):
    case, assignee = unsponsored
    client = ministry_client(assignee)
    initial = client.get(workspace_url(case)).context["assessment_form"].initial
    assert (initial["core_technology_role"], initial["hard_to_fill"], initial["transfer_plan"]) == (
        0,
        "no",
        0,
    )

    # Saving the pre-filled form unchanged (justified) leaves B2 where the score had it.
    unchanged = {name: value for name, value in initial.items() if value is not None}
    unchanged = {**unchanged, **{k: v for k, v in MODEST.items() if k.endswith("_justification")}}
    unchanged.pop("international_award", None)  # unchecked
    response = client.post(url("case_assess", case), unchanged)
    assert response.status_code == 302, response.content.decode()[:3000]
    b2 = next(c for c in CaseScore.objects.get(case=case).result["criteria"] if c["code"] == "B2")
    assert b2["points"] == 0


def test_with_a_sponsor_the_b2_facts_are_the_sponsors_ratings():
    assignee = reviewer()
    case = qualitative_case(assigned_to=assignee)  # the sponsor rates 5, 6 months recruiting, 5
    html = ministry_client(assignee).get(workspace_url(case)).content.decode()
    b2 = evidence_of(html, "B2")
    assert "Core-technology role (rating): 5" in b2
    assert "Hard to fill domestically: Yes" in b2
    assert "15 of 15" in text_of(row_of(html, 'data-criterion="B2"'))


# --- The assessed field, by name ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "english", "korean"),
    [("semiconductors", "Semiconductors", "반도체"), ("other", "Other field", "기타 분야")],
)
def test_the_read_only_assessment_names_the_field_in_the_readers_language(field, english, korean):
    assignee = reviewer()
    case = qualitative_case(assigned_to=assignee)
    response = ministry_client(assignee).post(url("case_assess", case), {**MODEST, "field": field})
    assert response.status_code == 302
    onlooker = ministry_client(reviewer())  # not the assignee: the assessment is shown, not the form
    for language, name in (("en", english), ("ko", korean)):
        html = onlooker.get(workspace_url(case), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert 'action="' + url("case_assess", case) + '"' not in html
        shown = text_of(
            html[
                html.index('id="assessment-heading"') : html.index("</dl>", html.index("assessment-heading"))
            ]
        )
        assert f"{name} — {MODEST['field_justification']}" in shown
        assert f" {field} — " not in shown


# --- Record changes: the newest ------------------------------------------------------------------


def _touch(case: Case, times: int) -> None:
    """``times`` recorded changes of the clock period (a field the table lists)."""
    for _ in range(times):
        Case.objects.filter(pk=case.pk).update(clock_period=F("clock_period") + 1)


def test_the_record_changes_are_the_newest_and_the_page_says_older_ones_are_left_out(monkeypatch):
    monkeypatch.setattr("apps.reviewers.workspace.selectors.HISTORY_LIMIT", 3)
    assignee = reviewer()
    case = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=assignee, submitted_at=T0)
    _touch(case, 5)
    Case.objects.filter(pk=case.pk).update(track=Track.QUALITATIVE)  # the newest change
    html = ministry_client(assignee).get(workspace_url(case)).content.decode()
    history = html[html.index("Record changes") :]
    changed = [text_of(cells[-1]) for cells in _cells(history)]
    # The three newest versions, oldest first; what the first of them changed is known (the version
    # before it is read too), so it is not mistaken for the first recorded state.
    assert changed == ["clock period", "clock period", "track"]
    assert "Only the latest 3 versions of the record are compared here; older changes are left out." in (
        text_of(history)
    )


def _cells(html: str) -> list[list[str]]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_a_short_record_is_shown_whole_without_the_note():
    assignee = reviewer()
    case = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=assignee, submitted_at=T0)
    html = ministry_client(assignee).get(workspace_url(case)).content.decode()
    history = html[html.index("Record changes") :]
    assert "first recorded state" in history
    assert "data-history-truncated" not in history
