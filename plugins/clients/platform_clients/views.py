"""The clients plugin's routes: clients, merge, CSV import/export, loyalty programs and ledgers."""

import colander
from sqlalchemy import select

from platform_core.csvio import csv_response, read_upload, validate_rows
from platform_core.envelope import created, ok, paginated
from platform_core.errors import ValidationFailed
from platform_core.listing import ListSpec, apply_ordering, list_page, narrowed
from platform_core.lookup import get_or_404, path_uuid
from platform_core.locations.models import Location
from platform_core.openapi import api_doc
from platform_core.resources import StandardResource
from platform_core.rest import api_service
from platform_core.validation import request_schema
from platform_clients import schemas
from platform_clients.loyalty import LoyaltyLedger
from platform_clients.models import Client, LoyaltyEntry, LoyaltyProgram
from platform_clients.services import merge_clients, stamp_consent

TAGS = ["clients"]
CLIENT_LISTING = ListSpec(
    ordering=("last_name", "first_name", "created_at", "date_of_birth"), default_ordering="last_name,first_name",
    search=("first_name", "last_name", "email", "phone"), filters=("gender", "source", "preferred_location_id",
                                                                     "consent_email", "consent_sms",
                                                                     "consent_whatsapp", "created_at"),
    ranges=("created_at",), tag_field="tags",
)
EXPORT_COLUMNS = ("id", "first_name", "last_name", "email", "phone", "date_of_birth", "gender", "tags", "notes",
                  "consent_email", "consent_sms", "consent_whatsapp", "source", "created_at")


class ClientResource(StandardResource):
    model = Client
    collection = "clients"
    permission_prefix = "clients.clients"
    schema = schemas.ClientSchema()
    read_only_schema = schemas.ClientReadOnly()
    listing = CLIENT_LISTING
    references = {"preferred_location_id": Location}
    title = "Client"
    tags = TAGS

    def apply(self, obj, values):
        stamp_consent(obj, values)
        super().apply(obj, values)


class LoyaltyProgramResource(StandardResource):
    model = LoyaltyProgram
    collection = "loyalty-programs"
    permission_prefix = "clients.loyalty_programs"
    schema = schemas.LoyaltyProgramSchema()
    listing = ListSpec(ordering=("name", "created_at"), default_ordering="name", search=("name",),
                       filters=("active",))
    title = "Loyalty program"
    tags = ["loyalty"]


merge = api_service("clients.clients.merge", "/clients/{id}/merge")
import_clients = api_service("clients.import", "/import")
export_clients = api_service("clients.export", "/export")
loyalty = api_service("clients.loyalty", "/clients/{id}/loyalty")
redeem = api_service("clients.loyalty.redeem", "/clients/{id}/loyalty/redeem")
adjust = api_service("clients.loyalty.adjust", "/clients/{id}/loyalty/adjust")
expire = api_service("clients.loyalty.expire", "/clients/{id}/loyalty/expire")


class ClientItem(colander.MappingSchema):
    id = colander.SchemaNode(colander.String())
    first_name = colander.SchemaNode(colander.String())
    last_name = colander.SchemaNode(colander.String())


@merge.post(permission="clients.clients.merge", schema=request_schema(body=schemas.MergeBody))
@api_doc(response=ClientItem(), tags=TAGS, errors=["conflict"])
def merge_view(request):
    """Merge a duplicate into this client: everything referring to it moves here, and it is deleted."""
    survivor = _client(request)
    merged = merge_clients(request, survivor, request.validated["body"]["duplicate_id"])
    return ok(ClientResource(request).serialize(merged), "Clients merged")


@import_clients.post(permission="clients.clients.import", content_type="multipart/form-data")
@api_doc(tags=TAGS)
def import_view(request):
    """Import clients from a CSV file (multipart field ``file``); any bad row imports nothing.

    Columns: first_name, last_name, email, phone, date_of_birth (YYYY-MM-DD), gender,
    tags (separated by ``;``), notes, consent_email, consent_sms, consent_whatsapp.
    Errors are keyed ``row <n>``, n being the line in the file (the header is line 1).
    """
    rows = read_upload(request)
    for _, row in rows:
        if "tags" in row:
            row["tags"] = [tag for tag in row["tags"].split(";") if tag.strip()]
    seen = _ExistingContacts(request.dbsession)
    resource = ClientResource(request)

    def problems(values):
        try:
            resource.check_references(values)
        except ValidationFailed as exc:
            return [f"{field}: {message}" for field, messages in exc.errors.items() for message in messages]
        return seen.problems(values)

    values = validate_rows(schemas.ClientSchema(), rows, check=problems)
    for value in values:
        value["source"] = "import"
        client = Client()
        resource.apply(client, value)
        request.dbsession.add(client)
    resource.flush()
    return created(request, {"imported": len(values)}, f"{len(values)} clients imported")


