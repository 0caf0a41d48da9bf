"""Creates written with one Core INSERT (platform_core.db.inserts) keep every guarantee of the flush."""

import contextlib
import uuid
from datetime import datetime

import pytest
from sqlalchemy import String, event, inspect, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, validates

from platform_core.audit.models import AuditEntry
from platform_core.db.flush_duties import unperformed_listeners
from platform_core.db.inserts import DirectInsert
from platform_core.db.mixins import TenantModel
from platform_core.db.session import READ_ONLY, ReadOnlySessionError
from platform_core.db.tenancy import BUSINESS, UNSCOPED, TenancyError, TenantSession
from platform_core.errors import Conflict
from platform_core.events import ResourceCreated
from platform_core.locations.models import Location
from platform_core.locations import LocationResource
from platform_core.tenancy.models import Membership


@pytest.fixture
def admin(factory):
    return factory.caller(role="admin", business=factory.business(timezone="Europe/Lisbon"))


def create(testapp, caller, status=201, **fields):
    body = {"name": "Downtown", **fields}
    return testapp.post_json("/api/locations", body, headers=caller.headers, status=status).json


@contextlib.contextmanager
def listening(target, name, listener):
    """``listener`` on ``target``'s ``name`` event for the block."""
    event.listen(target, name, listener)
    try:
        yield
    finally:
        event.remove(target, name, listener)


def test_locations_are_created_directly(dbsession):
    writer = LocationResource.direct_insert()
    assert writer is not None and writer.usable_by(dbsession)


def test_direct_create_stamps_the_row_and_audits_every_inserted_value(testapp, admin, dbsession):
    created = create(testapp, admin)["data"]
    row = dbsession.get(Location, uuid.UUID(created["id"]))
    assert row.business_id == admin.business.id and row.created_by == admin.user.id == row.updated_by
    assert row.timezone == "Europe/Lisbon" and row.phone == "" and row.is_deleted is False
    assert created["phone"] == "" and created["created_at"].endswith("+00:00")
    assert datetime.fromisoformat(created["created_at"]).replace(tzinfo=None) == row.created_at.replace(tzinfo=None)
    entry = dbsession.scalars(select(AuditEntry).where(AuditEntry.resource_id == created["id"])).one()
    assert (entry.business_id, entry.actor_id, entry.action) == (admin.business.id, admin.user.id, "create")
    # The inserted values, defaults included; bookkeeping columns are not "the change".
    assert entry.changes["name"] == [None, "Downtown"] and entry.changes["phone"] == [None, ""]
    assert entry.changes["is_deleted"] == [None, False] and "created_at" not in entry.changes


def test_list_total_counts_a_direct_create_at_once(testapp, admin):
    create(testapp, admin)
    assert testapp.get("/api/locations", headers=admin.headers).json["meta"]["pagination"]["total"] == 1
    create(testapp, admin, name="Uptown")
    assert testapp.get("/api/locations", headers=admin.headers).json["meta"]["pagination"]["total"] == 2


def test_duplicate_is_a_conflict_and_leaves_no_audit_row(testapp, admin, dbsession):
    create(testapp, admin)
    response = create(testapp, admin, status=409)
    assert response["code"] == "conflict" and response["errors"] == {"name": ["Already taken"]}
    assert len(dbsession.scalars(select(AuditEntry).where(AuditEntry.resource_type == "locations")).all()) == 1


@pytest.fixture
def created_events(app):
    """ResourceCreated events seen by a subscriber; one for a location named "Refused" raises 409."""
    seen = []

    def subscriber(event):
        seen.append((event.resource_type, event.business_id, event.obj.name, event.obj.created_by))
        if event.obj.name == "Refused":
            raise Conflict("Refused by a subscriber")
        if event.obj.name == "Numbered":
            event.obj.phone = "+351 21 000 0000"

    app.registry.registerHandler(subscriber, (ResourceCreated,))
    yield seen
    app.registry.unregisterHandler(subscriber, (ResourceCreated,))


def test_subscribers_see_the_created_object(testapp, admin, created_events):
    create(testapp, admin)
    assert created_events == [("locations", admin.business.id, "Downtown", admin.user.id)]


def test_a_subscribers_change_shows_in_the_response_and_is_stored(testapp, admin, dbsession, created_events):
    created = create(testapp, admin, name="Numbered")["data"]
    assert created["phone"] == "+351 21 000 0000"
    assert dbsession.get(Location, uuid.UUID(created["id"])).phone == "+351 21 000 0000"


def test_direct_and_flushed_creates_answer_and_audit_alike(testapp, admin, dbsession):
    def made(name):
        data = create(testapp, admin, name=name, address="1 Main St")["data"]
        entry = dbsession.scalars(select(AuditEntry).where(AuditEntry.resource_id == data["id"])).one()
        changes = {key: value for key, value in entry.changes.items() if key not in ("id", "name")}
        return {key: value for key, value in data.items() if key not in ("id", "name", "created_at", "updated_at")}, \
            (entry.action, entry.actor_id, changes)

    direct = made("Direct")
    LocationResource._direct_insert = None  # what a resource that needs the flush gets
    try:
        flushed = made("Flushed")
    finally:
        del LocationResource._direct_insert
    assert direct == flushed and LocationResource.direct_insert() is not None


def test_a_failing_subscriber_undoes_the_row_and_its_audit_row(testapp, admin, dbsession, created_events):
    create(testapp, admin, name="Refused", status=409)
    assert dbsession.scalar(select(Location).where(Location.name == "Refused")) is None
    assert dbsession.scalars(select(AuditEntry).where(AuditEntry.resource_type == "locations")).all() == []


