"""Where the core's models are gathered, so alembic and tests see every table."""

import importlib

#: Modules defining the core's tables, imported for their side effect on Base.metadata.
CORE_MODEL_MODULES = (
    "platform_core.auth.models",
    "platform_core.tenancy.models",
    "platform_core.audit.models",
    "platform_core.locations.models",
    "platform_core.modules.models",
)


def import_all_models(extra_modules=()):
    """Import the core's model modules (and any given), registering their tables."""
    for name in (*CORE_MODEL_MODULES, *extra_modules):
        importlib.import_module(name)
