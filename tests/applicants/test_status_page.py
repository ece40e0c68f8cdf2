"""The status page: the state in words, the clock, what to do now, the score snapshot (or waiting for
it), the timeline, and withdrawal with confirmation."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.roles import Role
from apps.cases.models import CaseEvent, CaseStatus
from apps.cases.review_moves import (
    case_decide,
    case_request_information,
    case_start_review,
    information_respond,
)
from apps.cases.score_snapshot import case_score
from apps.cases.services import case_start, case_submit, case_withdraw
from tests.factories import (
    ELF_BYTES,
    FULL_ANSWERS,
    MembershipFactory,
    UserFactory,
    pdf_upload,
    png_upload,
    upload_documents,
)

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
SUBMITTED_AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)


@pytest.fixture
def client_a(client, applicant_with_profile):
    client.force_login(applicant_with_profile)
    return client


@pytest.fixture
def submitted(applicant_with_profile):
    with time_machine.travel(SUBMITTED_AT, tick=False):
        case = case_start(applicant=applicant_with_profile, answers=FULL_ANSWERS, track="quantitative")
        upload_documents(case, applicant_with_profile)
        case_submit(case=case, by=applicant_with_profile)
    return case


def status_html(client, case):
    response = client.get(f"/apply/{case.reference}/status/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_draft_says_so_and_leads_back_to_the_wizard(client_a, applicant_with_profile):
    case = case_start(applicant=applicant_with_profile)
    html = status_html(client_a, case)
    assert 'data-status="draft">Draft<' in html
    assert "You have not submitted this application yet." in html
    assert f'href="/apply/{case.reference}/"' in html
    assert "data-days-left" not in html
    assert 'id="score-heading"' not in html  # nothing to score before submission


def test_days_left_count_down_in_whole_days(client_a, submitted):
    with time_machine.travel(dt.datetime(2026, 11, 6, 8, 0, tzinfo=SEOUL), tick=False):
        html = status_html(client_a, submitted)
    assert 'data-days-left="10"' in html
    assert "10 days left" in html
    assert '<time datetime="2026-11-16T09:00:00+09:00">' in html  # the due date
    with time_machine.travel(dt.datetime(2026, 11, 18, 9, 0, tzinfo=SEOUL), tick=False):
        html = status_html(client_a, submitted)
    assert "The processing time ended 2 days ago." in html


def test_before_the_score_exists_the_page_says_it_is_waiting(client_a, submitted):
    html = status_html(client_a, submitted)
    assert 'data-score="waiting"' in html
    assert "Waiting for the score." in html


def test_the_score_snapshot_shows_each_criterion_and_labels_the_estimates(client_a, submitted):
    snapshot = case_score(case_id=submitted.pk)
    html = status_html(client_a, submitted)
    assert 'data-score="waiting"' not in html
    assert f'<span class="sa-total-figure">{snapshot.total}</span>' in html
    for code in ("A1", "A2", "A3", "B1", "B2"):
        assert f'data-criterion="{code}"' in html
    b1 = html[html.index('data-criterion="B1"') : html.index('data-criterion="B2"')]
    assert "estimate until a reviewer scores them" in b1
    a1 = html[html.index('data-criterion="A1"') : html.index('data-criterion="A2"')]
    assert "estimate until a reviewer scores them" not in a1
    assert "25 of 25 points" in a1
    criterion = snapshot.result["criteria"][0]
    assert criterion["explanation"] in html
    timeline = html[html.index('class="ap-timeline"') :]
    assert "Score calculated" in timeline


def test_the_timeline_is_an_ordered_list_of_every_event_with_machine_readable_times(client_a, submitted):
    html = status_html(client_a, submitted)
    timeline = html[html.index('<ol class="ap-timeline">') : html.index("</ol>", html.index("ap-timeline"))]
    kinds = list(CaseEvent.objects.filter(case=submitted).values_list("kind", flat=True))
    assert timeline.count("<li") == len(kinds) == 7
    assert timeline.count("<time datetime=") == 7
    assert "Passport: passport.pdf" in timeline
    assert "by you" in timeline


def ask(case, addressee="applicant"):
    reviewer = UserFactory(role=Role.REVIEWER)
    case_start_review(case=case, reviewer=reviewer, by=reviewer)
    if addressee == "employer":
        from tests.factories import SponsorshipFactory

        SponsorshipFactory(case=case, status="confirmed")
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, 0, tzinfo=SEOUL), tick=False):
        case_request_information(
            case=case,
            by=reviewer,
            addressee=addressee,
            message="Your employment certificate for 2024 is missing.",
            needed="The 2024 employment certificate, signed by the employer.",
            respond_by=dt.date(2026, 11, 12),
        )
    return reviewer


def test_an_information_request_says_what_to_do_and_pauses_the_clock(client_a, submitted):
    ask(submitted)
    with time_machine.travel(dt.datetime(2026, 11, 7, 9, 0, tzinfo=SEOUL), tick=False):
        html = status_html(client_a, submitted)
    assert 'data-status="information_requested">Information requested<' in html
    assert "Your employment certificate for 2024 is missing." in html
    assert "The 2024 employment certificate, signed by the employer." in html
    assert '<time datetime="2026-11-12">' in html
    assert "send your answer" in html
    assert "The processing clock is paused with 11 days left." in html  # frozen at the pause
    assert "by the K-Tech Pass team" in html
    assert 'for="id_text"' in html
    assert 'type="file" name="attachments"' in html
    assert "multiple" in html[html.index('name="attachments"') - 200 : html.index('name="attachments"') + 200]


def test_answering_with_text_and_files_resumes_the_clock(client_a, submitted):
    ask(submitted)
    with time_machine.travel(dt.datetime(2026, 11, 7, 9, 0, tzinfo=SEOUL), tick=False):
        response = client_a.post(
            f"/apply/{submitted.reference}/respond/",
            {
                "text": "Attached, signed.",
                "attachments": [pdf_upload("certificate-2024.pdf"), png_upload("stamp.png")],
            },
            follow=True,
        )
    html = response.content.decode()
    assert "Your answer has been sent to the reviewer." in html
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.IN_REVIEW
    assert submitted.due_at == dt.datetime(2026, 11, 18, 9, 0, tzinfo=SEOUL)  # moved by the 2 paused days
    names = set(
        submitted.documents.filter(kind="information_response").values_list("original_name", flat=True)
    )
    assert names == {"certificate-2024.pdf", "stamp.png"}
    assert "Answer to an information request" in html  # the files are listed with the others
    timeline = html[html.index('class="ap-timeline"') :]
    assert "Information provided" in timeline
    assert "Attached, signed." in timeline


def test_a_bad_answer_is_explained_and_nothing_changes(client_a, submitted):
    ask(submitted)
    response = client_a.post(
        f"/apply/{submitted.reference}/respond/",
        {"text": "Here it is.", "attachments": [SimpleUploadedFile("virus.pdf", ELF_BYTES)]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your answer was not sent." in html
    assert "is not a PDF, JPEG or PNG file" in html
    assert "Here it is." in html  # what was typed is kept
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.INFORMATION_REQUESTED
    assert not submitted.documents.filter(kind="information_response").exists()
    empty = client_a.post(f"/apply/{submitted.reference}/respond/", {"text": ""})
    assert empty.status_code == 400
    assert "Write your answer." in empty.content.decode()


def test_a_request_to_the_employer_is_not_for_the_applicant_to_answer(client_a, submitted):
    ask(submitted, addressee="employer")
    html = status_html(client_a, submitted)
    assert "The reviewer has asked your employer for information" in html
    assert 'name="text"' not in html
    response = client_a.post(f"/apply/{submitted.reference}/respond/", {"text": "Me instead"}, follow=True)
    assert "There is no open request for you to answer" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.INFORMATION_REQUESTED

    sponsor = submitted.sponsorships.get()
    member = MembershipFactory(organisation=sponsor.organisation).user
    information_respond(
        request=submitted.information_requests.get(), by=member, text="The contract is attached."
    )
    timeline = status_html(client_a, submitted).split('class="ap-timeline"')[1]
    assert "by your employer" in timeline
    assert "The contract is attached." in timeline


def test_a_decision_is_shown_with_its_reasons(client_a, submitted):
    reviewer = UserFactory(role=Role.REVIEWER)
    case_start_review(case=submitted, reviewer=reviewer, by=reviewer)
    case_decide(
        case=submitted,
        by=reviewer,
        approve=False,
        reason_codes=["evidence_not_verified"],
        explanation="The salary evidence is not signed.",
        expected_version=submitted.lock_version,
    )
    html = status_html(client_a, submitted)
    assert 'data-status="rejected">Rejected<' in html
    decision = html[html.index('class="ap-decision') :]
    assert "The evidence could not be verified. The salary evidence is not signed." in decision
    assert "data-days-left" not in html
    assert "/withdraw/" not in html


def test_after_submission_documents_can_be_downloaded_but_not_changed(client_a, submitted):
    html = status_html(client_a, submitted)
    assert "/download/" in html
    assert "/remove/" not in html
    assert 'type="file"' not in html
    document = submitted.documents.first()
    response = client_a.post(f"/apply/{submitted.reference}/documents/{document.pk}/remove/", follow=True)
    assert "After submission a document can be replaced, but not removed." in response.content.decode()
    assert submitted.documents.filter(pk=document.pk).exists()


def test_withdraw_asks_for_confirmation_and_records_the_reason(client_a, submitted):
    assert f'href="/apply/{submitted.reference}/withdraw/"' in status_html(client_a, submitted)
    page = client_a.get(f"/apply/{submitted.reference}/withdraw/").content.decode()
    assert "Withdrawing cannot be undone." in page
    assert 'for="id_reason"' in page
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED  # a GET withdraws nothing

    response = client_a.post(
        f"/apply/{submitted.reference}/withdraw/", {"reason": "I accepted an offer elsewhere."}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/apply/{submitted.reference}/status/"
    assert f"You withdrew application {submitted.reference}." in html
    assert 'data-status="withdrawn">Withdrawn<' in html
    assert "I accepted an offer elsewhere." in html
    assert "data-days-left" not in html
    assert 'data-score="waiting"' not in html  # a withdrawn case waits for nothing
    assert "/withdraw/" not in html.split("History")[1]

    again = client_a.post(f"/apply/{submitted.reference}/withdraw/", {}, follow=True)
    assert "This application is already closed" in again.content.decode()
    assert submitted.events.filter(kind=CaseEvent.Kind.WITHDRAWN).count() == 1


def test_a_draft_can_be_withdrawn_too(client_a, applicant_with_profile):
    case = case_start(applicant=applicant_with_profile)
    client_a.post(f"/apply/{case.reference}/withdraw/", {"reason": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert client_a.get(f"/apply/{case.reference}/documents/").url == f"/apply/{case.reference}/status/"


def test_the_list_shows_each_application_with_its_status_in_words(
    client_a, submitted, applicant_with_profile
):
    html = client_a.get("/apply/").content.decode()
    assert submitted.reference in html
    assert 'class="ap-status ap-status--submitted">Submitted<' in html
    case_withdraw(case=submitted, by=applicant_with_profile)  # one open application at a time
    draft = case_start(applicant=applicant_with_profile)
    html = client_a.get("/apply/").content.decode()
    assert draft.reference in html
    assert 'class="ap-status ap-status--withdrawn">Withdrawn<' in html
    assert 'class="ap-status ap-status--draft">Draft<' in html


def test_the_score_is_explained_in_the_readers_language(client_a, submitted):
    from apps.cases.score_snapshot import case_score

    case_score(case_id=submitted.pk)  # written by a worker in English
    response = client_a.get(f"/apply/{submitted.reference}/status/", HTTP_ACCEPT_LANGUAGE="ko")
    html = response.content.decode()
    assert "학위 및 출신 대학" in html  # A1's title in Korean
    assert "Degree pedigree" not in html
