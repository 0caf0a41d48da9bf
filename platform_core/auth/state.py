"""Whether an account may act, cached for the per-request identity check.

Every authenticated request needs the user's ``is_active`` and
``token_version``; they are kept in Redis (``auth:user:<id>``) and forgotten
when a flush changes the user (see :mod:`platform_core.db.cache`).
"""

from sqlalchemy import event, select

from platform_core.auth.models import User
from platform_core.db.cache import forget_after_commit
from platform_core.db.flush_duties import performed_by_direct_inserts
from platform_core.db.tenancy import TenantSession
from platform_core.prefetch import remembered


def user_key(user_id):
    return f"auth:user:{user_id}"


def account_state(redis, dbsession, user_id, request=None):
    """``(is_active, token_version)`` of the user, or None when there is no such user."""

    def load():
        row = dbsession.execute(select(User.is_active, User.token_version).where(User.id == user_id)).first()
        return None if row is None else (bool(row.is_active), row.token_version)

    return remembered(request, redis, user_key(user_id), load, dump=_dump_state, parse=_parse_state)


def _dump_state(state):
    active, version = state
    return f"{int(active)}:{version}"


def _parse_state(value):
    active, _, version = value.partition(":")
    return active == "1", int(version)


@event.listens_for(TenantSession, "after_flush")
@performed_by_direct_inserts(User)
def _forget_changed_users(session, flush_context):
    changed = [obj.id for obj in (*session.dirty, *session.deleted) if isinstance(obj, User)]
    if changed:
        forget_after_commit(session, *map(user_key, changed))
