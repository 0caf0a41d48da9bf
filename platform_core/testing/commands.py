"""Testing ``platform`` commands: an ini file over a SQLite database of the test's own."""

from platform_core.cli import main

_INI = """\
[app:main]
use = egg:platform-core
platform.environment = testing
{plugins}sqlalchemy.url = sqlite:///%(here)s/cli.sqlite
redis.url =
auth.secret = test-secret-for-the-command-line-0123456789abcdef
mail.backend = file
mail.file_path = %(here)s/mail
auth.argon2_time_cost = 1
auth.argon2_memory_cost = 1024
auth.argon2_parallelism = 1
"""


def write_ini(folder, plugins=None):
    """Write ``cli.ini`` in ``folder`` (its database: ``cli.sqlite`` beside it), migrated; returns its path.

    ``plugins`` limits the plugins the commands run with (``platform.plugins``).
    """
    path = folder / "cli.ini"
    path.write_text(_INI.format(plugins=f"platform.plugins = {plugins}\n" if plugins else ""))
    assert main([str(path), "migrate"]) == 0
    return str(path)
