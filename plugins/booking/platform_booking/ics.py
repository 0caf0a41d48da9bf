"""iCalendar feeds of a resource's appointments, for staff calendar apps.

Calendar apps cannot send a bearer token, so the feed URL carries one of its
own: an HMAC of the resource id under the platform secret. It opens that one
feed only, and changes if the secret does.
"""

import hashlib
import hmac
import uuid
from datetime import timedelta

from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from sqlalchemy import select

from platform_booking.models import Allocation, Appointment, Resource
from platform_core.clock import as_utc
from platform_core.db.tenancy import set_tenant, unscoped
from platform_core.errors import NotFound
from platform_core.modules import require_enabled
from platform_core.rest import api_service
from platform_services.api import Service

feed = api_service("public.booking.calendar_feed", "/calendars/{resource_id}.ics")


def feed_token(secret, resource_id):
    return hmac.new(secret.encode(), f"ics:{resource_id}".encode(), hashlib.sha256).hexdigest()[:40]


@feed.get(permission=NO_PERMISSION_REQUIRED)
def calendar_feed(request):
    """The resource's appointments from 30 days ago to 180 days ahead, as text/calendar."""
    request.registry["auth.rate_limiter"].hit("portal", request.client_ip)
    expected = feed_token(request.registry.settings["auth.secret"], request.matchdict["resource_id"])
    if not hmac.compare_digest(expected, request.GET.get("token", "")):
        raise NotFound("No such calendar")
    db = request.dbsession
    with unscoped(db):
        resource = db.get(Resource, uuid.UUID(request.matchdict["resource_id"]))
    if resource is None or resource.is_deleted:
        raise NotFound("No such calendar")
    set_tenant(db, resource.business_id, None)
    require_enabled(request, resource.business_id, "booking")
    now = request.clock.now()
    rows = db.execute(
        select(Appointment, Service.name)
        .join(Allocation, Allocation.appointment_id == Appointment.id)
        .join(Service, Service.id == Appointment.service_id)
        .where(Allocation.resource_id == resource.id, Allocation.active.is_(True),
               Appointment.starts_at >= now - timedelta(days=30), Appointment.starts_at <= now + timedelta(days=180))
        .order_by(Appointment.starts_at)
    ).all()
    body = render_calendar(resource, rows, now)
    return Response(body=body.encode(), content_type="text/calendar", charset="utf-8")


def render_calendar(resource, rows, now):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Service Platform//Booking//EN", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_escape(resource.name)}"]
    for appointment, service_name in rows:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{appointment.id}@platform",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(appointment.starts_at)}",
            f"DTEND:{_stamp(appointment.ends_at)}",
            f"SUMMARY:{_escape(service_name)}",
            f"STATUS:{'TENTATIVE' if appointment.status == 'pending' else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def _stamp(moment):
    return as_utc(moment).strftime("%Y%m%dT%H%M%SZ")


def _escape(text):
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
