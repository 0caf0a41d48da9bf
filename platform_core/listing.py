"""Paginated, ordered, searchable, filtered lists: the query side of every collection.

:class:`ListSpec` declares what a collection allows; :func:`list_page` turns
the query string into one count and one page query (two statements whatever
the page size) and answers the envelope's ``meta.pagination``.
"""

import datetime
import decimal
import uuid
from zoneinfo import ZoneInfo
from dataclasses import dataclass, field

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, Uuid, bindparam, func, or_, select

from platform_core.db.counts import cached_total
from platform_core.db.session import row_connection
from platform_core.db.types import escape_like, has_tag
from platform_core.errors import ValidationFailed

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
#: Deeper than this is no page a person reads, and its OFFSET would overflow.
MAX_PAGE = 1_000_000
MAX_SEARCH_LENGTH = 200
#: Query keys with a meaning of their own, never taken as field filters.
RESERVED = frozenset({"page", "page_size", "ordering", "search", "include_deleted", "tag", "date_from", "date_to"})


@dataclass(frozen=True)
class ListSpec:
    """What clients may order, search and filter a collection by (column names)."""

    ordering: tuple = ("created_at",)
    default_ordering: str = "-created_at"
    search: tuple = ()
    filters: tuple = ()
    #: Filters that also accept ``__gte`` / ``__lte`` (numbers, dates).
    ranges: tuple = field(default=())
    #: A TagList column filtered by ``?tag=<tag>``.
    tag_field: str | None = None
    #: A timestamp column ``?date_from=&date_to=`` select by calendar day.
    date_field: str | None = None


def column_of(model, name):
    """The table column of ``model``'s attribute ``name``: usable in ORM and Core statements alike."""
    return model.__mapper__.columns[name]


def _page_number(params, name, default, maximum=None):
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed.field(name, "Must be a whole number") from None
    if value < 1:
        raise ValidationFailed.field(name, "Must be 1 or more")
    return min(value, maximum) if maximum else value


def _coerce(column, name, raw):
    kind = column.type
    try:
        if isinstance(kind, Boolean):
            lowered = raw.lower()
            if lowered not in ("true", "false", "1", "0"):
                raise ValueError
            return lowered in ("true", "1")
        if isinstance(kind, Uuid):
            return uuid.UUID(raw)
        if isinstance(kind, Integer):
            return int(raw)
        if isinstance(kind, Numeric):
            return decimal.Decimal(raw)
        if isinstance(kind, DateTime):
            # Stored as UTC on both backends; compare in UTC (naive input is read as UTC).
            moment = datetime.datetime.fromisoformat(raw)
            return moment.astimezone(datetime.timezone.utc) if moment.tzinfo else moment.replace(
                tzinfo=datetime.timezone.utc)
        if isinstance(kind, Date):
            return datetime.date.fromisoformat(raw)
    except (ValueError, decimal.InvalidOperation, ArithmeticError):
        raise ValidationFailed.field(name, f"{raw!r} is not a valid value") from None
    return raw


def apply_filters(statement, model, spec, params):
    """``field=value``, ``field__gte=``, ``field__lte=`` for declared fields; anything else is refused."""
    for key in params:
        if key in RESERVED:
            continue
        name, _, operator = key.partition("__")
        allowed = name in spec.filters and (not operator or (operator in ("gte", "lte") and name in spec.ranges))
        if not allowed:
            raise ValidationFailed.field(key, "Not a filter of this collection")
        column = column_of(model, name)
        value = _coerce(column, key, params[key])
        if operator == "gte":
            statement = statement.where(column >= value)
        elif operator == "lte":
            statement = statement.where(column <= value)
        else:
            statement = statement.where(column == value)
    return statement


def within_days(statement, column, date_from, date_to, zone_name):
    """``statement`` limited to the inclusive calendar days ``date_from``..``date_to`` in a timezone.

    The contract's date ranges are days of the business (or of the location
    the list is filtered by); their bounds become UTC instants here.
    """
    zone = ZoneInfo(zone_name)

    def start_of(day):
        return datetime.datetime.combine(day, datetime.time(), zone).astimezone(datetime.timezone.utc)

    if date_from is not None:
        statement = statement.where(column >= start_of(date_from))
    if date_to is not None:
        statement = statement.where(column < start_of(date_to + datetime.timedelta(days=1)))
    return statement


def apply_days(statement, model, spec, params, zone_name):
    if not (params.get("date_from") or params.get("date_to")):
        return statement
    if spec.date_field is None:
        raise ValidationFailed.field("date_from", "This collection has no date range")
    days = {}
    for name in ("date_from", "date_to"):
        raw = params.get(name)
        try:
            days[name] = datetime.date.fromisoformat(raw) if raw else None
        except ValueError:
            raise ValidationFailed.field(name, "A date such as 2026-03-01") from None
    if days["date_from"] and days["date_to"] and days["date_to"] < days["date_from"]:
        raise ValidationFailed.field("date_to", "Must not be before date_from")
    return within_days(statement, column_of(model, spec.date_field), days["date_from"], days["date_to"], zone_name)


