"""The one Redis client of the process, or an in-process substitute.

Revocation lists, lockout and rate-limit counters and caches live in Redis so
that every app process shares them. With ``redis.url`` empty (the embedded
default) the platform uses fakeredis, which behaves like a Redis server held
in this process: fine for one process, development and tests.
"""

import hashlib

from redis import Redis
from redis.exceptions import NoScriptError

#: SHA-1 of each Lua script run through :func:`run_script`, computed once.
_SCRIPT_SHAS = {}


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


def run_script(client, script, keys=(), args=()):
    """Run a Lua script by its SHA-1 (``EVALSHA``); its text is sent only when Redis does not know it yet.

    Redis hashes the text of every ``EVAL`` to find its compiled script: a
    hot script (the cached list totals) is cheaper by its digest.
    """
    sha = _SCRIPT_SHAS.get(script)
    if sha is None:
        sha = _SCRIPT_SHAS[script] = hashlib.sha1(script.encode()).hexdigest()
    try:
        return client.evalsha(sha, len(keys), *keys, *args)
    except NoScriptError:
        return client.eval(script, len(keys), *keys, *args)


def includeme(config):
    """``request.redis``: the client, built once at startup."""
    client = build_redis(config.get_settings())
    config.registry["redis"] = client
    config.add_request_method(lambda request: request.registry["redis"], "redis", reify=True)
