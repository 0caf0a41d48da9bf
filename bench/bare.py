"""The bare-stack limit: the same work per request as the platform, with nothing else.

A minimal Pyramid app (no Cornice, no ORM session, no transaction manager,
no tweens) over a SQLAlchemy Core connection pool of plain psycopg
connections, served like the platform (waitress, one process, four threads).
For the routes the bench compares, each request does what the platform's
request does, in as few round trips as that work allows:

- the bearer JWT is verified with PyJWT (same secret, algorithm, required
  claims and ``type``), and the platform's Redis revocation keys
  (``auth:revoked:jti:<jti>``, ``auth:revoked:fam:<fam>``, see
  ``platform_core.auth.tokens.TokenService.is_revoked``) are read in one MGET
  together with the module cache the platform's module gate reads
  (``modules:enabled:<business>``, filled from ``business_modules`` on a miss);
- the user (active, token version) and the membership (role) in the
  ``X-Business-Id`` business come from one query on ``memberships`` joined
  to ``users``; the role must hold the route's permission (view: admin,
  manager, agent; create: admin, manager);
- list: the count and the page query of ``platform_core.listing.list_page``
  (the business's live rows, ``-created_at`` then ``id``, ``page`` and
  ``page_size`` capped at 100), the total served from the same Redis cache
  as the platform's (``platform_core.db.counts``: a per-business version
  key, the count under it, counted on a miss); detail: one row of the
  business, not deleted; create: the body validated, the product and its
  ``audit_log`` row inserted by one statement (the audit row's ``INSERT`` in
  a ``WITH`` clause, as the platform sends them) in one transaction, a
  duplicate SKU answered 409, the count version bumped after the commit;
- the contract's envelope, rendered with orjson.

Reads run in autocommit (under READ COMMITTED a transaction gives each
statement its own snapshot anyway); the pool does not ping on checkout.

The platform verifies an access token's signature once per process and
re-checks its expiry on every use (``platform_core.auth.tokens.VerifiedTokens``);
this app verifies on every request, as the bench's reference is specified.
``make_app(..., token_cache=True)`` (``bench/run --bare-token-cache``, ``compare.py --bare-token-cache``)
memoizes the same way, to show what the rest of the platform costs.

    python bench/bare.py --port 6802      (BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_SECRET)
"""

import argparse
import datetime
import decimal
import logging
import os
import re
import time
import uuid

import jwt
import orjson
import psycopg
import redis
from pyramid.config import Configurator
from pyramid.response import Response
from sqlalchemy.pool import QueuePool

REQUIRED_CLAIMS = ("sub", "type", "jti", "iat", "exp", "fam", "gen")
VIEW_ROLES = frozenset(("admin", "manager", "agent"))
CREATE_ROLES = frozenset(("admin", "manager"))
MODULE = "inventory"
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_PAGE = 20, 100, 1_000_000

#: The product as the platform serializes it: bookkeeping fields, the schema's fields, the read-only ones.
FIELDS = ("id", "created_at", "updated_at", "created_by", "updated_by", "name", "sku", "barcode", "category_id",
          "unit", "cost_price", "sale_price", "tax_rate", "track_stock", "reorder_point", "reorder_quantity",
          "allow_negative_stock", "active", "average_cost")
COLUMNS = ", ".join(FIELDS)
#: What the audit log records of a created product (every column but bookkeeping and soft-delete stamps).
AUDITED = ("name", "sku", "barcode", "category_id", "unit", "cost_price", "sale_price", "tax_rate", "track_stock",
           "reorder_point", "reorder_quantity", "allow_negative_stock", "active", "average_cost", "id",
           "business_id", "is_deleted")

COUNT_SQL = "SELECT count(*) FROM inventory_products WHERE business_id = %s AND is_deleted = false"
#: platform_core.db.counts' keys: the same cache, shared with the platform.
COUNT_VERSION = "count:version:inventory_products:{business}"
COUNT_KEY = "count:inventory_products:{business}:{version}"
COUNT_SECONDS = 3600
ORDERINGS = {
    "-created_at": "created_at DESC, id DESC",
    "created_at": "created_at ASC, id DESC",
}
PAGE_SQL = (f"SELECT {COLUMNS} FROM inventory_products WHERE business_id = %s AND is_deleted = false "
            "ORDER BY {order} LIMIT %s OFFSET %s")