def apply_tag(statement, model, spec, params):
    tag = (params.get("tag") or "").strip().lower()
    if not tag:
        return statement
    if len(tag) > 40:
        raise ValidationFailed.field("tag", "At most 40 characters")
    if spec.tag_field is None:
        raise ValidationFailed.field("tag", "This collection has no tags")
    return statement.where(has_tag(column_of(model, spec.tag_field), tag))


def apply_search(statement, model, spec, params):
    text = (params.get("search") or "").strip()
    if not text or not spec.search:
        return statement
    if len(text) > MAX_SEARCH_LENGTH:
        raise ValidationFailed.field("search", f"At most {MAX_SEARCH_LENGTH} characters")
    pattern = f"%{escape_like(text.lower())}%"
    return statement.where(or_(*(func.lower(column_of(model, name)).like(pattern, escape="\\")
                                 for name in spec.search)))


def apply_ordering(statement, model, spec, params):
    ordering = params.get("ordering") or spec.default_ordering
    clauses = []
    for part in ordering.split(","):
        part = part.strip()
        name = part.lstrip("-")
        if name not in spec.ordering:
            raise ValidationFailed.field("ordering", f"Cannot order by {name!r}; use one of {', '.join(spec.ordering)}")
        column = column_of(model, name)
        clauses.append(column.desc() if part.startswith("-") else column.asc())
    # A unique tie-breaker keeps pages stable when the ordered values repeat.
    clauses.append(column_of(model, "id").desc())
    return statement.order_by(*clauses)


def _narrows(params):
    """Whether the query string filters, searches or limits the rows (so the total is particular)."""
    return any(key not in ("page", "page_size", "ordering") and value for key, value in params.items())


def narrowed(model, spec, params, statement=None, zone_name="UTC"):
    """The list's query for ``params`` (filters, tag, search, days), before ordering and paging.

    Exports (CSV) order it with :func:`apply_ordering` and read every row.
    """
    statement = statement if statement is not None else select(model)
    statement = apply_filters(statement, model, spec, params)
    statement = apply_tag(apply_search(statement, model, spec, params), model, spec, params)
    return apply_days(statement, model, spec, params, zone_name)


def list_page(dbsession, model, spec, params, statement=None, execution_options=None, zone_name="UTC",
              reader=None):
    """(rows, pagination) for the request's ``params`` (a mapping of query strings).

    ``zone_name`` is the timezone of ``date_from``/``date_to`` days. With a
    :class:`platform_core.db.rows.RowReader` (and no ``statement``) the page
    is read as plain rows of its columns instead of ORM objects.
    """
    page = _page_number(params, "page", 1)
    if page > MAX_PAGE:
        raise ValidationFailed.field("page", f"Must be at most {MAX_PAGE}")
    page_size = _page_number(params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    options = execution_options or {}
    include_deleted = bool(options.get("include_deleted"))
    if reader is not None and statement is None:
        return _row_page(dbsession, reader, spec, params, page, page_size, include_deleted, zone_name)
    plain = statement is None and not _narrows(params) and not include_deleted
    statement = narrowed(model, spec, params, statement, zone_name)

    def count():
        return dbsession.scalar(
            select(func.count()).select_from(statement.order_by(None).subquery()).execution_options(**options))

    # An unfiltered total is cached (and versioned by writes): page 1 of a million rows stays cheap.
    total = cached_total(dbsession, model.__tablename__, count) if plain else count()
    rows = dbsession.scalars(
        apply_ordering(statement, model, spec, params)
        .limit(page_size).offset((page - 1) * page_size).execution_options(**options)
    ).all()
    return rows, {"page": page, "page_size": page_size, "total": total}


def _row_page(dbsession, reader, spec, params, page, page_size, include_deleted, zone_name):
    """:func:`list_page` for a :class:`~platform_core.db.rows.RowReader`: plain rows.

    A list that is not narrowed (the usual one) runs statements the reader
    prepared once per ordering, on the driver's cursor where the dialect
    allows (:class:`~platform_core.db.rows.PreparedRead`); a narrowed one
    builds its own and runs them through Core.
    """
    model = reader.model

    def paged(statement):
        return apply_ordering(statement, model, spec, params).limit(bindparam("limit")).offset(bindparam("offset"))

    def counted(statement):
        return select(func.count()).select_from(statement.subquery())

    narrows = _narrows(params)
    limits = {"limit": page_size, "offset": (page - 1) * page_size}
    if narrows:
        prepared, parameters = reader.prepared(dbsession, include_deleted=include_deleted)
        statement = narrowed(model, spec, params, prepared.statement, zone_name)
        execute = row_connection(dbsession).execute
        total = execute(counted(statement), parameters).scalar_one()
        rows = execute(paged(statement), {**parameters, **limits}).all()
        return rows, {"page": page, "page_size": page_size, "total": total}
    ordering = params.get("ordering") or spec.default_ordering
    counting, parameters = reader.prepared(dbsession, "count", counted, include_deleted)
    paging, _ = reader.prepared(dbsession, ("page", ordering), paged, include_deleted)
    connection = row_connection(dbsession)

    def count():
        return counting.rows(connection, parameters)[0][0]

    total = count() if include_deleted else cached_total(dbsession, model.__tablename__, count)
    rows = paging.rows(connection, {**parameters, **limits})
    return rows, {"page": page, "page_size": page_size, "total": total}
