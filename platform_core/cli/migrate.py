"""``platform <ini> migrate``: bring the database to the newest revision of every branch."""

from platform_core.db import migrations


def register(subparsers):
    parser = subparsers.add_parser("migrate", help="apply the core's and every plugin's migrations")
    parser.add_argument("--target", default="heads", help="revision to upgrade to (default: heads)")
    parser.set_defaults(handler=run)


def run(args, env):
    print(f"Migrating {env.settings.get('sqlalchemy.url', '').split('@')[-1]} to {args.target}")
    migrations.upgrade(env.settings, target=args.target, progress=print)
    print("Database is up to date.")
