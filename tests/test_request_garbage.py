"""A finished request is freed at once, not left as a reference cycle for the garbage collector.

When anything a request reaches points back at it (a session holding the
request, a service stored on the request that keeps it, a traceback whose
frames hold it), the whole request — environ, session, response, identity —
outlives it until a collection finds the cycle. Under load that is most of
what the collector has to do, and it costs a create about a tenth of its
CPU (docs/performance.md, "Garbage"). Each test serves one request with
the collector off and checks that no Pyramid request, SQLAlchemy
session or ORM object state of it is left in memory.
"""

import gc
import logging

import pytest
from pyramid.request import Request
from sqlalchemy.orm import Session
from sqlalchemy.orm.state import InstanceState

from platform_core.testing.factories import DEFAULT_PASSWORD
from platform_core.tracebacks import drop_tracebacks

API = "/api/inventory/products"
#: What a request must not leave behind.
WATCHED = (Request, Session, InstanceState)


def left_behind(send):
    """The requests and sessions of ``send()``'s request (warmed up once first) still in memory after it.

    The collector is off while it runs, so what is left is what reference
    counting did not free: still referenced, or in a cycle. Object states
    (``InstanceState``) are counted too: an ORM object's state kept in a
    cycle by SQLAlchemy's attribute views outlives the request.
    """
    send()
    gc.collect()
    gc.disable()
    try:
        before = [obj for obj in gc.get_objects() if isinstance(obj, WATCHED)]  # kept: their ids stay theirs
        known = {id(obj) for obj in before}
        send()
        return [type(obj).__name__ for obj in gc.get_objects() if isinstance(obj, WATCHED) and id(obj) not in known]
    finally:
        gc.enable()


@pytest.fixture
def admin(factory):
    caller = factory.caller(role="admin")
    factory.enable_modules(caller.business, "inventory")
    return caller


@pytest.fixture
def product(testapp, admin):
    body = {"name": "Shampoo", "sku": "SH-1", "cost_price": "4.00", "sale_price": "9.50"}
    return testapp.post_json(API, body, headers=admin.headers, status=201).json["data"]


def test_health_is_freed(testapp):
    assert left_behind(lambda: testapp.get("/api/health", status=200)) == []


def test_a_list_and_a_detail_are_freed(testapp, admin, product):
    assert left_behind(lambda: testapp.get(API, headers=admin.headers, status=200)) == []
    assert left_behind(
        lambda: testapp.get(f"{API}/{product['id']}", headers=admin.headers, status=200)) == []


def test_a_create_is_freed(testapp, admin):
    skus = iter(range(10))

    def create():
        sku = f"SKU-{next(skus)}"
        testapp.post_json(API, {"name": sku, "sku": sku, "cost_price": "1.00"}, headers=admin.headers, status=201)

    assert left_behind(create) == []


def test_an_update_through_the_flush_is_freed(testapp, admin, product):
    points = iter(range(10))

    def update():
        testapp.patch_json(f"{API}/{product['id']}", {"reorder_point": str(next(points))},
                           headers=admin.headers, status=200)

    assert left_behind(update) == []


def test_login_and_refresh_are_freed(testapp, factory):
    user = factory.user()
    login = {"email": user.email, "password": DEFAULT_PASSWORD}
    assert left_behind(lambda: testapp.post_json("/api/auth/login", login, status=200)) == []
    tokens = [testapp.post_json("/api/auth/login", login, status=200).json["data"]["refresh_token"]]

    def refresh():
        pair = testapp.post_json("/api/auth/refresh", {"refresh_token": tokens[-1]}, status=200).json["data"]
        tokens.append(pair["refresh_token"])

    assert left_behind(refresh) == []


@pytest.mark.parametrize("send", [
    pytest.param(lambda testapp, admin: testapp.get(API, status=401), id="401 no token"),
    pytest.param(lambda testapp, admin: testapp.post_json(API, {"name": 5}, headers=admin.headers, status=400),
                 id="400 colander's nested errors"),
    pytest.param(lambda testapp, admin: testapp.post_json(API, {"name": "Dup", "sku": "SH-1", "cost_price": "1"},
                                                          headers=admin.headers, status=409), id="409 conflict"),
    pytest.param(lambda testapp, admin: testapp.get(f"{API}/00000000-0000-0000-0000-000000000000",
                                                    headers=admin.headers, status=404), id="404"),
])
def test_an_error_response_is_freed(testapp, admin, product, send):
    """The error views keep the exception on the request, its traceback's frames hold the request."""
    assert left_behind(lambda: send(testapp, admin)) == []


def test_a_server_error_is_freed(testapp, monkeypatch):
    """As above. Its log record is left out: pytest keeps every record, with the traceback, whose frames
    above the error view still hold the request (a server's log handler writes the record and drops it)."""
    monkeypatch.setattr(logging.getLogger("platform_core.envelope"), "disabled", True)
    assert left_behind(lambda: testapp.get("/api/_test/boom", status=500)) == []


def test_what_startup_built_is_left_out_of_collections(app):
    """The app's own objects are frozen once it is built (platform_core.startup): no pass walks them."""
    walked = {id(obj) for obj in gc.get_objects()}
    assert gc.get_freeze_count() > 10_000
    assert id(app.registry) not in walked and id(app.registry["db_engine"]) not in walked


def raised(error, cause=None):
    """``error`` as caught after raising it (from ``cause``), with its traceback."""
    try:
        raise error from cause
    except BaseException as caught:
        return caught


def test_dropping_tracebacks_follows_only_exceptions():
    """Another library's error may carry ``children`` or ``exceptions`` of its own kind: skipped, never raising
    (the drop runs in a finished callback, where an error would lose the response)."""
    class Odd(Exception):
        children = "not a list"
        exceptions = 5

    cause = raised(ValueError("cause"))
    group = raised(ExceptionGroup("group", [raised(KeyError("inner"))]))
    odd = raised(Odd("odd"), cause=group)
    drop_tracebacks(odd)
    assert odd.__traceback__ is None and group.__traceback__ is None
    assert group.exceptions[0].__traceback__ is None
    assert cause.__traceback__ is not None  # not reachable from odd
