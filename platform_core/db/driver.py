"""Statements of the hottest paths sent to the driver's cursor with the SQL SQLAlchemy compiled once.

On psycopg, SQLAlchemy converts neither the parameters nor the results of
most types, yet every Core execution still builds an execution context,
processes parameters and wraps a result: about 0.07 ms a statement, a tenth
of a create. :func:`run_on_cursor` is the one place that sends compiled SQL
to a DB-API cursor instead (listeners of ``before_cursor_execute`` and
``after_cursor_execute`` — statement counters, tracers — still see it);
:class:`~platform_core.db.rows.PreparedRead` uses it for reads and
:class:`RowWriter` for single-row inserts (and a row with its audit row
as one statement, :meth:`RowWriter.insert_with`). On other drivers (SQLite)
both keep to Core.
"""

import inspect

from sqlalchemy import bindparam, insert
from sqlalchemy.exc import CompileError


def run_on_cursor(connection, cursor, sql, values, fetch=False, on_error=None):
    """Execute ``sql`` on ``cursor``, a DB-API cursor of ``connection`` (a SQLAlchemy Connection), telling its
    cursor-execute listeners; the rows when ``fetch``. ``on_error(error)`` handles what the execution raises
    (a listener's own exception passes as it is, as in Core)."""
    dispatch = connection.dispatch
    if dispatch.before_cursor_execute:
        dispatch.before_cursor_execute(connection, cursor, sql, values, None, False)
    try:
        cursor.execute(sql, values)
        rows = cursor.fetchall() if fetch else None
    except BaseException as error:
        if on_error is None:
            raise
        on_error(error)
        raise
    if dispatch.after_cursor_execute:
        dispatch.after_cursor_execute(connection, cursor, sql, values, None, False)
    return rows


#: Prefix of a companion row's parameters in a paired statement (:meth:`RowWriter.insert_with`).
COMPANION = "companion__"


class RowWriter:
    """Inserts one row of a table at a time, and says what was inserted.

    :meth:`insert` returns every column's value as inserted, Python-side
    defaults included, as Core's ``last_inserted_params()`` does. When every
    column's default is a constant or a function of no argument
    (:attr:`completes_rows`) and the driver is ``pyformat`` (psycopg), the
    row is completed here, the types' bind processors applied as Core would,
    and sent on the driver's cursor; otherwise it is a Core ``INSERT``. An
    error of the execution (a value a type cannot take, the driver's) goes
    through the connection's own error handling, as a Core execution's
    would: ``handle_error`` listeners (a disconnect marked retryable,
    :mod:`platform_core.db.engine`), the pool invalidated on a disconnect,
    the error wrapped (an ``IntegrityError`` for a unique violation); a
    cursor-execute listener's own exception passes as it is.
    """

    def __init__(self, table):
        self.table = table
        self.statement = insert(table)
        self.keys = frozenset(table.columns.keys())
        #: Column key -> a function of no argument giving its value when a row leaves it out (None: Core only).
        self.defaults = {column.key: _default_function(column) for column in table.columns}
        #: Whether rows can be completed here (every default known).
        self.completes_rows = None not in self.defaults.values()
        #: Per (dialect, companion writer or None): (sql, [(parameter, bind processor)]) for the driver, or False.
        self._plans = {}

    def insert(self, connection, values):
        """Insert ``values`` (column keys; any other key is a ``CompileError``) on ``connection``; the row
        as inserted, a value for every column."""
        plan = self._plan_for(connection.dialect, None)
        if plan is False:
            self._refuse_unknown(values)
            inserted = connection.execute(self.statement, values).last_inserted_params()
            return {key: inserted.get(key) for key in self.defaults}
        row = self._complete(values)
        _send(connection, plan, row)
        return row

    def insert_with(self, connection, values, companion, companion_values):
        """Insert ``values`` and a row of ``companion`` (another writer) made by ``companion_values(row)``
        from this row as inserted; both rows as inserted.

        On PostgreSQL both go in one statement, the companion's ``INSERT`` as
        a data-modifying ``WITH`` clause (one round trip fewer, and both rows
        or neither, as for any statement); elsewhere as two statements.
        """
        plan = self._plan_for(connection.dialect, companion)
        if plan is False:
            row = self.insert(connection, values)
            return row, companion.insert(connection, companion_values(row))
        row = self._complete(values)
        other = companion._complete(companion_values(row))
        _send(connection, plan, {**row, **{COMPANION + key: value for key, value in other.items()}})
        return row, other

    def _refuse_unknown(self, values):
        unknown = values.keys() - self.keys
        if unknown:
            raise CompileError(f"Unconsumed column names: {', '.join(sorted(unknown))}")

    def _complete(self, values):
        """``values`` with every left-out column's default."""
        self._refuse_unknown(values)
        return {key: values[key] if key in values else default() for key, default in self.defaults.items()}

    def _plan_for(self, dialect, companion):
        """The plan of this writer's statement (with ``companion``'s row when given) on ``dialect``, made once."""
        plan = self._plans.get((dialect, companion))
        if plan is None:
            plan = self._plans[(dialect, companion)] = self._plan(dialect, companion)
        return plan

    def _plan(self, dialect, companion):
        """(sql, [(parameter, bind processor)]) for the driver, or False."""
        if dialect.paramstyle != "pyformat" or not self.completes_rows:
            return False
        statement = self.statement
        if companion is not None:
            if (dialect.name != "postgresql" or companion._plan_for(dialect, None) is False
                    or any(COMPANION + key in self.keys for key in companion.keys)):
                return False
            statement = statement.add_cte(insert(companion.table).values({
                column: bindparam(COMPANION + column.key, type_=column.type) for column in companion.table.columns
            }).cte("companion_row"))
        compiled = statement.compile(dialect=dialect, column_keys=list(self.defaults))
        if compiled.escaped_bind_names:
            return False  # column keys SQLAlchemy renames in the SQL: Core maps them
        processors = [(key, process) for key, bind in compiled.binds.items()
                      if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None]
        return str(compiled), processors


def _send(connection, plan, row):
    """Run a plan's statement with ``row``'s values (bind processors applied) on ``connection``'s DB-API
    cursor; its errors go through the connection's own handling (see :class:`RowWriter`)."""
    sql, processors = plan
    parameters = dict(row)
    cursor = connection.connection.cursor()

    def failed(error):
        # Core's own handling of a failed execution (SQLAlchemy's private API; it always raises).
        connection._handle_dbapi_exception(error, sql, parameters, cursor, None)

    try:
        try:
            for key, process in processors:
                parameters[key] = process(parameters[key])
        except BaseException as error:
            failed(error)
        run_on_cursor(connection, cursor, sql, parameters, on_error=failed)
    finally:
        cursor.close()


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
    if not default.is_callable:
        return None
    # SQLAlchemy wraps a function of no argument to take the execution context, and keeps it as __wrapped__;
    # a function that takes the context (even one decorated with functools.wraps) needs Core.
    function = getattr(default.arg, "__wrapped__", None)
    return function if function is not None and _takes_no_argument(function) else None


def _takes_no_argument(function):
    try:
        inspect.signature(function).bind()
    except TypeError:
        return False
    except ValueError:
        return True  # a builtin without a signature (dict, list): SQLAlchemy calls it with no argument too
    return True
