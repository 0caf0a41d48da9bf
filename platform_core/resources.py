"""The standard tenant-scoped REST collection, declared rather than written.

A plugin subclasses :class:`StandardResource` with a model, a colander schema
of its writable fields and a permission prefix, then registers it with
``config.add_standard_resource(MyResource)``. It gets every route of the
contract's "Standard resources" table, documented in OpenAPI:

=========================================  ==========================  =============
route                                      does                        permission
=========================================  ==========================  =============
``GET    /<collection>``                   paginated list              ``<p>.view``
``POST   /<collection>``                   create (201)                ``<p>.create``
``GET    /<collection>/{id}``              read                        ``<p>.view``
``PATCH  /<collection>/{id}``              partial update              ``<p>.update``
``PUT    /<collection>/{id}``              full update                 ``<p>.update``
``DELETE /<collection>/{id}``              soft delete                 ``<p>.delete``
``POST   /<collection>/{id}/restore``      undo the soft delete        ``<p>.restore``
=========================================  ==========================  =============

``?include_deleted=true`` on the list needs ``<p>.restore`` too. Isolation,
audit fields, the audit log and soft-delete filtering come from the session
(:mod:`platform_core.db.tenancy`, :mod:`platform_core.audit`), not from here.
"""

import uuid

import colander
from sqlalchemy.exc import IntegrityError

from platform_core.db.errors import conflict_from
from platform_core.db.inserts import DirectInsert
from platform_core.db.rows import RowReader
from platform_core.db.mixins import TenantScoped, utcnow
from platform_core.events import ResourceCreated, ResourceDeleted, ResourceRestored, ResourceUpdated
from platform_core.envelope import created, deleted, ok, paginated, updated
from platform_core.errors import Conflict, PermissionDenied, ValidationFailed
from platform_core.listing import ListSpec, list_page
from platform_core.lookup import get_or_404, no_such, path_uuid
from platform_core.openapi import api_doc
from platform_core.rest import api_service
from platform_core.schemas import StrictBoolean
from platform_core.validation import request_schema

#: The item routes match only ids, so a plugin's ``/<collection>/import`` is never taken for an item.
ID_PATTERN = "{id:[0-9a-fA-F-]{32,36}}"

#: Fields every object carries besides its schema's fields.
BOOKKEEPING_FIELDS = ("id", "created_at", "updated_at", "created_by", "updated_by")


def partial(schema):
    """A copy of ``schema`` in which every field may be left out (for PATCH)."""
    clone = schema.clone()
    for node in clone.children:
        node.missing = colander.drop
    return clone


def response_schema(schema, name, read_only=None):
    """The shape of an object in responses: its fields, read-only fields, id and audit fields."""
    out = colander.SchemaNode(colander.Mapping(), name=name)
    out.add(colander.SchemaNode(colander.String(), name="id"))
    for node in (*schema.clone().children, *(read_only.clone().children if read_only else ())):
        node.missing = colander.drop
        out.add(node)
    for name_ in ("created_at", "updated_at"):
        out.add(colander.SchemaNode(colander.DateTime(), name=name_))
    for name_ in ("created_by", "updated_by"):
        out.add(colander.SchemaNode(colander.String(), name=name_, missing=None))
    return out


class ListQuery(colander.MappingSchema):
    page = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1), missing=colander.drop)
    page_size = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1), missing=colander.drop,
                                    description="at most 100")
    ordering = colander.SchemaNode(colander.String(), missing=colander.drop, description="field,-field")
    search = colander.SchemaNode(colander.String(), missing=colander.drop)
    include_deleted = colander.SchemaNode(StrictBoolean(), missing=colander.drop,
                                          description="admins and managers: soft-deleted rows too")


