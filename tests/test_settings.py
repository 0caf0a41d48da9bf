"""Settings: secrets from the environment, refused when missing or weak in production."""

import pytest
from pyramid.exceptions import ConfigurationError

from platform_core.settings import check_secrets, get_duration, resolve_environment_references


def test_environment_references_are_resolved_with_defaults():
    settings = {"a": "env:PLATFORM_X", "b": "env:PLATFORM_Y:fallback", "c": "env:PLATFORM_Z:", "d": "plain"}
    resolved = resolve_environment_references(settings, environ={"PLATFORM_X": "from-env"})
    assert resolved == {"a": "from-env", "b": "fallback", "c": "", "d": "plain"}


def test_a_missing_environment_variable_stops_startup_naming_it():
    with pytest.raises(ConfigurationError, match="PLATFORM_SECRET"):
        resolve_environment_references({"auth.secret": "env:PLATFORM_SECRET"}, environ={})


@pytest.mark.parametrize("secret", ["", "development-only-secret-change-me-in-production-0123456789", "short"])
def test_production_refuses_missing_default_or_short_secrets(secret):
    with pytest.raises(ConfigurationError, match="auth.secret"):
        check_secrets({"platform.environment": "production", "auth.secret": secret})


def test_production_accepts_a_long_random_secret():
    check_secrets({"platform.environment": "production", "auth.secret": "k" * 48})


def test_durations_read_units_and_refuse_nonsense():
    assert get_duration({"x": "15m"}, "x", "1s").total_seconds() == 900
    assert get_duration({}, "x", "30d").days == 30
    with pytest.raises(ConfigurationError, match="'x'"):
        get_duration({"x": "soon"}, "x", "1s")


def test_production_ini_refuses_to_start_without_its_environment(monkeypatch):
    from pyramid.paster import get_app

    for name in ("PLATFORM_SECRET", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError):
        get_app("config/production.ini")
