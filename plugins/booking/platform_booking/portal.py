"""The public booking portal: anonymous routes under ``/api/public/{business_slug}``.

Only businesses with booking enabled (and the portal on in its settings)
have a portal. Answers show the business's bookable services and free times,
never its clients or staff ids. Every route is rate-limited per client IP.
"""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import colander
from pyramid.security import NO_PERMISSION_REQUIRED
from sqlalchemy import select

from platform_booking import schemas
from platform_booking.models import Appointment
from platform_core.clock import as_utc
from platform_booking.services import Bookings, booking_settings
from platform_booking.views import find_slots
from platform_clients.api import find_or_create_client
from platform_core.db.tenancy import set_tenant
from platform_core.envelope import created, ok
from platform_core.errors import Conflict, NotFound, ValidationFailed
from platform_core.locations.models import Location
from platform_core.modules import require_enabled
from platform_core.openapi import api_doc
from platform_core.rest import api_service
from platform_core.schemas import PhoneNumber
from platform_core.tenancy.models import Business
from platform_core.validation import request_schema
from platform_services.api import Service

TAGS = ["public booking"]
CANCEL_TOKEN = "booking_cancel"

services = api_service("public.booking.services", "/{business_slug}/services")
availability = api_service("public.booking.availability", "/{business_slug}/availability")
bookings = api_service("public.booking.bookings", "/{business_slug}/bookings")
cancel = api_service("public.booking.cancel", "/{business_slug}/bookings/cancel")


def portal_business(request):
    """The business of the slug, if its portal is open; the session then acts in it."""
    request.registry["auth.rate_limiter"].hit("portal", request.client_ip)
    business = request.dbsession.scalar(select(Business).where(Business.slug == request.matchdict["business_slug"]))
    if business is None:
        raise NotFound("No such booking page")
    set_tenant(request.dbsession, business.id, None)
    require_enabled(request, business.id, "booking")
    if not booking_settings(request, business.id)["portal_enabled"]:
        raise NotFound("No such booking page")
    return business


@services.get(permission=NO_PERMISSION_REQUIRED)
@api_doc(public=True, tags=TAGS, errors=["rate_limited"])
def list_services(request):
    """The services bookable online, and the locations, of a business."""
    business = portal_business(request)
    rows = request.dbsession.scalars(select(Service).where(
        Service.online_bookable.is_(True), Service.active.is_(True)).order_by(Service.name))
    locations = request.dbsession.scalars(select(Location).order_by(Location.name))
    return ok({
        "business": {"name": business.name, "timezone": business.timezone, "currency": business.currency},
        "services": [{"id": s.id, "name": s.name, "description": s.description, "duration_minutes":
                      s.duration_minutes, "price": s.price, "currency": s.currency} for s in rows],
        "locations": [{"id": loc.id, "name": loc.name, "address": loc.address, "timezone": loc.timezone}
                      for loc in locations],
    })


@availability.get(permission=NO_PERMISSION_REQUIRED, schema=request_schema(querystring=schemas.AvailabilityQuery))
@api_doc(public=True, tags=TAGS, errors=["rate_limited"])
def public_availability(request):
    """Free start times of an online-bookable service (no staff details)."""
    business = portal_business(request)
    query = {**request.validated["querystring"], "resource_id": None}
    slots = find_slots(request, business.id, query, online_only=True)
    return ok([{"starts_at": s["starts_at"], "ends_at": s["ends_at"], "location_id": s["location_id"]}
               for s in slots])


@bookings.post(permission=NO_PERMISSION_REQUIRED, schema=request_schema(body=schemas.PublicBookingBody))
@api_doc(public=True, status=201, tags=TAGS, errors=["slot_unavailable", "rate_limited"])
def book(request):
    """Book as a member of the public: the client is matched by email or phone, or created."""
    business = portal_business(request)
    body = request.validated["body"]
    terms = Bookings(request).terms(body["service_id"], body["location_id"])
    if not terms.online_bookable:
        raise ValidationFailed.field("service_id", "Not bookable online")
    phone = _phone(body.get("phone"))
    client = find_or_create_client(
        request.dbsession, body["first_name"], body["last_name"], email=body.get("email"), phone=phone,
        consent={"consent_email": body["consent_email"], "consent_sms": body["consent_sms"]},
    )
    appointment = Bookings(request).book(
        business.id, client.id, terms.id, body["location_id"], body["starts_at"], notes=body["notes"],
        channel="online",
    )
    token = _cancel_token(request, appointment)
    if client.email:
        _mail_confirmation(request, business, client, appointment, terms, token)
    return created(request, {
        "id": appointment.id, "status": appointment.status, "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at, "service": terms.name, "cancel_token": token,
    }, "Booked" if appointment.status == "confirmed" else "Requested; the business will confirm")


class CancelBody(colander.MappingSchema):
    token = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=4096))


@cancel.post(permission=NO_PERMISSION_REQUIRED, schema=request_schema(body=CancelBody))
@api_doc(public=True, tags=TAGS, errors=["conflict", "rate_limited"])
def cancel_booking(request):
    """Cancel with the token from the confirmation mail, while the business's notice allows it."""
    business = portal_business(request)
    claims = request.registry["auth.tokens"].codec.decode(request.validated["body"]["token"],
                                                          ("sub", "iat", "exp", "type", "biz"))
    if not claims or claims["type"] != CANCEL_TOKEN or claims["biz"] != str(business.id):
        raise ValidationFailed.field("token", "The link is invalid or has expired")
    appointment = request.dbsession.get(Appointment, uuid.UUID(claims["sub"]))
    if appointment is None:
        raise ValidationFailed.field("token", "The link is invalid or has expired")
    notice = timedelta(hours=booking_settings(request, business.id)["cancellation_notice_hours"])
    if as_utc(appointment.starts_at) - request.clock.now() < notice:
        raise Conflict("Too late to cancel online; please call the business",
                       errors={"_": [f"Cancellations need {notice.total_seconds() / 3600:g} hours' notice"]})
    Bookings(request).transition(appointment, "cancel")
    return ok({"id": appointment.id, "status": appointment.status}, "Appointment cancelled")


def _phone(raw):
    if not raw:
        return None
    try:
        return PhoneNumber().deserialize(colander.SchemaNode(colander.String(), name="phone"), raw)
    except colander.Invalid as exc:
        raise ValidationFailed(errors={"phone": [exc.msg]}) from None


def _cancel_token(request, appointment):
    """A signed link token that cancels this appointment, valid until it starts."""
    lifetime = max(as_utc(appointment.starts_at) - request.clock.now(), timedelta(minutes=1))
    return request.registry["auth.tokens"].codec.create_token(
        str(appointment.id), expiration=lifetime, type=CANCEL_TOKEN, biz=str(appointment.business_id))


def _mail_confirmation(request, business, client, appointment, terms, token):
    zone = ZoneInfo(request.dbsession.get(Location, appointment.location_id).timezone)
    when = as_utc(appointment.starts_at).astimezone(zone).strftime("%A %d %B %Y at %H:%M")
    public_url = request.registry["auth.settings"].public_url
    state = "is confirmed" if appointment.status == "confirmed" else "is requested; we will confirm it shortly"
    request.mailer.send(
        client.email, f"Your {terms.name} at {business.name}",
        f"Hello {client.first_name},\n\nYour {terms.name} on {when} {state}.\n\n"
        f"To cancel, open {public_url}/book/{business.slug}?cancel={token}\n",
    )
