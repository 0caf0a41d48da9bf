"""Bulk seeding of the bench database, and the tokens the load scripts send.

    python bench/seed.py base --ini bench/platform.ini --out DIR [--businesses 10 --products 10000]
    python bench/seed.py big  --ini bench/platform.ini --out DIR [--products 1000000]
    python bench/seed.py refresh-pool --ini bench/platform.ini --out FILE --count N

Rows go in with COPY (one statement per table), with foreign-key triggers off
for the load (``session_replication_role = replica``: the rows are consistent
by construction) and every index maintained. Each business gets an admin, a
manager, an agent and a subscriber, all verified, all with the same password
hashed once with the app's own argon2 parameters, and the ``inventory``
module enabled. Tokens come from the app's token service, so they are
exactly what a login would hand out.

What the load scripts need is written under DIR: ``fixture.json`` (ids,
emails, tokens) and one file of product ids per business.
"""

import argparse
import datetime
import decimal
import json
import random
import sys
import time
import uuid
from pathlib import Path

import psycopg
from pyramid.paster import get_app

ROLES = ("admin", "manager", "agent", "subscriber")
PASSWORD = "bench-password-2026"
#: Product ids written per business for the detail and PATCH scripts to cycle through.
SAMPLE_IDS = 5000
UNITS = ("unit", "bottle", "ml", "g", "pack")
WORDS = ("Argan", "Keratin", "Silk", "Volume", "Repair", "Colour", "Nail", "Cuticle", "Matte", "Gloss",
         "Hydra", "Scalp", "Bond", "Curl", "Shine", "Barrier", "Vitamin", "Clay", "Rose", "Cedar")
KINDS = ("Shampoo", "Conditioner", "Mask", "Serum", "Polish", "Oil", "Toner", "Cream", "Spray", "Gel")


def log(message):
    print(f"seed: {message}", file=sys.stderr, flush=True)


def conninfo(url):
    """libpq's URL for a SQLAlchemy ``postgresql+psycopg://`` URL."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def load_app(ini):
    app = get_app(ini)
    return app, app.registry.settings


def copy_rows(cursor, table, rows):
    """COPY ``rows`` (dicts) into ``table``; every column of the model's table must be known."""
    columns = [column.name for column in table.columns]
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        count = 0
        for row in rows:
            copy.write_row([row[name] if name in row else _default(table, name) for name in columns])
            count += 1
    return count


def _default(table, name):
    """A column the seed does not know yet (added after the bench was written): its scalar default or NULL."""
    column = table.columns[name]
    if column.default is not None and column.default.is_scalar:
        return column.default.arg
    if column.nullable or column.server_default is not None:
        return None
    raise SystemExit(f"seed: {table.name}.{name} is NOT NULL without a scalar default; teach bench/seed.py about it")


def product_rows(business_id, admin_id, count, rng, start):
    """``count`` products, one second apart (newest last), SKUs unique in the business."""
    cents = decimal.Decimal("0.01")
    for k in range(count):
        cost = decimal.Decimal(rng.randrange(100, 9000)) * cents
        created = start + datetime.timedelta(seconds=k)
        yield {
            "id": uuid.UUID(int=rng.getrandbits(128), version=4),
            "business_id": business_id,
            "name": f"{WORDS[k % 20]} {KINDS[(k // 20) % 10]} {k:07d}",
            "sku": f"SKU-{k:07d}",
            "barcode": f"{5600000000000 + k}",
            "category_id": None,
            "unit": UNITS[k % 5],
            "cost_price": cost,
            "sale_price": (cost * 2).quantize(cents),
            "tax_rate": decimal.Decimal("23.00"),
            "track_stock": True,
            "reorder_point": decimal.Decimal("5.000") if k % 10 == 0 else None,
            "reorder_quantity": decimal.Decimal("10.000"),
            "allow_negative_stock": False,
            "active": True,
            "average_cost": cost.quantize(decimal.Decimal("0.0001")),
            "created_by": admin_id,
            "updated_by": admin_id,
            "created_at": created,
            "updated_at": created,
            "is_deleted": False,
            "deleted_at": None,
            "deleted_by": None,
        }


def sampled(rows, ids):
    """``rows`` unchanged; the first :data:`SAMPLE_IDS` ids are collected into ``ids`` on the way."""
    for row in rows:
        if len(ids) < SAMPLE_IDS:
            ids.append(str(row["id"]))
        yield row


