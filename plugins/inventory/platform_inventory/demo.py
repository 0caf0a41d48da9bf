"""Demo data: a small salon's stock at the core's demo branches, with suppliers and an order on its way."""

from decimal import Decimal

from sqlalchemy import select

from platform_core.locations.models import Location
from platform_inventory.models import Category, Product, PurchaseOrder, Supplier, SupplierProduct
from platform_inventory.services import purchasing
from platform_inventory.services.ledger import StockLedger

SUPPLIERS = {
    "lisboa": dict(name="Lisboa Beauty Supply", contact_name="Marta Lopes", email="orders@lisboabeauty.example",
                   phone="+351213000100", lead_time_days=3, payment_terms="30 days net", currency="EUR"),
    "nailpro": dict(name="NailPro Iberia", contact_name="Jorge Sá", email="vendas@nailpro.example",
                    phone="+351223000200", lead_time_days=7, payment_terms="Prepaid", currency="EUR"),
}

#: category -> [(sku, name, unit, cost, sale price, reorder point, reorder quantity, supplier)]
CATALOGUE = {
    "Shampoos": [
        ("SH-HYD-1L", "Hydrating Shampoo 1L", "bottle", "8.50", "0.00", "4", "6", "lisboa"),
        ("SH-VOL-1L", "Volume Shampoo 1L", "bottle", "8.90", "0.00", "3", "6", "lisboa"),
        ("SH-CLR-1L", "Colour Protect Shampoo 1L", "bottle", "9.40", "0.00", "3", "6", "lisboa"),
        ("SH-CND-1L", "Repair Conditioner 1L", "bottle", "9.80", "0.00", "3", "6", "lisboa"),
        ("SH-MSK-500", "Keratin Mask 500ml", "tub", "12.00", "0.00", "2", "4", "lisboa"),
    ],
    "Colour": [
        ("CO-6.0", "Permanent Colour 6.0 Dark Blonde", "tube", "4.20", "0.00", "6", "12", "lisboa"),
        ("CO-7.1", "Permanent Colour 7.1 Ash Blonde", "tube", "4.20", "0.00", "6", "12", "lisboa"),
        ("CO-8.3", "Permanent Colour 8.3 Golden Blonde", "tube", "4.20", "0.00", "6", "12", "lisboa"),
        ("CO-DEV-20", "Developer 20 vol 1L", "bottle", "5.60", "0.00", "2", "4", "lisboa"),
        ("CO-BLE-500", "Lightening Powder 500g", "tub", "14.50", "0.00", "1", "2", "lisboa"),
    ],
    "Nails": [
        ("NA-GEL-RED", "Gel Polish Classic Red", "bottle", "6.80", "0.00", "2", "4", "nailpro"),
        ("NA-GEL-NUDE", "Gel Polish Nude", "bottle", "6.80", "0.00", "2", "4", "nailpro"),
        ("NA-BASE", "Gel Base Coat", "bottle", "7.20", "0.00", "2", "4", "nailpro"),
        ("NA-TOP", "Gel Top Coat", "bottle", "7.20", "0.00", "2", "4", "nailpro"),
        ("NA-ACE-1L", "Acetone Remover 1L", "bottle", "3.90", "0.00", "1", "3", "nailpro"),
    ],
    "Retail": [
        ("RE-SH-250", "Argan Shampoo 250ml", "unit", "7.50", "18.90", "4", "12", "lisboa"),
        ("RE-CN-250", "Argan Conditioner 250ml", "unit", "7.90", "19.90", "4", "12", "lisboa"),
        ("RE-OIL-100", "Argan Oil 100ml", "unit", "11.00", "29.50", "3", "6", "lisboa"),
        ("RE-SPR-200", "Heat Protect Spray 200ml", "unit", "6.40", "16.50", "3", "6", "lisboa"),
        ("RE-CUT-15", "Cuticle Oil 15ml", "unit", "2.90", "9.90", "5", "10", "nailpro"),
    ],
}


