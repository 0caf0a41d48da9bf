"""Using up a client package: sessions that never go below zero, and a record of each use.

The sessions left of a service live on one row per (client package, service)
and change only by an atomic ``UPDATE ... SET remaining = remaining - :q
WHERE remaining >= :q RETURNING remaining``: of concurrent consumptions the
database lets through exactly as many as the sessions cover, on PostgreSQL
(row lock, condition re-checked) and on SQLite (one writer at a time) alike.
Each consumption appends a usage row recording who, when, how many and why.
"""



from sqlalchemy import select, update

from platform_core.clock import as_utc
from platform_core.errors import APIError, Conflict, ValidationFailed
from platform_core.lookup import get_or_404
from platform_services.events import PackageConsumed
from platform_services.models import ClientPackageBalance, ClientPackageUsage
from platform_services.models import ClientPackage
from platform_services.services import actor_id


class PackageExhausted(APIError):
    """Fewer sessions of the service remain in the package than were asked for."""

    status, code, message = 409, "package_exhausted", "Not enough sessions left in the package"


def consume_package(request, client_package_id, service_id, quantity=1, reference=None):
    """Take ``quantity`` sessions of ``service_id`` from a client package; the usage row.

    404 for a client package outside the business, 400 on ``service_id`` when
    the package does not include the service, 409 ``conflict`` once it has
    expired (by the platform clock), 409 ``package_exhausted`` when too few
    sessions remain.
    """
    db = request.dbsession
    sale = get_or_404(db, ClientPackage, client_package_id, "client package")
    now = request.clock.now()
    expires_at = as_utc(sale.expires_at)
    if expires_at <= now:
        message = f"This package expired on {expires_at:%Y-%m-%d}"
        raise Conflict(message, errors={"_": [message]})
    of_service = (ClientPackageBalance.client_package_id == sale.id, ClientPackageBalance.service_id == service_id)
    remaining = db.scalar(
        update(ClientPackageBalance)
        .where(*of_service, ClientPackageBalance.remaining >= quantity)
        .values(remaining=ClientPackageBalance.remaining - quantity)
        .returning(ClientPackageBalance.remaining)
        .execution_options(synchronize_session=False)
    )
    if remaining is None:
        left = db.scalar(select(ClientPackageBalance.remaining).where(*of_service))
        if left is None:
            raise ValidationFailed.field("service_id", "This package does not include that service")
        message = f"Only {left} session{'s' if left != 1 else ''} of that service remain"
        raise PackageExhausted(message, errors={"quantity": [message]})
    usage = ClientPackageUsage(client_package_id=sale.id, service_id=service_id, quantity=quantity,
                               remaining_after=remaining, reference=reference, actor_id=actor_id(request), at=now)
    db.add(usage)
    db.flush()
    for balance in sale.balances:
        # The UPDATE went around the identity map: read the new counts on next access.
        db.expire(balance)
    request.registry.notify(PackageConsumed(request, sale.business_id, usage.actor_id, sale.id, sale.client_id,
                                            service_id, quantity, remaining, reference))
    return usage
