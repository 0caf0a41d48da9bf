"""The Pyramid 2 security policy: who is calling, and may they do this.

Identity comes from the bearer access token (verified for signature, expiry,
type and revocation, see :mod:`platform_core.auth.tokens`); permissions come
from the caller's role in the active business (see
:mod:`platform_core.tenancy.context`), looked up in the permission registry
that the core and every plugin fill with their grants.
"""

import uuid
from dataclasses import dataclass, field

from pyramid.security import Allowed, Denied
from pyramid.interfaces import ISecurityPolicy
from zope.interface import implementer

from platform_core.auth.models import User
from platform_core.auth.state import account_state, user_key
from platform_core.auth.tokens import ACCESS
from platform_core.errors import NotAuthenticated
from platform_core.modules.state import cache_key as modules_cache_key
from platform_core.modules.state import module_of_route, require_enabled
from platform_core.prefetch import prefetch

#: The permission of routes open to any logged-in user, whatever their businesses.
AUTHENTICATED = "core.authenticated"


@dataclass(frozen=True)
class Identity:
    """The caller: their id and verified claims; the user row is loaded only if a view asks."""

    user_id: uuid.UUID
    claims: dict
    dbsession: object = field(repr=False, compare=False)

    @property
    def user(self):
        return self.dbsession.get(User, self.user_id)


def bearer_token(request):
    """The token of an ``Authorization: Bearer`` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def load_identity(request):
    """The caller's identity, or None when there is no valid access token."""
    token = bearer_token(request)
    if token is None:
        return None
    tokens = request.registry["auth.tokens"]
    try:
        claims = tokens.decode(token, ACCESS)
        user_id = uuid.UUID(claims["sub"])
    except (NotAuthenticated, ValueError):
        return None
    # (Imported here: tenancy's models import the auth package.)
    from platform_core.tenancy.context import business_in_header
    from platform_core.tenancy.roles import roles_key

    # One round trip: the revocation keys, and what the rest of the request will ask.
    keys = [*tokens.revocation_keys(claims), user_key(user_id), roles_key(user_id)]
    business_id = business_in_header(request, quiet=True)
    if business_id is not None:
        keys.append(modules_cache_key(business_id))
    revoked_jti, revoked_family, *_ = prefetch(request, keys)
    if revoked_jti or revoked_family:
        return None
    state = account_state(request.redis, request.dbsession, user_id, request)
    if state is None:
        return None
    active, token_version = state
    if not active or claims["gen"] < token_version:
        return None
    return Identity(user_id, claims, request.dbsession)


@implementer(ISecurityPolicy)
class PlatformSecurityPolicy:
    def identity(self, request):
        return request.platform_identity

    def authenticated_userid(self, request):
        identity = request.platform_identity
        return str(identity.user_id) if identity else None

    def permits(self, request, context, permission):
        identity = request.platform_identity
        if identity is None:
            return Denied("not authenticated")
        if permission == AUTHENTICATED:
            return Allowed("authenticated")
        # A context that names its business (e.g. /api/businesses/{id}/...) wins
        # over the X-Business-Id header; membership lookups raise the contract's
        # business_required / not_a_member errors themselves.
        membership = getattr(context, "membership", None) or request.membership
        module = module_of_route(request)
        if module is not None:
            # The module gate: one place in the core, so no plugin view checks it.
            require_enabled(request, membership.business_id, module)
        roles = request.registry["permissions"].roles_for(permission)
        if membership.role in roles:
            return Allowed(f"{membership.role} has {permission}")
        return Denied(f"{membership.role} lacks {permission}")

    def remember(self, request, userid, **kw):
        return []

    def forget(self, request, **kw):
        return []
