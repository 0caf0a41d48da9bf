"""A real HTTP server over the app, with real commits: for concurrency tests.

The usual fixtures roll every test back inside one connection, which also
serialises everything. Concurrency rules (a balance never below zero, one
booking per slot) need requests in parallel on separate connections that
really commit: the ``live`` fixture serves the app with waitress on
127.0.0.1, gives a factory whose rows are committed, and deletes every row
the test made afterwards.
"""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import delete, inspect
from webtest.http import StopableWSGIServer

from platform_core.db import Base
from platform_core.db.models import import_all_models
from platform_core.db.tenancy import UNSCOPED, TenantSession
from platform_core.testing.factories import Factory


class LiveServer:
    def __init__(self, app, threads=8):
        self.app = app
        self.server = StopableWSGIServer.create(app, host="127.0.0.1", threads=threads)
        self.url = self.server.application_url.rstrip("/")
        self.session = TenantSession(bind=app.registry["db_engine"], expire_on_commit=False)
        self.session.info[UNSCOPED] = True
        self.factory = Factory(app, self.session)

    def commit(self):
        """Commit what the factory made, so the server's connections see it."""
        self.session.commit()

    def request(self, method, path, body=None, headers=None):
        """(status, parsed JSON body) of one request over HTTP."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def concurrently(self, calls, workers=8):
        """Run ``calls`` (zero-argument callables) at the same time; their results in order."""
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda call: call(), calls))

    def close(self):
        self.server.shutdown()
        self.session.rollback()
        import_all_models()
        with self.app.registry["db_engine"].begin() as connection:
            existing = set(inspect(connection).get_table_names())
            for table in reversed(Base.metadata.sorted_tables):
                if table.name in existing:
                    connection.execute(delete(table))
        self.session.close()
