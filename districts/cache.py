"""The shared cache (CACHE_URL=redis://...) for the API's rate limits and the leaders' trends.

A cache that stops answering must not take pages down with it: a call that fails is logged
and treated as a miss (nothing found, nothing kept), and for the next few seconds the cache is
not asked at all, so a stalled Redis costs one short timeout, not one on every call.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class ForgivingRedisCache(RedisCache):
    rest_seconds = 5.0
    _resting_until = 0.0

    def _forgive(self, what: str, call, *args, fallback=None):
        if time.monotonic() < self._resting_until:
            return fallback
        try:
            return call(*args)
        except RedisError as error:
            self._resting_until = time.monotonic() + self.rest_seconds
            log.warning("cache %s failed; treated as a miss for a few seconds: %s", what, error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._forgive("get", super().get, key, default, version, fallback=default)

    def get_many(self, keys, version=None):
        return self._forgive("get_many", super().get_many, keys, version, fallback={})

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forgive("set", super().set, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive("add", super().add, key, value, timeout, version, fallback=False)

    def delete(self, key, version=None):
        return self._forgive("delete", super().delete, key, version, fallback=False)

    def reachable(self) -> bool:
        return bool(self._forgive("ping", lambda: self._cache.get_client(write=True).ping()))
