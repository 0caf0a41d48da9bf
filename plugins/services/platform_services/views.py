"""The services plugin's routes: catalogue, per-location terms, packages and the packages clients bought.

Views validate, call a rule of :mod:`platform_services.services` or
:mod:`platform_services.consumption`, and return; they hold no rules.
"""

from sqlalchemy import select

from platform_core.envelope import created, ok, paginated, updated
from platform_core.events import ResourceCreated
from platform_core.listing import ListSpec, list_page
from platform_core.openapi import api_doc
from platform_core.resources import ListQuery, StandardResource, response_schema
from platform_core.rest import api_service
from platform_core.validation import request_schema
from platform_clients.api import Client
from platform_services import schemas
from platform_services.consumption import consume_package
from platform_services.models import (ClientPackage, ClientPackageUsage, Package, Service, ServiceCategory,
                                      ServiceLocation)
from platform_services.services import (check_package_items, price_with, replace_package_items, sell_package,
                                        services_settings, set_location_override)

TAGS = ("services",)
PACKAGE_TAGS = ("packages",)


class CategoryResource(StandardResource):
    model = ServiceCategory
    collection = "categories"
    permission_prefix = "services.categories"
    schema = schemas.CategorySchema()
    listing = ListSpec(ordering=("position", "name", "created_at"), default_ordering="position,name",
                       search=("name", "description"))
    title = "Service category"
    tags = TAGS


class ServiceResource(StandardResource):
    model = Service
    collection = "services"
    permission_prefix = "services.services"
    schema = schemas.ServiceSchema()
    listing = ListSpec(ordering=("name", "price", "duration_minutes", "created_at"), default_ordering="name",
                       search=("name", "description"),
                       filters=("category_id", "active", "online_bookable", "price", "duration_minutes"),
                       ranges=("price", "duration_minutes"))
    references = {"category_id": ServiceCategory}
    title = "Service"
    tags = TAGS

    def prepare(self, values):
        business = self.request.membership.business
        if "currency" in values and values["currency"] is None:
            values["currency"] = business.currency
        if "tax_rate" in values and values["tax_rate"] is None:
            values["tax_rate"] = services_settings(self.request, business.id)["default_tax_rate"]
        return values


class PackageResource(StandardResource):
    model = Package
    collection = "packages"
    permission_prefix = "services.packages"
    schema = schemas.PackageSchema()
    listing = ListSpec(ordering=("name", "price", "validity_days", "created_at"), default_ordering="name",
                       search=("name", "description"), filters=("active",))
    title = "Package"
    tags = PACKAGE_TAGS

    def prepare(self, values):
        if "currency" in values and values["currency"] is None:
            values["currency"] = self.request.membership.business.currency
        return values

    def check_references(self, values):
        super().check_references(values)
        check_package_items(self.db, values.get("items"))

    def apply(self, obj, values):
        values = dict(values)
        items = values.pop("items", None)
        super().apply(obj, values)
        if items is not None:
            replace_package_items(obj, items)

    def serialize(self, obj):
        data = super().serialize(obj)
        data["items"] = [{"service_id": line.service_id, "quantity": line.quantity} for line in obj.items]
        return data


class ClientPackageResource(StandardResource):
    """Sales are records: listed, created and read here, changed only by consuming them.

    Its routes are registered below rather than by ``add_standard_resource``,
    which would also offer update, delete and restore.
    """

    model = ClientPackage
    collection = "client-packages"
    permission_prefix = "services.client_packages"
    schema = schemas.ClientPackageSchema()
    read_only_schema = schemas.ClientPackageReadOnly()
    references = {"client_id": Client, "package_id": Package}
    listing = ListSpec(ordering=("purchased_at", "expires_at"), default_ordering="-purchased_at",
                       filters=("client_id", "package_id", "expires_at"), ranges=("expires_at",))
    title = "Client package"
    tags = PACKAGE_TAGS

    def create(self):
        values = self.request.validated["body"]
        self.check_references(values)
        sale = sell_package(self.request, values["client_id"], values["package_id"])
        self.publish(ResourceCreated, sale)
        return created(self.request, self.serialize(sale), "Package sold")

    def serialize(self, obj):
        data = super().serialize(obj)
        data["balances"] = [{"service_id": b.service_id, "quantity": b.quantity, "remaining": b.remaining}
                            for b in obj.balances]
        return data


def _list_query():
    """The kit's list parameters, less ``include_deleted``: these rows are never soft-deleted."""
    query = ListQuery()
    del query["include_deleted"]
    return query


