"""Django's RedisCache, keeping one redis-py client per connection pool.

Django's client builds a new `redis.Redis` object for every cache call (`get_client`), and
redis-py fills a table of a few hundred response callbacks in each: about 0.2 ms of CPU per call,
more than the call itself. A page served from the page cache makes two calls, every request
with a session one more, so the portal keeps the client. It is safe to share: a redis-py client
holds no connection of its own, it takes one from the pool per command; and each thread already
has its own cache object (django.core.cache.caches is per thread), so its own clients.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property


class ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        return ReusingClient(self._servers, **self._options)
