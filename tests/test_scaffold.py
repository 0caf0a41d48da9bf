"""``platform <ini> new-plugin``: the plugin it writes installs, migrates, serves and passes its own tests."""

import ast
import configparser
import os
import re
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from platform_core.cli import main

NAME = "scaffoldtest"
DIST = "platform-scaffoldtest"

EXPECTED_FILES = {
    "pyproject.toml",
    "setup.cfg",
    "README.md",
    "platform_gift_cards/__init__.py",
    "platform_gift_cards/models.py",
    "platform_gift_cards/views.py",
    "platform_gift_cards/api.py",
    "platform_gift_cards/events.py",
    "platform_gift_cards/migrations/__init__.py",
    "platform_gift_cards/migrations/versions/__init__.py",
    "tests/test_gift_cards.py",
}

MIGRATE_INI = """\
[app:main]
use = egg:platform-core
platform.environment = testing
sqlalchemy.url = sqlite:///%(here)s/scaffold.sqlite
redis.url =
auth.secret = test-secret-for-the-command-line-0123456789abcdef
mail.backend = file
mail.file_path = %(here)s/mail
"""

#: Prints what alembic autogenerate would still change for the plugin's table.
DIFF_SCRIPT = textwrap.dedent("""\
    import sys
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    from platform_core.db import Base
    from platform_core.db.models import import_all_models

    import_all_models(["platform_scaffoldtest.models"])
    engine = create_engine(sys.argv[1])
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    print([diff for diff in diffs if "scaffoldtest_items" in repr(diff)])
""")

LIST_PLUGINS = ("from importlib.metadata import entry_points; "
                "print(sorted(ep.name for ep in entry_points(group='platform.plugins')))")


def run(capsys, *argv):
    """Run the command; its exit code, and stdout and stderr as stripped text."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.strip(), captured.err.strip()


def python(*args, **kwargs):
    """This environment's Python in a fresh process (so it sees entry points installed since we started)."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=dict(os.environ),
                          timeout=300, check=False, **kwargs)


def installed_plugin_names():
    result = python("-c", LIST_PLUGINS)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def files_under(folder):
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


# -- what it writes ---------------------------------------------------------------------


def test_writes_a_complete_distribution_without_reading_the_ini(capsys, tmp_path):
    code, out, err = run(capsys, str(tmp_path / "no-such.ini"), "new-plugin", "gift_cards",
                         "--dir", str(tmp_path / "plugins"))
    assert (code, err) == (0, "")
    plugin = tmp_path / "plugins" / "gift_cards"
    written = files_under(plugin)
    revisions = [path for path in written if path.startswith("platform_gift_cards/migrations/versions/")
                 and not path.endswith("__init__.py")]
    assert written - set(revisions) == EXPECTED_FILES and len(revisions) == 1
    assert re.fullmatch(r"platform_gift_cards/migrations/versions/[0-9a-f]{12}_create_gift_cards_items\.py",
                        revisions[0])
    for path in written:
        text = (plugin / path).read_text()
        assert "{{" not in text, path
        if path.endswith(".py"):
            ast.parse(text, path)
    assert f"pip install -e {plugin}" in out and "platform " in out and f"pytest {plugin / 'tests'}" in out


def test_setup_cfg_declares_the_distribution_and_its_entry_point(capsys, tmp_path):
    assert run(capsys, "x.ini", "new-plugin", "gift_cards", "--dir", str(tmp_path))[0] == 0
    setup = configparser.ConfigParser()
    setup.read(tmp_path / "gift_cards" / "setup.cfg")
    assert setup["metadata"]["name"] == "platform-gift-cards" and setup["metadata"]["version"] == "0.1.0"
    assert setup["options"]["install_requires"].split() == ["platform-core"]
    assert "migrations/versions/*.py" in setup["options.package_data"]["platform_gift_cards"]
    entry_point = setup["options.entry_points"]["platform.plugins"].strip()
    assert entry_point == "gift_cards = platform_gift_cards:manifest"
    assert "setuptools>=65,<82" in (tmp_path / "gift_cards" / "pyproject.toml").read_text()


def test_first_revision_starts_the_plugins_branch_after_the_core_tables(capsys, tmp_path):
    revisions = []
    for folder in ("one", "two"):
        assert run(capsys, "x.ini", "new-plugin", "gift_cards", "--dir", str(tmp_path / folder))[0] == 0
        versions = tmp_path / folder / "gift_cards" / "platform_gift_cards" / "migrations" / "versions"
        [script] = [path for path in versions.glob("*.py") if path.name != "__init__.py"]
        values = {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(script.read_text()).body
                  if isinstance(node, ast.Assign)}
        assert values["down_revision"] is None and values["branch_labels"] == ("gift_cards",)
        assert values["depends_on"] == ("0001",)
        assert script.name.startswith(values["revision"] + "_")
        revisions.append(values["revision"])
    assert revisions[0] != revisions[1]


def test_default_folder_is_plugins_in_the_current_directory(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "development.ini", "new-plugin", "gift_cards")[0] == 0
    assert (tmp_path / "plugins" / "gift_cards" / "setup.cfg").is_file()


