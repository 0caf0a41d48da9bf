"""``/api/modules``: the installed plugins and each business's choice of them."""

from platform_core.envelope import ok
from platform_core.modules import schemas
from platform_core.modules.state import ModuleState
from platform_core.openapi import api_doc
from platform_core.rest import api_service
from platform_core.validation import request_schema

TAGS = ["modules"]

modules = api_service("core.modules", "/modules")
enable = api_service("core.modules.enable", "/modules/{name}/enable")
disable = api_service("core.modules.disable", "/modules/{name}/disable")
settings = api_service("core.modules.settings", "/modules/{name}/settings")


def module_as_dict(manifest, enabled_names):
    return {
        "name": manifest.name,
        "title": manifest.title,
        "version": manifest.version,
        "description": manifest.description,
        "depends": list(manifest.depends),
        "enabled": manifest.name in enabled_names,
    }


@modules.get(permission="core.modules.view")
@api_doc(response=schemas.ModuleSchema(), paginated=True, tags=TAGS)
def list_modules(request):
    """Every installed plugin, and whether the active business has it enabled."""
    enabled = ModuleState(request).enabled(request.membership.business_id)
    items = [module_as_dict(m, enabled) for m in request.registry["plugins"].values()]
    return {"data": items, "message": "OK",
            "meta": {"pagination": {"page": 1, "page_size": max(len(items), 1), "total": len(items), "pages": 1}}}


@enable.post(permission="core.modules.manage")
@api_doc(response=schemas.EnableResult(), tags=TAGS)
def enable_module(request):
    """Enable a module and any module it needs that is not enabled yet (admin)."""
    state = ModuleState(request)
    business_id = request.membership.business_id
    already = state.enabled(business_id)
    switched = state.enable(business_id, request.matchdict["name"])
    manifest = state.manifest(request.matchdict["name"])
    # Computed, not re-read: re-reading would cache the uncommitted state for other processes.
    data = {"module": module_as_dict(manifest, already | set(switched)), "enabled": switched}
    return ok(data, f"{manifest.title} enabled" if switched else f"{manifest.title} was already enabled")


@disable.post(permission="core.modules.manage", schema=request_schema(querystring=schemas.DisableQuery))
@api_doc(response=schemas.DisableResult(), tags=TAGS, errors=[(409, "module_required_by")])
def disable_module(request):
    """Disable a module; its data is kept. 409 module_required_by while enabled modules need it (admin)."""
    state = ModuleState(request)
    business_id = request.membership.business_id
    name = request.matchdict["name"]
    cascade = request.validated.get("querystring", {}).get("cascade", False)
    already = state.enabled(business_id)
    switched = state.disable(business_id, name, cascade=cascade)
    manifest = state.manifest(name)
    data = {"module": module_as_dict(manifest, already - set(switched)), "disabled": switched}
    return ok(data, f"{manifest.title} disabled" if switched else f"{manifest.title} was already disabled")


@settings.get(permission="core.modules.manage")
@api_doc(tags=TAGS)
def get_settings(request):
    """The module's settings for the active business, with defaults filled in (admin)."""
    return ok(ModuleState(request).settings(request.membership.business_id, request.matchdict["name"]))


@settings.put(permission="core.modules.manage", schema=request_schema(body=schemas.settings_body()))
@api_doc(tags=TAGS)
def put_settings(request):
    """Replace the module's settings, validated by the module's own schema (admin)."""
    stored = ModuleState(request).replace_settings(
        request.membership.business_id, request.matchdict["name"], request.validated["body"]
    )
    return ok(stored, "Settings saved")
