"""``platform <ini> demo``: a demo business to log in to, with every module and its data."""

from platform_core.cli import CommandError
from platform_core.cli.support import app_transaction
from platform_core.modules.demo import DEMO_EMAIL, DEMO_PASSWORD, create_demo


def register(subparsers):
    parser = subparsers.add_parser("demo", help="create the demo business (once) and print its login")
    parser.set_defaults(handler=run)


def run(args, env):
    if env.settings.get("platform.environment") == "production":
        raise CommandError("the demo business is not for production databases")
    with app_transaction(env) as request:
        print("Creating the demo business ...")
        created = create_demo(request)
    print("Demo business ready." if created else "The demo business exists already.")
    print(f"Log in as {DEMO_EMAIL} with password {DEMO_PASSWORD}")
