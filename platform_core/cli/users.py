"""``platform <ini> createuser``: an account an operator vouches for.

The first admin of a new installation has nobody to invite them, and support
staff need accounts without a mail round trip; so this user is verified and
active at once, under the same password policy as a registration. Joining a
business happens in the same transaction: either all of it is done or none.
"""

import getpass
import os
import sys

from platform_core.auth.schemas import RegisterBody
from platform_core.cli import CommandError
from platform_core.cli.businesses import find_business
from platform_core.db.tenancy import set_tenant
from platform_core.cli.support import app_transaction, validated
from platform_core.tenancy.schemas import MemberUpdateBody
from platform_core.tenancy.services import BusinessService

#: Where scripts pass the password: a command line is visible to every local user.
PASSWORD_VARIABLE = "PLATFORM_PASSWORD"


def register(subparsers):
    parser = subparsers.add_parser("createuser", help="create a verified, active user")
    parser.add_argument("--email", required=True)
    parser.add_argument("--full-name", required=True)
    parser.add_argument(
        "--password", help=f"default: the environment variable {PASSWORD_VARIABLE}, else asked on a terminal"
    )
    parser.add_argument("--admin-of", metavar="SLUG_OR_ID", help="make the user admin of this business")
    parser.add_argument("--role", help="with --of: the user's role in that business")
    parser.add_argument("--of", metavar="SLUG_OR_ID", help="with --role: the business the user joins")
    parser.set_defaults(handler=run)


def run(args, env):
    slug_or_id, role = requested_membership(args)
    password = read_password(args.password)
    body = validated(RegisterBody(), {"email": args.email, "password": password, "full_name": args.full_name})
    with app_transaction(env) as request:
        business = find_business(request.dbsession, slug_or_id) if slug_or_id else None
        user = request.accounts.create_user(body["email"], body["password"], body["full_name"], verified=True)
        if business is not None:
            # The membership is audited in the business's log: act in it.
            set_tenant(request.dbsession, business.id, None)
            BusinessService(request).add_member(business, user.email, role)
        user_id = user.id
    print(user_id)


def requested_membership(args):
    """``(business slug or id, role)`` from ``--admin-of`` or ``--role``/``--of``; Nones without them."""
    if args.admin_of and (args.role or args.of):
        raise CommandError("give either --admin-of or --role with --of, not both")
    if args.admin_of:
        return args.admin_of, "admin"
    if bool(args.role) != bool(args.of):
        raise CommandError("--role and --of go together")
    if args.role:
        return args.of, validated(MemberUpdateBody(), {"role": args.role})["role"]
    return None, None


def read_password(given):
    """From ``--password``, else the environment, else a prompt; never a prompt without a terminal.

    A script stuck on a hidden prompt would wait forever, so without a
    terminal a missing password is an error.
    """
    if given is not None:
        return given
    if PASSWORD_VARIABLE in os.environ:
        return os.environ[PASSWORD_VARIABLE]
    if not sys.stdin.isatty():
        raise CommandError(f"no password: pass --password, set {PASSWORD_VARIABLE}, or run on a terminal")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        raise CommandError("the two passwords differ")
    return password
