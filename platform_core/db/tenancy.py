"""Automatic tenant isolation and soft-delete filtering in the ORM session.

A plugin author writes no tenancy code: every session the platform makes is a
:class:`TenantSession`, whose context (``session.info``) holds the active
business and the acting user, set when a request's membership is resolved.

- Every ORM SELECT, UPDATE and DELETE touching a ``TenantScoped`` model —
  queries, joins, lazy/selectin/joined relationship loads, bulk statements —
  gets ``business_id = <active business>`` added by ``with_loader_criteria``.
- ``SoftDeletable`` rows are hidden the same way unless the statement carries
  the execution option ``include_deleted=True``.
- With no business in context, such a statement raises :class:`TenancyError`
  (fails closed) unless the code opened :func:`unscoped` (CLI, jobs, tests).
- ``session.get`` answered from the identity map runs no SQL; it is checked.
- Flushes stamp new rows with the business and refuse rows of another one.

``text()`` and Core ``Table`` statements are not filtered: plugin code uses
the ORM. The one Core reader of tenant tables, :mod:`platform_core.db.rows`
(the kit's fast path for serializing plain rows), takes its criteria from
:func:`business_in_context` and :func:`business_criteria`, the same session
context, failing closed alike.
"""

import contextlib

from sqlalchemy import Table, bindparam, event, false
from sqlalchemy.sql.visitors import iterate
from sqlalchemy.orm import Session, with_loader_criteria

from platform_core.db.flush_duties import performed_by_direct_inserts
from platform_core.db.mixins import SoftDeletable, TenantScoped

BUSINESS = "tenancy.business_id"
USER = "tenancy.user_id"
UNSCOPED = "tenancy.unscoped"


class TenancyError(RuntimeError):
    """Tenant data was touched without a business in context, or across businesses.

    A programming error, never the client's: it surfaces as a 500.
    """


class TenantSession(Session):
    """The platform's session: tenant-filtered, and checked on ``get``."""

    def get(self, entity, ident, **kwargs):
        obj = super().get(entity, ident, **kwargs)
        if obj is None or self.info.get(UNSCOPED):
            return obj
        if isinstance(obj, TenantScoped) and obj.business_id != self.info.get(BUSINESS):
            return None
        options = kwargs.get("execution_options") or {}
        if isinstance(obj, SoftDeletable) and obj.is_deleted and not options.get("include_deleted"):
            return None
        return obj


def set_tenant(session, business_id, user_id):
    """Scope the session to a business, acting as a user."""
    session.info[BUSINESS] = business_id
    session.info[USER] = user_id


def acting_user(session):
    return session.info.get(USER)


def business_in_context(session, model):
    """The business a Core read of ``model`` is limited to: None for an :func:`unscoped` session
    (or a model that is not tenant-scoped); a :class:`TenancyError` when the session has none."""
    if not issubclass(model, TenantScoped) or session.info.get(UNSCOPED):
        return None
    business_id = session.info.get(BUSINESS)
    if business_id is None:
        raise TenancyError(f"{model.__name__} rows read with no business in context")
    return business_id


def business_criteria(model, scoped, include_deleted=False):
    """The WHERE clauses that make a Core statement on ``model``'s table see what the ORM sees.

    ``business_id = :business_id`` (a bound parameter; its value from
    :func:`business_in_context`) when ``scoped`` and, for soft-deletable
    rows, ``NOT is_deleted`` unless ``include_deleted``. Table columns, so
    the statement stays Core.
    """
    columns = model.__mapper__.columns
    clauses = []
    if scoped:
        clauses.append(columns["business_id"] == bindparam("business_id"))
    if issubclass(model, SoftDeletable) and not include_deleted:
        clauses.append(columns["is_deleted"] == false())
    return clauses


@contextlib.contextmanager
def unscoped(session):
    """Deliberately see every business's rows (migrations, CLI, jobs, test setup)."""
    previous = session.info.get(UNSCOPED)
    session.info[UNSCOPED] = True
    try:
        yield session
    finally:
        session.info[UNSCOPED] = previous


def _touches_tenant_data(state):
    """Whether the statement reads a tenant table anywhere: FROM, JOIN, subquery, EXISTS, CTE.

    Only consulted when no business is in context (requests of non-tenant
    routes, jobs), so the walk over the statement costs nothing on hot paths.
    """
    if any(issubclass(mapper.class_, TenantScoped) for mapper in state.all_mappers):
        return True
    tables = _tenant_tables()
    return any(isinstance(element, Table) and element in tables for element in iterate(state.statement))


def _tenant_tables():
    from platform_core.db.meta import Base

    return {mapper.local_table for mapper in Base.registry.mappers if issubclass(mapper.class_, TenantScoped)}


@event.listens_for(TenantSession, "do_orm_execute")
def _add_tenant_criteria(state):
    if not (state.is_select or state.is_update or state.is_delete):
        return
    session = state.session
    options = []
    if not state.execution_options.get("include_deleted"):
        options.append(
            with_loader_criteria(SoftDeletable, lambda cls: cls.is_deleted == false(), include_aliases=True)
        )
    if not session.info.get(UNSCOPED):
        business_id = session.info.get(BUSINESS)
        if business_id is None:
            if _touches_tenant_data(state):
                raise TenancyError("tenant-scoped query with no business in context")
        else:
            options.append(
                with_loader_criteria(
                    TenantScoped, lambda cls: cls.business_id == business_id,
                    include_aliases=True, track_closure_variables=True,
                )
            )
    if options:
        state.statement = state.statement.options(*options)


@event.listens_for(TenantSession, "before_flush")
@performed_by_direct_inserts()
def _guard_tenant_writes(session, flush_context, instances):
    if session.info.get(UNSCOPED):
        return
    business_id = session.info.get(BUSINESS)
    for obj in session.new:
        if isinstance(obj, TenantScoped):
            if business_id is None:
                raise TenancyError(f"new {type(obj).__name__} with no business in context")
            if obj.business_id is None:
                obj.business_id = business_id
            elif obj.business_id != business_id:
                raise TenancyError(f"new {type(obj).__name__} belongs to another business")
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, TenantScoped) and obj.business_id != business_id:
            raise TenancyError(f"{type(obj).__name__} of another business cannot be written")
