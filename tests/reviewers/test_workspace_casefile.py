"""The whole file in front of the reviewer (issue 12, part 3): every fact the applicant or the
employer gave, grouped as entered, with declared and counted values and the evidence; the profile
frozen at submission; a summary and section links; the qualitative assessment only where the
track's decision reads assessed criteria (asked of the rubric version)."""

import dataclasses
import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.applicants.services import application_submit, profile_for
from apps.cases.casefile import track_criteria, track_uses_assessment
from apps.cases.models import CaseStatus, QualitativeAssessment, Track
from apps.cases.score_snapshot import case_score
from apps.cases.services import case_start
from apps.core.uploads import check_upload
from apps.demo.pdfs import one_page_pdf
from apps.rubric.language.document import PointsCompare
from apps.rubric.selectors import rubric_version_by_code
from tests.factories import (
    QUANTITATIVE_KINDS,
    applicant_with_full_profile,
    upload_documents,
)
from tests.ministry import reviewer
from tests.reviewers.test_workspace_support import (
    ministry_client,
    qualitative_case,
    row_of,
    text_of,
    url,
    workspace_url,
)

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def assignee():
    return reviewer()


@pytest.fixture
def submitted(assignee):
    """A quantitative case submitted through the applicant's service, with a full profile."""
    user = applicant_with_full_profile()
    case = case_start(applicant=user, track="quantitative", answers={"degree_level": "master"})
    upload_documents(case, user, QUANTITATIVE_KINDS)
    application_submit(case=case, by=user)
    case_score(case_id=case.pk)
    case.refresh_from_db()
    case.status, case.assigned_to = CaseStatus.IN_REVIEW, assignee
    case.save(update_fields=["status", "assigned_to"])
    return case


def group_of(html: str, code: str) -> str:
    match = re.search(rf'<section [^>]*data-file-group="{code}".*?</section>', html, re.S)
    assert match, f"no group {code}"
    return match.group(0)


def test_the_profile_is_frozen_on_the_case_at_submission(submitted):
    assert submitted.profile["nationality"] == "Canadian"
    assert [job["employer"] for job in submitted.profile["employment"]] == [
        "Borealis Motion",
        "Quill Robotics",
    ]
    assert submitted.profile["education"][0]["field_of_study"] == "Robot perception"


def test_every_fact_the_applicant_gave_is_in_the_workspace_grouped_as_entered(submitted, assignee):
    html = ministry_client(assignee).get(workspace_url(submitted)).content.decode()
    person = text_of(group_of(html, "person"))
    assert "Ada Kim" in person
    assert "Canadian" in person
    education = text_of(group_of(html, "education"))
    for text in ("Hanseong Institute of Technology (rank 58", "Robot perception", "2016"):
        assert text in education, text
    employment = text_of(group_of(html, "employment"))
    for text in ("Borealis Motion", "Quill Robotics", "Listed under its parent, Borealis Group."):
        assert text in employment, text
    assert "a reviewer checks it" in employment
    research = text_of(group_of(html, "research"))
    assert "IEEE Robotics Early Career Award 2022" in research
    # Each group names the documents its criteria ask for, linked.
    assert "degree.pdf" not in education  # upload_documents names files by kind
    assert "degree_certificate.pdf" in education
    assert "employment_certificate.pdf" in employment


def test_a_later_change_of_the_profile_does_not_change_the_file(submitted, assignee):
    profile = profile_for(submitted.applicant)
    profile.nationality = "Korean"
    profile.save()
    profile.employment.filter(employer="Quill Robotics").update(employer="Someone Else Ltd")
    html = ministry_client(assignee).get(workspace_url(submitted)).content.decode()
    assert "Canadian" in text_of(group_of(html, "person"))
    assert "Quill Robotics" in html
    assert "Someone Else Ltd" not in html


def test_a_sponsored_salary_shows_declared_and_counted_values_side_by_side(assignee):
    case = qualitative_case(assigned_to=assignee)  # declared 150,000,000; the employer offers 100,000,000
    html = ministry_client(assignee).get(workspace_url(case)).content.decode()
    row = row_of(group_of(html, "offer"), 'data-fact="offered_salary_krw"')
    assert "data-differs" in row
    assert "150,000,000" in row
    assert "100,000,000" in row
    assert "the employer" in text_of(row)
    assert "sponsorship" in text_of(row)


def test_a_case_submitted_before_the_profile_was_kept_says_so(assignee):
    case = qualitative_case(assigned_to=assignee)
    assert case.profile == {}
    html = ministry_client(assignee).get(workspace_url(case)).content.decode()
    assert "submitted before the profile was kept with the case" in text_of(group_of(html, "person"))