def add_demo_data(context):
    db = context.dbsession
    chiado, avenidas = _branches(db)
    suppliers = {key: Supplier(**fields) for key, fields in SUPPLIERS.items()}
    db.add_all(suppliers.values())
    products = {}
    for category_name, rows in CATALOGUE.items():
        category = Category(name=category_name, description=f"{category_name} used and sold by the salon")
        db.add(category)
        db.flush()
        for sku, name, unit, cost, price, point, quantity, supplier in rows:
            product = Product(name=name, sku=sku, unit=unit, category_id=category.id, cost_price=Decimal(cost),
                              sale_price=Decimal(price), tax_rate=Decimal("23.00"), reorder_point=Decimal(point),
                              reorder_quantity=Decimal(quantity), average_cost=Decimal(cost),
                              barcode=f"5601234{len(products):06d}")
            products[sku] = (product, supplier)
            db.add(product)
    db.flush()
    for sku, (product, supplier) in products.items():
        db.add(SupplierProduct(supplier_id=suppliers[supplier].id, product_id=product.id,
                               supplier_sku=f"{supplier[:2].upper()}-{sku}", cost=product.cost_price))
    db.flush()

    ledger = StockLedger(context.request)
    stock = {sku: product for sku, (product, _) in products.items()}
    for index, (sku, product) in enumerate(stock.items()):
        ledger.record("receipt", product.id, location_id=chiado.id, quantity=Decimal(4 + index % 4 * 2),
                      reason="Opening stock")
        if index % 3 != 2:
            ledger.record("receipt", product.id, location_id=avenidas.id, quantity=Decimal(3),
                          reason="Opening stock")
    # Some products end at or below their reorder point: the low-stock list and suggestions show them.
    for sku, quantity in (("SH-HYD-1L", "3"), ("CO-7.1", "5.5"), ("CO-DEV-20", "2.25"), ("NA-GEL-NUDE", "8.5"),
                          ("RE-OIL-100", "4"), ("RE-SH-250", "3")):
        ledger.record("usage", stock[sku].id, location_id=chiado.id, quantity=Decimal(quantity),
                      reason="Used on clients" if sku[:2] != "RE" else "Sold at the desk")
    ledger.record("sale", stock["RE-CN-250"].id, location_id=avenidas.id, quantity=Decimal(2),
                  reason="Sold at the desk")
    if avenidas is not chiado:
        ledger.record("transfer", stock["SH-MSK-500"].id, from_location_id=chiado.id,
                      to_location_id=avenidas.id, quantity=Decimal(2), reason="Avenidas ran short")
    ledger.record("adjustment", stock["NA-ACE-1L"].id, location_id=chiado.id, quantity=Decimal(-1),
                  reason="Bottle broken in delivery")
    ledger.record("stocktake", stock["NA-BASE"].id, location_id=avenidas.id, counted_quantity=Decimal(2),
                  reason="Monthly count")

    order = PurchaseOrder(supplier_id=suppliers["lisboa"].id, reference="PO-0001", notes="Colour restock")
    purchasing.set_lines(db, order, [
        {"product_id": stock["CO-7.1"].id, "quantity": Decimal(12), "unit_cost": Decimal("4.60")},
        {"product_id": stock["CO-DEV-20"].id, "quantity": Decimal(4), "unit_cost": None},
        {"product_id": stock["SH-HYD-1L"].id, "quantity": Decimal(6), "unit_cost": None},
    ])
    db.add(order)
    db.flush()
    purchasing.place_order(context.request, order.id)
    first, second, _ = order.lines
    purchasing.receive_order(context.request, order.id, chiado.id, [
        {"line_id": first.id, "quantity": Decimal(12)}, {"line_id": second.id, "quantity": Decimal(2)}])

    draft = PurchaseOrder(supplier_id=suppliers["nailpro"].id, reference="PO-0002", notes="Gel colours")
    purchasing.set_lines(db, draft, [{"product_id": stock["NA-GEL-RED"].id, "quantity": Decimal(4),
                                      "unit_cost": None}])
    db.add(draft)
    db.flush()


def _branches(db):
    """The core demo's two branches (made before plugin demos run), or whatever branches exist."""
    locations = {location.name: location for location in db.scalars(select(Location).order_by(Location.created_at))}
    if not locations:
        locations = {"Chiado": Location(name="Chiado", timezone="Europe/Lisbon")}
        db.add_all(locations.values())
        db.flush()
    found = list(locations.values())
    return locations.get("Chiado", found[0]), locations.get("Avenidas Novas", found[-1])
