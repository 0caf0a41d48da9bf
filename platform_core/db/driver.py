"""Statements of the hottest paths sent to the driver's cursor with the SQL SQLAlchemy compiled once.

On psycopg, SQLAlchemy converts neither the parameters nor the results of
most types, yet every Core execution still builds an execution context,
processes parameters and wraps a result: about 0.07 ms a statement, a tenth
of a create. :func:`run_on_cursor` is the one place that sends compiled SQL
to a DB-API cursor instead (listeners of ``before_cursor_execute`` and
``after_cursor_execute`` — statement counters, tracers — still see it);
:class:`~platform_core.db.rows.PreparedRead` uses it for reads and
:class:`RowWriter` for single-row inserts. On other drivers (SQLite) both
keep to Core.
"""

from sqlalchemy import insert
from sqlalchemy.exc import CompileError, DBAPIError


def run_on_cursor(connection, cursor, sql, values, fetch=False):
    """Execute ``sql`` on ``cursor``, a DB-API cursor of ``connection`` (a SQLAlchemy Connection), telling its
    cursor-execute listeners; the rows when ``fetch``."""
    dispatch = connection.dispatch
    if dispatch.before_cursor_execute:
        dispatch.before_cursor_execute(connection, cursor, sql, values, None, False)
    cursor.execute(sql, values)
    rows = cursor.fetchall() if fetch else None
    if dispatch.after_cursor_execute:
        dispatch.after_cursor_execute(connection, cursor, sql, values, None, False)
    return rows


class RowWriter:
    """Inserts one row of a table at a time, and says what was inserted.

    :meth:`insert` returns every column's value as inserted, Python-side
    defaults included, as Core's ``last_inserted_params()`` does. With a
    ``pyformat`` driver, and defaults that are constants or functions of no
    argument, the row is completed here and sent on the driver's cursor
    (the types' bind processors applied, as Core would); otherwise it is a
    Core ``INSERT``. A driver error is raised as Core raises it (an
    ``IntegrityError`` for a unique violation); a lost connection is left
    to Core to report, which invalidates the pool and marks the error
    retryable (:mod:`platform_core.db.engine`).
    """

    def __init__(self, table):
        self.table = table
        self.statement = insert(table)
        self.keys = frozenset(table.columns.keys())
        #: Per dialect: (sql, defaults, processors) for the driver, or False for Core.
        self._plans = {}

    def insert(self, connection, values):
        """Insert ``values`` (column keys; any other key is a ``CompileError``) on ``connection``; the row
        as inserted, a value for every column."""
        unknown = values.keys() - self.keys
        if unknown:
            raise CompileError(f"Unconsumed column names: {', '.join(sorted(unknown))}")
        dialect = connection.dialect
        plan = self._plans.get(dialect)
        if plan is None:
            plan = self._plans[dialect] = self._plan(dialect)
        if plan is False:
            return self._through_core(connection, values)
        sql, defaults, processors = plan
        row = {key: values[key] if key in values else default() for key, default in defaults.items()}
        parameters = dict(row)
        for key, process in processors:
            parameters[key] = process(parameters[key])
        cursor = connection.connection.cursor()
        try:
            run_on_cursor(connection, cursor, sql, parameters)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor):
                return self._through_core(connection, values)
            raise DBAPIError.instance(sql, parameters, error, dialect.loaded_dbapi.Error, dialect=dialect) from error
        finally:
            cursor.close()
        return row

    def _through_core(self, connection, values):
        inserted = connection.execute(self.statement, values).last_inserted_params()
        return {key: inserted.get(key) for key in self.table.columns.keys()}

    def _plan(self, dialect):
        """(sql, {key: default function}, [(key, bind processor)]) for the driver, or False."""
        if dialect.paramstyle != "pyformat":
            return False
        defaults = {}
        for column in self.table.columns:
            default = _default_function(column)
            if default is None:
                return False
            defaults[column.key] = default
        compiled = self.statement.compile(dialect=dialect, column_keys=list(defaults))
        if set(compiled.binds) != set(defaults):
            return False
        processors = [(key, process) for key, bind in compiled.binds.items()
                      if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None]
        return str(compiled), defaults, processors


def _none():
    return None


def _default_function(column):
    """A function of no argument giving ``column``'s value when a row leaves it out; None when only Core can."""
    default = column.default
    if column.server_default is not None or column.computed is not None or column.identity is not None:
        return None
    if default is None:
        return _none
    if default.is_scalar:
        value = default.arg
        return lambda: value
    # SQLAlchemy wraps a function of no argument to take the execution context; the original is kept.
    return getattr(default.arg, "__wrapped__", None) if default.is_callable else None
