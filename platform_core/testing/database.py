"""A database per test run, on SQLite or on a PostgreSQL server.

``PLATFORM_TEST_DATABASE_URL`` names a PostgreSQL server's maintenance
database (with rights to create databases); the run creates a database of its
own there and drops it at the end. Without it, a SQLite file in a temporary
folder is used.
"""

import os
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DATABASE_URL_VARIABLE = "PLATFORM_TEST_DATABASE_URL"
REDIS_URL_VARIABLE = "PLATFORM_TEST_REDIS_URL"


class TestDatabase:
    """Creates the run's database and drops it again."""

    def __init__(self, tmp_dir):
        self.server_url = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
        self.tmp_dir = tmp_dir
        self.url = None
        self._name = None

    @property
    def is_postgresql(self):
        return self.server_url.startswith("postgresql")

    def create(self):
        if not self.server_url:
            self.url = f"sqlite:///{self.tmp_dir}/platform-test.sqlite"
            return self.url
        self._name = f"platform_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with self._server_engine().connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self._name}"'))
        self.url = make_url(self.server_url).set(database=self._name).render_as_string(
            hide_password=False
        )
        return self.url

    def drop(self):
        if self._name is None:
            return
        with self._server_engine().connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)'))

    def _server_engine(self):
        return create_engine(self.server_url, isolation_level="AUTOCOMMIT", poolclass=None)