def test_the_summary_and_the_section_links_point_at_every_section(submitted, assignee):
    html = ministry_client(assignee).get(workspace_url(submitted)).content.decode()
    glance = re.search(r"<div class=\"ws-glance.*?</dl>", html, re.S)
    assert glance
    assert f'data-glance-status="{CaseStatus.IN_REVIEW}"' in glance.group(0)
    assert f'data-glance-score="{submitted.score.total}"' in glance.group(0)
    assert "Decide: approve or reject" in glance.group(0)
    nav = re.search(r'<nav class="ws-nav".*?</nav>', html, re.S)
    assert nav
    for anchor in re.findall(r'href="#([\w-]+)"', nav.group(0)):
        assert f'id="{anchor}"' in html, anchor
    for code in ("person", "education", "employment", "offer", "research"):
        assert f'href="#file-{code}"' in nav.group(0)


def test_the_next_action_asks_for_the_assessment_where_the_track_needs_one(assignee):
    case = qualitative_case(assigned_to=assignee)
    html = ministry_client(assignee).get(workspace_url(case)).content.decode()
    assert '<a href="#assessment">Assess the qualitative criteria (B1, B2).</a>' in html


# --- The qualitative assessment only where the track uses it -----------------------------------


def test_the_rubric_says_which_criteria_each_track_decides_on():
    config = rubric_version_by_code("2026-07").parsed_config()
    everything = {c.code for c in config.criteria}
    assert track_criteria(config, Track.QUALITATIVE) == everything  # the pass mark is on the total
    assert track_criteria(config, Track.QUANTITATIVE) == frozenset()  # facts only
    assert track_criteria(config, Track.GOVERNMENT_PROGRAMME) == frozenset()
    assert track_uses_assessment(config, Track.QUALITATIVE)
    assert not track_uses_assessment(config, Track.QUANTITATIVE)
    # A track on a group's points uses that group's criteria only.
    quantitative_group = {c.code for c in config.criteria if c.group == "quantitative"}
    on_group = dataclasses.replace(
        config.track(Track.QUANTITATIVE), eligible_when=PointsCompare(of="quantitative", op=">=", value=40)
    )
    changed = dataclasses.replace(config, tracks=(on_group,))
    assert track_criteria(changed, Track.QUANTITATIVE) == quantitative_group
    assert not track_uses_assessment(changed, Track.QUANTITATIVE)


def test_the_assessment_form_is_offered_on_a_qualitative_case_only(submitted, assignee):
    client = ministry_client(assignee)
    qualitative = qualitative_case(assigned_to=assignee)
    assert 'id="assessment"' in client.get(workspace_url(qualitative)).content.decode()
    html = client.get(workspace_url(submitted)).content.decode()
    assert 'id="assessment"' not in html
    assert 'href="#assessment"' not in html


def test_an_assessment_posted_on_a_quantitative_case_is_refused(submitted, assignee):
    client = ministry_client(assignee)
    data = {
        "field": "ai",
        "field_justification": "x",
        "publications_and_patents": "3",
        "publications_justification": "x",
        "led_project_years": "1",
        "leadership_justification": "x",
        "core_technology_role": "3",
        "core_technology_justification": "x",
        "hard_to_fill_justification": "x",
        "transfer_plan": "3",
        "transfer_plan_justification": "x",
    }
    response = client.post(url("case_assess", submitted), data, follow=True)
    assert "not decided on the qualitative criteria" in response.content.decode()
    assert not QualitativeAssessment.objects.filter(case=submitted).exists()


# --- The demo's documents ------------------------------------------------------------------------


def test_the_demo_documents_are_one_page_pdfs_that_pass_the_upload_checks():
    content = one_page_pdf("Degree certificate", ["Holder: Diego Ramírez (demo)", "Seoul \\ (test)"])
    upload = SimpleUploadedFile("degree.pdf", content, content_type="application/pdf")
    checked = check_upload(upload)
    assert checked.content_type == "application/pdf"
    assert content.count(b"/Type /Page ") == 1
    assert len(content) > 500  # a page with text, not a 45-byte stub
    assert b"(Holder: Diego Ram\xedrez \\(demo\\))" in content  # Latin-1, parentheses escaped


def test_the_assessment_service_refuses_a_track_that_does_not_use_it(submitted, assignee):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from apps.cases.reviewer_findings import QualitativeValues, qualitative_assess

    values = QualitativeValues(
        field="ai",
        field_justification="x",
        publications_and_patents=3,
        publications_justification="x",
        led_project_years=Decimal(1),
        international_award=False,
        leadership_justification="x",
        core_technology_role=3,
        core_technology_justification="x",
        hard_to_fill=False,
        hard_to_fill_justification="x",
        transfer_plan=3,
        transfer_plan_justification="x",
    )
    with pytest.raises(ValidationError, match="not decided on the qualitative criteria"):
        qualitative_assess(case=submitted, by=assignee, values=values)
    assert not QualitativeAssessment.objects.filter(case=submitted).exists()
