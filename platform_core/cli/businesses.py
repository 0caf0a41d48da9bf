"""``platform <ini> createbusiness``: a business for an existing user, made by an operator.

Also what every command that changes data shares: the API's own schemas for
validation, so the command line and the API accept the same values, and one
transaction whose failures read as one line instead of a traceback.
"""

import uuid

from sqlalchemy import select

from platform_core.cli import CommandError
from platform_core.cli.support import app_transaction, validated
from platform_core.tenancy.models import Business
from platform_core.tenancy.schemas import BusinessCreateBody
from platform_core.tenancy.services import BusinessService


def register(subparsers):
    parser = subparsers.add_parser("createbusiness", help="create a business with an existing user as its admin")
    parser.add_argument("--name", required=True)
    parser.add_argument("--slug", help="default: made from the name")
    parser.add_argument("--timezone", help="an IANA name such as Europe/London (default: UTC)")
    parser.add_argument("--currency", help="an ISO 4217 code such as EUR (default: USD)")
    parser.add_argument("--owner", required=True, metavar="EMAIL", help="the user who becomes its admin")
    parser.set_defaults(handler=run)


def run(args, env):
    given = {"name": args.name, "slug": args.slug, "timezone": args.timezone, "currency": args.currency}
    body = validated(BusinessCreateBody(), {key: value for key, value in given.items() if value is not None})
    with app_transaction(env) as request:
        owner = request.accounts.find_by_email(args.owner)
        if owner is None:
            raise CommandError(f"no user with email {args.owner}")
        business = BusinessService(request).create(owner, **body)
        business_id, slug = business.id, business.slug
    print(business_id, slug)


def find_business(dbsession, slug_or_id):
    """The business with this slug, else with this id: an operator may paste either."""
    business = dbsession.scalar(select(Business).where(Business.slug == slug_or_id))
    if business is None and (business_id := _as_uuid(slug_or_id)) is not None:
        business = dbsession.get(Business, business_id)
    if business is None:
        raise CommandError(f"no business with slug or id {slug_or_id!r}")
    return business


def _as_uuid(value):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
