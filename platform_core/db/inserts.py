"""Direct inserts: a new row of a plain tenant model in one ``INSERT``, with every duty of its flush.

Creating one object through the unit of work costs more than its
``INSERT``: an attribute event per field, the flush's bookkeeping, each
flush listener walking the session. For a model that is nothing but columns
(no constructor, validators, attribute, instance or insert events,
inheritance or server-side defaults), :class:`DirectInsert` writes the row
on the session's connection (:class:`~platform_core.db.driver.RowWriter`)
and does what the flush and its listeners would have done
(:mod:`platform_core.db.flush_duties` says which, and sends a model back
through the flush when a listener is not accounted for):

- flushes what the session already holds, as autoflush would;
- refuses on a read session;
- stamps the row with the session's business (failing closed without one),
  a new id and the acting user;
- leaves out a ``None`` the client sent for a column with a default, so the
  default applies, as the ORM does;
- inserts the audit row in the same transaction (in the same statement on
  PostgreSQL);
- bumps the table's count version once the transaction commits;
- writes in the request's transaction, on a connection of its own when the
  session has not begun one (:mod:`platform_core.db.write_connection`).

The standard resource's create uses it (about a quarter of a create's CPU;
docs/performance.md).
"""

import uuid

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached

from platform_core.audit.recorder import insert_recorded
from platform_core.db.counts import rows_changed
from platform_core.db.driver import RowWriter
from platform_core.db.flush_duties import unperformed_listeners
from platform_core.db.mixins import Audited, TenantScoped, UUIDPrimaryKey
from platform_core.db.session import refuse_if_read_only
from platform_core.db.tenancy import BUSINESS, TenancyError, acting_user
from platform_core.db.write_connection import write_connection

#: DirectInsert (or None: not insertable directly) by model class.
_BY_MODEL = {}


class DirectInsert:
    """Inserts rows of one model directly; build it with :meth:`of`."""

    def __init__(self, model):
        self.model = model
        self.writer = RowWriter(model.__table__)
        #: Columns whose default applies when a row's value is None (the ORM leaves such a None out).
        self._defaulted = frozenset(
            column.key for column in model.__table__.columns
            if column.default is not None and not column.type.should_evaluate_none)

    @classmethod
    def of(cls, model):
        """The direct insert of ``model``, or None when its rows need the flush (checked once per model)."""
        if model not in _BY_MODEL:
            direct = cls(model) if _plain_columns(model) else None
            _BY_MODEL[model] = direct if direct is not None and direct.writer.completes_rows else None
        return _BY_MODEL[model]

    def usable_by(self, session):
        """Whether every listener a direct insert of this model by ``session`` would skip is accounted for."""
        return not unperformed_listeners(session, self.model)

    def __call__(self, session, values):
        """Insert the row of ``values`` (attribute names, as validated) and return every column's inserted
        value, Python-side defaults included. A unique violation raises ``IntegrityError`` as a flush would."""
        refuse_if_read_only(session)
        business_id = session.info.get(BUSINESS)
        if business_id is None:
            raise TenancyError(f"new {self.model.__name__} with no business in context")
        if session.new or session.deleted or session.dirty:
            session.flush()
        user_id = acting_user(session)
        given = {key: value for key, value in values.items() if value is not None or key not in self._defaulted}
        connection = write_connection(session)
        row = insert_recorded(connection, self.writer, self.model, {
            **given, "id": uuid.uuid4(), "business_id": business_id, "created_by": user_id, "updated_by": user_id,
        })
        rows_changed(session, (self.model.__tablename__, business_id))
        return row


def _plain_columns(model):
    """Whether ``model``'s rows can be written without the ORM: see the module's docstring."""
    if not all(issubclass(model, mixin) for mixin in (UUIDPrimaryKey, TenantScoped, Audited)):
        return False
    mapper = inspect(model)
    table = model.__table__
    if mapper.inherits is not None or mapper.polymorphic_on is not None or mapper.validators:
        return False
    if mapper.persist_selectable is not table or not _sqlalchemy_own(mapper.class_manager.original_init):
        return False
    for prop in mapper.column_attrs:
        if len(prop.columns) != 1 or prop.columns[0].table is not table or prop.columns[0].key != prop.key:
            return False
        if getattr(model, prop.key).dispatch.set:
            return False
    return True


def _sqlalchemy_own(constructor):
    """Whether a mapped class's original ``__init__`` is SQLAlchemy's declarative one, not the model's."""
    return (getattr(constructor, "__module__", None) or "").startswith("sqlalchemy.")


def attach_inserted(session, model, row):
    """The ORM object of ``row``, written by a direct insert, in ``session`` as if loaded (no query).

    Its values are the ones inserted, as an object created through the flush
    would hold them; a change made to it is flushed as an update.
    """
    obj = model(**row)
    make_transient_to_detached(obj)
    session.add(obj)
    return obj
