"""The SQL statements a test's code sends, the test kit's own savepoints left out."""

import contextlib

from sqlalchemy import event

#: Statements of the test kit itself: each request is a savepoint of the test's transaction.
KIT_STATEMENTS = ("SAVEPOINT", "RELEASE", "ROLLBACK TO SAVEPOINT")


@contextlib.contextmanager
def sent_statements(target):
    """A list that collects the statements sent on ``target`` (an engine or a connection) inside the block."""
    seen = []

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(KIT_STATEMENTS):
            seen.append(statement)

    event.listen(target, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(target, "before_cursor_execute", record)
