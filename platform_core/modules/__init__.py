"""Plugins: discovery, inclusion under /api/<name>, per-business enablement.

``includeme`` finds the installed plugins (entry point group
``platform.plugins``, filtered by the ``platform.plugins`` setting), orders
them by dependency and includes each under ``/api/<name>`` with its
permissions. The module gate lives in the security policy: every route of a
plugin answers 403 ``module_disabled`` while the plugin is off for the
active business.
"""

import contextlib

from platform_core.modules.discovery import PluginError, load_plugins
from platform_core.modules.manifest import PluginManifest
from platform_core.modules.state import ModuleState, require_enabled
from platform_core.modules.subscribers import add_module_subscriber

__all__ = ["ModuleState", "PluginError", "PluginManifest", "require_enabled", "routes_under"]


@contextlib.contextmanager
def routes_under(config, prefix):
    """Register routes under ``prefix`` instead of the plugin's ``/api/<name>``.

    For what must live elsewhere: public routes under ``api/public`` (no module
    gate there: they call :func:`require_enabled` themselves) and HTML pages.
    """
    saved = config.route_prefix
    config.route_prefix = prefix
    try:
        yield config
    finally:
        config.route_prefix = saved


def includeme(config):
    """Include every selected plugin; must be included under the ``/api`` route prefix."""
    registry = config.registry
    manifests = load_plugins(config.get_settings())
    registry["plugins"] = {manifest.name: manifest for manifest in manifests}
    config.add_directive("add_module_subscriber", add_module_subscriber)
    config.scan("platform_core.modules.views")
    for manifest in manifests:
        config.add_permissions(manifest.permissions)
        registry["plugins.including"] = manifest.name
        try:
            with config.route_prefix_context(manifest.name):
                config.include(manifest.includeme)
        finally:
            registry["plugins.including"] = None
