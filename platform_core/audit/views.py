"""``GET /api/audit-log``: what changed in the active business, newest first."""

import colander

from platform_core.audit.models import ACTIONS, AuditEntry
from platform_core.envelope import paginated
from platform_core.listing import ListSpec, list_page
from platform_core.openapi import api_doc
from platform_core.rest import api_service
from platform_core.schemas import UUIDString
from platform_core.validation import request_schema

audit_log = api_service("core.audit_log", "/audit-log")

LISTING = ListSpec(
    ordering=("at",), default_ordering="-at",
    filters=("action", "resource_type", "resource_id", "actor_id", "at"), ranges=("at",),
)


class AuditQuery(colander.MappingSchema):
    page = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1), missing=colander.drop)
    page_size = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1), missing=colander.drop)
    action = colander.SchemaNode(colander.String(), validator=colander.OneOf(ACTIONS), missing=colander.drop)
    resource_type = colander.SchemaNode(colander.String(), missing=colander.drop)
    resource_id = colander.SchemaNode(colander.String(), missing=colander.drop)
    actor_id = colander.SchemaNode(UUIDString(), missing=colander.drop)
    at__gte = colander.SchemaNode(colander.DateTime(), missing=colander.drop)
    at__lte = colander.SchemaNode(colander.DateTime(), missing=colander.drop)


class AuditEntrySchema(colander.MappingSchema):
    id = colander.SchemaNode(colander.String())
    action = colander.SchemaNode(colander.String(), validator=colander.OneOf(ACTIONS))
    resource_type = colander.SchemaNode(colander.String())
    resource_id = colander.SchemaNode(colander.String())
    actor_id = colander.SchemaNode(colander.String(), missing=None)
    at = colander.SchemaNode(colander.DateTime())
    changes = colander.SchemaNode(colander.Mapping(unknown="preserve"), description="field: [old, new]")


def entry_as_dict(entry):
    return {
        "id": entry.id, "action": entry.action, "resource_type": entry.resource_type,
        "resource_id": entry.resource_id, "actor_id": entry.actor_id, "at": entry.at, "changes": entry.changes,
    }


@audit_log.get(permission="core.audit.view", schema=request_schema(querystring=AuditQuery))
@api_doc(response=AuditEntrySchema(), paginated=True, tags=["audit"])
def list_audit_log(request):
    """Changes to the active business's data, filterable by action, resource, actor and time (admin, manager)."""
    rows, page = list_page(request.dbsession, AuditEntry, LISTING, dict(request.GET))
    return paginated([entry_as_dict(row) for row in rows], **page)