SALE = response_schema(ClientPackageResource.schema, "ClientPackage", ClientPackageResource.read_only_schema)
OVERRIDE_LISTING = ListSpec(ordering=("created_at",), default_ordering="created_at",
                            filters=("location_id", "available"))
USAGE_LISTING = ListSpec(ordering=("at",), default_ordering="-at", filters=("service_id",))

service_locations = api_service("services.services.locations", "/services/{id}/locations")
client_packages = api_service("services.client_packages", "/client-packages")
client_package = api_service("services.client_packages.item", "/client-packages/{id}")
consume = api_service("services.client_packages.consume", "/client-packages/{id}/consume")
usages = api_service("services.client_packages.usages", "/client-packages/{id}/usages")


def override_as_dict(service, override):
    return {"location_id": override.location_id, "available": override.available, "price": override.price,
            "effective_price": price_with(service, override), "updated_at": override.updated_at}


def usage_as_dict(usage):
    return {"id": usage.id, "client_package_id": usage.client_package_id, "service_id": usage.service_id,
            "quantity": usage.quantity, "remaining_after": usage.remaining_after, "reference": usage.reference,
            "actor_id": usage.actor_id, "at": usage.at}


@service_locations.get(permission="services.services.view", schema=request_schema(querystring=_list_query()))
@api_doc(response=schemas.LocationOverride(), paginated=True, tags=TAGS)
def list_location_overrides(request):
    """The locations where the service departs from its defaults (unavailable, or another price)."""
    service = ServiceResource(request).load()
    statement = select(ServiceLocation).where(ServiceLocation.service_id == service.id)
    rows, page = list_page(request.dbsession, ServiceLocation, OVERRIDE_LISTING, dict(request.GET),
                           statement=statement)
    return paginated([override_as_dict(service, row) for row in rows], **page)


@service_locations.put(permission="services.services.update",
                       schema=request_schema(body=schemas.LocationOverrideBody))
@api_doc(response=schemas.LocationOverride(), tags=TAGS)
def put_location_override(request):
    """Set whether the service is offered at one location, and its price there (null: its own)."""
    service = ServiceResource(request).load()
    override = set_location_override(request.dbsession, service, **request.validated["body"])
    return updated(override_as_dict(service, override), "Location terms saved")


@client_packages.get(permission="services.client_packages.view", schema=request_schema(querystring=_list_query()))
@api_doc(response=SALE, paginated=True, tags=PACKAGE_TAGS)
def list_client_packages(request):
    """Packages clients bought, newest first; filter with ``client_id``, ``package_id``, ``expires_at__gte``."""
    return ClientPackageResource(request).list()


@client_packages.post(permission="services.client_packages.create",
                      schema=request_schema(body=schemas.ClientPackageSchema))
@api_doc(response=SALE, status=201, tags=PACKAGE_TAGS, errors=["conflict"])
def sell_client_package(request):
    """Sell a package to a client: its sessions of each service, valid ``validity_days`` from now."""
    return ClientPackageResource(request).create()


@client_package.get(permission="services.client_packages.view")
@api_doc(response=SALE, tags=PACKAGE_TAGS)
def get_client_package(request):
    """One client package, with the sessions left of each service."""
    return ClientPackageResource(request).get()


@consume.post(permission="services.client_packages.consume", schema=request_schema(body=schemas.ConsumeBody))
@api_doc(response=SALE, tags=PACKAGE_TAGS, errors=[(409, "package_exhausted"), "conflict"])
def consume_client_package(request):
    """Use sessions of one service; never below zero, however many requests race.

    ``data`` is the client package afterwards, ``meta.usage`` the usage recorded.
    409 ``package_exhausted`` when too few remain, 409 ``conflict`` once expired.
    """
    resource = ClientPackageResource(request)
    sale = resource.load()
    usage = consume_package(request, sale.id, **request.validated["body"])
    return ok(resource.serialize(sale), "Sessions used", meta={"usage": usage_as_dict(usage)})


@usages.get(permission="services.client_packages.view", schema=request_schema(querystring=_list_query()))
@api_doc(response=schemas.Usage(), paginated=True, tags=PACKAGE_TAGS)
def list_usages(request):
    """Every use of the client package (newest first): who, when, how many, and what for."""
    sale = ClientPackageResource(request).load()
    statement = select(ClientPackageUsage).where(ClientPackageUsage.client_package_id == sale.id)
    rows, page = list_page(request.dbsession, ClientPackageUsage, USAGE_LISTING, dict(request.GET),
                           statement=statement)
    return paginated([usage_as_dict(row) for row in rows], **page)