# -- what it refuses ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["GiftCards", "9lives", "x", "gift-cards", "gift cards", "a" * 41, ""])
def test_a_name_no_plugin_can_take_is_refused(capsys, tmp_path, name):
    code, out, err = run(capsys, "x.ini", "new-plugin", name, "--dir", str(tmp_path))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        (f"error: {name!r} is not a plugin name: use 2-40 lower-case letters, digits or underscores, "
         "starting with a letter")
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["auth", "modules", "locations", "platform"])
def test_a_name_reserved_by_the_core_is_refused(capsys, tmp_path, name):
    code, _, err = run(capsys, "x.ini", "new-plugin", name, "--dir", str(tmp_path))
    assert code == 2
    assert err.splitlines() == [f"error: {name!r} is reserved by the core; choose another name"]
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_refused_and_left_alone(capsys, tmp_path):
    (tmp_path / "gift_cards").mkdir()
    (tmp_path / "gift_cards" / "mine.txt").write_text("keep me")
    code, _, err = run(capsys, "x.ini", "new-plugin", "gift_cards", "--dir", str(tmp_path))
    assert code == 2
    assert err.splitlines() == [f"error: {tmp_path / 'gift_cards'} already exists; choose another name or --dir"]
    assert files_under(tmp_path) == {"gift_cards/mine.txt"}


def test_a_folder_that_cannot_be_written_is_one_error_line(capsys, tmp_path):
    (tmp_path / "plugins").write_text("a file, not a folder")
    code, _, err = run(capsys, "x.ini", "new-plugin", "gift_cards", "--dir", str(tmp_path / "plugins"))
    assert code == 2
    assert err.splitlines() == [f"error: cannot write {tmp_path / 'plugins' / 'gift_cards'}: Not a directory"]


# -- installed: discovered, migrated, served ------------------------------------------------


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory):
    """The scaffolded ``scaffoldtest`` plugin, pip-installed (editable) into this environment.

    Always uninstalled afterwards, and checked to be gone, so the environment
    is left as it was found.
    """
    assert NAME not in installed_plugin_names(), (
        f"{DIST} is installed already (left by an interrupted run?): pip uninstall -y {DIST}")
    root = tmp_path_factory.mktemp("scaffold")
    assert main([str(root / "no-such.ini"), "new-plugin", NAME, "--dir", str(root)]) == 0
    plugin = root / NAME
    try:
        result = python("-m", "pip", "install", "--no-deps", "--no-build-isolation", "-e", str(plugin))
        assert result.returncode == 0, result.stdout + result.stderr
        assert NAME in installed_plugin_names()
        yield plugin
    finally:
        result = python("-m", "pip", "uninstall", "-y", DIST)
        assert result.returncode == 0, result.stdout + result.stderr
        assert NAME not in installed_plugin_names()


def test_scaffolded_plugin_installs_and_passes_its_own_tests(installed_plugin):
    """The acceptance of new-plugin: install the written plugin, run its generated tests.

    The tests run in a fresh interpreter (so importlib.metadata sees the new
    entry point) on the platform's test kit, whose ``app`` fixture migrates
    every installed plugin: passing proves discovery, migration and serving
    under /api/scaffoldtest, module gate included. The environment is passed
    through, so PLATFORM_TEST_DATABASE_URL / _REDIS_URL select the backend as
    for this run. Takes a few seconds (pip install, a second pytest).
    """
    result = python("-m", "pytest", str(installed_plugin / "tests"), "-q", "-p", "no:cacheprovider",
                    cwd=installed_plugin.parent)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"\b\d+ passed\b", result.stdout), result.stdout[-2000:]


def test_migrate_creates_the_plugin_table_exactly_as_its_model(installed_plugin, tmp_path):
    ini = tmp_path / "scaffold.ini"
    ini.write_text(MIGRATE_INI)
    result = python("-c", "import sys; from platform_core.cli import main; sys.exit(main())", str(ini), "migrate")
    assert result.returncode == 0, result.stdout + result.stderr
    [script] = [path for path in (installed_plugin / "platform_scaffoldtest" / "migrations" / "versions").glob("*.py")
                if path.name != "__init__.py"]
    revision = script.name.split("_")[0]
    assert f"-> {revision}  Scaffoldtest items" in result.stdout
    database = sqlite3.connect(tmp_path / "scaffold.sqlite")
    try:
        tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        indexes = {row[0] for row in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'scaffoldtest_items'")}
        versions = {row[0] for row in database.execute("SELECT version_num FROM alembic_version")}
    finally:
        database.close()
    assert "scaffoldtest_items" in tables and revision in versions
    assert {"ix_scaffoldtest_items_business_id", "ix_scaffoldtest_items_created"} <= indexes
    # What alembic autogenerate would still change: nothing, if the hand-written revision matches the model.
    diff = python("-c", DIFF_SCRIPT, f"sqlite:///{tmp_path / 'scaffold.sqlite'}")
    assert (diff.returncode, diff.stdout.strip()) == (0, "[]"), diff.stderr


def test_the_name_of_an_installed_plugin_is_refused(installed_plugin, capsys, tmp_path):
    code, _, err = run(capsys, "x.ini", "new-plugin", NAME, "--dir", str(tmp_path))
    assert code == 2
    assert err.splitlines() == [f"error: a plugin named {NAME!r} is already installed ({DIST}); choose another name"]
