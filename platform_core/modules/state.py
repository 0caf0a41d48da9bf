"""Per-business module state: what is enabled, switching it, and the settings.

The enabled set is read on every request to a plugin route, so it is cached
in Redis (shared by every app process) and forgotten when it changes, at
once and again after the commit: another process sees the change on its
next request.
"""

import colander
import orjson
from sqlalchemy import select

from platform_core.db.cache import forget_after_commit
from platform_core.errors import APIError, ModuleDisabled, NotFound, ValidationFailed
from platform_core.modules.discovery import dependents, requirements_closure
from platform_core.modules.models import BusinessModule
from platform_core.prefetch import remembered


class ModuleRequiredBy(APIError):
    status, code, message = 409, "module_required_by", "Enabled modules depend on this one"


def cache_key(business_id):
    return f"modules:enabled:{business_id}"


class ModuleState:
    """The modules of the session's business (one instance per request)."""

    def __init__(self, request):
        self.request = request
        self.db = request.dbsession
        self.redis = request.redis
        self.plugins = request.registry["plugins"]

    def manifest(self, name):
        try:
            return self.plugins[name]
        except KeyError:
            raise NotFound("No such module") from None

    def enabled(self, business_id):
        """Names of the modules enabled for the business (cached)."""

        def load():
            return frozenset(self.db.scalars(select(BusinessModule.module).where(
                BusinessModule.business_id == business_id, BusinessModule.enabled.is_(True))))

        return remembered(self.request, self.redis, cache_key(business_id), load,
                          dump=lambda names: orjson.dumps(sorted(names)),
                          parse=lambda value: frozenset(orjson.loads(value)))

    def enable(self, business_id, name):
        """Enable ``name`` and whatever it needs; the names switched on, dependencies first."""
        self.manifest(name)
        already = self.enabled(business_id)
        switched = [n for n in requirements_closure(self.plugins, name) if n not in already]
        for module in switched:
            self._row(business_id, module).enabled = True
        self._changed(business_id, switched)
        return switched

    def disable(self, business_id, name, cascade=False):
        """Disable ``name`` (and, with ``cascade``, the enabled modules needing it); data is kept."""
        self.manifest(name)
        enabled = self.enabled(business_id)
        if name not in enabled:
            return []
        needing = sorted(dependents(self.plugins, name) & enabled)
        if needing and not cascade:
            raise ModuleRequiredBy(
                f"{', '.join(needing)} depend on {name}; disable them first or use cascade=true",
                errors={"_": [f"Required by {n}" for n in needing]},
            )
        # self.plugins is in dependency order: dependents go first.
        order = list(reversed(self.plugins))
        switched = [n for n in order if n in needing or n == name]
        for module in switched:
            self._row(business_id, module).enabled = False
        self._changed(business_id, switched)
        return switched

    def settings(self, business_id, name):
        """The stored settings as typed values, completed with the schema's defaults.

        Stored as colander's serialized form (JSON-safe strings); answered
        deserialized, so numbers are numbers.
        """
        manifest = self.manifest(name)
        row = self._find(business_id, name)
        stored = dict(row.settings) if row else {}
        schema = manifest.settings_schema
        return stored if schema is None else schema.deserialize(stored)

    def replace_settings(self, business_id, name, values):
        """Validate ``values`` with the plugin's schema and store them."""
        manifest = self.manifest(name)
        schema = manifest.settings_schema
        if schema is None:
            if values:
                raise ValidationFailed(errors={"_": [f"{name} has no settings"]})
            cleaned = {}
        else:
            try:
                cleaned = schema.serialize(schema.deserialize(values))
            except colander.Invalid as exc:
                raise ValidationFailed(errors={k: v.split("; ") for k, v in exc.asdict().items()}) from None
        self._row(business_id, name, enabled=False).settings = cleaned
        self.db.flush()
        return self.settings(business_id, name)

    def _find(self, business_id, name):
        return self.db.scalar(
            select(BusinessModule).where(BusinessModule.business_id == business_id, BusinessModule.module == name)
        )

    def _row(self, business_id, name, enabled=True):
        row = self._find(business_id, name)
        if row is None:
            row = BusinessModule(business_id=business_id, module=name, enabled=enabled, settings={})
            self.db.add(row)
        return row

    def _changed(self, business_id, switched):
        if not switched:
            return
        self.db.flush()
        forget_after_commit(self.db, cache_key(business_id))


def module_of_route(request):
    """The plugin a matched route belongs to (plugins live at /api/<name>/...), or None."""
    route = request.matched_route
    if route is None:
        return None
    segments = route.pattern.strip("/").split("/")
    if len(segments) >= 2 and segments[0] == "api" and segments[1] in request.registry["plugins"]:
        return segments[1]
    return None


def require_enabled(request, business_id, name):
    """Raise ModuleDisabled unless ``name`` is enabled for the business."""
    if name not in ModuleState(request).enabled(business_id):
        raise ModuleDisabled(f"The {name} module is not enabled for this business")

