"""What other plugins may use of the services plugin (with ``services`` in their ``depends``).

Booking is the first user: it needs how long a service takes and what it
holds (buffers, resource types), what it costs where, and to take a session
from a client's package when a visit is paid that way.

- :class:`Service`, :class:`ClientPackage` — for foreign keys
  (``services_services.id``, ``services_client_packages.id``); read them, do not write them.
- :func:`service_terms`, :func:`effective_price`, :func:`is_available_at` — catalogue lookups.
- :func:`usable_packages`, :func:`consume_package`, :class:`PackageExhausted` — paying with a package.
- events: see :mod:`platform_services.events`.

Every function works in the active business of the session it is given:
another business's ids are answered as unknown.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from platform_services.consumption import PackageExhausted, consume_package
from platform_services.models import ClientPackage, ClientPackageBalance, Service
from platform_services.services import (effective_price, is_available_at, location_override, price_with,
                                        services_settings)

__all__ = ["ClientPackage", "PackageExhausted", "Service", "ServiceTerms", "consume_package", "effective_price",
           "is_available_at", "service_terms", "usable_packages"]


@dataclass(frozen=True)
class ServiceTerms:
    """A service as a booking sees it, at one location when one was given."""

    id: object
    name: str
    category_id: object
    duration_minutes: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    #: The kinds of resource to allocate for the whole blocked time (``staff``, ``room``...).
    resource_types: tuple
    #: At the location when one was given, else the service's own price.
    price: Decimal
    currency: str
    tax_rate: Decimal
    active: bool
    #: The service's flag and the business's ``allow_online_booking`` setting together.
    online_bookable: bool
    #: Offered at the location (True when no location was given).
    available: bool

    @property
    def blocked_minutes(self):
        """How long the resources are taken: buffers before and after included."""
        return self.buffer_before_minutes + self.duration_minutes + self.buffer_after_minutes


def service_terms(request, service_id, location_id=None):
    """The :class:`ServiceTerms` of a service of the business (at ``location_id``), or None if unknown."""
    db = request.dbsession
    service = db.get(Service, service_id)
    if service is None:
        return None
    override = location_override(db, service.id, location_id) if location_id else None
    available = is_available_at(db, service.id, location_id) if location_id else service.active
    allow_online = services_settings(request, service.business_id)["allow_online_booking"]
    return ServiceTerms(
        id=service.id, name=service.name, category_id=service.category_id,
        duration_minutes=service.duration_minutes, buffer_before_minutes=service.buffer_before_minutes,
        buffer_after_minutes=service.buffer_after_minutes, resource_types=tuple(service.resource_types),
        price=price_with(service, override), currency=service.currency, tax_rate=service.tax_rate,
        active=service.active, online_bookable=bool(allow_online and service.online_bookable and service.active),
        available=available,
    )


def usable_packages(request, client_id, service_id, quantity=1, at: datetime | None = None):
    """The client's packages that can pay ``quantity`` sessions of the service now, soonest to expire first."""
    at = at or request.clock.now()
    return list(request.dbsession.scalars(
        select(ClientPackage)
        .join(ClientPackageBalance, ClientPackageBalance.client_package_id == ClientPackage.id)
        .where(ClientPackage.client_id == client_id, ClientPackage.expires_at > at,
               ClientPackageBalance.service_id == service_id, ClientPackageBalance.remaining >= quantity)
        .order_by(ClientPackage.expires_at, ClientPackage.id)
    ))
