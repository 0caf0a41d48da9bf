"""Which slots a service can be booked in: hours, exceptions, bookings, buffers, notice, horizon.

A slot is bookable when, for every resource type the service needs, one
resource of that type at the location is free for the whole blocked time
(buffer before + duration + buffer after). Resources are tried in name order,
so the same request always gets the same allocation.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from platform_booking import schedule
from platform_core.clock import as_utc
from platform_booking.models import Allocation, Resource, ResourceException
from platform_core.locations.models import Location


@dataclass(frozen=True)
class Rules:
    """The business's booking settings that shape availability."""

    slot_step: timedelta
    min_notice: timedelta
    horizon: timedelta

    @classmethod
    def from_settings(cls, settings):
        return cls(
            slot_step=timedelta(minutes=settings["slot_step_minutes"]),
            min_notice=timedelta(minutes=settings["min_notice_minutes"]),
            horizon=timedelta(days=settings["horizon_days"]),
        )


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    location_id: object
    #: ``{resource type: resource id}`` the slot would take.
    resources: dict

    def as_dict(self):
        return {"starts_at": self.starts_at, "ends_at": self.ends_at, "location_id": self.location_id,
                "resources": {kind: str(resource_id) for kind, resource_id in self.resources.items()}}


class Availability:
    """Availability of one service in the session's business."""

    def __init__(self, dbsession, terms, rules, now, exclude_appointment_id=None):
        self.db = dbsession
        self.terms = terms
        self.rules = rules
        self.now = now
        self.exclude = exclude_appointment_id
        self.kinds = tuple(terms.resource_types) or ("staff",)
        self.before = timedelta(minutes=terms.buffer_before_minutes)
        self.duration = timedelta(minutes=terms.duration_minutes)
        self.after = timedelta(minutes=terms.buffer_after_minutes)

    def slots(self, location, first_day, last_day, resource_id=None):
        """Every bookable slot at ``location`` between two local dates (inclusive)."""
        zone = ZoneInfo(location.timezone)
        last_day = min(last_day, (self.now + self.rules.horizon).astimezone(zone).date())
        if last_day < first_day:
            return []
        range_start = schedule.local_to_utc(first_day, datetime.min.time(), zone)
        range_end = schedule.local_to_utc(last_day + timedelta(days=1), datetime.min.time(), zone)
        free = self._free_by_resource(location, first_day, last_day, range_start, range_end, resource_id)
        not_before = max(self.now + self.rules.min_notice, range_start + self.before)
        latest = self.now + self.rules.horizon
        found = []
        for start in self._candidates(free, range_start, min(range_end, latest), not_before):
            resources = self._assign(free, start)
            if resources is not None:
                found.append(Slot(start, start + self.duration, location.id, resources))
        return found

    def slot_at(self, location, start, resource_ids=()):
        """The slot starting exactly at ``start`` (with the given resources if any), or None."""
        zone = ZoneInfo(location.timezone)
        day = start.astimezone(zone).date()
        if start < self.now + self.rules.min_notice or start >= self.now + self.rules.horizon:
            return None
        free = self._free_by_resource(location, day - timedelta(days=1), day + timedelta(days=1),
                                      start - timedelta(days=2), start + timedelta(days=2), None)
        resources = self._assign(free, start, preferred=set(resource_ids))
        return Slot(start, start + self.duration, location.id, resources) if resources is not None else None

    # -- internals ---------------------------------------------------------------

    def _free_by_resource(self, location, first_day, last_day, range_start, range_end, resource_id):
        statement = select(Resource).where(
            Resource.location_id == location.id, Resource.kind.in_(self.kinds), Resource.active.is_(True)
        ).order_by(Resource.name, Resource.id)
        resources = self.db.scalars(statement).all()
        if resource_id is not None:
            chosen = [r for r in resources if r.id == resource_id]
            kinds = {r.kind for r in chosen}
            resources = [r for r in resources if r.id == resource_id or r.kind not in kinds]
        ids = [r.id for r in resources]
        days = list(schedule.day_range(first_day - timedelta(days=1), last_day + timedelta(days=1)))
        busy = self._busy(ids, range_start - timedelta(days=1), range_end + timedelta(days=1))
        exceptions = self._exceptions(ids, range_start - timedelta(days=1), range_end + timedelta(days=1))
        free = {}
        for resource in resources:
            windows = schedule.working_windows(
                [(h.weekday, h.starts, h.ends) for h in resource.hours], days, location.timezone)
            extra = [(start, end) for kind, start, end in exceptions.get(resource.id, []) if kind == "extra_hours"]
            off = [(start, end) for kind, start, end in exceptions.get(resource.id, []) if kind == "time_off"]
            free[resource] = schedule.free_time(windows, extra, off, busy.get(resource.id, []))
        return free

    def _busy(self, resource_ids, start, end):
        statement = select(Allocation.resource_id, Allocation.block_start, Allocation.block_end).where(
            Allocation.resource_id.in_(resource_ids), Allocation.active.is_(True),
            Allocation.block_start < end, Allocation.block_end > start,
        )
        if self.exclude is not None:
            statement = statement.where(Allocation.appointment_id != self.exclude)
        busy = {}
        for resource_id, block_start, block_end in self.db.execute(statement):
            busy.setdefault(resource_id, []).append((as_utc(block_start), as_utc(block_end)))
        return busy

    def _exceptions(self, resource_ids, start, end):
        statement = select(ResourceException.resource_id, ResourceException.kind, ResourceException.starts_at,
                           ResourceException.ends_at).where(
            ResourceException.resource_id.in_(resource_ids),
            ResourceException.starts_at < end, ResourceException.ends_at > start,
        )
        found = {}
        for resource_id, kind, exception_start, exception_end in self.db.execute(statement):
            found.setdefault(resource_id, []).append((kind, as_utc(exception_start), as_utc(exception_end)))
        return found

    def _candidates(self, free, range_start, range_end, not_before):
        """Starts on the slot grid inside the free time of resources of the first needed type."""
        step = self.rules.slot_step
        first_kind = self.kinds[0]
        starts = set()
        for resource, intervals in free.items():
            if resource.kind != first_kind:
                continue
            for f_start, f_end in intervals:
                begin = max(f_start + self.before, range_start, not_before)
                grid = _ceil_to(begin, step)
                for start in schedule.candidate_starts(grid, f_end - self.after, step, self.duration, not_before):
                    if start < range_end:
                        starts.add(start)
        return sorted(starts)

    def _assign(self, free, start, preferred=frozenset()):
        block_start, block_end = start - self.before, start + self.duration + self.after
        chosen = {}
        for kind in self.kinds:
            candidates = [r for r in free if r.kind == kind and r.id not in chosen.values()]
            candidates.sort(key=lambda r: (r.id not in preferred, r.name, str(r.id)))
            if preferred and any(r.id in preferred for r in free if r.kind == kind):
                candidates = [r for r in candidates if r.id in preferred]
            match = next((r for r in candidates if schedule.fits(free[r], block_start, block_end)), None)
            if match is None:
                return None
            chosen[kind] = match.id
        return chosen


def locations_for(dbsession, location_id=None):
    statement = select(Location).order_by(Location.name)
    if location_id is not None:
        statement = statement.where(Location.id == location_id)
    return dbsession.scalars(statement).all()


def _ceil_to(moment, step):
    seconds = step.total_seconds()
    epoch = moment.timestamp()
    rounded = -(-epoch // seconds) * seconds
    return datetime.fromtimestamp(rounded, tz=moment.tzinfo)

