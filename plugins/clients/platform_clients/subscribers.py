"""What the clients plugin does when others report visits, purchases and merges."""

from platform_clients.events import PurchaseCompleted
from platform_clients.loyalty import LoyaltyLedger
from platform_clients.modules import clients_settings


def earn_points(event):
    """Loyalty points for a completed visit or purchase, when loyalty is on for the business."""
    if not clients_settings(event.request, event.business_id)["loyalty_enabled"]:
        return
    LoyaltyLedger(event.request).earn_for(
        event.client_id, event.amount, visit=not isinstance(event, PurchaseCompleted),
        source_type=event.source_type, source_id=event.source_id,
    )


def move_loyalty(event):
    """A merge moves the duplicate's points and history to the survivor."""
    LoyaltyLedger(event.request).move(event.duplicate_id, event.survivor_id)
