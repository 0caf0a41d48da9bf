"""JSON columns are written with orjson, and keep the standard library's reach (engine settings)."""

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, cast, insert, select

from tests.support.probe_tables import probe_tables

METADATA = MetaData()
DOCUMENTS = Table("probe_json_documents", METADATA, Column("id", Integer, primary_key=True),
                  Column("document", JSON, nullable=False))


@pytest.fixture
def engine(app):
    with probe_tables(app, METADATA) as engine:
        yield engine


@pytest.mark.parametrize("document, read_back", [
    ({"name": "Café ☕", "lines": [1, 2.5, None, True], "nested": {"deep": ["x"]}}, None),
    ({1: "a key that is a number"}, {"1": "a key that is a number"}),   # orjson refuses it; json writes it
    ({"big": 2 ** 70 + 1}, None),                                       # wider than orjson's 64 bits
])
def test_json_documents_round_trip(engine, document, read_back):
    with engine.begin() as connection:
        connection.execute(insert(DOCUMENTS).values(id=1, document=document))
    with engine.connect() as connection:
        assert connection.scalar(select(DOCUMENTS.c.document)) == (read_back or document)


def test_documents_are_written_by_orjson(engine):
    with engine.begin() as connection:
        connection.execute(insert(DOCUMENTS).values(id=1, document={"name": "Café"}))
    with engine.connect() as connection:
        text = connection.scalar(select(cast(DOCUMENTS.c.document, String)))
    assert text == '{"name":"Café"}'  # the standard library would write {"name": "Caf\\u00e9"}
