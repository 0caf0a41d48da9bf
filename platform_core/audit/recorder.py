"""Writing audit fields and audit-log rows from the flush.

The rows are written by the same flush as the change, so a change without
its audit row cannot commit, and a rolled-back change leaves no audit row.
What an update changed is read before the flush (the attributes' history
is gone after it), what a create wrote after it (the columns' defaults are
filled by then); the rows are inserted after the flush with one Core
``INSERT`` on its connection: an audit row is never read back as an object,
and sending it through the unit of work cost as much as the change itself.
A direct insert (:mod:`platform_core.db.inserts`) records its row with
:func:`insert_recorded`, the same row a flush would have written, sent
with the row's own ``INSERT`` as one statement on PostgreSQL.
"""

import datetime
import decimal
import uuid

from sqlalchemy import event, inspect

from platform_core.audit.models import AuditEntry
from platform_core.db.driver import RowWriter
from platform_core.db.flush_duties import performed_by_direct_inserts
from platform_core.db.history import pending_history
from platform_core.db.mixins import Audited, TenantScoped, utcnow
from platform_core.db.tenancy import TenantSession, acting_user

#: Audit rows of the session's current flush, inserted after it.
PENDING = "audit.pending"

#: Audit rows' INSERTs: one (the usual change) on the driver's cursor where it may, several as one executemany.
_ENTRY_WRITER = RowWriter(AuditEntry.__table__)

#: Recorded columns by model class: (key, redacted) pairs.
_RECORDED = {}

#: Columns that are bookkeeping, not the change itself.
_BOOKKEEPING = frozenset({"created_at", "updated_at", "created_by", "updated_by", "deleted_at", "deleted_by"})


def _json_value(value):
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return value


def _recorded_columns(model):
    """(key, redacted) of each column an audit row records for ``model`` (computed once per class).

    A model's ``SECRET_FIELDS`` are never recorded; its ``REDACTED_FIELDS``
    appear only as changed.
    """
    columns = _RECORDED.get(model)
    if columns is None:
        secret = set(getattr(model, "SECRET_FIELDS", ()))
        redacted = set(getattr(model, "REDACTED_FIELDS", ()))
        columns = _RECORDED[model] = tuple(
            (attr.key, attr.key in redacted) for attr in inspect(model).column_attrs
            if attr.key not in _BOOKKEEPING and attr.key not in secret)
    return columns


def _shown(value, redacted):
    return "[redacted]" if redacted else _json_value(value)


def _created_changes(model, value_of):
    """The changes of a created row: ``value_of(key)`` of each recorded column of ``model``."""
    return {key: [None, _shown(value_of(key), redacted)] for key, redacted in _recorded_columns(model)}


def _updated_changes(obj):
    changes = {}
    for key, redacted in _recorded_columns(type(obj)):
        history = pending_history(obj, key)
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[key] = [_shown(old, redacted), _shown(new, redacted)]
    return changes


def _entry(business_id, actor_id, action, resource_type, resource_id, changes):
    """The values of one ``audit_log`` row."""
    return {"business_id": business_id, "actor_id": actor_id, "action": action, "resource_type": resource_type,
            "resource_id": str(resource_id), "changes": changes}


def record(session, business_id, action, resource_type, resource_id, changes):
    """An audit row for a change the flush cannot see as tenant data (members, the business itself)."""
    shown = {key: [_json_value(old), _json_value(new)] for key, (old, new) in changes.items()}
    session.add(AuditEntry(**_entry(business_id, acting_user(session), action, resource_type, resource_id, shown)))


def _action_for(changes):
    if "is_deleted" in changes:
        return "delete" if changes["is_deleted"][1] else "restore"
    return "update"


def insert_recorded(connection, writer, model, values):
    """Insert ``values``, a row of ``model`` written without a flush, with ``writer`` (a RowWriter of its
    table) on ``connection``, and its audit row in the same statement where the database allows it
    (:meth:`~platform_core.db.driver.RowWriter.insert_with`); the row as inserted. ``values`` name the actor
    as ``created_by``: the audit row's ``actor_id``."""

    def entry_of(row):
        return _entry(row["business_id"], row["created_by"], "create", model.__tablename__, row["id"],
                      _created_changes(model, row.get))

    row, _ = writer.insert_with(connection, values, _ENTRY_WRITER, entry_of)
    return row


@event.listens_for(TenantSession, "before_flush")
@performed_by_direct_inserts()
def _record(session, flush_context, instances):
    user_id = acting_user(session)
    entries = []
    for obj in list(session.new):
        if isinstance(obj, Audited):
            obj.created_by = obj.created_by or user_id
            obj.updated_by = obj.updated_by or user_id
            if obj.id is None:
                obj.id = uuid.uuid4()
            entries.append((obj, "create", None))
    for obj in list(session.dirty):
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            changes = _updated_changes(obj)
            if not changes:
                continue
            obj.updated_by = user_id or obj.updated_by
            obj.updated_at = utcnow()
            entries.append((obj, _action_for(changes), changes))
    # Assigned even when empty: rows of an earlier flush that failed are never inserted by this one.
    session.info[PENDING] = [
        (obj, action, changes) for obj, action, changes in entries
        if isinstance(obj, TenantScoped) and obj.business_id is not None
    ]


@event.listens_for(TenantSession, "after_flush")
@performed_by_direct_inserts()
def _insert(session, flush_context):
    entries = session.info.pop(PENDING, None)
    if entries:
        user_id = acting_user(session)
        rows = [
            _entry(obj.business_id, user_id, action, obj.__tablename__, obj.id,
                   changes if changes is not None else _created_changes(type(obj), obj.__dict__.get))
            for obj, action, changes in entries
        ]
        # The rows' businesses are their objects', which the tenancy guard checked before the flush.
        if len(rows) == 1:
            _ENTRY_WRITER.insert(session.connection(), rows[0])
        else:
            session.connection().execute(_ENTRY_WRITER.statement, rows)