DETAIL_SQL = f"SELECT {COLUMNS} FROM inventory_products WHERE id = %s AND business_id = %s AND is_deleted = false"
MEMBER_SQL = ("SELECT m.role, u.is_active, u.token_version FROM memberships m JOIN users u ON u.id = m.user_id "
              "WHERE m.user_id = %s AND m.business_id = %s")
MODULES_SQL = "SELECT module FROM business_modules WHERE business_id = %s AND enabled"
INSERT_SQL = (f"INSERT INTO inventory_products ({COLUMNS}, business_id, is_deleted) "
              f"VALUES ({', '.join(['%s'] * (len(FIELDS) + 2))})")
AUDIT_SQL = ("INSERT INTO audit_log (id, business_id, actor_id, action, resource_type, resource_id, at, changes) "
             "VALUES (%s, %s, %s, 'create', 'inventory_products', %s, %s, %s)")
#: The product and its audit row in one statement, as the platform sends them on PostgreSQL.
CREATE_SQL = f"WITH audit_row AS ({AUDIT_SQL}) {INSERT_SQL}"

MONEY = re.compile(r"^\d{1,10}(\.\d{1,2})?$")
QUANTITY = re.compile(r"^\d{1,7}(\.\d{1,3})?$")


class Failure(Exception):
    def __init__(self, status, code, message, errors=None):
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors or {}


def _default(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError


def respond(body, status=200):
    response = Response(orjson.dumps(body, default=_default), status=status, content_type="application/json")
    response.headers["X-Request-Id"] = uuid.uuid4().hex
    return response


def failure_response(exc):
    return respond({"data": None, "message": exc.message, "code": exc.code, "errors": exc.errors}, exc.status)


class Backends:
    """The pool, Redis and the JWT key, shared by the four threads."""

    def __init__(self, database_url, redis_url, secret, token_cache=False):
        #: Claims by token text when memoizing verification (see the module's docstring), else None.
        self.verified = {} if token_cache else None
        conninfo = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.pool = QueuePool(lambda: psycopg.connect(conninfo, autocommit=True), pool_size=10, max_overflow=10)
        self.redis = redis.Redis.from_url(redis_url, decode_responses=True, socket_timeout=2,
                                          socket_connect_timeout=2)
        self.secret = secret

    def caller(self, request, roles, connection):
        """(user_id, business_id, count version) of a valid, unrevoked access token whose role holds the permission."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Failure(401, "not_authenticated", "Authentication required")
        try:
            claims = self.verify(token.strip())
        except jwt.InvalidTokenError:
            raise Failure(401, "not_authenticated", "The token is invalid or expired") from None
        if claims["type"] != "access":
            raise Failure(401, "not_authenticated", "An access token is required")
        try:
            business_id = uuid.UUID(request.headers.get("X-Business-Id", ""))
            user_id = uuid.UUID(claims["sub"])
        except ValueError:
            raise Failure(400, "business_required", "Name the business in X-Business-Id") from None
        jti, fam, modules, version = self.redis.mget(
            f"auth:revoked:jti:{claims['jti']}", f"auth:revoked:fam:{claims['fam']}", f"modules:enabled:{business_id}",
            COUNT_VERSION.format(business=business_id))
        if jti or fam:
            raise Failure(401, "not_authenticated", "The token has been revoked")
        row = connection.execute(MEMBER_SQL, (user_id, business_id)).fetchone()
        if row is None:
            raise Failure(403, "not_a_member", "You are not a member of this business")
        role, active, version = row
        if not active or claims["gen"] < version:
            raise Failure(401, "not_authenticated", "Authentication required")
        if modules is None:
            names = sorted(name for (name,) in connection.execute(MODULES_SQL, (business_id,)))
            self.redis.set(f"modules:enabled:{business_id}", orjson.dumps(names).decode(), ex=3600)
        else:
            names = orjson.loads(modules)
        if MODULE not in names:
            raise Failure(403, "module_disabled", "The inventory module is not enabled for this business")
        if role not in roles:
            raise Failure(403, "permission_denied", "Permission denied")
        return user_id, business_id, version or "0"

    def verify(self, token):
        """PyJWT's verification of ``token``; memoized until ``exp`` when :attr:`verified` is a dict."""
        if self.verified is not None:
            claims = self.verified.get(token)
            if claims is not None and claims["exp"] > time.time():
                return claims
        claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"require": list(REQUIRED_CLAIMS)})
        if self.verified is not None:
            self.verified[token] = claims
        return claims


