"""``platform <ini> new-plugin <name> [--dir plugins/]``: start a plugin from a working one.

Writes an installable distribution at ``<dir>/<name>/``: setup.cfg with the
entry point, the package ``platform_<name>`` with its manifest, one standard
resource (``/api/<name>/items``), its model and the first revision of its
alembic branch, and tests on the platform's test kit. It needs neither the
database nor the app, so the ini is not read.

The files are rendered from ``platform_core/scaffold/plugin/``: every file
there ends in ``.tmpl`` (so that nothing in it is taken for a package, a
module or a test of the core) and ``{{key}}`` in paths and contents is
replaced by the values of :func:`template_values`.
"""

import secrets
from datetime import UTC, datetime
from importlib import resources
from importlib.metadata import entry_points
from pathlib import Path

from platform_core.cli import CommandError
from platform_core.modules.discovery import ENTRY_POINT_GROUP
from platform_core.modules.manifest import NAME, RESERVED_NAMES

SUFFIX = ".tmpl"


def register(subparsers):
    parser = subparsers.add_parser("new-plugin", help="write a new plugin distribution to start from")
    parser.add_argument("name", help="the plugin's name: 2-40 lower-case letters, digits or underscores")
    parser.add_argument("--dir", default="plugins", help="folder to write <name>/ in (default: plugins/)")
    parser.set_defaults(handler=run)


def run(args, env):
    name = checked_name(args.name)
    target = Path(args.dir) / name
    if target.exists():
        raise CommandError(f"{target} already exists; choose another name or --dir")
    values = template_values(name)
    files = render(template_folder(), values)
    try:
        for path, text in files.items():
            destination = target / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {exc.filename or target}: {exc.strerror}") from None
    print(f"Wrote {values['dist']} (plugin {name!r}) in {target}:")
    for path in sorted(files):
        print(f"  {target / path}")
    print("Next steps:")
    print(f"  pip install -e {target}")
    print(f"  platform {args.config_uri} migrate")
    print(f"  pytest {target / 'tests'}")


def checked_name(name):
    """``name`` if a plugin may take it (the manifest's rules), else a CommandError."""
    if not NAME.match(name):
        raise CommandError(
            f"{name!r} is not a plugin name: use 2-40 lower-case letters, digits or underscores, "
            "starting with a letter"
        )
    if name in RESERVED_NAMES:
        raise CommandError(f"{name!r} is reserved by the core; choose another name")
    installed = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if installed:
        owner = installed[0].dist.name if installed[0].dist is not None else installed[0].value
        # Two plugins of one name stop the platform at startup.
        raise CommandError(f"a plugin named {name!r} is already installed ({owner}); choose another name")
    return name


def template_values(name):
    """What ``{{key}}`` stands for in the template, for the plugin ``name``."""
    return {
        "name": name,
        "package": f"platform_{name}",
        "dist": f"platform-{name.replace('_', '-')}",
        "title": name.replace("_", " ").strip().title(),
        # alembic's own form of revision id; random, so two plugins never clash.
        "revision": secrets.token_hex(6),
        "create_date": str(datetime.now(UTC).replace(tzinfo=None)),
    }


def template_folder():
    return resources.files("platform_core").joinpath("scaffold", "plugin")


def render(folder, values, prefix=""):
    """``{relative path: text}`` of every template file under ``folder``, placeholders replaced."""
    files = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        path = f"{prefix}{substitute(entry.name, values)}"
        if entry.is_dir():
            files.update(render(entry, values, f"{path}/"))
        elif entry.name.endswith(SUFFIX):
            files[path[: -len(SUFFIX)]] = substitute(entry.read_text(encoding="utf-8"), values)
    return files


def substitute(text, values):
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text
