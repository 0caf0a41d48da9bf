"""The plugin's per-business settings, read through the core's module state."""

from platform_core.modules import ModuleState


def clients_settings(request, business_id):
    return ModuleState(request).settings(business_id, "clients")
