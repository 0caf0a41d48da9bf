"""The OpenAPI document is generated from the running app, and both documentation pages work offline."""

import mimetypes
import warnings
from html.parser import HTMLParser

import colander
import pytest
import webtest
from openapi_spec_validator import validate

import platform_core
from platform_core.openapi import contract
from platform_core.openapi.colander_to_jsonschema import SchemaConverter
from platform_core.openapi.views import DOCUMENT_KEY

SCHEMAS = "#/components/schemas/"


@pytest.fixture(scope="module")
def docs_app(tmp_path_factory):
    """The real app, plus a sample plugin (tests/support/openapi_sample.py) with every shape to document."""
    tmp_path = tmp_path_factory.mktemp("openapi")
    settings = {
        "sqlalchemy.url": f"sqlite:///{tmp_path}/t.sqlite",
        "redis.url": "",
        "auth.secret": "x" * 64,
        "mail.backend": "file",
        "mail.file_path": str(tmp_path / "mail"),
        "platform.includes": "tests.support.openapi_sample",
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return platform_core.main({}, **settings)


@pytest.fixture(scope="module")
def docs_client(docs_app):
    return webtest.TestApp(docs_app)


@pytest.fixture(scope="module")
def document(docs_client):
    return docs_client.get("/api/schema").json


def component(document, schema):
    """The component a ``{"$ref": ...}`` schema points to."""
    return document["components"]["schemas"][schema["$ref"].removeprefix(SCHEMAS)]


def data_schema(operation, status="200"):
    """The schema of ``data`` in an operation's success envelope."""
    envelope = operation["responses"][status]["content"]["application/json"]["schema"]
    assert envelope["allOf"][0] == {"$ref": SCHEMAS + "Envelope"}
    return envelope["allOf"][1]["properties"]["data"]


def test_document_is_valid_openapi_3(document):
    validate(document)
    assert document["openapi"] == "3.0.3"
    assert document["info"]["title"] == "Service Business Platform API"
    assert document["info"]["version"]
    assert document["servers"] == [{"url": "/"}]


def test_schema_is_the_bare_document_not_the_envelope(docs_client):
    response = docs_client.get("/api/schema")
    assert response.content_type == "application/json"
    assert "paths" in response.json
    assert "data" not in response.json


def test_document_is_built_once_per_app(docs_client, docs_app):
    first = docs_client.get("/api/schema").json
    cached = docs_app.registry[DOCUMENT_KEY]
    assert docs_client.get("/api/schema").json == first
    assert docs_app.registry[DOCUMENT_KEY] is cached


def test_documentation_routes_are_not_themselves_documented(document):
    own = ("/api/schema", "/api/docs", "/api/redoc")
    assert not [path for path in document["paths"] if path.startswith(own)]


def test_health_is_public_with_its_data_schema(document):
    operation = document["paths"]["/api/health"]["get"]
    assert operation["operationId"] == "core.health.get"
    assert operation["tags"] == ["core"]
    assert "security" not in operation
    assert "parameters" not in operation
    health = component(document, data_schema(operation))
    assert health["required"] == ["database", "redis"]
    assert health["properties"]["database"] == {"type": "string", "enum": ["ok", "down"]}
    assert "401" not in operation["responses"]
    assert "unavailable" in operation["responses"]["503"]["description"]


def test_secured_route_needs_a_bearer_token_and_takes_the_business_header(document):
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    operation = document["paths"]["/api/sample/orders/{id}"]["get"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert {"$ref": "#/components/parameters/XBusinessId"} in operation["parameters"]
    assert document["components"]["parameters"]["XBusinessId"]["in"] == "header"
    assert {"401", "403", "404", "500"} <= set(operation["responses"])


def test_request_body_has_required_fields_and_types(document):
    operation = document["paths"]["/api/sample/orders"]["post"]
    body = operation["requestBody"]
    assert body["required"] is True
    order = component(document, body["content"]["application/json"]["schema"])
    assert order["required"] == ["customer_email", "address", "lines"]
    fields = order["properties"]
    assert fields["customer_email"] == {"type": "string", "format": "email"}
    assert fields["status"] == {"type": "string", "enum": ["draft", "placed"], "default": "draft"}
    assert fields["delivery_date"] == {"type": "string", "format": "date", "nullable": True}
    assert fields["delivery_window"] == {"type": "string", "format": "time"}
    assert fields["gift"] == {"type": "boolean", "default": False}
    assert fields["tags"] == {"type": "array", "items": {"type": "string"}}
    assert fields["lines"]["type"] == "array" and fields["lines"]["minItems"] == 1
    line = component(document, fields["lines"]["items"])
    assert line["properties"]["quantity"] == {"type": "integer", "minimum": 1, "maximum": 999}
    assert line["properties"]["sku"]["pattern"] == "^[A-Z0-9-]+$"
    price = line["properties"]["unit_price"]
    assert price["type"] == "string" and price["format"] == "decimal"
    assert price["description"].startswith("Per unit")
    address = component(document, fields["address"])
    assert address["description"] == "Where an order is delivered."
    assert address["required"] == ["street", "city"]
    assert address["properties"]["city"] == {"type": "string", "minLength": 1, "maxLength": 80}


def test_custom_colander_types_describe_themselves_or_fall_back(document):
    fields = component(document, document["paths"]["/api/sample/orders"]["post"]["requestBody"]["content"]
                       ["application/json"]["schema"])["properties"]
    assert fields["colour"] == {"type": "string", "pattern": "^#[0-9a-f]{6}$"}
    assert "type" not in fields["extra"]
    assert fields["extra"]["description"].startswith("Anything the client keeps")


def test_path_parameters_are_declared_with_or_without_a_schema(document):
    item = document["paths"]["/api/sample/orders/{id}"]["get"]
    assert {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}} in item["parameters"]
    line = document["paths"]["/api/sample/orders/{id}/lines/{line}"]["get"]
    parameters = {parameter["name"]: parameter for parameter in line["parameters"]}
    assert parameters["id"]["description"] == "The order"
    assert parameters["line"] == {"name": "line", "in": "path", "required": True,
                                  "schema": {"type": "string", "pattern": "^\\d+$"}}
    assert "404" in line["responses"]


def test_paginated_list_has_an_array_of_items_and_pagination_meta(document):
    operation = document["paths"]["/api/sample/orders"]["get"]
    data = data_schema(operation)
    assert data == {"type": "array", "items": {"$ref": SCHEMAS + "Order"}}
    envelope = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert envelope["allOf"][1]["properties"]["meta"] == {"$ref": SCHEMAS + "PaginatedMeta"}
    parameters = {parameter.get("name"): parameter for parameter in operation["parameters"]}
    assert parameters["search"]["in"] == "query" and parameters["search"]["required"] is False
    assert parameters["page"]["schema"]["default"] == 1
    assert parameters["page_size"]["in"] == "query"


def test_created_status_replaces_200(document):
    responses = document["paths"]["/api/sample/orders"]["post"]["responses"]
    assert "201" in responses and "200" not in responses
    assert data_schema(document["paths"]["/api/sample/orders"]["post"], "201") == {"$ref": SCHEMAS + "Order"}


def test_error_codes_are_grouped_by_their_contract_status(document):
    responses = document["paths"]["/api/sample/orders"]["post"]["responses"]
    assert "`conflict`" in responses["409"]["description"]
    assert "`order_locked`" in responses["409"]["description"]
    assert "`otp_invalid`" in responses["400"]["description"]
    assert "`validation_error`" in responses["400"]["description"]
    assert responses["409"]["content"]["application/json"]["schema"] == {"$ref": SCHEMAS + "Error"}
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["data", "message", "code", "errors"]


def test_view_without_annotation_gets_free_form_data(document):
    operation = document["paths"]["/api/sample/orders/{id}"]["delete"]
    assert data_schema(operation)["type"] == "object"
    assert operation["summary"] == "Forget an order (documented without ``api_doc``)."


def test_operation_ids_are_unique_and_named_after_routes(document):
    ids = [operation["operationId"] for item in document["paths"].values() for operation in item.values()]
    assert len(ids) == len(set(ids))
    assert "sample.orders.line.get" in ids


class _AssetLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls.extend(value for name, value in attrs if name in ("src", "href", "spec-url") and value)


@pytest.mark.parametrize("page", ["/api/docs", "/api/redoc"])
def test_documentation_page_loads_only_local_assets(docs_client, page):
    response = docs_client.get(page)
    assert response.content_type == "text/html"
    assert "http://" not in response.text and "https://" not in response.text
    parser = _AssetLinks()
    parser.feed(response.text)
    assert parser.urls
    for url in parser.urls:
        assert url.startswith("/api/") and not url.startswith("//"), url
        asset = docs_client.get(url)
        expected = "application/json" if url == "/api/schema" else mimetypes.guess_type(url)[0]
        assert asset.content_type == expected, url


def test_swagger_ui_keeps_the_bearer_token_between_reloads(docs_client):
    page = docs_client.get("/api/docs").text
    assert '"persistAuthorization": true' in page
    assert '"url": "/api/schema"' in page


def test_unknown_error_code_in_api_doc_fails_loudly():
    with pytest.raises(ValueError, match="no_such_code"):
        contract.describe_error_code("no_such_code")


def _mapping_class(name, module, **children):
    cls = type(name, (colander.MappingSchema,), {"__module__": module, **children})
    return cls


def test_same_class_twice_is_one_component():
    Item = _mapping_class("ItemSchema", "plugin_a.schemas", sku=colander.SchemaNode(colander.String()))
    converter = SchemaConverter()
    first, second = converter.convert(Item()), converter.convert(Item())
    components = converter.components()
    assert list(components) == ["Item"]
    assert first == second == {"$ref": SCHEMAS + "Item"}


def test_classes_sharing_a_name_are_qualified_by_module():
    first = _mapping_class("Item", "plugin_a.schemas", sku=colander.SchemaNode(colander.String()))
    second = _mapping_class("Item", "plugin_b.schemas", size=colander.SchemaNode(colander.Integer()))
    converter = SchemaConverter()
    refs = [converter.convert(first()), converter.convert(second())]
    assert sorted(converter.components()) == ["plugin_a.schemas.Item", "plugin_b.schemas.Item"]
    assert refs == [{"$ref": SCHEMAS + "plugin_a.schemas.Item"}, {"$ref": SCHEMAS + "plugin_b.schemas.Item"}]


def test_contract_component_names_are_reserved():
    Error = _mapping_class("ErrorSchema", "plugin_a.schemas", reason=colander.SchemaNode(colander.String()))
    converter = SchemaConverter()
    converter.convert(Error())
    assert list(converter.components(reserved={"Error"})) == ["plugin_a.schemas.Error"]


def test_described_reference_keeps_its_description():
    Item = _mapping_class("Item", "plugin_a.schemas", sku=colander.SchemaNode(colander.String()))
    converter = SchemaConverter()
    schema = converter.convert(Item(description="What was bought", missing=None))
    converter.components()
    assert schema == {
        "allOf": [{"$ref": SCHEMAS + "Item"}], "description": "What was bought", "nullable": True,
    }


def test_an_instance_changed_after_construction_is_inlined_not_named():
    Item = _mapping_class("Item", "plugin_a.schemas", sku=colander.SchemaNode(colander.String()))
    patch_body = Item().clone()  # as for a PATCH body: colander shares class-declared children
    for node in patch_body.children:
        node.missing = colander.drop
    converter = SchemaConverter()
    declared, changed = converter.convert(Item()), converter.convert(patch_body)
    assert list(converter.components()) == ["Item"]
    assert declared == {"$ref": SCHEMAS + "Item"}
    assert changed == {"type": "object", "properties": {"sku": {"type": "string"}}}
