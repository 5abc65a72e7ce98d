"""Django's Redis cache with one Redis client per connection pool (core/rediscache.py): the
same answers as Django's, on a real Redis (REDIS_URL, else the broker's — CI sets only
CELERY_BROKER_URL), without a client built per call."""

import os
import uuid

import pytest
from django.conf import settings

from core.rediscache import RedisCache
from tests.services import need_redis


@pytest.fixture
def redis_cache():
    need_redis()
    url = os.environ.get("REDIS_URL") or settings.CELERY_BROKER_URL
    # Keys of their own (a fresh prefix), removed one by one: never the broker's.
    cache = RedisCache(url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.delete_many(["a", "b"])  # never clear(): that empties the whole Redis database


def test_it_keeps_and_gives_back_like_djangos(redis_cache):
    assert redis_cache.get("a") is None
    redis_cache.set("a", {"x": [1, 2]})
    assert redis_cache.add("a", 3) is False
    assert redis_cache.get_many(["a", "b"]) == {"a": {"x": [1, 2]}}
    redis_cache.delete("a")
    assert redis_cache.get("a", "gone") == "gone"


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    redis_cache.set("a", 1)
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is client  # one server: one pool
