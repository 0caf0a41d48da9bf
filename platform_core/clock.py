"""The platform's clock, one object tests can stop and move.

Lockouts, one-time codes and mail-token expiries are checked against
``registry["clock"]`` instead of the system time directly, so a test moves
time forward instead of sleeping.
"""

from datetime import datetime, timedelta, timezone


class Clock:
    """The real time in UTC, unless frozen (tests only)."""

    def __init__(self):
        self._frozen_at = None

    def now(self):
        return self._frozen_at or datetime.now(timezone.utc)

    def timestamp(self):
        return self.now().timestamp()

    def freeze(self, at=None):
        """Stop the clock at ``at`` (default: now)."""
        self._frozen_at = at or datetime.now(timezone.utc)

    def advance(self, **delta):
        """Move a frozen clock forward by ``timedelta(**delta)``."""
        if self._frozen_at is None:
            raise RuntimeError("freeze() the clock before moving it")
        self._frozen_at += timedelta(**delta)

    def unfreeze(self):
        self._frozen_at = None


def as_utc(moment):
    """``moment`` as an aware UTC datetime (SQLite hands back the stored UTC values naive)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def includeme(config):
    config.registry["clock"] = Clock()
    config.add_request_method(lambda request: request.registry["clock"], "clock", reify=True)
