"""A NUL byte anywhere in a request's parameters is a 400 with a short message, never a 500 (issue 13).

PostgreSQL refuses NUL in text, so before the middleware a NUL that reached a query (the roster's
search, the ministry queue's search, a code in the path) was a server error.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.programmes.services import programme_officer_appoint
from tests.factories import PDF_BYTES, UserFactory
from tests.ministry import reviewer, sign_in
from tests.programmes.factories import programme

pytestmark = pytest.mark.django_db

MESSAGE = "contains a NUL character"


@pytest.fixture
def officer_client(client: Client) -> Client:
    officer = UserFactory(email="kasa.officer@example.org")
    programme_officer_appoint(user=officer, programme=programme("KASA"))
    client.force_login(officer)
    return client


def assert_refused_as_html(response) -> None:
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert MESSAGE in page
    assert len(page) < 2000  # small: no site chrome, nothing echoed back
    assert "\x00" not in page


def assert_refused_as_problem(response) -> None:
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["status"] == 400
    assert problem["title"] == "Bad request"
    assert MESSAGE in problem["detail"]
    assert len(response.content) < 500


@pytest.mark.parametrize(
    "url",
    [
        "/programmes/KASA/roster/?q=%00",  # the 500 of the issue
        "/programmes/KASA/roster/?q=ana%00souza&page=1",
        "/programmes/KASA/roster/?page=%00",
        "/programmes/KASA/roster/?%00=1",  # in a parameter's name
        "/programmes/KA%00SA/roster/",  # in the path
    ],
)
def test_a_nul_in_the_roster_search_is_a_400_with_a_message(officer_client, url):
    assert_refused_as_html(officer_client.get(url))


def test_the_roster_search_still_works_without_one(officer_client):
    assert officer_client.get("/programmes/KASA/roster/?q=ana").status_code == 200


def test_a_nul_in_the_ministry_queue_search_is_a_400(client):
    sign_in(client, reviewer())
    assert client.get("/ministry/?q=ana").status_code == 200
    assert_refused_as_html(client.get("/ministry/?q=%00"))


@pytest.mark.parametrize(
    "url", ["/?next=%00", "/self-assessment/?degree_level=%00", "/accounts/login/?next=/%00"]
)
def test_public_pages_refuse_a_nul_in_the_query_string(client, url):
    assert_refused_as_html(client.get(url))


def test_a_nul_in_a_posted_form_field_is_a_400(client):
    user = UserFactory()
    response = client.post("/accounts/login/", {"login": f"{user.email}\x00", "password": "x"})
    assert_refused_as_html(response)
    response = client.post("/accounts/login/", {"login\x00": user.email, "password": "x"})
    assert_refused_as_html(response)


def test_a_nul_in_a_multipart_field_is_a_400(officer_client):
    upload = SimpleUploadedFile("roster.csv", b"full_name,email,passport_number\n")
    response = officer_client.post("/programmes/KASA/roster/import/", {"file": upload, "note": "a\x00b"})
    assert_refused_as_html(response)


def test_the_roster_upload_still_takes_a_file_without_one(officer_client):
    upload = SimpleUploadedFile("roster.pdf", PDF_BYTES)
    response = officer_client.post("/programmes/KASA/roster/import/", {"file": upload})
    assert response.status_code == 200  # the form's own error (not a CSV), not the NUL refusal
    assert MESSAGE not in response.content.decode()


def test_a_nul_in_a_cookie_is_a_400(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert_refused_as_html(client.get("/"))


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/schema/?format=%00"),
        ("post", "/api/v1/self-assessment?lang=%00"),
        ("get", "/api/v1/self-assessment?%00"),
    ],
)
def test_the_api_answers_a_small_problem_document(client, method, url):
    if method == "post":
        response = client.post(url, data="{}", content_type="application/json")
    else:
        response = client.get(url, HTTP_ACCEPT="application/json")
    assert_refused_as_problem(response)


def test_a_form_body_sent_to_the_api_is_still_refused_by_the_api_as_unsupported(client):
    """The middleware does not parse bodies under /api/: the API's parser reads the stream itself."""
    response = client.post("/api/v1/self-assessment", {"degree_level": "a\x00b"})  # multipart
    assert response.status_code == 415


def test_a_json_body_is_left_to_the_api(client):
    """The middleware reads form bodies only: a JSON body still reaches the API's parser."""
    response = client.post("/api/v1/self-assessment", data=json.dumps({}), content_type="application/json")
    assert response.status_code != 500
    assert MESSAGE not in response.content.decode()


def test_the_message_is_in_korean_for_a_korean_reader(client):
    response = client.get("/programmes/KASA/roster/?q=%00", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="ko">' in page
    assert "잘못된 요청" in page
    response = client.get("/api/v1/self-assessment?q=%00", HTTP_ACCEPT_LANGUAGE="ko")
    assert json.loads(response.content)["title"] == "잘못된 요청"


def test_the_refusal_page_has_the_sites_security_headers(client):
    response = client.get("/?q=%00")
    assert response.status_code == 400
    assert "Content-Security-Policy" in response
    assert response["X-Content-Type-Options"] == "nosniff"
