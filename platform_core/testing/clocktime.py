"""Writing wall-clock times in tests: ``local(day, 9, 30, "Europe/Lisbon")`` as aware UTC."""

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo


def local(day, hour, minute=0, zone="UTC"):
    """The UTC instant of a wall-clock time on ``day`` in ``zone``."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
