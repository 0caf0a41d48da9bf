"""Building the database engine from settings, for SQLite and PostgreSQL alike."""

import json
from pathlib import Path

import orjson
from pyramid_retry import mark_error_retryable
from sqlalchemy import engine_from_config, event


def build_read_engine(settings, engine, prefix="sqlalchemy."):
    """The engine of read requests' sessions: every statement in autocommit.

    On a server database it is an engine of its own, whose pool's
    connections are switched to autocommit once, when they are opened, and
    need no rollback when they are returned (nothing is ever left open on
    them): an ``execution_options(isolation_level="AUTOCOMMIT")`` copy of
    the main engine would switch every connection on each checkout and back
    on each return. It has the main engine's settings, so up to
    ``pool_size + max_overflow`` more connections per process. SQLite keeps
    one engine (an in-memory database would not be shared by two) and
    switches per checkout, which costs nothing there.
    """
    if engine.dialect.name == "sqlite":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    options = _engine_options(settings, prefix)
    options[prefix + "isolation_level"] = "AUTOCOMMIT"
    options[prefix + "pool_reset_on_return"] = None
    read_engine = engine_from_config(options, prefix=prefix, future=True)
    event.listen(read_engine, "handle_error", _mark_retryable)
    return read_engine


def build_engine(settings, prefix="sqlalchemy."):
    """An engine for ``sqlalchemy.url``; SQLite gets the pragmas it needs.

    SQLite runs with foreign keys enforced, WAL (readers do not block the
    writer), a busy timeout instead of instant "database is locked" errors,
    and transactions begun by SQLAlchemy rather than by the driver, so that
    savepoints behave as documented.

    Every SQLite transaction begins ``IMMEDIATE``: it takes the write lock at
    once (waiting up to the busy timeout), so a read-then-write rule — a
    balance that must not go below zero, a slot that must be free — is
    serialised, and no transaction fails half-way for having read a snapshot
    that another writer has since changed. SQLite is the embedded,
    single-machine default; PostgreSQL is the backend for concurrency.

    A server database's pool does not ping a connection on every checkout
    (``pool_pre_ping`` would cost every request a round trip): connections
    are recycled after ``pool_recycle`` seconds (default 1800), and a request
    that meets one the server has closed fails with a disconnect, which
    SQLAlchemy answers by discarding the pool's connections and
    :func:`_mark_retryable` marks retryable, so pyramid_retry replays
    the request on a fresh connection (nothing of it was committed).
    """
    options = _engine_options(settings, prefix)
    engine = engine_from_config(options, prefix=prefix, future=True)
    event.listen(engine, "handle_error", _mark_retryable)
    if engine.dialect.name == "sqlite":
        if engine.url.database not in (None, "", ":memory:"):
            Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
        _configure_sqlite(engine)
    return engine


def _engine_options(settings, prefix):
    """The ``prefix`` settings, with SQLite shared across threads or server connections recycled, and JSON
    columns written with orjson."""
    options = {key: value for key, value in settings.items() if key.startswith(prefix)}
    options.setdefault(prefix + "json_serializer", _json_text)
    if options.get(prefix + "url", "").startswith("sqlite"):
        options.setdefault(prefix + "connect_args", {"check_same_thread": False})
    else:
        options.setdefault(prefix + "pool_recycle", 1800)
    return options


def _json_text(value):
    """A JSON column's text: orjson's (a tenth of the standard library's time, e.g. an audit row's
    changes), or the standard library's for what orjson refuses (non-text keys, integers over 64 bits).

    Reading stays with the standard library: orjson reads an integer over 64 bits as a float, silently.
    """
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


def _mark_retryable(context):
    """Mark for pyramid_retry a lost connection and a transaction the server rolled back to be tried again.

    SQLSTATE class 40 (serialization failure, deadlock) is what
    zope.sqlalchemy's data manager reports as retryable; marking the error
    itself keeps that true of a transaction without one
    (:mod:`platform_core.db.write_connection`).
    """
    sqlstate = getattr(context.original_exception, "sqlstate", None) or ""
    if context.is_disconnect or sqlstate.startswith("40"):
        mark_error_retryable(context.sqlalchemy_exception)


def _configure_sqlite(engine):
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy, not the pysqlite driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return  # a pure read outside any transaction (the health check)
        connection.exec_driver_sql("BEGIN IMMEDIATE")
