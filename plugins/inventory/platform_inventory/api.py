"""What other plugins may use of the inventory plugin (with ``inventory`` in their ``depends``).

- :class:`Product` — for foreign keys (``inventory_products.id``) and
  ``StandardResource.references``; read it, do not write it.
- :func:`record_usage` — take stock out for a service performed or a product
  sold (a sale of the sales plugin, a colour mixed for an appointment).
- :class:`InsufficientStock` — what :func:`record_usage` raises (409 ``insufficient_stock``).
- events: see :mod:`platform_inventory.events`.
"""

from platform_inventory.models import Product
from platform_inventory.services.ledger import InsufficientStock, StockLedger

__all__ = ["InsufficientStock", "Product", "record_usage"]


def record_usage(request, product_id, location_id, quantity, kind="usage", reason="", source_type=None,
                 source_id=None):
    """Take ``quantity`` (positive) of a product out at a location, in the request's transaction.

    ``kind`` is ``usage`` or ``sale``; ``source_type``/``source_id`` say what
    caused it (``"appointment"``, its id). Returns the ledger row; raises
    :class:`InsufficientStock` rather than take a tracked product below zero.
    """
    if kind not in ("usage", "sale"):
        raise ValueError("kind must be 'usage' or 'sale'")
    [movement] = StockLedger(request).record(kind, product_id, location_id=location_id, quantity=quantity,
                                             reason=reason, source_type=source_type, source_id=source_id)
    return movement
