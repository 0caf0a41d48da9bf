"""``GET /api/health``: whether the database and Redis answer, checked for real."""

import logging

import colander
from pyramid.security import NO_PERMISSION_REQUIRED
from sqlalchemy import text

from platform_core.openapi import api_doc
from platform_core.rest import api_service

log = logging.getLogger(__name__)

UNREACHABLE = {"database": "The database is unreachable", "redis": "Redis is unreachable"}

health = api_service("core.health", "/health", description="Liveness of the backing services")


class HealthSchema(colander.MappingSchema):
    database = colander.SchemaNode(colander.String(), validator=colander.OneOf(["ok", "down"]))
    redis = colander.SchemaNode(colander.String(), validator=colander.OneOf(["ok", "down"]))


def check_database(engine):
    """True when a connection of ``engine`` (the read engine: autocommit) answers a trivial query.

    Autocommit, so a liveness probe never queues behind the SQLite write lock.
    """
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        log.warning("health: database check failed", exc_info=True)
        return False


def check_redis(client):
    """True when Redis answers PING."""
    try:
        return bool(client.ping())
    except Exception:
        log.warning("health: redis check failed", exc_info=True)
        return False


@health.get(permission=NO_PERMISSION_REQUIRED)
@api_doc(response=HealthSchema(), public=True, tags=["core"], errors=["unavailable"])
def get_health(request):
    """Report the database and Redis; 503 ``unavailable`` when either is down."""
    status = {
        "database": "ok" if check_database(request.registry["db_read_engine"]) else "down",
        "redis": "ok" if check_redis(request.redis) else "down",
    }
    down = {name: [UNREACHABLE[name]] for name, state in status.items() if state == "down"}
    if down:
        # The error envelope, plus the per-service states a monitor wants to read.
        request.response.status_code = 503
        return {"data": status, "message": "A backing service is down", "code": "unavailable", "errors": down}
    return {"data": status, "message": "OK", "meta": {}}


def includeme(config):
    config.scan(__name__)