class _ExistingContacts:
    """Emails and phones already used, in the business or earlier in the file."""

    def __init__(self, db):
        rows = db.execute(select(Client.email, Client.phone)).all()
        self.emails = {email for email, _ in rows if email}
        self.phones = {phone for _, phone in rows if phone}

    def problems(self, values):
        found = []
        if values.get("email") and values["email"] in self.emails:
            found.append("email: Already used by another client")
        if values.get("phone") and values["phone"] in self.phones:
            found.append("phone: Already used by another client")
        if not found:
            self.emails.add(values.get("email"))
            self.phones.add(values.get("phone"))
        return found


@export_clients.get(permission="clients.clients.export")
@api_doc(tags=TAGS)
def export_view(request):
    """The filtered client list (same filters, search and ordering as the list) as CSV."""
    params = dict(request.GET)
    statement = apply_ordering(narrowed(Client, CLIENT_LISTING, params), Client, CLIENT_LISTING, params)
    rows = [{column: getattr(client, column) for column in EXPORT_COLUMNS}
            for client in request.dbsession.scalars(statement)]
    return csv_response("clients.csv", EXPORT_COLUMNS, rows)


class LoyaltySummary(colander.MappingSchema):
    balance = colander.SchemaNode(colander.Integer())
    lifetime_points = colander.SchemaNode(colander.Integer())
    tier = colander.SchemaNode(colander.String(), missing=None)


class LoyaltyEntrySchema(colander.MappingSchema):
    id = colander.SchemaNode(colander.String())
    kind = colander.SchemaNode(colander.String())
    points = colander.SchemaNode(colander.Integer())
    balance_after = colander.SchemaNode(colander.Integer())
    reason = colander.SchemaNode(colander.String())
    source_type = colander.SchemaNode(colander.String(), missing=None)
    source_id = colander.SchemaNode(colander.String(), missing=None)
    at = colander.SchemaNode(colander.DateTime())


ENTRY_LISTING = ListSpec(ordering=("at",), default_ordering="-at", filters=("kind",))


def entry_as_dict(entry):
    return {"id": entry.id, "kind": entry.kind, "points": entry.points, "balance_after": entry.balance_after,
            "reason": entry.reason, "source_type": entry.source_type, "source_id": entry.source_id, "at": entry.at}


@loyalty.get(permission="clients.loyalty.view")
@api_doc(response=LoyaltyEntrySchema(), paginated=True, tags=["loyalty"])
def loyalty_view(request):
    """The client's balance, tier and ledger entries (newest first); ``meta.loyalty`` has the summary."""
    client = _client(request)
    statement = select(LoyaltyEntry).where(LoyaltyEntry.client_id == client.id)
    rows, page = list_page(request.dbsession, LoyaltyEntry, ENTRY_LISTING, dict(request.GET), statement=statement)
    summary = LoyaltyLedger(request).summary(client.id)
    return paginated([entry_as_dict(row) for row in rows], **page, meta={"loyalty": summary})


def _post_points(request, kind, sign):
    client = _client(request)
    body = request.validated["body"]
    ledger = LoyaltyLedger(request)
    entry = ledger.post(client.id, kind, sign * body["points"], body["reason"])
    return ok({"entry": entry_as_dict(entry), **ledger.summary(client.id)}, f"{abs(entry.points)} points {kind}ed")


class PostedPoints(colander.MappingSchema):
    entry = LoyaltyEntrySchema()
    balance = colander.SchemaNode(colander.Integer())
    lifetime_points = colander.SchemaNode(colander.Integer())
    tier = colander.SchemaNode(colander.String(), missing=None)


@redeem.post(permission="clients.loyalty.redeem", schema=request_schema(body=schemas.PointsBody))
@api_doc(response=PostedPoints(), tags=["loyalty"], errors=[(409, "insufficient_points")])
def redeem_view(request):
    """Spend points; never takes the balance below zero, however many requests race."""
    return _post_points(request, "redeem", -1)


@adjust.post(permission="clients.loyalty.adjust", schema=request_schema(body=schemas.AdjustBody))
@api_doc(response=PostedPoints(), tags=["loyalty"], errors=[(409, "insufficient_points")])
def adjust_view(request):
    """Correct a balance up or down with a reason (admin, manager)."""
    return _post_points(request, "adjust", 1)


@expire.post(permission="clients.loyalty.adjust", schema=request_schema(body=schemas.PointsBody))
@api_doc(response=PostedPoints(), tags=["loyalty"], errors=[(409, "insufficient_points")])
def expire_view(request):
    """Expire points under the business's policy (admin, manager)."""
    return _post_points(request, "expire", -1)


def _client(request):
    """The client the path names, or 404."""
    return get_or_404(request.dbsession, Client, path_uuid(request, "client"), "client")

