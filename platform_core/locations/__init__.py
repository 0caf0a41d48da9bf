"""Locations: the reference example of a standard resource (``/api/locations``).

Plugin authors read this first (see docs/writing-a-resource.md): a model made
of the kit's mixins, a colander schema, a resource class with four
declarations, and two lines of wiring. Isolation, audit and soft delete come
with the kit.
"""

import colander

from platform_core.listing import ListSpec
from platform_core.locations.models import Location
from platform_core.resources import StandardResource
from platform_core.tenancy.models import ROLES
from platform_core.tenancy.schemas import timezone_validator


class LocationSchema(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=200))
    address = colander.SchemaNode(colander.String(), validator=colander.Length(max=500), missing="")
    timezone = colander.SchemaNode(colander.String(), validator=timezone_validator, missing=None,
                                   description="IANA timezone, e.g. Europe/Lisbon; the business's by default")
    phone = colander.SchemaNode(colander.String(), validator=colander.Length(max=40), missing="")


class LocationResource(StandardResource):
    model = Location
    collection = "locations"
    permission_prefix = "core.locations"
    schema = LocationSchema()
    listing = ListSpec(ordering=("name", "created_at"), default_ordering="name",
                       search=("name", "address"), filters=("timezone", "created_at"), ranges=("created_at",))
    title = "Location"
    tags = ("locations",)

    def prepare(self, values):
        if "timezone" in values and values["timezone"] is None:
            values["timezone"] = self.request.membership.business.timezone
        return values


PERMISSIONS = {
    "core.locations.view": ROLES,
    "core.locations.create": ("admin", "manager"),
    "core.locations.update": ("admin", "manager"),
    "core.locations.delete": ("admin", "manager"),
    "core.locations.restore": ("admin", "manager"),
}


def includeme(config):
    config.add_permissions(PERMISSIONS)
    config.add_standard_resource(LocationResource)
