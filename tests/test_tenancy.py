"""Automatic isolation in the session: filtered reads, stamped writes, failing closed."""

import pytest
from sqlalchemy import exists, func, literal, select, update

from platform_core.db.tenancy import UNSCOPED, TenancyError, set_tenant, unscoped
from platform_core.locations.models import Location


@pytest.fixture
def two_businesses(factory, dbsession):
    a, b = factory.business(name="Alpha Spa"), factory.business(name="Beta Spa")
    with unscoped(dbsession):
        for business, name in ((a, "Alpha Branch"), (b, "Beta Branch")):
            dbsession.add(Location(business_id=business.id, name=name, timezone="UTC"))
        dbsession.flush()
    return a, b


@pytest.fixture
def scoped_session(dbsession, two_businesses):
    """The test's session, scoped as a request's would be (no business yet)."""
    dbsession.info[UNSCOPED] = False
    dbsession.expunge_all()
    return dbsession


def test_a_tenant_query_without_business_fails_closed(scoped_session, two_businesses):
    with pytest.raises(TenancyError):
        scoped_session.scalars(select(Location)).all()


@pytest.mark.parametrize("statement", [
    select(func.count()).select_from(select(Location).subquery()),
    select(exists().where(Location.name == "Alpha Branch")),
    select(select(Location.id).limit(1).scalar_subquery()),
    select(literal(1)).where(Location.name.in_(select(Location.name).cte("names").select())),
], ids=["count-over-subquery", "exists", "scalar-subquery", "cte"])
def test_tenant_tables_hidden_in_subqueries_fail_closed_too(scoped_session, statement):
    with pytest.raises(TenancyError):
        scoped_session.execute(statement)


def test_counts_over_subqueries_see_only_the_active_business(scoped_session, two_businesses):
    a, _ = two_businesses
    set_tenant(scoped_session, a.id, None)
    assert scoped_session.scalar(select(func.count()).select_from(select(Location).subquery())) == 1
    assert scoped_session.scalar(select(exists().where(Location.name == "Beta Branch"))) is False


def test_reads_see_only_the_active_business(scoped_session, two_businesses):
    a, b = two_businesses
    set_tenant(scoped_session, a.id, None)
    assert [loc.name for loc in scoped_session.scalars(select(Location))] == ["Alpha Branch"]
    with unscoped(scoped_session):
        beta = scoped_session.scalar(select(Location).where(Location.business_id == b.id))
    # Even from the identity map, another business's row is not handed out.
    assert scoped_session.get(Location, beta.id) is None


def test_bulk_update_touches_only_the_active_business(scoped_session, two_businesses):
    a, b = two_businesses
    set_tenant(scoped_session, a.id, None)
    scoped_session.execute(update(Location).values(phone="changed"))
    with unscoped(scoped_session):
        phones = dict(scoped_session.execute(select(Location.name, Location.phone)).all())
    assert phones == {"Alpha Branch": "changed", "Beta Branch": ""}


def test_new_rows_are_stamped_and_foreign_rows_refused(scoped_session, two_businesses):
    a, b = two_businesses
    set_tenant(scoped_session, a.id, None)
    stamped = Location(name="New", timezone="UTC")
    scoped_session.add(stamped)
    scoped_session.flush()
    assert stamped.business_id == a.id
    scoped_session.add(Location(business_id=b.id, name="Smuggled", timezone="UTC"))
    with pytest.raises(TenancyError):
        scoped_session.flush()


def test_moving_a_row_to_another_business_is_refused(scoped_session, two_businesses):
    a, b = two_businesses
    set_tenant(scoped_session, a.id, None)
    row = scoped_session.scalar(select(Location))
    row.business_id = b.id
    with pytest.raises(TenancyError):
        scoped_session.flush()


def test_core_reads_take_the_same_criteria_and_fail_closed_too(scoped_session, two_businesses):
    from platform_core.db.rows import RowReader

    reader = RowReader(Location, ("id", "name"))

    def names(**options):
        prepared, parameters = reader.prepared(scoped_session, **options)
        return [name for _, name in prepared.rows(scoped_session.connection(), parameters)]

    with pytest.raises(TenancyError):
        names()
    a, b = two_businesses
    with pytest.raises(TenancyError):
        reader.one(scoped_session, a.id)
    set_tenant(scoped_session, a.id, None)
    assert names() == ["Alpha Branch"]
    with unscoped(scoped_session):
        beta = scoped_session.scalar(select(Location.id).where(Location.business_id == b.id))
        assert sorted(names()) == ["Alpha Branch", "Beta Branch"]
    assert reader.one(scoped_session, beta) is None
    scoped_session.execute(update(Location).values(is_deleted=True))
    assert names() == [] and names(include_deleted=True) == ["Alpha Branch"]


def test_resources_that_serialize_more_than_columns_are_read_as_objects():
    from platform_core.locations import LocationResource

    class Decorated(LocationResource):
        def serialize(self, obj):
            return {**super().serialize(obj), "label": obj.name.upper()}

    assert LocationResource.row_reader() is not None and Decorated.row_reader() is None
