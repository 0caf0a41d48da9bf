"""What a plugin tells the platform about itself.

A plugin is a distribution exposing, in the entry point group
``platform.plugins``, a :class:`PluginManifest`. The manifest is checked when
the platform starts: a broken one stops startup with a message naming the
plugin, instead of failing later when something is called.
"""

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from packaging.requirements import InvalidRequirement, Requirement

NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
#: Names a plugin cannot take: they are routes or words of the core.
RESERVED_NAMES = frozenset({
    "auth", "businesses", "modules", "locations", "audit", "audit_log", "health", "schema", "docs",
    "redoc", "public", "core", "platform",
})


@dataclass(frozen=True)
class PluginManifest:
    """A plugin's identity, dependencies and contributions.

    ``depends`` lists plugin names, optionally with a version specifier
    (``"clients>=0.2"``). ``migrations`` is the plugin's alembic versions
    folder as ``"package:folder"``. ``permissions`` maps each permission the
    plugin declares (``<name>.<collection>.<verb>``) to the roles that have it
    by default. ``settings_schema`` validates the plugin's per-business
    settings. ``demo`` is called with a :class:`platform_core.modules.demo.DemoContext`
    to create demo data. ``models`` names the modules defining its tables (for
    alembic autogenerate). ``commands`` names modules adding subcommands to
    the ``platform`` command (each with ``register(subparsers)``).
    """

    name: str
    title: str
    includeme: Callable | str
    version: str = ""
    description: str = ""
    depends: tuple = ()
    migrations: str | None = None
    models: tuple = ()
    permissions: dict = field(default_factory=dict)
    settings_schema: Any = None
    demo: Callable | None = None
    commands: tuple = ()

    def requirements(self):
        """``depends`` parsed: ``[(name, SpecifierSet)]``."""
        return [(req.name, req.specifier) for req in map(Requirement, self.depends)]

    def problems(self):
        """What is wrong with this manifest, as sentences (empty when it is sound)."""
        found = []
        if not NAME.match(self.name or ""):
            found.append("its name must be 2-40 lower-case letters, digits or underscores, starting with a letter")
        elif self.name in RESERVED_NAMES:
            found.append(f"the name {self.name!r} is reserved by the core")
        if not self.title:
            found.append("it has no title")
        if not (callable(self.includeme) or isinstance(self.includeme, str)):
            found.append("its includeme is neither a callable nor a dotted name")
        for dependency in self.depends:
            try:
                Requirement(dependency)
            except InvalidRequirement:
                found.append(f"the dependency {dependency!r} is not a name with an optional version specifier")
        for permission, roles in self.permissions.items():
            if not permission.startswith(f"{self.name}."):
                found.append(f"the permission {permission!r} does not start with {self.name + '.'!r}")
            if isinstance(roles, str):
                found.append(f"the roles of {permission!r} must be a tuple, not a string")
        if self.migrations is not None and ":" not in self.migrations:
            found.append("migrations must be given as 'package:folder'")
        if self.demo is not None and not callable(self.demo):
            found.append("demo is not callable")
        return found
