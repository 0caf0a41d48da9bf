"""JWT access and refresh tokens: issue, verify, rotate, revoke.

pyramid-jwt is used as the token codec only: :class:`JWTCodec` keeps its
``create_token`` (claims, signing, expiry) and its configuration, and decodes
with a pinned algorithm list and required claims. Its own ``jwt_decode``
needs a request only to log, so the codec decodes without one. Its
authentication policy is not installed: it is a deprecated Pyramid 1
``IAuthenticationPolicy``, expects the ``JWT`` scheme rather than ``Bearer``,
keeps only the user id and swallows every failure as a silent 403. Our own
security policy (:mod:`platform_core.auth.policy`) calls :class:`TokenService`.

Every token has ``sub``, ``type``, ``jti``, ``iat``, ``exp`` and ``fam``, the
family: the id of the login a chain of refresh rotations came from. Revocation
state lives in Redis with a TTL of the token's remaining life:

- ``auth:revoked:jti:<jti>`` — one token (logout, a used refresh token);
- ``auth:revoked:fam:<fam>`` — every token of a login (refresh token reuse);
Every token also carries the user's token version at issue (``gen``); a
password reset increments ``users.token_version`` in the same transaction as
the new password, and a token of an older version is refused where the user
row is loaded anyway (identity, refresh). It lives in the database, not in
Redis, so it cannot expire while old tokens still live. (A timestamp would not
do: ``iat`` has whole seconds, so a login in the same second as the reset
would be refused too.)
"""

import logging
import threading
import time
import uuid
from dataclasses import dataclass

import jwt

from pyramid.exceptions import ConfigurationError
from pyramid_jwt.policy import JWTAuthenticationPolicy

from platform_core.errors import NotAuthenticated
from platform_core.settings import get_duration

log = logging.getLogger(__name__)

ACCESS = "access"
REFRESH = "refresh"
REQUIRED_CLAIMS = ("sub", "type", "jti", "iat", "exp", "fam", "gen")


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int

    def as_dict(self):
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        }


class JWTCodec(JWTAuthenticationPolicy):
    """pyramid-jwt's token maker, with a decoder usable outside a request."""

    def decode(self, token, required=("sub", "iat", "exp")):
        """The claims of a well-signed, unexpired token; ``{}`` for anything else.

        Only the configured algorithm is accepted, so ``alg: none`` and
        algorithm-confusion tokens fail here.
        """
        try:
            return jwt.decode(
                token, self.public_key, algorithms=[self.algorithm], leeway=self.leeway,
                audience=self.audience, options={"require": list(required)},
            )
        except jwt.InvalidTokenError as exc:
            log.info("rejected token: %s", exc)
            return {}


class VerifiedTokens:
    """The claims of access tokens already verified by this process, by the token's exact text.

    An access token comes with every request of a session, and PyJWT's
    verification (base64, JSON, the HMAC, the claim checks) is most of what
    authenticating a request costs. Its outcome depends on the token's bytes
    and the key alone, but for expiry, which depends on the time: so the
    claims of a token that passed are kept, and ``exp`` is checked again on
    every use exactly as PyJWT checks it (against the wall clock, with the
    codec's leeway). ``iat`` and ``nbf`` that passed once keep passing as
    time goes forward. Only tokens that verified are kept, so nobody can
    fill the cache with forgeries; it holds at most ``size`` (the oldest
    go first). Revocation, account state and token version are checked on
    every request by the callers, never here. (Envoy's JWT filter keeps the
    same kind of cache: ``jwt_cache_config``.)
    """

    def __init__(self, leeway=0, size=4096):
        self.leeway = leeway
        self.size = size
        self._claims = {}
        self._lock = threading.Lock()

    def get(self, token):
        """A copy of the claims of ``token`` if it verified before and has not expired since, else None."""
        claims = self._claims.get(token)
        if claims is None:
            return None
        if claims["exp"] <= time.time() - self.leeway:
            return None  # expired: it leaves with the oldest, in turn
        return dict(claims)

    def keep(self, token, claims):
        with self._lock:
            while len(self._claims) >= self.size:
                self._claims.pop(next(iter(self._claims)))
            self._claims[token] = dict(claims)


