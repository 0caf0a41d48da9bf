"""``platform <ini> inventory verify [--business SLUG]``: prove the stock levels equal the ledger.

The levels table exists so reads and the "never below zero" check need not
add up the ledger; this command is the proof that it still says what the
ledger says. It prints every (product, location) whose level differs from
the sum of its movements, and exits 1 if there is any.
"""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from platform_core.cli.businesses import find_business
from platform_core.cli.support import app_transaction
from platform_core.db.tenancy import unscoped
from platform_core.locations.models import Location
from platform_core.tenancy.models import Business
from platform_inventory.models import Product, StockLevel, StockMovement


def register(subparsers):
    parser = subparsers.add_parser("inventory", help="inventory checks")
    actions = parser.add_subparsers(dest="action", required=True)
    verify = actions.add_parser("verify", help="check that every stock level equals the sum of its ledger")
    verify.add_argument("--business", help="slug or id (default: every business)")
    parser.set_defaults(handler=run)


def run(args, env):
    with app_transaction(env) as request:
        db = request.dbsession
        with unscoped(db):
            business_id = find_business(db, args.business).id if args.business else None
            mismatches, checked = ledger_mismatches(db, business_id)
            for line in describe(db, mismatches):
                print(line)
    if mismatches:
        print(f"{len(mismatches)} of {checked} stock levels differ from the ledger")
        return 1
    print(f"ok: {checked} stock levels equal the ledger")
    return 0


def ledger_mismatches(db, business_id=None):
    """``([(business_id, product_id, location_id, level, ledger_sum)], levels checked)``.

    A level with no movements must be zero; movements with no level are a
    mismatch too. Run it on an unscoped session (it reads every business).
    """
    levels = select(StockLevel.business_id, StockLevel.product_id, StockLevel.location_id, StockLevel.quantity)
    sums = (select(StockMovement.business_id, StockMovement.product_id, StockMovement.location_id,
                   func.sum(StockMovement.quantity))
            .group_by(StockMovement.business_id, StockMovement.product_id, StockMovement.location_id))
    if business_id is not None:
        levels = levels.where(StockLevel.business_id == business_id)
        sums = sums.where(StockMovement.business_id == business_id)
    found = defaultdict(lambda: [None, Decimal("0")])
    for *key, quantity in db.execute(levels):
        found[tuple(key)][0] = quantity
    for *key, total in db.execute(sums):
        found[tuple(key)][1] = total
    mismatches = [(*key, level, total) for key, (level, total) in found.items() if level != total]
    return mismatches, sum(1 for level, _ in found.values() if level is not None)


def describe(db, mismatches):
    """One line per mismatch, with the business's slug, the product's SKU and the location's name."""
    slugs = dict(db.execute(select(Business.id, Business.slug)).all())
    skus = dict(db.execute(select(Product.id, Product.sku).execution_options(include_deleted=True)).all())
    places = dict(db.execute(select(Location.id, Location.name).execution_options(include_deleted=True)).all())
    for business_id, product_id, location_id, level, total in sorted(mismatches, key=str):
        shown = "missing" if level is None else level
        yield (f"mismatch: business {slugs.get(business_id, business_id)} product {skus.get(product_id, product_id)}"
               f" at {places.get(location_id, location_id)}: level {shown}, ledger {total}")