class StandardResource:
    """Subclass and set the class attributes; instances serve one request."""

    #: The mapped class (usually ``TenantModel, Base``).
    model = None
    #: Path segment of the collection, kebab-case plural (``purchase-orders``).
    collection = None
    #: Permissions are ``<permission_prefix>.view|create|update|delete|restore``.
    permission_prefix = None
    #: colander MappingSchema of the client-writable fields (instance).
    schema = None
    #: Ordering, search and filter fields.
    listing = ListSpec()
    #: colander MappingSchema of fields shown but never written by clients (derived, server-set).
    read_only_schema = None
    #: Schema fields that are not model attributes (``apply`` and ``serialize`` handle them).
    unmapped_fields = ()
    #: Fields referring to tenant-scoped objects: ``{"supplier_id": Supplier}``.
    references = {}
    #: Human name for messages ("Location").
    title = None
    tags = ()

    def __init__(self, request):
        self.request = request
        self.db = request.dbsession

    # -- the routes ------------------------------------------------------------------

    def list(self):
        params = dict(self.request.GET)
        options = {}
        if self.request.validated.get("querystring", {}).get("include_deleted"):
            if not self.request.has_permission(f"{self.permission_prefix}.restore"):
                raise PermissionDenied("Only admins and managers see deleted rows")
            options["include_deleted"] = True
        days = params.get("date_from") or params.get("date_to")
        reader = self.row_reader()
        rows, page = list_page(self.db, self.model, self.listing, params, execution_options=options,
                               zone_name=self.day_zone(params) if days else "UTC", reader=reader)
        if reader is not None:
            return paginated([dict(zip(reader.fields, row)) for row in rows], **page)
        return paginated([self.serialize(row) for row in rows], **page)

    def create(self):
        values = self.initial(self.prepare(self.request.validated["body"]))
        self.check_references(values)
        writer = self.direct_insert()
        if writer is not None and writer.usable_by(self.db):
            try:
                row = writer(self.db, values)
            except IntegrityError as exc:
                raise conflict_from(exc) from None
            event = ResourceCreated.of_row(self.request, self.model, row, self.request.identity.user_id)
            self.request.registry.notify(event)
            # A subscriber that loaded the object may have changed it: the response shows it as it is.
            data = (self.serialize(event.obj) if event.obj_loaded
                    else {name: row[name] for name in self.serialized_fields()})
            return created(self.request, data, f"{self.title} created")
        obj = self.model()
        self.apply(obj, values)
        self.db.add(obj)
        self.flush()
        self.publish(ResourceCreated, obj)
        return created(self.request, self.serialize(obj), f"{self.title} created")

    def get(self):
        reader = self.row_reader()
        if reader is None:
            return ok(self.serialize(self.load()))
        row = reader.one(self.db, self.path_id())
        if row is None:
            raise no_such(self.title.lower())
        return ok(dict(zip(reader.fields, row)))

    def update(self):
        obj = self.load()
        values = self.prepare(self.request.validated["body"])
        self.check_references(values)
        self.apply(obj, values)
        self.flush()
        self.publish(ResourceUpdated, obj)
        return updated(self.serialize(obj), f"{self.title} updated")

    def delete(self):
        obj = self.load()
        obj.is_deleted = True
        obj.deleted_at = utcnow()
        obj.deleted_by = self.request.identity.user_id
        self.flush()
        self.publish(ResourceDeleted, obj)
        return deleted(f"{self.title} deleted")

    def restore(self):
        obj = self.load(include_deleted=True)
        if not obj.is_deleted:
            raise Conflict(f"{self.title} is not deleted", errors={"_": ["Cannot restore: not deleted"]})
        obj.is_deleted = False
        obj.deleted_at = None
        obj.deleted_by = None
        self.flush()
        self.publish(ResourceRestored, obj)
        return ok(self.serialize(obj), f"{self.title} restored")

    # -- building blocks a subclass may use or extend -----------------------------------

    def day_zone(self, params):
        """The timezone of ``date_from``/``date_to``: the filtered location's, else the business's."""
        from platform_core.locations.models import Location

        location_id = params.get("location_id")
        if location_id:
            try:
                location = self.db.get(Location, uuid.UUID(location_id))
            except ValueError:
                location = None
            if location is not None:
                return location.timezone
        return self.request.membership.business.timezone

    def prepare(self, values):
        """Fill derived or defaulted values before create and update (override to use)."""
        return values

    def initial(self, values):
        """Fill the values only a new object gets, such as a starting figure derived from others (override to use)."""
        return values

    def apply(self, obj, values):
        """Write validated ``values`` onto ``obj`` (override to stamp derived fields on change)."""
        for name, value in values.items():
            setattr(obj, name, value)

    def path_id(self):
        """The path's ``id``; 404 when it is no UUID."""
        return path_uuid(self.request, self.title.lower())

    def load(self, include_deleted=False):
        """The object of the path's ``id`` in the active business, or 404."""
        options = {"include_deleted": True} if include_deleted else {}
        return get_or_404(self.db, self.model, self.path_id(), self.title.lower(), execution_options=options)

    def check_references(self, values):
        """Each reference must name an object of the active business, or it is a field error."""
        errors = {}
        for name, target in self.references.items():
            value = values.get(name)
            if value is not None and self.db.get(target, value) is None:
                errors[name] = ["No such object"]
        if errors:
            raise ValidationFailed(errors=errors)

    def flush(self):
        """Flush, turning a unique violation into 409 naming the field."""
        try:
            self.db.flush()
        except IntegrityError as exc:
            raise conflict_from(exc) from None

    def publish(self, event_class, obj):
        """Tell subscribers what happened, inside the same transaction."""
        self.request.registry.notify(event_class(self.request, obj, self.request.identity.user_id))

    @classmethod
    def serialized_fields(cls):
        """The fields :meth:`serialize` writes: bookkeeping, the schema's mapped fields, the read-only ones."""
        fields = cls.__dict__.get("_serialized_fields")
        if fields is None:
            schema_fields = (node.name for node in cls.schema.children if node.name not in cls.unmapped_fields)
            read_only = (node.name for node in cls.read_only_schema.children) if cls.read_only_schema else ()
            fields = cls._serialized_fields = (*BOOKKEEPING_FIELDS, *schema_fields, *read_only)
        return fields

    @classmethod
    def row_reader(cls):
        """A :class:`RowReader` for list and get, or None when they need ORM objects.

        Most resources serialize nothing but columns: they are read as plain
        rows, several times cheaper than loading objects. A subclass that
        overrides :meth:`serialize` or :meth:`load`, or shows a field that is
        no column, is read as objects and serialized by its own code.
        """
        if "_row_reader" not in cls.__dict__:
            plain = cls.serialize is StandardResource.serialize and cls.load is StandardResource.load
            fields = cls.serialized_fields()
            cls._row_reader = RowReader(cls.model, fields) if plain and RowReader.readable(cls.model, fields) else None
        return cls._row_reader

    @classmethod
    def direct_insert(cls):
        """A :class:`~platform_core.db.inserts.DirectInsert` for create, or None when it needs the ORM object.

        A resource whose values are all columns, written as they are (no
        :meth:`apply`, :meth:`serialize`, :meth:`flush` or :meth:`publish` of
        its own, no unmapped fields), creates with one ``INSERT`` and the
        duties of a flush done directly; the rest, or a model with listeners
        of its own, go through the flush.
        """
        if "_direct_insert" not in cls.__dict__:
            plain = all(getattr(cls, hook) is getattr(StandardResource, hook)
                        for hook in ("apply", "serialize", "flush", "publish"))
            writer = DirectInsert.of(cls.model) if plain and not cls.unmapped_fields else None
            names = {node.name for node in cls.schema.children} | set(cls.serialized_fields())
            cls._direct_insert = writer if writer is not None and names <= writer.writer.keys else None
        return cls._direct_insert

    def serialize(self, obj):
        return {name: getattr(obj, name) for name in self.serialized_fields()}


