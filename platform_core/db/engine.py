"""Building the database engine from settings, for SQLite and PostgreSQL alike."""

from pathlib import Path

from sqlalchemy import engine_from_config, event


def build_engine(settings, prefix="sqlalchemy."):
    """An engine for ``sqlalchemy.url``; SQLite gets the pragmas it needs.

    SQLite runs with foreign keys enforced, WAL (readers do not block the
    writer), a busy timeout instead of instant "database is locked" errors,
    and transactions begun by SQLAlchemy rather than by the driver, so that
    savepoints and ``BEGIN IMMEDIATE`` behave as documented.
    """
    options = {key: value for key, value in settings.items() if key.startswith(prefix)}
    url = options.get(prefix + "url", "")
    if url.startswith("sqlite"):
        options.setdefault(prefix + "connect_args", {"check_same_thread": False})
    else:
        options.setdefault(prefix + "pool_pre_ping", True)
    engine = engine_from_config(options, prefix=prefix, future=True)
    if engine.dialect.name == "sqlite":
        if engine.url.database not in (None, "", ":memory:"):
            Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
        _configure_sqlite(engine)
    return engine


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
        connection.exec_driver_sql(connection.info.pop("sqlite_begin", "BEGIN"))
