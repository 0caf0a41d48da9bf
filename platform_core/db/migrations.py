"""Running alembic for the core and every installed plugin.

The core's revisions live in the repository's top-level ``migrations/``; each
plugin ships its own alembic branch (see docs/plugins.md) and contributes its
versions folder here. ``upgrade`` applies every head, so installing a plugin
and migrating again works on an existing database.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config

#: The core's alembic environment (env.py, script template, core versions).
CORE_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def version_locations(extra_locations=()):
    """Every folder alembic reads revisions from: the core's, then the plugins'."""
    return [str(CORE_MIGRATIONS / "versions"), *map(str, extra_locations)]


def alembic_config(settings, connection=None, extra_locations=(), progress=None):
    """An alembic Config for these settings, built in code rather than from an ini.

    ``path_separator = space``: with the ``os`` separator (``:``) alembic splits
    ``package:folder`` entries and silently finds no heads.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(CORE_MIGRATIONS))
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("version_locations", " ".join(version_locations(extra_locations)))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.attributes["settings"] = settings
    cfg.attributes["connection"] = connection
    cfg.attributes["progress"] = progress
    return cfg


def upgrade(settings, target="heads", connection=None, extra_locations=(), progress=None):
    """Apply migrations up to ``target`` (every branch's head by default).

    ``progress`` is called with a line of text for each revision applied.
    """
    cfg = alembic_config(settings, connection, extra_locations, progress)
    command.upgrade(cfg, target)


def current_heads(settings, connection=None, extra_locations=()):
    """The head revisions alembic knows from the scripts (not from the database)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(settings, connection, extra_locations)).get_heads()
