"""Writing audit fields and audit-log rows from the flush.

The rows are written by the same flush as the change, so a change without
its audit row cannot commit, and a rolled-back change leaves no audit row.
What changed is read before the flush (the attributes' history is gone
after it); the rows are inserted after it with one Core ``INSERT`` on the
flush's connection: an audit row is never read back as an object, and
sending it through the unit of work cost as much as the change itself.
"""

import datetime
import decimal
import uuid

from sqlalchemy import event, insert, inspect

from platform_core.audit.models import AuditEntry
from platform_core.db.mixins import Audited, TenantScoped, utcnow
from platform_core.db.tenancy import TenantSession, acting_user

#: Audit rows of the session's current flush, inserted after it.
PENDING = "audit.pending"

#: The audit rows' INSERT, built once (a statement built per flush computes its cache key each time).
_INSERT_ENTRY = insert(AuditEntry.__table__)

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


def _recorded_columns(obj):
    """(key, redacted) of each column an audit row records for ``obj``'s class (computed once per class).

    A model's ``SECRET_FIELDS`` are never recorded; its ``REDACTED_FIELDS``
    appear only as changed.
    """
    model = type(obj)
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


def _created_changes(obj):
    return {key: [None, _shown(getattr(obj, key), redacted)] for key, redacted in _recorded_columns(obj)}


def _updated_changes(obj):
    state = inspect(obj)
    changes = {}
    for key, redacted in _recorded_columns(obj):
        history = state.attrs[key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[key] = [_shown(old, redacted), _shown(new, redacted)]
    return changes


def record(session, business_id, action, resource_type, resource_id, changes):
    """An audit row for a change the flush cannot see as tenant data (members, the business itself)."""
    session.add(AuditEntry(
        business_id=business_id, actor_id=acting_user(session), action=action, resource_type=resource_type,
        resource_id=str(resource_id), changes={key: [_json_value(old), _json_value(new)]
                                               for key, (old, new) in changes.items()},
    ))


def _action_for(changes):
    if "is_deleted" in changes:
        return "delete" if changes["is_deleted"][1] else "restore"
    return "update"


@event.listens_for(TenantSession, "before_flush")
def _record(session, flush_context, instances):
    user_id = acting_user(session)
    entries = []
    for obj in list(session.new):
        if isinstance(obj, Audited):
            obj.created_by = obj.created_by or user_id
            obj.updated_by = obj.updated_by or user_id
            if obj.id is None:
                obj.id = uuid.uuid4()
            entries.append((obj, "create", _created_changes(obj)))
    for obj in list(session.dirty):
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            changes = _updated_changes(obj)
            if not changes:
                continue
            obj.updated_by = user_id or obj.updated_by
            obj.updated_at = utcnow()
            entries.append((obj, _action_for(changes), changes))
    rows = [
        {"business_id": obj.business_id, "actor_id": user_id, "action": action, "resource_type": obj.__tablename__,
         "resource_id": str(obj.id), "changes": changes}
        for obj, action, changes in entries
        if isinstance(obj, TenantScoped) and obj.business_id is not None
    ]
    # Assigned even when empty: rows of an earlier flush that failed are never inserted by this one.
    session.info[PENDING] = rows


@event.listens_for(TenantSession, "after_flush")
def _insert(session, flush_context):
    rows = session.info.pop(PENDING, None)
    if rows:
        # The rows' businesses are their objects', which the tenancy guard checked before the flush.
        # One row (the usual change) as a single execution: a list is an executemany.
        session.connection().execute(_INSERT_ENTRY, rows[0] if len(rows) == 1 else rows)

