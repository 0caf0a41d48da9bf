"""Events of the inventory plugin, for plugins that depend on it.

Published by inventory: :class:`StockLow` — a product's stock has just fallen
to or below its reorder point (a notifications plugin mails the manager, a
purchasing assistant drafts an order).
"""

from platform_core.events import BusinessEvent


class StockLow(BusinessEvent):
    """A movement took a product's total stock from above its reorder point to at or below it.

    Published once per crossing, inside the movement's transaction: not again
    while the stock stays at or below the point, again after it has gone back
    above and falls once more. ``quantity`` is the total on hand across
    locations after the movement; ``location_id`` is where the movement
    happened and ``movement_id`` the ledger row that crossed.
    """

    def __init__(self, request, business_id, actor_id, product_id, location_id, quantity, reorder_point,
                 movement_id):
        super().__init__(request, business_id, actor_id)
        self.product_id, self.location_id, self.movement_id = product_id, location_id, movement_id
        self.quantity, self.reorder_point = quantity, reorder_point
