"""The ``platform`` command: ``platform <ini> <command> [options]``.

Each command is a module with ``register(subparsers)``, which adds its parser
and sets ``handler(args, env)``. ``env`` gives the command the settings of the
ini file and, on demand, the bootstrapped application. The core's commands
are listed below; a plugin adds its own through its manifest's ``commands``
(``platform <ini> inventory verify``).
"""

import argparse
import importlib
import sys

from platform_core.cli.environment import CommandEnvironment

#: Command modules, in the order ``platform --help`` lists them.
COMMAND_MODULES = (
    "platform_core.cli.migrate",
    "platform_core.cli.revision",
    "platform_core.cli.users",
    "platform_core.cli.businesses",
    "platform_core.cli.modules",
    "platform_core.cli.demo",
    "platform_core.cli.new_plugin",
)


def build_parser(plugin_command_modules=()):
    parser = argparse.ArgumentParser(
        prog="platform", description="Operate the platform described by an ini file."
    )
    parser.add_argument("config_uri", help="the ini file, e.g. development.ini")
    subparsers = parser.add_subparsers(dest="command", metavar="command", required=True)
    for name in (*COMMAND_MODULES, *plugin_command_modules):
        importlib.import_module(name).register(subparsers)
    return parser


def plugin_commands(config_uri):
    """The command modules of the plugins the ini file runs with (none if it cannot be read)."""
    from pathlib import Path

    from platform_core.modules.discovery import load_plugins

    if not config_uri or config_uri.startswith("-") or not Path(config_uri).is_file():
        return ()
    env = CommandEnvironment(config_uri)
    return tuple(name for manifest in load_plugins(env.settings) for name in manifest.commands)


def main(argv=None):
    """Entry point of the console script; returns the process exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(plugin_commands(argv[0] if argv else None)).parse_args(argv)
    env = CommandEnvironment(args.config_uri)
    try:
        return args.handler(args, env) or 0
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        env.close()


class CommandError(Exception):
    """A failure the command explains to its user in one line (exit code 2)."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