def seed_businesses(settings, registry, names, products, seed):
    """Businesses with a user of every role, the inventory module and ``products`` products each."""
    from platform_inventory.models import Product

    from platform_core.auth.models import User
    from platform_core.modules.models import BusinessModule
    from platform_core.tenancy.models import Business, Membership

    rng = random.Random(seed)
    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    password_hash = registry["auth.passwords"].hash(PASSWORD)
    tokens = registry["auth.tokens"]
    result = []
    users, businesses, memberships, modules = [], [], [], []
    for slug, name in names:
        business_id = uuid.uuid4()
        people = {}
        for role in ROLES:
            user_id = uuid.uuid4()
            email = f"{role}.{slug}@bench.invalid"
            people[role] = {"id": str(user_id), "email": email}
            users.append({
                "id": user_id, "email": email, "full_name": f"{role.title()} of {name}", "password_hash": password_hash,
                "is_active": True, "email_verified_at": now, "password_changed_at": now, "token_version": 0,
                "totp_secret": None, "totp_enabled": False, "totp_last_step": None, "created_at": now,
                "updated_at": now,
            })
            memberships.append({"id": uuid.uuid4(), "business_id": business_id, "user_id": user_id, "role": role,
                                "created_at": now, "updated_at": now})
        admin_id = uuid.UUID(people["admin"]["id"])
        businesses.append({"id": business_id, "name": name, "slug": slug, "timezone": "Europe/Lisbon",
                           "currency": "EUR", "created_by": admin_id, "created_at": now, "updated_at": now})
        modules.append({"id": uuid.uuid4(), "business_id": business_id, "module": "inventory", "enabled": True,
                        "settings": json.dumps({}), "created_by": admin_id, "updated_by": admin_id,
                        "created_at": now, "updated_at": now})
        for role, person in people.items():
            pair = tokens.issue_pair(person["id"], generation=0)
            person["access_token"] = pair.access_token
        result.append({"id": str(business_id), "slug": slug, "name": name, "users": people})

    with psycopg.connect(conninfo(settings["sqlalchemy.url"])) as connection:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            copy_rows(cursor, User.__table__, users)
            copy_rows(cursor, Business.__table__, businesses)
            copy_rows(cursor, Membership.__table__, memberships)
            copy_rows(cursor, BusinessModule.__table__, modules)
            log(f"{len(businesses)} businesses, {len(users)} users, memberships and modules "
                f"in {time.perf_counter() - started:.1f}s")
            start = now - datetime.timedelta(seconds=products + 60)
            for entry, business in zip(result, businesses):
                copied = time.perf_counter()
                ids = []
                rows = product_rows(business["id"], business["created_by"], products, rng, start)
                count = copy_rows(cursor, Product.__table__, sampled(rows, ids))
                entry["products"] = count
                entry["sample_ids"] = ids
                log(f"{count} products for {entry['slug']} in {time.perf_counter() - copied:.1f}s")
        connection.commit()
    analyze(settings)
    log(f"done in {time.perf_counter() - started:.1f}s")
    return result


def analyze(settings):
    """VACUUM ANALYZE the seeded tables: fresh statistics and visibility map, as autovacuum would leave them."""
    started = time.perf_counter()
    with psycopg.connect(conninfo(settings["sqlalchemy.url"]), autocommit=True) as connection:
        for table in ("users", "businesses", "memberships", "business_modules", "inventory_products"):
            connection.execute(f"VACUUM (ANALYZE) {table}")
    log(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f}s")


def write_fixture(out, key, businesses):
    out.mkdir(parents=True, exist_ok=True)
    path = out / "fixture.json"
    fixture = json.loads(path.read_text()) if path.exists() else {}
    for business in businesses:
        ids = business.pop("sample_ids")
        (out / f"ids-{business['slug']}.txt").write_text("\n".join(ids) + "\n")
        business["ids_file"] = str(out / f"ids-{business['slug']}.txt")
    fixture[key] = businesses
    fixture["password"] = PASSWORD
    path.write_text(json.dumps(fixture, indent=1))


def write_refresh_pool(registry, path, count, user_ids):
    """``count`` refresh tokens, each of its own login (family), one per line."""
    started = time.perf_counter()
    tokens = registry["auth.tokens"]
    with open(path, "w") as handle:
        handle.writelines(tokens.issue_pair(user_ids[k % len(user_ids)], generation=0).refresh_token + "\n"
                          for k in range(count))
    log(f"{count} refresh tokens in {time.perf_counter() - started:.1f}s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("base", "big", "refresh-pool"))
    parser.add_argument("--ini", required=True)
    parser.add_argument("--out", required=True, help="folder (base, big) or file (refresh-pool)")
    parser.add_argument("--businesses", type=int, default=10)
    parser.add_argument("--products", type=int, default=None)
    parser.add_argument("--count", type=int, default=0, help="refresh-pool: how many tokens")
    args = parser.parse_args(argv)
    app, settings = load_app(args.ini)
    registry = app.registry
    if args.what == "base":
        names = [(f"bench-{k:02d}", f"Bench Salon {k:02d}") for k in range(1, args.businesses + 1)]
        businesses = seed_businesses(settings, registry, names, args.products or 10_000, seed=1)
        write_fixture(Path(args.out), "businesses", businesses)
    elif args.what == "big":
        businesses = seed_businesses(settings, registry, [("bench-big", "Bench Big Chain")],
                                     args.products or 1_000_000, seed=2)
        write_fixture(Path(args.out), "big", businesses)
    else:
        fixture = json.loads((Path(args.out).parent / "fixture.json").read_text())
        user_ids = [person["id"] for business in fixture["businesses"] for person in business["users"].values()]
        write_refresh_pool(registry, args.out, args.count, user_ids)
    registry["db_engine"].dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
