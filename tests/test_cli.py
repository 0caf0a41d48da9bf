"""The ``platform`` command's createuser and createbusiness, as an operator runs them."""

import io
import uuid

import pytest
from sqlalchemy import text, create_engine, select
from sqlalchemy.orm import Session

from platform_core.auth.models import User
from platform_core.cli import main
from platform_core.tenancy.models import Business, Membership
from platform_core.testing.commands import write_ini

STRONG = "velvet-orchid-harbour-42"
PASSWORD = ("--password", STRONG)
OWNER = ("--owner", "owner@example.test")



@pytest.fixture
def ini(tmp_path, capsys):
    """An ini file over a fresh, migrated SQLite database of this test's own."""
    path = write_ini(tmp_path)
    capsys.readouterr()
    return path


@pytest.fixture
def db(tmp_path):
    """A session on the command's database, for checking what it wrote."""
    engine = create_engine(f"sqlite:///{tmp_path}/cli.sqlite")
    with Session(engine) as session:
        yield session
    engine.dispose()


def run(capsys, *argv):
    """Run the command; its exit code, and stdout and stderr as stripped text."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.strip(), captured.err.strip()


def createuser(capsys, ini, email, *extra):
    return run(capsys, ini, "createuser", "--email", email, "--full-name", "Ana Lima", *PASSWORD, *extra)


def make_owner_and_business(capsys, ini, slug="salon"):
    assert createuser(capsys, ini, "owner@example.test")[0] == 0
    code, out, _ = run(capsys, ini, "createbusiness", "--name", "Salon", "--slug", slug, *OWNER)
    assert code == 0
    return out.split()[0]


def assert_one_error_line(err, expected):
    assert err.splitlines() == [f"error: {expected}"]


# -- createuser -----------------------------------------------------------------------


def test_createuser_makes_a_verified_active_user_and_prints_its_id(capsys, ini, db):
    code, out, err = createuser(capsys, ini, "Ana@Example.TEST")
    assert (code, err) == (0, "")
    user = db.get(User, uuid.UUID(out))
    assert user.email == "ana@example.test" and user.full_name == "Ana Lima"
    assert user.is_active and user.email_verified_at is not None
    assert user.password_hash.startswith("$argon2id$") and STRONG not in user.password_hash


def test_createuser_admin_of_a_business_by_slug(capsys, ini, db):
    business_id = make_owner_and_business(capsys, ini)
    code, out, _ = createuser(capsys, ini, "second@example.test", "--admin-of", "salon")
    assert code == 0
    membership = db.scalar(select(Membership).where(Membership.user_id == uuid.UUID(out)))
    assert (str(membership.business_id), membership.role) == (business_id, "admin")


def test_createuser_with_a_role_in_a_business_by_id(capsys, ini, db):
    business_id = make_owner_and_business(capsys, ini)
    code, out, _ = createuser(capsys, ini, "agent@example.test", "--role", "agent", "--of", business_id)
    assert code == 0
    membership = db.scalar(select(Membership).where(Membership.user_id == uuid.UUID(out)))
    assert (str(membership.business_id), membership.role) == (business_id, "agent")


def test_createuser_reads_the_password_from_the_environment(capsys, ini, db, monkeypatch):
    monkeypatch.setenv("PLATFORM_PASSWORD", STRONG)
    code, out, _ = run(capsys, ini, "createuser", "--email", "env@example.test", "--full-name", "Env")
    assert code == 0
    assert db.get(User, uuid.UUID(out)).password_hash.startswith("$argon2id$")


def test_createuser_prompts_twice_for_the_password_on_a_terminal(capsys, ini, db, monkeypatch):
    monkeypatch.delenv("PLATFORM_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter([STRONG, STRONG])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    code, out, _ = run(capsys, ini, "createuser", "--email", "tty@example.test", "--full-name", "Tty")
    assert code == 0 and db.get(User, uuid.UUID(out)) is not None


def test_createuser_without_a_password_or_a_terminal_fails_clearly(capsys, ini, db, monkeypatch):
    monkeypatch.delenv("PLATFORM_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())
    code, _, err = run(capsys, ini, "createuser", "--email", "nope@example.test", "--full-name", "Nope")
    assert code == 2
    assert_one_error_line(err, "no password: pass --password, set PLATFORM_PASSWORD, or run on a terminal")
    assert db.scalars(select(User)).all() == []


def test_createuser_twice_with_one_email_is_refused(capsys, ini):
    createuser(capsys, ini, "taken@example.test")
    code, _, err = createuser(capsys, ini, "TAKEN@example.test")
    assert code == 2
    assert_one_error_line(err, "This email is already registered (email: Already registered)")


@pytest.mark.parametrize("argv, expected", [
    (("--password", "short1"), "Validation failed (password: Must be at least 10 characters)"),
    (("--password", "password123"), "Validation failed (password: Is too common or too simple)"),
    ((*PASSWORD, "--admin-of", "no-such-business"), "no business with slug or id 'no-such-business'"),
    ((*PASSWORD, "--role", "owner", "--of", "salon"),
     'Validation failed (role: "owner" is not one of admin, manager, agent, subscriber)'),
    ((*PASSWORD, "--role", "agent"), "--role and --of go together"),
    ((*PASSWORD, "--admin-of", "salon", "--role", "agent", "--of", "salon"),
     "give either --admin-of or --role with --of, not both"),
])
def test_createuser_refusals_are_one_line_and_create_nothing(capsys, ini, db, argv, expected):
    code, _, err = run(capsys, ini, "createuser", "--email", "ana@example.test", "--full-name", "Ana", *argv)
    assert code == 2
    assert_one_error_line(err, expected)
    assert db.scalars(select(User)).all() == []


def test_createuser_invalid_email_is_a_validation_error(capsys, ini):
    code, _, err = createuser(capsys, ini, "not-an-email")
    assert code == 2
    assert_one_error_line(err, "Validation failed (email: Invalid email address)")


# -- createbusiness -------------------------------------------------------------------


def test_createbusiness_makes_the_owner_its_admin_and_prints_id_and_slug(capsys, ini, db):
    createuser(capsys, ini, "owner@example.test")
    code, out, err = run(capsys, ini, "createbusiness", "--name", "Café Lumière", "--owner", "Owner@Example.test")
    assert (code, err) == (0, "")
    business_id, slug = out.split()
    business = db.get(Business, uuid.UUID(business_id))
    assert (business.name, business.slug, slug) == ("Café Lumière", "cafe-lumiere", "cafe-lumiere")
    assert (business.timezone, business.currency) == ("UTC", "USD")
    (membership,) = db.scalars(select(Membership).where(Membership.business_id == business.id)).all()
    assert (membership.user.email, membership.role) == ("owner@example.test", "admin")


def test_createbusiness_takes_slug_timezone_and_currency(capsys, ini, db):
    createuser(capsys, ini, "owner@example.test")
    code, out, _ = run(
        capsys, ini, "createbusiness", "--name", "Salon", "--slug", "salon-lisbon",
        "--timezone", "Europe/Lisbon", "--currency", "EUR", *OWNER,
    )
    assert code == 0 and out.split()[1] == "salon-lisbon"
    business = db.scalar(select(Business))
    assert (business.slug, business.timezone, business.currency) == ("salon-lisbon", "Europe/Lisbon", "EUR")


@pytest.mark.parametrize("argv, expected", [
    (("--owner", "ghost@example.test"), "no user with email ghost@example.test"),
    ((*OWNER, "--timezone", "Mars/Olympus"),
     "Validation failed (timezone: Must be an IANA timezone such as Europe/London)"),
    ((*OWNER, "--currency", "euro"), "Validation failed (currency: A 3-letter ISO 4217 code such as EUR)"),
    ((*OWNER, "--slug", "Not A Slug"), "Validation failed (slug: Lower-case letters, digits and dashes)"),
    ((*OWNER, "--slug", "taken"), "This slug is taken (slug: Already taken)"),
])
def test_createbusiness_refusals_are_one_line_and_create_nothing(capsys, ini, db, argv, expected):
    make_owner_and_business(capsys, ini, slug="taken")
    code, _, err = run(capsys, ini, "createbusiness", "--name", "Salon", *argv)
    assert code == 2
    assert_one_error_line(err, expected)
    assert db.scalars(select(Business.slug)).all() == ["taken"]


def test_demo_creates_a_business_to_log_in_to_once(capsys, ini, db):
    from platform_core.modules.demo import DEMO_EMAIL, DEMO_PASSWORD

    code, out, _ = run(capsys, ini, "demo")
    assert code == 0 and DEMO_EMAIL in out and DEMO_PASSWORD in out
    code, out, _ = run(capsys, ini, "demo")
    assert code == 0 and "exists already" in out
    assert db.execute(text("SELECT count(*) FROM locations")).scalar() == 2


def test_modules_can_be_listed_switched_and_refused_from_the_shell(capsys, ini, db):
    run(capsys, ini, "demo")
    code, out, _ = run(capsys, ini, "modules", "list", "--business", "demo-salon")
    assert code == 0 and all(line.startswith("on ") for line in out.splitlines())
    code, _, err = run(capsys, ini, "modules", "enable", "nope", "--business", "demo-salon")
    assert code == 2 and err.startswith("error: No such module")
