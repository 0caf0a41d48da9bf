"""alembic environment of the platform: the core and every plugin branch.

Run through ``platform <ini> migrate`` (or :mod:`platform_core.db.migrations`),
which passes the settings, and optionally a live connection, in
``config.attributes``.
"""

from alembic import context
from sqlalchemy.types import TypeDecorator

from platform_core.db import Base, build_engine
from platform_core.db.models import import_all_models

config = context.config
settings = config.attributes["settings"]
progress = config.attributes.get("progress")

import_all_models(config.attributes.get("plugin_models", ()))
target_metadata = Base.metadata


def report_progress(ctx, step, heads, run_args):
    if progress is not None:
        arrow = "->" if step.is_upgrade else "<-"
        progress(f"  {arrow} {step.up_revision_id}  {step.up_revision.doc or ''}".rstrip())


def render_item(type_, obj, autogen_context):
    """Write the kit's column types (TypeDecorators) as the plain type they store."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run_with(connection):
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        on_version_apply=report_progress,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:
    engine = build_engine(settings)
    try:
        with engine.connect() as connection:
            run_with(connection)
            connection.commit()
    finally:
        engine.dispose()
