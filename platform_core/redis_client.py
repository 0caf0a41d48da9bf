"""The one Redis client of the process, or an in-process substitute.

Revocation lists, lockout and rate-limit counters and caches live in Redis so
that every app process shares them. With ``redis.url`` empty (the embedded
default) the platform uses fakeredis, which behaves like a Redis server held
in this process: fine for one process, development and tests.
"""

from redis import Redis


def build_redis(settings):
    """A client for ``redis.url``, or a fakeredis server private to this app."""
    url = (settings.get("redis.url") or "").strip()
    timeout = float(settings.get("redis.socket_timeout", 2))
    if not url:
        import fakeredis

        return fakeredis.FakeRedis(server=fakeredis.FakeServer(), decode_responses=True)
    return Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        health_check_interval=30,
    )


def includeme(config):
    """``request.redis``: the client, built once at startup."""
    client = build_redis(config.get_settings())
    config.registry["redis"] = client
    config.add_request_method(lambda request: request.registry["redis"], "redis", reify=True)
