"""The one way a path's object is found: a malformed id and another business's id are the same 404."""

import uuid

import pytest
from pyramid.testing import DummyRequest

from platform_core.errors import NotFound
from platform_core.lookup import get_or_404, path_uuid
from platform_core.tenancy.models import Business


@pytest.mark.parametrize("raw", ["0123456789abcdef0123456789abcde-", "--------------------------------", ""])
def test_a_malformed_id_is_not_found_naming_the_thing(raw):
    with pytest.raises(NotFound) as missing:
        path_uuid(DummyRequest(matchdict={"id": raw}), "client")
    assert missing.value.message == "No such client"


def test_a_well_formed_id_is_a_uuid():
    request = DummyRequest(matchdict={"order": "0F3C2B8E-4B5E-4F7A-9A59-0B1C2D3E4F50"})
    assert str(path_uuid(request, "order", name="order")) == "0f3c2b8e-4b5e-4f7a-9a59-0b1c2d3e4f50"


def test_get_or_404_answers_the_object_or_the_404(dbsession, factory):
    business = factory.business(name="Lookup Spa")
    assert get_or_404(dbsession, Business, business.id, "business") is business
    with pytest.raises(NotFound) as missing:
        get_or_404(dbsession, Business, uuid.uuid4(), "business")
    assert missing.value.message == "No such business"


def test_the_standard_item_route_answers_the_same_404_for_a_malformed_id(testapp, factory):
    caller = factory.caller(role="admin")
    response = testapp.get("/api/locations/0123456789abcdef0123456789abcde-", headers=caller.headers, status=404)
    assert (response.json["code"], response.json["message"]) == ("not_found", "No such location")
