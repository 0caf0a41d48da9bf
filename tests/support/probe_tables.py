"""Tables of a test's own, created on the app's engine and dropped afterwards.

For tests that commit for real (not inside the rolled-back test
connection), on tables no model owns.
"""

import contextlib


@contextlib.contextmanager
def probe_tables(app, metadata):
    """The app's engine with ``metadata``'s tables created for the block, dropped after it."""
    engine = app.registry["db_engine"]
    metadata.create_all(engine)
    try:
        yield engine
    finally:
        metadata.drop_all(engine)
