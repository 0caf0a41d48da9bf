"""Time arithmetic of availability, free of the database: windows, busy blocks, slots.

Everything here works on timezone-aware UTC datetimes. Working hours are
wall-clock times in the location's zone: :func:`working_windows` turns each
day's hours into UTC intervals with ``zoneinfo``, so a day of a
daylight-saving change is as long as the clock says (09:00-17:00 is 8 hours
on both sides of the change). A wall time inside a spring-forward gap (which
no clock shows) is read with the offset before the change, as PEP 495 does:
it lands the gap's length later.
"""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo



UTC = timezone.utc


def local_to_utc(day, wall_time, zone):
    """The UTC instant of ``wall_time`` on ``day`` in ``zone``."""
    return datetime.combine(day, wall_time).replace(tzinfo=zone).astimezone(UTC)


def working_windows(hours, days, zone_name):
    """UTC intervals of ``hours`` (``[(weekday, start, end)]``, Monday = 0) over ``days``."""
    zone = ZoneInfo(zone_name)
    windows = []
    for day in days:
        for weekday, start, end in hours:
            if weekday == day.weekday() and start < end:
                windows.append((local_to_utc(day, start, zone), local_to_utc(day, end, zone)))
    return merge(windows)


def merge(intervals):
    """Sorted, non-overlapping union of ``intervals``."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def subtract(intervals, removed):
    """``intervals`` minus every interval of ``removed``."""
    result = []
    for start, end in merge(intervals):
        pieces = [(start, end)]
        for r_start, r_end in merge(removed):
            pieces = [
                piece for p_start, p_end in pieces
                for piece in ((p_start, min(p_end, r_start)), (max(p_start, r_end), p_end))
                if piece[0] < piece[1]
            ]
        result.extend(pieces)
    return result


def free_time(windows, extra, time_off, busy):
    """When a resource can take work: its windows plus extra hours, less time off and bookings."""
    return subtract(merge([*windows, *extra]), [*time_off, *busy])


def fits(free, start, end):
    """True when ``[start, end)`` lies inside one free interval."""
    return any(f_start <= start and end <= f_end for f_start, f_end in free)


def candidate_starts(window_start, window_end, step, duration, not_before):
    """Slot starts on the ``step`` grid (from the window's start) that leave room for ``duration``."""
    start = window_start
    while start + duration <= window_end:
        if start >= not_before:
            yield start
        start += step


def day_range(first, last):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