class TokenService:
    """Issues and verifies the platform's JWTs against the revocation lists."""

    def __init__(self, codec, redis, access_lifetime, refresh_lifetime, clock):
        self.codec = codec
        self.verified_access = VerifiedTokens(leeway=codec.leeway or 0)
        self.redis = redis
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime
        self.clock = clock

    def issue_pair(self, user_id, family=None, generation=0):
        """A new access and refresh token of the user's token version; a login starts a new family."""
        family = family or uuid.uuid4().hex
        access = self._create(user_id, ACCESS, family, generation, self.access_lifetime)
        refresh = self._create(user_id, REFRESH, family, generation, self.refresh_lifetime)
        return TokenPair(access, refresh, int(self.access_lifetime.total_seconds()))

    def _create(self, user_id, token_type, family, generation, lifetime):
        return self.codec.create_token(
            str(user_id), expiration=lifetime, type=token_type, jti=uuid.uuid4().hex,
            fam=family, gen=generation,
        )

    def verify(self, token, expected_type):
        """The claims of a valid, unrevoked token of ``expected_type``; else NotAuthenticated."""
        claims = self.decode(token, expected_type)
        if self.is_revoked(claims):
            raise NotAuthenticated("The token has been revoked")
        return claims

    def decode(self, token, expected_type):
        """The claims of a well-signed, unexpired token of ``expected_type`` (revocation unchecked).

        Access tokens, presented again and again, are verified once per
        process (:class:`VerifiedTokens`); refresh tokens are used once.
        """
        claims = self.verified_access.get(token) if expected_type == ACCESS and token else None
        if claims is not None:
            return claims
        claims = self.codec.decode(token, REQUIRED_CLAIMS) if token else {}
        if not claims:
            raise NotAuthenticated("The token is invalid or expired")
        if claims["type"] != expected_type:
            raise NotAuthenticated(f"An {expected_type} token is required")
        if expected_type == ACCESS:
            self.verified_access.keep(token, claims)
        return claims

    @staticmethod
    def revocation_keys(claims):
        return [f"auth:revoked:jti:{claims['jti']}", f"auth:revoked:fam:{claims['fam']}"]

    def is_revoked(self, claims):
        """Whether the token, or the login it belongs to, was revoked (one Redis round trip)."""
        return any(self.redis.mget(f"auth:revoked:jti:{claims['jti']}", f"auth:revoked:fam:{claims['fam']}"))

    def rotate(self, refresh_token, generation_of):
        """Trade a refresh token for a new pair; a second use revokes the whole family.

        ``SET NX`` makes the use atomic: of two concurrent refreshes with one
        token, exactly one wins, and the other is treated as theft.
        ``generation_of(user_id)`` is the user's current token version, or
        None when the account is gone or inactive.
        """
        claims = self.decode(refresh_token, REFRESH)
        if self.is_revoked(claims):
            # A revoked refresh token presented again: whoever holds it may
            # have stolen it, so the whole login ends.
            self.revoke_family(claims)
            raise NotAuthenticated("The refresh token was revoked; the session has ended")
        first_use = self.redis.set(
            f"auth:revoked:jti:{claims['jti']}", "used", nx=True, ex=self._remaining(claims)
        )
        if not first_use:
            self.revoke_family(claims)
            raise NotAuthenticated("The refresh token was already used; the session has ended")
        generation = generation_of(claims["sub"])
        if generation is None or claims["gen"] < generation:
            raise NotAuthenticated("The session has ended")
        return claims, self.issue_pair(claims["sub"], family=claims["fam"], generation=generation)

    def revoke(self, claims):
        """Revoke one token until it would have expired anyway."""
        self.redis.set(f"auth:revoked:jti:{claims['jti']}", "revoked", ex=self._remaining(claims))

    def revoke_family(self, claims):
        """Revoke every token of the login ``claims`` belong to."""
        self.redis.set(
            f"auth:revoked:fam:{claims['fam']}", "revoked",
            ex=int(self.refresh_lifetime.total_seconds()) + 60,
        )

    def _remaining(self, claims):
        return max(1, int(claims["exp"] - self.clock.timestamp()) + 1)


def build_codec(settings):
    """pyramid-jwt's policy object, configured from ``auth.*`` settings, used as a codec."""
    algorithm = settings.get("auth.jwt_algorithm", "HS256")
    if algorithm.startswith("HS"):
        private_key = public_key = settings["auth.secret"]
    elif algorithm.startswith(("RS", "ES")):
        private_key = _read_key(settings, "auth.jwt_private_key_file")
        public_key = _read_key(settings, "auth.jwt_public_key_file")
    else:
        raise ConfigurationError(f"auth.jwt_algorithm {algorithm!r} is not supported")
    return JWTCodec(
        private_key=private_key,
        public_key=public_key,
        algorithm=algorithm,
        auth_type="Bearer",
        leeway=int(settings.get("auth.jwt_leeway_seconds", 0)),
    )


def _read_key(settings, key):
    path = settings.get(key)
    if not path:
        raise ConfigurationError(f"Setting {key!r} is required for asymmetric JWT algorithms")
    with open(path) as handle:
        return handle.read()


def build_token_service(registry):
    settings = registry.settings
    return TokenService(
        codec=build_codec(settings),
        redis=registry["redis"],
        access_lifetime=get_duration(settings, "auth.access_token_lifetime", "30d"),
        refresh_lifetime=get_duration(settings, "auth.refresh_token_lifetime", "60d"),
        clock=registry["clock"],
    )

