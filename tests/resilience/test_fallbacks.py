"""Each Redis fallback on its own, with a dedicated Redis killed or refusing writes (decision 14).

- the cache: reads miss and writes land in the process's memory, never an error; the shared value
  is either read from Redis or reported unavailable;
- sign-in rate limits and the API throttle hold per process while Redis is down;
- staff idle sign-out fails closed (a watched session whose record is out of reach is signed out
  with a message, not a 500), sessions nobody watches carry on, and staff who sign in during the
  outage keep their last activity in the session and still time out;
- queue counts are computed, not cached, while Redis is down, and follow every change at once.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from apps.accounts.middleware import OUTAGE_RECORD_KEY
from apps.accounts.roles import Role
from apps.applicants.api.views import SelfAssessmentThrottle
from apps.core.cache import ResilientRedisCache, SharedCacheUnavailable, get_shared, reset_outage_state
from apps.reviewers.queue.selectors import QueueFilters, queue_counts, queue_counts_cached
from tests.factories import UserFactory
from tests.ministry import reviewer, sign_in, submitted_case

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"  # UserFactory's
QUEUE = reverse("ministry:queue")
API = "/api/v1/self-assessment"
API_ANSWERS = {
    "degree_level": "master",
    "experience_years": 5,
    "offered_salary_krw": 60_000_000,
    "field": "other",
}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The cache backend -------------------------------------------------------------------------


def test_the_configured_cache_is_the_resilient_one():
    assert isinstance(caches["default"], ResilientRedisCache)


def test_with_redis_down_reads_miss_and_writes_stay_in_the_process(server):
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"  # from Redis
    server.kill()
    assert cache.get("greeting") is None  # out of reach: a miss, not an error
    cache.set("greeting", "still here")  # in this process's memory
    assert cache.get("greeting") == "still here"
    assert cache.add("lock", 1) is True
    assert cache.add("lock", 1) is False
    assert cache.incr("lock") == 2
    cache.delete("lock")
    with pytest.raises(SharedCacheUnavailable):
        get_shared("greeting")


def test_redis_is_tried_again_after_the_outage(server):
    server.kill()
    assert cache.get("x") is None
    server.start()
    assert caches["default"].in_outage  # a few seconds off Redis after a failure
    reset_outage_state()  # (instead of waiting them out)
    cache.set("x", 1)
    assert get_shared("x") == 1
    assert server.client(1).dbsize() == 1  # really in Redis


def test_refused_writes_are_not_errors_either(server):
    server.client().config_set("min-replicas-to-write", 1)  # NOREPLICAS on every write
    cache.set("greeting", "hello")  # refused by Redis: kept in this process instead
    assert cache.get("greeting") == "hello"
    assert server.client(1).dbsize() == 0


# --- Rate limits -------------------------------------------------------------------------------


@override_settings(ACCOUNT_RATE_LIMITS={**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"})
def test_failed_sign_ins_are_limited_per_process_while_redis_is_down(server, client):
    person = UserFactory(role=Role.APPLICANT)
    server.kill()
    for _ in range(3):
        response = client.post(reverse("account_login"), {"login": person.email, "password": "wrong"})
        assert response.status_code == 200
        assert "Too many" not in response.content.decode()
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()


def test_the_right_password_signs_in_while_redis_is_down(server, client):
    person = UserFactory(role=Role.APPLICANT)
    server.kill()
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/apply/").status_code == 200


def test_the_api_throttle_holds_per_process_while_redis_is_down(server, client, monkeypatch):
    monkeypatch.setattr(SelfAssessmentThrottle, "rate", "3/min")
    server.kill()
    codes = [client.post(API, API_ANSWERS, content_type="application/json").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_the_api_throttle_counts_in_redis_when_it_is_up(server, client, monkeypatch):
    monkeypatch.setattr(SelfAssessmentThrottle, "rate", "3/min")
    assert client.post(API, API_ANSWERS, content_type="application/json").status_code == 200
    assert any(b"throttle:self_assessment" in key for key in server.client(1).scan_iter())


# --- Idle sign-out -------------------------------------------------------------------------------


def test_a_watched_staff_session_whose_record_is_out_of_reach_is_signed_out_with_a_message(server):
    client = sign_in(Client(), reviewer())
    assert client.get(QUEUE).status_code == 200  # watched now; its last activity is in Redis
    server.kill()
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("account_login")
    assert messages_of(response) == ["For your security, you were signed out. Please sign in again."]
    assert client.get(QUEUE).status_code == 404  # signed out: the ministry does not exist for you


def test_sessions_nobody_watches_carry_on_while_redis_is_down(server, client):
    client.force_login(UserFactory(role=Role.APPLICANT))
    assert client.get("/apply/").status_code == 200
    server.kill()
    assert client.get("/apply/").status_code == 200
    assert client.get("/apply/").status_code == 200


def test_staff_who_sign_in_during_the_outage_can_work_and_still_time_out(server):
    server.kill()
    client = sign_in(Client(), reviewer())
    assert client.get(QUEUE).status_code == 200
    assert client.get(QUEUE).status_code == 200  # the last activity is kept in the session
    assert isinstance(client.session[OUTAGE_RECORD_KEY], float)
    later = timezone.now() + dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 5)
    with time_machine.travel(later, tick=False):
        response = client.get(QUEUE)
    assert response.status_code == 302
    assert messages_of(response) == ["You were signed out after 30 minutes without activity."]


def test_when_redis_returns_the_sessions_record_counts_and_moves_back_to_redis(server):
    server.kill()
    client = sign_in(Client(), reviewer())
    assert client.get(QUEUE).status_code == 200
    server.start()  # empty, as after a crash
    reset_outage_state()
    assert client.get(QUEUE).status_code == 200  # not taken for a lost record
    assert OUTAGE_RECORD_KEY not in client.session
    assert any(b"accounts:idle:" in key for key in server.client(1).scan_iter())


# --- Queue counts --------------------------------------------------------------------------------


def test_queue_counts_are_computed_without_the_cache_and_follow_changes_at_once(server):
    person = reviewer()
    now = timezone.now()
    submitted_case()
    server.kill()
    counts = queue_counts_cached(QueueFilters(), user_id=person.pk, now=now)
    assert counts == queue_counts(QueueFilters(), user_id=person.pk, now=now)
    submitted_case()  # its cache bump is lost with Redis; the counts must not be
    again = queue_counts_cached(QueueFilters(), user_id=person.pk, now=now)
    assert again == queue_counts(QueueFilters(), user_id=person.pk, now=now)
    assert again != counts