def _page_number(params, name, default, maximum):
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Failure(400, "validation_error", "Validation failed", {name: ["Must be a whole number"]}) from None
    if value < 1 or value > MAX_PAGE:
        raise Failure(400, "validation_error", "Validation failed", {name: ["Out of range"]})
    return min(value, maximum)


def bare_view(function):
    """A view of the bare app: ``function(request, backends, connection)`` with a pooled connection,
    returned to the pool afterwards; a :class:`Failure` answered in the envelope."""

    def view(request):
        backends = request.registry["backends"]
        with backends.pool.connect() as connection:
            try:
                return function(request, backends, connection)
            except Failure as exc:
                return failure_response(exc)

    view.__name__ = function.__name__
    return view


@bare_view
def list_products(request, backends, connection):
    _, business_id, version = backends.caller(request, VIEW_ROLES, connection)
    params = request.GET
    page = _page_number(params, "page", 1, MAX_PAGE)
    page_size = _page_number(params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    order = ORDERINGS.get(params.get("ordering") or "-created_at")
    if order is None:
        raise Failure(400, "validation_error", "Validation failed", {"ordering": ["Cannot order by that"]})
    cursor = connection.cursor()
    key = COUNT_KEY.format(business=business_id, version=version)
    total = backends.redis.get(key)
    if total is None:
        total = cursor.execute(COUNT_SQL, (business_id,)).fetchone()[0]
        backends.redis.set(key, total, ex=COUNT_SECONDS)
    total = int(total)
    cursor.execute(PAGE_SQL.format(order=order), (business_id, page_size, (page - 1) * page_size))
    items = [dict(zip(FIELDS, row)) for row in cursor.fetchall()]
    pages = -(-total // page_size)
    return respond({"data": items, "message": "OK",
                    "meta": {"pagination": {"page": page, "page_size": page_size, "total": total, "pages": pages}}})


@bare_view
def get_product(request, backends, connection):
    _, business_id, _ = backends.caller(request, VIEW_ROLES, connection)
    try:
        product_id = uuid.UUID(request.matchdict["id"])
    except ValueError:
        raise Failure(404, "not_found", "No such product") from None
    row = connection.execute(DETAIL_SQL, (product_id, business_id)).fetchone()
    if row is None:
        raise Failure(404, "not_found", "No such product")
    return respond({"data": dict(zip(FIELDS, row)), "message": "OK", "meta": {}})


def _text(body, errors, name, max_length, required=False, default=None):
    value = body.get(name, default)
    if value is None:
        if required:
            errors[name] = ["Required"]
        return value
    if not isinstance(value, str) or not (1 if required else 0) <= len(value.strip()) <= max_length:
        errors[name] = [f"At most {max_length} characters"]
        return None
    return value.strip()


def _decimal(body, errors, name, pattern, default, maximum=None):
    value = body.get(name, default)
    if value is None:
        return None
    if not isinstance(value, str) or not pattern.match(value):
        errors[name] = ["Send a non-negative decimal string"]
        return None
    number = decimal.Decimal(value)
    if maximum is not None and number > maximum:
        errors[name] = [f"Must be at most {maximum}"]
    return number


def _flag(body, errors, name, default):
    value = body.get(name, default)
    if not isinstance(value, bool):
        errors[name] = ["Must be true or false"]
    return value


def validate_product(body):
    """The product schema's rules (types, lengths, decimal places, ranges); 400 naming each field."""
    if not isinstance(body, dict):
        raise Failure(400, "validation_error", "Validation failed", {"_": ["Should be a JSON object"]})
    errors = {}
    values = {
        "name": _text(body, errors, "name", 200, required=True),
        "sku": _text(body, errors, "sku", 64, required=True),
        "barcode": _text(body, errors, "barcode", 64) or None,
        "category_id": None,
        "unit": _text(body, errors, "unit", 20, default="unit"),
        "cost_price": _decimal(body, errors, "cost_price", MONEY, "0.00"),
        "sale_price": _decimal(body, errors, "sale_price", MONEY, "0.00"),
        "tax_rate": _decimal(body, errors, "tax_rate", MONEY, "0.00", maximum=100),
        "track_stock": _flag(body, errors, "track_stock", True),
        "reorder_point": _decimal(body, errors, "reorder_point", QUANTITY, None),
        "reorder_quantity": _decimal(body, errors, "reorder_quantity", QUANTITY, "0"),
        "allow_negative_stock": _flag(body, errors, "allow_negative_stock", False),
        "active": _flag(body, errors, "active", True),
    }
    if body.get("category_id") is not None:
        errors["category_id"] = ["No such object"]  # the bench sends none; the platform would look it up
    if errors:
        raise Failure(400, "validation_error", "Validation failed", errors)
    values["average_cost"] = values["cost_price"].quantize(decimal.Decimal("0.0001"))
    return values


@bare_view
def create_product(request, backends, connection):
    user_id, business_id, _ = backends.caller(request, CREATE_ROLES, connection)
    try:
        body = orjson.loads(request.body)
    except orjson.JSONDecodeError:
        raise Failure(400, "bad_request", "The request body cannot be read") from None
    values = validate_product(body)
    now = datetime.datetime.now(datetime.UTC)
    product_id = uuid.uuid4()
    values.update(id=product_id, created_at=now, updated_at=now, created_by=user_id, updated_by=user_id)
    record = {**values, "business_id": business_id, "is_deleted": False}
    changes = {name: [None, _json_value(record[name])] for name in AUDITED}
    try:
        with connection.driver_connection.transaction():
            cursor = connection.cursor()
            cursor.execute(CREATE_SQL, (uuid.uuid4(), business_id, user_id, str(product_id), now,
                                        orjson.dumps(changes).decode(),
                                        *(values[name] for name in FIELDS), business_id, False))
    except psycopg.errors.UniqueViolation:
        raise Failure(409, "conflict", "A unique value is already taken", {"sku": ["Already taken"]}) from None
    pipeline = backends.redis.pipeline()
    pipeline.incr(COUNT_VERSION.format(business=business_id))
    pipeline.expire(COUNT_VERSION.format(business=business_id), 30 * 86400)
    pipeline.execute()
    return respond({"data": {name: values[name] for name in FIELDS}, "message": "Product created", "meta": {}},
                   status=201)


def _json_value(value):
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


@bare_view
def health(request, backends, connection):
    connection.execute("SELECT 1").fetchone()
    backends.redis.ping()
    return respond({"data": {"database": "ok", "redis": "ok"}, "message": "OK", "meta": {}})


def make_app(database_url, redis_url, secret, token_cache=False):
    with Configurator() as config:
        config.registry["backends"] = Backends(database_url, redis_url, secret, token_cache)
        config.add_route("health", "/api/health", request_method="GET")
        config.add_route("products", "/api/inventory/products")
        config.add_route("product", "/api/inventory/products/{id}", request_method="GET")
        config.add_view(health, route_name="health")
        config.add_view(list_products, route_name="products", request_method="GET")
        config.add_view(create_product, route_name="products", request_method="POST")
        config.add_view(get_product, route_name="product")
        return config.make_wsgi_app()


def main():
    parser = argparse.ArgumentParser(description="Serve the bare-stack app with waitress (4 threads).")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--token-cache", action="store_true", help="memoize token verification (module docstring)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    import waitress

    app = make_app(os.environ["BENCH_DATABASE_URL"], os.environ["BENCH_REDIS_URL"], os.environ["BENCH_SECRET"],
                   args.token_cache)
    waitress.serve(app, listen=f"127.0.0.1:{args.port}", threads=args.threads)


if __name__ == "__main__":
    main()
