"""The booking plugin: resources and their hours, availability, appointments, portal, calendars.

Staff routes live under ``/api/booking``; the public portal under
``/api/public/{business_slug}``, its page at ``/book/{business_slug}`` and
staff calendar feeds at ``/api/public/calendars/{resource_id}.ics``.
"""

from platform_core.auth.guard import parse_rate
from platform_core.modules import PluginManifest, routes_under
from platform_booking.schemas import BookingSettings

STAFF = ("admin", "manager", "agent")
MANAGERS = ("admin", "manager")

PERMISSIONS = {
    "booking.resources.view": STAFF,
    "booking.resources.create": MANAGERS,
    "booking.resources.update": MANAGERS,
    "booking.resources.delete": MANAGERS,
    "booking.resources.restore": MANAGERS,
    "booking.appointments.view": STAFF,
    "booking.appointments.create": STAFF,
    "booking.appointments.update": STAFF,
    "booking.appointments.delete": MANAGERS,
    "booking.appointments.restore": MANAGERS,
    "booking.appointments.transition": STAFF,
    "booking.appointments.override_price": MANAGERS,
    "booking.availability.view": ("admin", "manager", "agent", "subscriber"),
    "booking.calendar.view": STAFF,
}


def includeme(config):
    from platform_booking.views import AppointmentResource, ResourceResource, register_transitions

    settings = config.get_settings()
    limits = config.registry["auth.rate_limiter"].limits
    limits.setdefault("portal", parse_rate(settings.get("booking.portal_rate_limit", "60/60s")))
    config.add_standard_resource(ResourceResource)
    config.add_standard_resource(AppointmentResource)
    register_transitions(config)
    config.scan("platform_booking.views")
    with routes_under(config, "api/public"):
        config.scan("platform_booking.portal")
        config.scan("platform_booking.ics")
    with routes_under(config, ""):
        config.include("platform_booking.page")


def demo(context):
    from platform_booking.demo import add_demo_data

    add_demo_data(context)


manifest = PluginManifest(
    name="booking",
    title="Booking",
    description="Resources, working hours, availability, appointments without double booking, "
                "recurring series, a public booking portal and staff calendar feeds.",
    depends=("clients", "services"),
    includeme=includeme,
    migrations="platform_booking:migrations/versions",
    models=("platform_booking.models",),
    permissions=PERMISSIONS,
    settings_schema=BookingSettings(),
    demo=demo,
)
