"""Reading a model's columns as plain rows, for views that only serialize them.

Loading ORM instances (identity map, instance state, attribute events) costs
several times what the query does when a view only turns each object into
a dict. A :class:`RowReader` selects the named columns of the model's table,
labelled with their attribute names, so a ``Row`` answers ``getattr`` like
the object would, and ``row._asdict()`` is the serialized dict.

The statements are Core, so the session's ORM hook does not see them: each
takes its business and soft-delete criteria from
:mod:`platform_core.db.tenancy` (:func:`business_in_context`, failing closed
without a business, and :func:`business_criteria`). They run on the
session's connection, inside whatever transaction the session has, or for a
read session on a connection of its own (:func:`~platform_core.db.session.row_connection`).

Building a statement and computing its cache key cost more than running it,
so the reader builds each shape of statement once (:meth:`RowReader.prepared`),
with the business, the id, and the page's limit and offset as bound
parameters: one statement serves every business and every request.

SQLAlchemy's execution and ``Row`` objects cost a list of twenty rows more
than the query's own round trip. Where the dialect converts nothing (the
psycopg driver returns UUIDs, decimals and datetimes as they are), a
prepared shape runs on the driver's cursor of the same connection, with
the SQL SQLAlchemy compiled once (:class:`PreparedRead`). SQLite's driver
needs SQLAlchemy's conversions, so it keeps Core's execution.
"""

from sqlalchemy import bindparam, select

from platform_core.db.driver import run_on_cursor
from platform_core.db.session import row_connection
from platform_core.db.tenancy import business_criteria, business_in_context

#: Shapes of statements kept per reader (orderings are few; the cap bounds hostile variety).
MAX_PREPARED = 64


class RowReader:
    """Rows of ``model`` with the columns ``fields`` (attribute names), scoped like the session's ORM reads."""

    def __init__(self, model, fields):
        columns = model.__mapper__.columns
        self.model = model
        self.fields = tuple(fields)
        self.base = select(*(columns[name].label(name) for name in self.fields))
        self._id = columns["id"]
        self._prepared = {}

    def prepared(self, session, shape="all", extend=None, include_deleted=False):
        """(:class:`PreparedRead`, parameters): every row the session may see, extended once per ``shape``.

        ``extend(statement)`` adds what the shape needs (an id, an order, a
        limit) with bound parameters of its own; the caller passes their
        values with the returned ``parameters`` (the business's).
        """
        business_id = business_in_context(session, self.model)
        key = (shape, business_id is not None, include_deleted)
        prepared = self._prepared.get(key)
        if prepared is None:
            statement = self.base.where(*business_criteria(self.model, business_id is not None, include_deleted))
            if extend is not None:
                statement = extend(statement)
            prepared = PreparedRead(statement)
            if len(self._prepared) < MAX_PREPARED:
                self._prepared[key] = prepared
        return prepared, ({"business_id": business_id} if business_id is not None else {})

    def one(self, session, object_id, include_deleted=False):
        """The row (a tuple of :attr:`fields`) of ``object_id``, or None if it is not the session
        business's (or is deleted)."""
        prepared, parameters = self.prepared(
            session, "one", lambda statement: statement.where(self._id == bindparam("object_id")), include_deleted)
        rows = prepared.rows(row_connection(session), {**parameters, "object_id": object_id})
        return rows[0] if rows else None

    @staticmethod
    def readable(model, fields):
        """Whether every field is a column of ``model`` (a reader can serve it)."""
        columns = model.__mapper__.columns
        return all(name in columns for name in fields)


class PreparedRead:
    """One read statement, run on the driver's cursor when the dialect converts nothing.

    The first run decides (:meth:`_plan`): with a ``pyformat`` driver
    (psycopg) and no bind or result conversion for any of the statement's
    types, later runs send SQLAlchemy's compiled SQL straight to the
    connection's DB-API cursor and return its tuples. Otherwise every run
    is Core's. Listeners of ``before_cursor_execute`` and
    ``after_cursor_execute`` (statement counters, tracers) still see each
    statement; they cannot rewrite it.

    A driver error is not interpreted here: the statement is run again
    through Core, which raises it wrapped as usual and, for a lost
    connection, invalidates the pool and marks the error retryable
    (:mod:`platform_core.db.engine`). A read repeats without side effects.
    (Inside a transaction — the test kit's — the failed statement has
    aborted it, and Core's run reports that instead.)
    """

    def __init__(self, statement):
        self.statement = statement
        #: None until the first run; then False (Core) or (sql, compiled).
        self._driver = None

    @property
    def on_driver(self):
        """Whether runs go to the driver's cursor (None before the first run decided)."""
        return None if self._driver is None else self._driver is not False

    def rows(self, connection, parameters):
        """The statement's rows on ``connection`` (a SQLAlchemy Connection), as tuples."""
        driver = self._driver
        if driver is None:
            driver = self._plan(connection.dialect)
            if driver is False:
                self._driver = False
        if driver is False:
            return self._through_core(connection, parameters)
        sql, compiled = driver
        values = compiled.construct_params(parameters)
        cursor = connection.connection.cursor()
        try:
            rows = run_on_cursor(connection, cursor, sql, values, fetch=True)
            if self._driver is None:
                self._driver = driver if self._converts_nothing(connection.dialect, cursor) else False
            if self._driver is False:
                return self._through_core(connection, parameters)
        except connection.dialect.loaded_dbapi.Error:
            return self._through_core(connection, parameters)
        finally:
            cursor.close()
        return rows

    def _through_core(self, connection, parameters):
        return connection.execute(self.statement, parameters).all()

    def _plan(self, dialect):
        """(sql, compiled) when the driver may run the statement as SQLAlchemy compiled it, else False."""
        if dialect.paramstyle != "pyformat":
            return False
        compiled = self.statement.compile(dialect=dialect)
        if any(bind.type.dialect_impl(dialect).bind_processor(dialect) for bind in compiled.binds.values()):
            return False
        return str(compiled), compiled

    def _converts_nothing(self, dialect, cursor):
        """Whether no selected column's type converts the driver's values (checked on the first run)."""
        columns = self.statement.selected_columns
        return all(column.type.dialect_impl(dialect).result_processor(dialect, described.type_code) is None
                   for column, described in zip(columns, cursor.description, strict=True))
