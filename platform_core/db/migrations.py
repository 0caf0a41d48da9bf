"""Running alembic for the core and every installed plugin.

The core's revisions live in the repository's top-level ``migrations/``; each
plugin ships its own alembic branch labelled with its name (see
docs/plugins.md), found through its manifest. ``upgrade`` applies every head, so installing a plugin
and migrating again works on an existing database.
"""

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config

from platform_core.modules.discovery import load_plugins

#: The core's alembic environment (env.py, script template, core versions).
CORE_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def plugin_locations(manifests):
    """The versions folders of the plugins that ship migrations (``package:folder``)."""
    locations = []
    for manifest in manifests:
        if manifest.migrations:
            package, _, folder = manifest.migrations.partition(":")
            locations.append(str(resources.files(package).joinpath(folder)))
    return locations


def version_locations(manifests, extra_locations=()):
    """Every folder alembic reads revisions from: the core's, then the plugins'."""
    return [str(CORE_MIGRATIONS / "versions"), *plugin_locations(manifests), *map(str, extra_locations)]


def alembic_config(settings, connection=None, extra_locations=(), progress=None):
    """An alembic Config for these settings, built in code rather than from an ini.

    ``path_separator = space``: with the ``os`` separator (``:``) alembic splits
    ``package:folder`` entries and silently finds no heads.
    """
    manifests = load_plugins(settings)
    cfg = Config()
    cfg.set_main_option("script_location", str(CORE_MIGRATIONS))
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("version_locations", " ".join(version_locations(manifests, extra_locations)))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.attributes["settings"] = settings
    cfg.attributes["connection"] = connection
    cfg.attributes["progress"] = progress
    cfg.attributes["plugin_models"] = [name for manifest in manifests for name in manifest.models]
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
