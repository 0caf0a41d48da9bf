"""Request and response schemas of the services plugin."""

import decimal

import colander

from platform_core.schemas import CurrencyCode, Money, StrictBoolean, UUIDString

#: ISO 4217, as businesses store it.
#: A resource kind a booking allocates: a lower-case word (``staff``, ``room``, ``laser_machine``).
RESOURCE_TYPE = colander.Regex(r"^[a-z][a-z0-9_]*$", "Lower-case letters, digits and underscores, e.g. room")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _name(max_length):
    return colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=max_length), preparer=_strip)


def _description():
    return colander.SchemaNode(colander.String(), validator=colander.Length(max=5000), missing="")


def _price(**kw):
    kw.setdefault("description", 'e.g. "45.00"')
    return colander.SchemaNode(Money(), validator=colander.Range(min=0), **kw)


def _currency():
    return colander.SchemaNode(CurrencyCode(), missing=None, description="the business's currency by default")


def _percent(**kw):
    # Money's rules (a decimal string, two places, no silent rounding) are exactly a rate's.
    return colander.SchemaNode(Money(), validator=colander.Range(min=0, max=100), **kw)


def _minutes(low, high, **kw):
    return colander.SchemaNode(colander.Integer(), validator=colander.Range(min=low, max=high), **kw)


class CategorySchema(colander.MappingSchema):
    name = _name(100)
    description = _description()
    position = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=0, max=100_000), missing=0,
                                   description="menus list categories by position, then name")


class ResourceTypes(colander.SequenceSchema):
    """What a booking of the service must allocate, without duplicates."""

    resource_type = colander.SchemaNode(colander.String(), validator=colander.All(colander.Length(max=40),
                                                                                  RESOURCE_TYPE))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validator", colander.Length(max=10))
        kwargs.setdefault("preparer", lambda values: list(dict.fromkeys(values)) if isinstance(values, list)
                          else values)
        super().__init__(*args, **kwargs)


class ServiceSchema(colander.MappingSchema):
    name = _name(200)
    description = _description()
    category_id = colander.SchemaNode(UUIDString(), missing=None)
    duration_minutes = _minutes(5, 1440)
    buffer_before_minutes = _minutes(0, 240, missing=0)
    buffer_after_minutes = _minutes(0, 240, missing=0)
    price = _price()
    currency = _currency()
    tax_rate = _percent(missing=None, description='percent, e.g. "23.00"; the default_tax_rate setting by default')
    resource_types = ResourceTypes(missing=["staff"], description="e.g. staff, room, equipment")
    online_bookable = colander.SchemaNode(StrictBoolean(), missing=True)
    active = colander.SchemaNode(StrictBoolean(), missing=True)


class LocationOverrideBody(colander.MappingSchema):
    location_id = colander.SchemaNode(UUIDString())
    available = colander.SchemaNode(StrictBoolean(), missing=True)
    price = _price(missing=None, description="null: the service's own price")


class LocationOverride(colander.MappingSchema):
    """A location's terms for a service, with the price a client pays there."""

    location_id = colander.SchemaNode(colander.String())
    available = colander.SchemaNode(colander.Boolean())
    price = colander.SchemaNode(Money(), missing=None, description="null: the service's own price")
    effective_price = colander.SchemaNode(Money())
    updated_at = colander.SchemaNode(colander.DateTime())


class PackageItemSchema(colander.MappingSchema):
    service_id = colander.SchemaNode(UUIDString())
    quantity = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1, max=100), missing=1)


class PackageItems(colander.SequenceSchema):
    item = PackageItemSchema()


class PackageSchema(colander.MappingSchema):
    name = _name(200)
    description = _description()
    price = _price()
    currency = _currency()
    validity_days = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1, max=3650))
    active = colander.SchemaNode(StrictBoolean(), missing=True)
    items = PackageItems(validator=colander.Length(min=1, max=50), description="sessions of each service")


class ClientPackageSchema(colander.MappingSchema):
    client_id = colander.SchemaNode(UUIDString())
    package_id = colander.SchemaNode(UUIDString(), description="an active package of the business")


class Balance(colander.MappingSchema):
    service_id = colander.SchemaNode(colander.String())
    quantity = colander.SchemaNode(colander.Integer(), description="sessions sold")
    remaining = colander.SchemaNode(colander.Integer())


class Balances(colander.SequenceSchema):
    balance = Balance()


class ClientPackageReadOnly(colander.MappingSchema):
    """What the sale recorded: the package as it was sold, and the sessions left of each service."""

    name = colander.SchemaNode(colander.String())
    price = colander.SchemaNode(Money())
    currency = colander.SchemaNode(colander.String())
    purchased_at = colander.SchemaNode(colander.DateTime())
    expires_at = colander.SchemaNode(colander.DateTime())
    balances = Balances()


class ConsumeBody(colander.MappingSchema):
    service_id = colander.SchemaNode(UUIDString())
    quantity = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1, max=100), missing=1)
    reference = colander.SchemaNode(colander.String(), validator=colander.Length(max=100), missing=None,
                                    preparer=_strip, description="what the sessions were used for, e.g. an "
                                                                 "appointment id")


class Usage(colander.MappingSchema):
    id = colander.SchemaNode(colander.String())
    client_package_id = colander.SchemaNode(colander.String())
    service_id = colander.SchemaNode(colander.String())
    quantity = colander.SchemaNode(colander.Integer())
    remaining_after = colander.SchemaNode(colander.Integer())
    reference = colander.SchemaNode(colander.String(), missing=None)
    actor_id = colander.SchemaNode(colander.String(), missing=None)
    at = colander.SchemaNode(colander.DateTime())


class ServicesSettings(colander.MappingSchema):
    default_tax_rate = _percent(missing=decimal.Decimal("0.00"),
                                description="the tax rate of a service created without one")
    allow_online_booking = colander.SchemaNode(StrictBoolean(), missing=True,
                                               description="off: no service is bookable online, whatever its flag")
