"""Finding installed plugins and putting them in dependency order.

Every failure is a :class:`PluginError` whose message names the plugin and
says what to do; startup stops on it.
"""

from dataclasses import replace
from importlib.metadata import entry_points

from pyramid.exceptions import ConfigurationError

from platform_core.modules.manifest import PluginManifest

ENTRY_POINT_GROUP = "platform.plugins"


class PluginError(ConfigurationError):
    """A plugin cannot be loaded; the message says which and why."""


def installed_manifests(group=ENTRY_POINT_GROUP):
    """Every manifest registered in the entry point group, by plugin name."""
    found = {}
    for entry_point in entry_points(group=group):
        try:
            manifest = entry_point.load()
        except Exception as exc:
            raise PluginError(
                f"plugin {entry_point.name!r}: its entry point {entry_point.value!r} cannot be loaded: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(manifest, PluginManifest):
            raise PluginError(
                f"plugin {entry_point.name!r}: {entry_point.value!r} is not a PluginManifest"
            )
        if not manifest.version and entry_point.dist is not None:
            manifest = replace(manifest, version=entry_point.dist.version)
        problems = manifest.problems()
        if problems:
            raise PluginError(f"plugin {manifest.name!r} has a broken manifest: {'; '.join(problems)}")
        if manifest.name in found:
            raise PluginError(
                f"plugin {manifest.name!r} is installed twice (entry points {found[manifest.name][1]!r} "
                f"and {entry_point.value!r}); uninstall one"
            )
        found[manifest.name] = (manifest, entry_point.value)
    return {name: manifest for name, (manifest, _) in found.items()}


def select(manifests, wanted):
    """The manifests named by the ``platform.plugins`` setting (``*`` for all)."""
    if wanted in (["*"], ("*",), "*"):
        return dict(manifests)
    missing = [name for name in wanted if name not in manifests]
    if missing:
        raise PluginError(f"platform.plugins names {', '.join(map(repr, missing))}, which is not installed")
    return {name: manifests[name] for name in wanted}


def dependency_order(manifests):
    """The manifests ordered so that each comes after everything it depends on.

    Checks that every dependency is present and at an accepted version, and
    that there is no cycle.
    """
    for manifest in manifests.values():
        for name, specifier in manifest.requirements():
            if name not in manifests:
                raise PluginError(
                    f"plugin {manifest.name!r} depends on {name!r}, which is not installed or not selected"
                )
            version = manifests[name].version
            if specifier and version and not specifier.contains(version, prereleases=True):
                raise PluginError(
                    f"plugin {manifest.name!r} needs {name}{specifier}, but {name} {version} is installed"
                )
    ordered, placed = [], set()
    remaining = dict(sorted(manifests.items()))
    while remaining:
        ready = [m for m in remaining.values() if all(n in placed for n, _ in m.requirements())]
        if not ready:
            raise PluginError(f"plugins {', '.join(sorted(remaining))} depend on each other in a cycle")
        for manifest in ready:
            ordered.append(manifest)
            placed.add(manifest.name)
            del remaining[manifest.name]
    return ordered


def load_plugins(settings, group=ENTRY_POINT_GROUP):
    """The plugins this app runs with, in dependency order."""
    wanted = (settings.get("platform.plugins") or "*").split()
    return dependency_order(select(installed_manifests(group), wanted))


def dependents(manifests, name):
    """Names of the plugins that need ``name``, directly or through others."""
    found, frontier = set(), {name}
    while frontier:
        frontier = {
            m.name for m in manifests.values()
            if m.name not in found and any(dep in frontier for dep, _ in m.requirements())
        }
        found |= frontier
    return found


def requirements_closure(manifests, name):
    """``name`` and everything it needs, dependencies first."""
    needed, frontier = set(), {name}
    while frontier:
        needed |= frontier
        frontier = {dep for n in frontier for dep, _ in manifests[n].requirements()} - needed
    return [m.name for m in dependency_order({n: manifests[n] for n in needed})]
