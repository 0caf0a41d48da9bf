"""The migrations (the core's and every plugin's) build exactly the schema the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from platform_core.db import Base
from platform_core.db.models import import_all_models


def test_autogenerate_finds_nothing_to_change(app):
    import_all_models()
    with app.registry["db_engine"].connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
