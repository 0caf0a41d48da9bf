"""The inventory plugin: catalogue, a stock ledger per location, costing, suppliers, purchasing.

Routes live under ``/api/inventory``. Stock on hand is the sum of an
append-only movement ledger, kept per product and location in a levels
table that never goes below zero for tracked products; receipts maintain a
weighted-average cost per product (see :mod:`platform_inventory.services.ledger`).
Other plugins use it only through :mod:`platform_inventory.api` and
:mod:`platform_inventory.events`.
"""

from platform_core.modules import PluginManifest

STAFF = ("admin", "manager", "agent")
MANAGERS = ("admin", "manager")


def _crud(collection, view=STAFF, change=MANAGERS):
    return {f"inventory.{collection}.{verb}": view if verb == "view" else change
            for verb in ("view", "create", "update", "delete", "restore")}


PERMISSIONS = {
    **_crud("categories"),
    **_crud("products"),
    "inventory.products.import": MANAGERS,
    "inventory.products.export": MANAGERS,
    **_crud("suppliers"),
    **_crud("supplier_products"),
    **_crud("purchase_orders"),
    "inventory.purchase_orders.order": MANAGERS,
    "inventory.purchase_orders.cancel": MANAGERS,
    "inventory.purchase_orders.receive": MANAGERS,
    "inventory.reorder_suggestions.view": STAFF,
    # The ledger: the route needs .create; each kind needs its own permission too.
    "inventory.stock_movements.view": STAFF,
    "inventory.stock_movements.create": STAFF,
    "inventory.stock_movements.use": STAFF,
    "inventory.stock_movements.receive": MANAGERS,
    "inventory.stock_movements.adjust": MANAGERS,
    "inventory.stock_movements.transfer": MANAGERS,
    "inventory.stock_movements.count": MANAGERS,
    "inventory.stock.view": STAFF,
    "inventory.low_stock.view": STAFF,
    "inventory.valuation.view": STAFF,
}


def includeme(config):
    from platform_inventory.views.catalogue import (CategoryResource, ProductResource, SupplierProductResource,
                                                    SupplierResource)
    from platform_inventory.views.purchasing import PurchaseOrderResource

    # First: /products/import and /products/export must be matched before /products/{id}.
    config.scan("platform_inventory.views")
    for resource in (CategoryResource, ProductResource, SupplierResource, SupplierProductResource,
                     PurchaseOrderResource):
        config.add_standard_resource(resource)


def demo(context):
    from platform_inventory.demo import add_demo_data

    add_demo_data(context)


manifest = PluginManifest(
    name="inventory",
    title="Inventory",
    description="Products and categories, stock per location from an append-only ledger that never goes below "
                "zero, average costs and valuation, suppliers, purchase orders and low-stock alerts.",
    includeme=includeme,
    migrations="platform_inventory:migrations/versions",
    models=("platform_inventory.models",),
    permissions=PERMISSIONS,
    demo=demo,
    commands=("platform_inventory.cli",),
)
