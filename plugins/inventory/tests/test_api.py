"""What other plugins use: ``platform_inventory.api.record_usage``, without HTTP."""

import uuid
from decimal import Decimal

import pytest
from pyramid.scripting import prepare

from platform_core.db.tenancy import set_tenant
from platform_inventory.api import InsufficientStock, record_usage


@pytest.fixture
def plugin_request(app, admin):
    """A request as another plugin's subscriber or job has it: the business in context, no HTTP."""
    env = prepare(registry=app.registry)
    request = env["request"]
    set_tenant(request.dbsession, admin.business.id, admin.user.id)
    yield request
    env["closer"]()


def test_a_sale_of_another_plugin_takes_stock_out(shop, plugin_request):
    location, product = shop.location(), shop.product()
    shop.receive(product, location, 3)
    with plugin_request.tm:
        movement = record_usage(plugin_request, uuid.UUID(product["id"]), uuid.UUID(location), Decimal("2"),
                                kind="sale", reason="Sale #17", source_type="sale", source_id="17")
        assert (movement.kind, movement.quantity, movement.quantity_after) == ("sale", Decimal("-2"), Decimal("1"))
    [sale] = shop.get("/stock-movements?kind=sale")["data"]
    assert (sale["source_type"], sale["source_id"], sale["created_by"]) == ("sale", "17", str(shop.caller.user.id))
    assert shop.level(product, location) == 1


def test_it_never_takes_stock_below_zero_either(shop, plugin_request):
    location, product = shop.location(), shop.product()
    shop.receive(product, location, 1)
    with pytest.raises(InsufficientStock) as refused:
        with plugin_request.tm:
            record_usage(plugin_request, uuid.UUID(product["id"]), uuid.UUID(location), Decimal("1.5"))
    assert refused.value.code == "insufficient_stock" and "quantity" in refused.value.errors
    assert shop.level(product, location) == 1
    with pytest.raises(ValueError):
        record_usage(plugin_request, uuid.UUID(product["id"]), uuid.UUID(location), Decimal("1"), kind="receipt")
