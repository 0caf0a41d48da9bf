"""Reading the platform's settings: typed values, environment references, secrets.

Settings come from the ``.ini`` file. A value written ``env:NAME`` (or
``env:NAME:default``) is read from the environment instead, so that production
files carry no secrets. Secrets are checked once at startup: a deployment that
forgets to set one must refuse to start rather than run with a guessable key.
"""

import os
from datetime import timedelta

from pyramid.exceptions import ConfigurationError
from pyramid.settings import asbool, aslist

#: Settings that hold secrets and are checked by :func:`check_secrets`.
SECRET_SETTINGS = ("auth.secret",)

#: The placeholder shipped in development.ini; never acceptable in production.
DEVELOPMENT_PLACEHOLDER_PREFIX = "development-only"

#: Shortest secret accepted when ``platform.environment`` is ``production``.
MIN_SECRET_LENGTH = 32


def resolve_environment_references(settings, environ=os.environ):
    """Replace every ``env:NAME[:default]`` value by the variable's value.

    Raises ConfigurationError naming the setting when the variable is unset
    and no default is given.
    """
    resolved = dict(settings)
    for key, value in settings.items():
        if not isinstance(value, str) or not value.startswith("env:"):
            continue
        name, _, default = value[4:].partition(":")
        if name in environ:
            resolved[key] = environ[name]
        elif default or value.count(":") == 2:
            resolved[key] = default
        else:
            raise ConfigurationError(
                f"Setting {key!r} reads the environment variable {name!r}, which is not set."
            )
    return resolved


def check_secrets(settings):
    """Refuse to start with a missing secret, or a weak one in production."""
    production = settings.get("platform.environment", "development") == "production"
    for key in SECRET_SETTINGS:
        value = settings.get(key) or ""
        if not value:
            raise ConfigurationError(f"Setting {key!r} is required and empty.")
        if production and (
            value.startswith(DEVELOPMENT_PLACEHOLDER_PREFIX) or len(value) < MIN_SECRET_LENGTH
        ):
            raise ConfigurationError(
                f"Setting {key!r} holds a development or short secret; production needs "
                f"a random value of at least {MIN_SECRET_LENGTH} characters."
            )


def get_bool(settings, key, default=False):
    """A boolean setting (true/false, yes/no, on/off, 1/0)."""
    return asbool(settings.get(key, default))


def get_int(settings, key, default):
    """An integer setting, with a clear error naming the key when it is not one."""
    value = settings.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"Setting {key!r} must be an integer, not {value!r}.") from None


def get_list(settings, key, default=()):
    """A whitespace or newline separated list setting."""
    value = settings.get(key)
    return list(default) if value is None else aslist(value)


_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def get_duration(settings, key, default):
    """A duration setting such as ``30d``, ``15m``, ``45s`` or plain seconds."""
    raw = str(settings.get(key, default)).strip()
    unit = raw[-1:].lower()
    try:
        if unit in _DURATION_UNITS:
            return timedelta(seconds=int(raw[:-1]) * _DURATION_UNITS[unit])
        return timedelta(seconds=int(raw))
    except ValueError:
        raise ConfigurationError(
            f"Setting {key!r} must be a duration like 30d, 15m or 45s, not {raw!r}."
        ) from None
