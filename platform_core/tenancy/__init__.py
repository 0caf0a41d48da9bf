"""Tenancy: businesses, memberships, roles and the active business of a request."""

from platform_core.tenancy.context import active_membership
from platform_core.tenancy.permissions import CORE_PERMISSIONS, PermissionRegistry, add_permissions


def includeme(config):
    config.registry["permissions"] = PermissionRegistry()
    config.add_directive("add_permissions", add_permissions)
    config.add_permissions(CORE_PERMISSIONS)
    config.add_request_method(active_membership, "membership", reify=True)
    config.scan("platform_core.tenancy.views")
