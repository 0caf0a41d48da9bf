"""Brute-force protection: account lockout and per-IP rate limits, kept in Redis.

Both counters live in Redis so that every app process shares them. Lock
expiry is compared with the platform clock (not only Redis TTLs), so tests
move time instead of sleeping.
"""

import ipaddress
import math

from platform_core.errors import AccountLocked, RateLimited


class Lockout:
    """Locks an account after ``threshold`` consecutive failed logins."""

    def __init__(self, redis, clock, threshold, duration):
        self.redis, self.clock = redis, clock
        self.threshold = threshold
        self.duration = duration.total_seconds()

    def check(self, user_id):
        """Raise AccountLocked while the account is locked."""
        until = self.redis.get(f"auth:locked:{user_id}")
        if until is not None and float(until) > self.clock.timestamp():
            raise AccountLocked(retry_after=math.ceil(float(until) - self.clock.timestamp()))

    def record_failure(self, user_id):
        """Count a failure; the one that reaches the threshold locks the account."""
        key = f"auth:failures:{user_id}"
        failures = self.redis.incr(key)
        self.redis.expire(key, int(self.duration) + 3600)
        if failures >= self.threshold:
            until = self.clock.timestamp() + self.duration
            # The Redis TTL only cleans up; the stored time decides.
            self.redis.set(f"auth:locked:{user_id}", str(until), ex=int(self.duration) + 3600)
            self.redis.delete(key)

    def reset(self, user_id):
        self.redis.delete(f"auth:failures:{user_id}", f"auth:locked:{user_id}")


class RateLimiter:
    """Fixed-window request counters per client IP and scope (``login``, ``register``...)."""

    def __init__(self, redis, clock, limits):
        self.redis, self.clock = redis, clock
        #: scope -> (max requests, window seconds)
        self.limits = limits

    def hit(self, scope, client_ip):
        """Count a request; raise RateLimited past the scope's limit."""
        if scope not in self.limits:
            return
        allowed, window = self.limits[scope]
        now = self.clock.timestamp()
        window_start = int(now // window * window)
        key = f"ratelimit:{scope}:{client_ip}:{window_start}"
        pipeline = self.redis.pipeline()
        pipeline.incr(key)
        pipeline.expire(key, window + 1)
        count, _ = pipeline.execute()
        if count > allowed:
            raise RateLimited(retry_after=math.ceil(window_start + window - now))


def parse_rate(value):
    """``"20/60s"`` → (20, 60): that many requests per window of seconds."""
    count, _, window = str(value).partition("/")
    window = window.strip().rstrip("s") or "60"
    return int(count), int(window)


def client_ip(request, trusted_proxies):
    """The client's address: the socket peer, or X-Forwarded-For behind a trusted proxy.

    Walks X-Forwarded-For from the right and takes the first address that is
    not a trusted proxy, so a client cannot pick its own address by sending
    the header itself.
    """
    peer = request.remote_addr or ""
    if not _is_trusted(peer, trusted_proxies):
        return peer
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address, trusted_proxies):
            return address
    return forwarded[0] if forwarded else peer


def _is_trusted(address, trusted_proxies):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted_proxies)
