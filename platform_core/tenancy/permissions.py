"""Which role grants which permission, for the core and every plugin.

Permissions are strings ``<plugin>.<collection>.<verb>``. Each part of the
platform declares its permissions with their default roles at configuration
time; the security policy asks :meth:`PermissionRegistry.roles_for`.
"""

from pyramid.exceptions import ConfigurationError

from platform_core.tenancy.models import ROLES


class PermissionRegistry:
    def __init__(self):
        self._grants = {}

    def declare(self, permission, roles):
        """Declare ``permission`` and the roles that have it by default."""
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ConfigurationError(f"Permission {permission!r} names unknown roles {sorted(unknown)}")
        if permission in self._grants:
            raise ConfigurationError(f"Permission {permission!r} is declared twice")
        self._grants[permission] = frozenset(roles)

    def roles_for(self, permission):
        """The roles that have ``permission``; an undeclared permission is granted to none."""
        return self._grants.get(permission, frozenset())

    def permissions_of(self, role):
        return sorted(name for name, roles in self._grants.items() if role in roles)

    def __iter__(self):
        return iter(sorted(self._grants))


#: The core's own permissions and their default grants.
CORE_PERMISSIONS = {
    "core.business.view": ROLES,
    "core.business.manage": ("admin",),
    "core.members.view": ("admin", "manager"),
    "core.members.manage": ("admin",),
    "core.modules.view": ROLES,
    "core.modules.manage": ("admin",),
    "core.audit.view": ("admin", "manager"),
}


def add_permissions(config, grants):
    """Config directive: ``config.add_permissions({"shop.orders.create": ("admin",)})``."""
    registry = config.registry["permissions"]
    for permission, roles in grants.items():
        registry.declare(permission, roles)
