"""Reading the per-request Redis keys in one round trip.

Every authenticated request needs the token's revocation keys, the account's
state, the caller's roles and the business's modules. Once the token's
claims are known, :func:`prefetch` fetches all of them with one ``MGET``;
the readers (:mod:`platform_core.auth.state`, :mod:`platform_core.tenancy.roles`,
:mod:`platform_core.modules.state`) look here before asking Redis.
"""

ENVIRON_KEY = "platform.prefetched"
MISSING = object()
#: How long a fact mirrored from the database stays in Redis (it is also forgotten when its rows change).
CACHE_SECONDS = 3600


def prefetch(request, keys):
    """Fetch ``keys`` at once; their values are kept for the rest of the request."""
    values = request.redis.mget(keys)
    request.environ.setdefault(ENVIRON_KEY, {}).update(zip(keys, values))
    return values


def prefetched(request, key):
    """The value fetched for ``key`` in this request (None for a miss), or MISSING if not fetched."""
    if request is None:
        return MISSING
    return request.environ.get(ENVIRON_KEY, {}).get(key, MISSING)


def cached(request, redis, key):
    """The value of ``key`` in Redis (None when absent): the request's prefetched copy if it has one."""
    value = prefetched(request, key)
    return redis.get(key) if value is MISSING else value


def remembered(request, redis, key, load, dump, parse):
    """A fact mirrored in Redis: ``parse(value)`` when ``key`` holds it, else ``load()`` from the database.

    What ``load`` returns is stored as ``dump(fact)`` for :data:`CACHE_SECONDS`;
    None (nothing to know) is returned and not stored.
    """
    value = cached(request, redis, key)
    if value is not None:
        return parse(value)
    fact = load()
    if fact is not None:
        redis.set(key, dump(fact), ex=CACHE_SECONDS)
    return fact
