import pytest
from django.core.cache import cache
from django.db import connection


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_database_is_real_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


def test_cache_is_real_redis():
    cache.set("health-probe", "yes", 5)
    assert cache.get("health-probe") == "yes"
    client = cache._cache.get_client()  # the redis-py client behind Django's RedisCache
    assert client.ping() is True
