"""The demo business gets a salon's menu and packages; every route of the plugin is documented."""

from openapi_spec_validator import validate
from sqlalchemy import create_engine, func, select

from platform_core.cli import main
from platform_core.db.tenancy import UNSCOPED, TenantSession
from platform_core.testing.commands import write_ini
from platform_services.models import (ClientPackage, ClientPackageUsage, Package, Service, ServiceCategory,
                                      ServiceLocation)


def test_the_demo_sells_packages_to_the_clients_demo_s_clients(tmp_path, capsys):
    ini = write_ini(tmp_path)
    assert main([ini, "demo"]) == 0
    assert "services: demo data" in capsys.readouterr().out
    engine = create_engine(f"sqlite:///{tmp_path}/cli.sqlite")
    try:
        with TenantSession(engine) as db:
            db.info[UNSCOPED] = True
            counts = {model.__name__: db.scalar(select(func.count()).select_from(model)) for model in (
                ServiceCategory, Service, ServiceLocation, Package, ClientPackage, ClientPackageUsage)}
            resource_types = {kind for service in db.scalars(select(Service)) for kind in service.resource_types}
    finally:
        engine.dispose()
    assert counts == {"ServiceCategory": 4, "Service": 16, "ServiceLocation": 2, "Package": 3, "ClientPackage": 4,
                      "ClientPackageUsage": 6}
    assert {"staff", "room", "equipment"} <= resource_types


def test_every_route_is_in_the_valid_openapi_document(testapp):
    document = testapp.get("/api/schema").json
    validate(document)
    paths = {path for path in document["paths"] if path.startswith("/api/services/")}
    assert paths == {
        "/api/services/categories", "/api/services/categories/{id}", "/api/services/categories/{id}/restore",
        "/api/services/services", "/api/services/services/{id}", "/api/services/services/{id}/restore",
        "/api/services/services/{id}/locations",
        "/api/services/packages", "/api/services/packages/{id}", "/api/services/packages/{id}/restore",
        "/api/services/client-packages", "/api/services/client-packages/{id}",
        "/api/services/client-packages/{id}/consume", "/api/services/client-packages/{id}/usages",
    }
    consume = document["paths"]["/api/services/client-packages/{id}/consume"]["post"]
    assert "409" in consume["responses"]
