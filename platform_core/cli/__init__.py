"""The ``platform`` command: ``platform <ini> <command> [options]``.

Each command is a module of this package with ``register(subparsers)``, which
adds its parser and sets ``handler(args, env)``. ``env`` gives the command the
settings of the ini file and, on demand, the bootstrapped application.
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


def build_parser():
    parser = argparse.ArgumentParser(
        prog="platform", description="Operate the platform described by an ini file."
    )
    parser.add_argument("config_uri", help="the ini file, e.g. development.ini")
    subparsers = parser.add_subparsers(dest="command", metavar="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv=None):
    """Entry point of the console script; returns the process exit code."""
    args = build_parser().parse_args(argv)
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
