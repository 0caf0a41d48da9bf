"""The platform's pytest plugin: fixtures for the core's and plugins' tests.

Registered through the ``pytest11`` entry point, so any test suite in an
environment where ``platform-core`` is installed has these fixtures.

Levels, from bare to complete (use the smallest that serves the test):

- ``app_settings``: the settings the app is built with (session-wide);
- ``app``: the WSGI application, migrated database underneath (session-wide);
- ``db_connection``: a connection in a transaction rolled back after the test;
  every request and every ``dbsession`` of the test runs inside it, so tests
  leave nothing behind and need no cleanup SQL;
- ``dbsession``: a session on that connection, for arranging and checking data;
- ``redis``: the app's Redis, emptied before the test;
- ``testapp``: a WebTest client of the app.

The backend is chosen by environment variables: ``PLATFORM_TEST_DATABASE_URL``
(a PostgreSQL server) and ``PLATFORM_TEST_REDIS_URL`` (a Redis server);
without them, SQLite and fakeredis.
"""

import os

import pytest
import webtest

from platform_core.db.cache import REDIS as CACHE_REDIS
from platform_core.db.tenancy import UNSCOPED, TenantSession
from platform_core.testing.database import REDIS_URL_VARIABLE, TestDatabase
from platform_core.testing.factories import Factory
from platform_core.testing.live import LiveServer
from platform_core.testing.mailbox import Mailbox

TEST_SECRET = "test-secret-" + "x" * 64


def pytest_configure(config):
    """Silence the stack's known deprecation notices in every suite that uses the kit."""
    for line in (
        "ignore:'cgi' is deprecated:DeprecationWarning",
        "ignore::DeprecationWarning:pkg_resources",
        "ignore:pkg_resources is deprecated:UserWarning",
        "ignore:Deprecated call to `pkg_resources.declare_namespace:DeprecationWarning",
    ):
        config.addinivalue_line("filterwarnings", line)


@pytest.fixture(scope="session")
def test_database(tmp_path_factory):
    """The run's own database (created empty, dropped at the end)."""
    database = TestDatabase(tmp_path_factory.mktemp("db"))
    database.create()
    yield database
    database.drop()


@pytest.fixture(scope="session")
def app_settings(test_database, tmp_path_factory):
    """Settings of the app under test; override this fixture to change them."""
    return {
        "platform.environment": "testing",
        "sqlalchemy.url": test_database.url,
        "redis.url": os.environ.get(REDIS_URL_VARIABLE, ""),
        "auth.secret": TEST_SECRET,
        "mail.backend": "file",
        "mail.file_path": str(tmp_path_factory.mktemp("mail")),
        "mail.sender": "Platform <no-reply@example.test>",
        # Cheap hashing: the tests check behaviour, not the hash's cost.
        "auth.argon2_time_cost": "1",
        "auth.argon2_memory_cost": "1024",
        "auth.argon2_parallelism": "1",
        # Generous limits; tests of rate limiting lower them themselves.
        **{f"auth.rate_limit.{scope}": "1000/60s" for scope in ("login", "register", "refresh", "password", "token")},
    }


def build_app(settings):
    """Migrate the database for ``settings`` and build the app; a generator for fixtures.

    A suite that needs an app of its own (other settings, extra plugins)
    overrides ``app`` with ``yield from build_app(...)``.
    """
    from platform_core import main
    from platform_core.db import migrations

    migrations.upgrade(settings)
    application = main({}, **settings)
    yield application
    application.registry["db_engine"].dispose()
    application.registry["db_read_engine"].dispose()


@pytest.fixture(scope="session")
def app(app_settings):
    """The WSGI application over a freshly migrated database."""
    yield from build_app(app_settings)


@pytest.fixture
def db_connection(app):
    """A connection whose outer transaction is rolled back after the test.

    The app's session factory is bound to it with savepoints, so a request's
    commit or rollback only ends its savepoint: requests see each other's
    committed work, a failed request leaves nothing, and the test leaves nothing.
    """
    factory = app.registry["dbsession_factory"]
    connection = app.registry["db_engine"].connect()
    outer = connection.begin()
    original = dict(factory.kw)
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield connection
    finally:
        factory.kw.clear()
        factory.kw.update(original)
        if outer.is_active:
            outer.rollback()
        connection.close()


@pytest.fixture
def dbsession(app, db_connection):
    """A session on the test's connection, for arranging and checking data.

    It is the platform's session class, but unscoped: tests arrange and
    inspect the rows of several businesses. Use ``set_tenant`` and
    ``session.info[UNSCOPED] = False`` to see what a request of one business sees.
    """
    session = TenantSession(bind=db_connection, join_transaction_mode="create_savepoint",
                            expire_on_commit=False)
    session.info[UNSCOPED] = True
    # Rows the test changes through this session drop their cached copies too.
    session.info[CACHE_REDIS] = app.registry["redis"]
    yield session
    session.close()


@pytest.fixture
def redis(app):
    """The app's Redis client, emptied before the test."""
    client = app.registry["redis"]
    client.flushdb()
    return client


@pytest.fixture
def testapp(app, db_connection, redis):
    """A WebTest client of the app inside the test's rolled-back transaction."""
    return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})


@pytest.fixture
def clock(app):
    """The app's clock, frozen at the current time; ``clock.advance(minutes=5)`` moves it."""
    app_clock = app.registry["clock"]
    app_clock.freeze()
    yield app_clock
    app_clock.unfreeze()


@pytest.fixture
def factory(app, dbsession):
    """Makes users, businesses and logged-in callers (see platform_core.testing.factories)."""
    return Factory(app, dbsession)


@pytest.fixture
def live(app, redis):
    """A real server over the app with real commits, for concurrency tests (see testing/live.py).

    Do not combine with ``testapp``/``dbsession``/``factory`` in one test:
    those hold the rolled-back transaction the server's requests would wait on.
    """
    server = LiveServer(app)
    yield server
    server.close()


@pytest.fixture
def mailbox(app_settings):
    """The messages the file mailer wrote during the test, parsed."""
    return Mailbox(app_settings["mail.file_path"])