def test_an_unaccounted_flush_listener_sends_creates_through_the_flush(testapp, admin, dbsession):
    flushed = []

    def listener(session, flush_context, instances):
        flushed.extend(obj.name for obj in session.new if isinstance(obj, Location))

    with listening(TenantSession, "before_flush", listener):
        assert listener in unperformed_listeners(dbsession, Location)
        assert not LocationResource.direct_insert().usable_by(dbsession)
        create(testapp, admin)
    assert flushed == ["Downtown"]
    assert dbsession.scalar(select(Location.business_id).where(Location.name == "Downtown")) == admin.business.id


def test_listeners_are_seen_on_sessions_with_and_without_a_dispatcher_of_their_own():
    def listener(*args):
        pass

    assert unperformed_listeners(TenantSession(), Location) == []
    # Added to the session class, or to SQLAlchemy's base class, after sessions were checked: seen by the next.
    with listening(TenantSession, "after_flush", listener):
        assert unperformed_listeners(TenantSession(), Location) == [listener]
    with listening(Session, "after_commit", listener):
        assert unperformed_listeners(TenantSession(), Location) == [listener]
    # Added to one session: seen for that session only.
    own = TenantSession()
    with listening(own, "before_flush", listener):
        assert unperformed_listeners(own, Location) == [listener]
        assert unperformed_listeners(TenantSession(), Location) == []
    # One listener swapped for another between two checks (the same number of them): the new one is seen.
    def other(*args):
        pass

    with listening(TenantSession, "after_flush", listener):
        assert unperformed_listeners(TenantSession(), Location) == [listener]
    with listening(TenantSession, "after_flush", other):
        assert unperformed_listeners(TenantSession(), Location) == [other]
    assert unperformed_listeners(TenantSession(), Location) == []
    # On the model's mapper or its instances, after the model was checked: seen too (SQLAlchemy wraps them).
    with listening(Location, "before_insert", listener):
        assert len(unperformed_listeners(TenantSession(), Location)) == 1
    with listening(Location, "init", listener):
        assert len(unperformed_listeners(TenantSession(), Location)) == 1
    assert unperformed_listeners(TenantSession(), Location) == []


def test_listeners_that_concern_a_model_keep_it_out_of_direct_inserts(dbsession):
    assert unperformed_listeners(dbsession, Membership)  # the roles cache is forgotten by a flush listener


class _Base(DeclarativeBase):
    pass


class _ServerDefault(TenantModel, _Base):
    __tablename__ = "direct_insert_server_default"
    code: Mapped[str] = mapped_column(String(10), server_default="x")


class _Validated(TenantModel, _Base):
    __tablename__ = "direct_insert_validated"
    code: Mapped[str] = mapped_column(String(10))

    @validates("code")
    def _upper(self, key, value):
        return value.upper()


class _Plain(TenantModel, _Base):
    __tablename__ = "direct_insert_plain"
    code: Mapped[str] = mapped_column(String(10), default="x")


class _Constructed(TenantModel, _Base):
    __tablename__ = "direct_insert_constructed"
    code: Mapped[str] = mapped_column(String(10), default="x")

    def __init__(self, **values):
        super().__init__(**values)
        self.code = self.code or "made"


def test_a_model_with_a_constructor_or_init_listener_goes_through_the_flush(dbsession):
    assert DirectInsert.of(_Constructed) is None

    with listening(_Plain, "init", lambda target, args, kwargs: None):
        assert not DirectInsert.of(_Plain).usable_by(dbsession)
    assert DirectInsert.of(_Plain).usable_by(dbsession)


def test_models_with_write_logic_of_their_own_are_never_inserted_directly(dbsession):
    assert DirectInsert.of(_ServerDefault) is None and DirectInsert.of(_Validated) is None
    assert DirectInsert.of(_Plain) is not None and DirectInsert.of(_Plain).usable_by(dbsession)

    with listening(_Plain, "before_insert", lambda mapper, connection, target: None):
        assert not DirectInsert.of(_Plain).usable_by(dbsession)


def test_resources_with_their_own_write_hooks_create_through_the_flush():
    class Published(LocationResource):
        def publish(self, event_class, obj):
            super().publish(event_class, obj)

    class Flushed(LocationResource):
        def flush(self):
            super().flush()

    assert Published.direct_insert() is None and Flushed.direct_insert() is None


def test_none_for_a_column_with_a_default_gets_the_default_and_pending_objects_go_first(dbsession, factory):
    business = factory.business()
    dbsession.info.update({UNSCOPED: False, BUSINESS: business.id})
    pending = Location(name="Pending", timezone="UTC")
    dbsession.add(pending)
    row = DirectInsert.of(Location)(dbsession, {"name": "Defaulted", "timezone": "UTC", "phone": None})
    assert inspect(pending).persistent and pending.business_id == business.id  # flushed before the insert
    assert row["phone"] == "" and dbsession.get(Location, row["id"]).phone == ""


def test_direct_insert_fails_closed_without_a_business_and_on_a_read_session(dbsession, factory):
    writer = DirectInsert.of(Location)
    dbsession.info[UNSCOPED] = False
    with pytest.raises(TenancyError):
        writer(dbsession, {"name": "Nowhere", "timezone": "UTC"})
    dbsession.info[BUSINESS] = factory.business().id
    dbsession.info[READ_ONLY] = True
    with pytest.raises(ReadOnlySessionError):
        writer(dbsession, {"name": "Nowhere", "timezone": "UTC"})
    dbsession.info.pop(READ_ONLY)
    assert dbsession.scalar(select(Location).where(Location.name == "Nowhere")) is None
