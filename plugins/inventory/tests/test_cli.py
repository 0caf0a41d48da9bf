"""``platform <ini> inventory verify`` over the demo data, as an operator runs it."""

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from platform_core.cli import main
from platform_core.testing.commands import write_ini
from platform_inventory.models import Category, Product, PurchaseOrder, StockMovement, Supplier



@pytest.fixture
def ini(tmp_path, capsys):
    """An ini file over a fresh SQLite database, migrated and with the demo business."""
    # Only this plugin: the test is about its command and demo, not about the other plugins' demos.
    path = write_ini(tmp_path, plugins="inventory")
    assert main([path, "demo"]) == 0
    capsys.readouterr()
    return path


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/cli.sqlite")
    yield engine
    engine.dispose()


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.strip(), captured.err.strip()


def test_the_demo_stocks_a_small_salon(ini, engine):
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(Product)) >= 20
        assert sorted(db.scalars(select(Category.name))) == ["Colour", "Nails", "Retail", "Shampoos"]
        assert db.scalar(select(func.count()).select_from(Supplier)) == 2
        assert sorted(db.scalars(select(PurchaseOrder.status))) == ["draft", "partially_received"]
        kinds = set(db.scalars(select(StockMovement.kind)))
        assert kinds == {"receipt", "usage", "sale", "adjustment", "transfer", "stocktake"}
        assert db.scalar(select(func.count(func.distinct(StockMovement.location_id)))) == 2


def test_verify_passes_on_the_demo_and_fails_once_a_level_is_corrupted(capsys, ini, engine):
    code, out, err = run(capsys, ini, "inventory", "verify")
    assert (code, err) == (0, "") and out.startswith("ok: ")
    assert run(capsys, ini, "inventory", "verify", "--business", "demo-salon")[0] == 0

    with engine.begin() as connection:
        connection.execute(text(
            "UPDATE inventory_stock_levels SET quantity = quantity + 1 "
            "WHERE id = (SELECT id FROM inventory_stock_levels ORDER BY id LIMIT 1)"))
    code, out, err = run(capsys, ini, "inventory", "verify")
    assert code == 1
    mismatches = [line for line in out.splitlines() if line.startswith("mismatch:")]
    assert len(mismatches) == 1 and "business demo-salon" in mismatches[0]
    assert out.splitlines()[-1].startswith("1 of ")
    assert run(capsys, ini, "inventory", "verify", "--business", "demo-salon")[0] == 1


def test_verify_of_an_unknown_business_is_an_error(capsys, ini):
    code, _, err = run(capsys, ini, "inventory", "verify", "--business", "nowhere")
    assert code == 2 and err == "error: no business with slug or id 'nowhere'"
