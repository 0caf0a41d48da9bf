"""``platform <ini> revision -m "..." [--branch NAME]``: write a new migration.

Autogenerates from the difference between the models and the database, on the
branch of the core (``core``) or of a plugin (its name). The database must be
migrated to the branch's head first.
"""

from alembic import command

from platform_core.db import migrations


def register(subparsers):
    parser = subparsers.add_parser("revision", help="autogenerate a migration for the core or a plugin")
    parser.add_argument("-m", "--message", required=True, help="what changes for the user of the data")
    parser.add_argument("--branch", default="core", help="core (default) or a plugin's name")
    parser.add_argument("--empty", action="store_true", help="write an empty revision instead of autogenerating")
    parser.set_defaults(handler=run)


def run(args, env):
    cfg = migrations.alembic_config(env.settings)
    script = command.revision(
        cfg, message=args.message, autogenerate=not args.empty, head=f"{args.branch}@head"
    )
    print(f"Wrote {script.path}")