def _views(resource_class):
    """The view callables of a resource class, documented for OpenAPI."""
    title = resource_class.title
    item = response_schema(resource_class.schema, title.replace(" ", ""), resource_class.read_only_schema)
    tags = list(resource_class.tags)

    def call(method):
        def view(request):
            return getattr(resource_class(request), method)()
        view.__name__ = f"{resource_class.__name__}_{method}"
        return view

    docs = {
        "list": (f"List {title.lower()}s of the active business.", dict(response=item, paginated=True)),
        "create": (f"Create a {title.lower()}.", dict(response=item, status=201, errors=["conflict"])),
        "get": (f"One {title.lower()}.", dict(response=item)),
        "update": (f"Change a {title.lower()}.", dict(response=item, errors=["conflict"])),
        "delete": (f"Soft-delete a {title.lower()}; it leaves lists and lookups.", dict()),
        "restore": (f"Undo the soft delete of a {title.lower()} (admins, managers).", dict(response=item,
                                                                                           errors=["conflict"])),
    }
    views = {}
    for method, (doc, kwargs) in docs.items():
        view = call(method)
        view.__doc__ = doc
        views[method] = api_doc(tags=tags, **kwargs)(view)
    return views


def add_standard_resource(config, resource_class):
    """Config directive: register a :class:`StandardResource` subclass's routes."""
    if not issubclass(resource_class.model, TenantScoped):
        raise TypeError(f"{resource_class.__name__}.model must be TenantScoped")
    name = resource_class.collection
    prefix = resource_class.permission_prefix
    route = f"{prefix}.{name}" if not prefix.endswith(name) else prefix
    body = resource_class.schema
    views = _views(resource_class)

    collection = api_service(route, f"/{name}", depth=1)
    collection.add_view("GET", views["list"], permission=f"{prefix}.view",
                        schema=request_schema(querystring=ListQuery))
    collection.add_view("POST", views["create"], permission=f"{prefix}.create",
                        schema=request_schema(body=body))
    item = api_service(f"{route}.item", f"/{name}/{ID_PATTERN}", depth=1)
    item.add_view("GET", views["get"], permission=f"{prefix}.view")
    item.add_view("PATCH", views["update"], permission=f"{prefix}.update", schema=request_schema(body=partial(body)))
    item.add_view("PUT", views["update"], permission=f"{prefix}.update", schema=request_schema(body=body))
    item.add_view("DELETE", views["delete"], permission=f"{prefix}.delete")
    restore = api_service(f"{route}.restore", f"/{name}/{ID_PATTERN}/restore", depth=1)
    restore.add_view("POST", views["restore"], permission=f"{prefix}.restore")
    for service in (collection, item, restore):
        config.add_cornice_service(service)
    # Which model lives at which path: tools (the isolation sweep, the docs) read it.
    path = "/" + f"{config.route_prefix or ''}/{name}".strip("/")
    config.registry.setdefault("standard_resources", {})[path] = resource_class


def includeme(config):
    config.add_directive("add_standard_resource", add_standard_resource)
