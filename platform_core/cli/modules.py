"""``platform <ini> modules list|enable|disable``: a business's modules from the shell."""

from platform_core.cli.businesses import find_business
from platform_core.cli.support import app_transaction
from platform_core.db.tenancy import set_tenant
from platform_core.modules import ModuleState


def register(subparsers):
    parser = subparsers.add_parser("modules", help="list, enable or disable a business's modules")
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="installed modules and whether the business has them on")
    listing.add_argument("--business", required=True, help="slug or id")
    for action in ("enable", "disable"):
        sub = actions.add_parser(action, help=f"{action} a module for a business")
        sub.add_argument("name")
        sub.add_argument("--business", required=True, help="slug or id")
        if action == "disable":
            sub.add_argument("--cascade", action="store_true", help="also disable modules that need it")
    parser.set_defaults(handler=run)


def run(args, env):
    with app_transaction(env) as request:
        business = find_business(request.dbsession, args.business)
        set_tenant(request.dbsession, business.id, None)
        state = ModuleState(request)
        if args.action == "list":
            enabled = state.enabled(business.id)
            for manifest in request.registry["plugins"].values():
                mark = "on " if manifest.name in enabled else "off"
                print(f"{mark}  {manifest.name:<16} {manifest.version:<10} {manifest.title}")
        elif args.action == "enable":
            switched = state.enable(business.id, args.name)
            print(f"enabled: {', '.join(switched) or 'nothing (already on)'}")
        else:
            switched = state.disable(business.id, args.name, cascade=args.cascade)
            print(f"disabled: {', '.join(switched) or 'nothing (already off)'}")
