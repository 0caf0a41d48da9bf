"""Access tokens are verified once per process (platform_core.auth.tokens.VerifiedTokens).

The cache keeps the claims of tokens that verified, by their exact text;
expiry is checked again on every use, forgeries are never kept, and
revocation and token versions are checked per request by the security
policy (tests/test_auth.py: logout and password reset refuse tokens that
were used, and so cached, before).
"""

import time
from datetime import timedelta

import jwt
import pytest

from platform_core.auth.tokens import TokenService, VerifiedTokens
from platform_core.errors import NotAuthenticated


@pytest.fixture
def service(app):
    registry = app.registry
    return TokenService(registry["auth.tokens"].codec, registry["redis"], timedelta(seconds=1), timedelta(days=1),
                        registry["clock"])


def test_a_verified_token_is_served_from_the_cache_until_it_expires(service):
    token = service.issue_pair("5f0c1d9e-0000-4000-8000-000000000001").access_token
    claims = service.decode(token, "access")
    assert service.verified_access.get(token) == claims
    time.sleep(2.1)  # past exp (whole seconds) on the wall clock PyJWT and the cache both use
    assert service.verified_access.get(token) is None
    with pytest.raises(NotAuthenticated):
        service.decode(token, "access")


def test_tokens_that_fail_verification_are_never_kept(service):
    pair = service.issue_pair("5f0c1d9e-0000-4000-8000-000000000002")
    forged = jwt.encode(jwt.decode(pair.access_token, options={"verify_signature": False}),
                        "not-the-key-" + "z" * 64, algorithm="HS256")
    for token, kind in ((forged, "access"), (pair.refresh_token, "access"), (pair.refresh_token, "refresh")):
        if kind == "refresh":
            service.decode(token, kind)  # valid, but refresh tokens are used once: not kept
        else:
            with pytest.raises(NotAuthenticated):
                service.decode(token, kind)
        assert service.verified_access.get(token) is None


def test_the_cache_holds_at_most_its_size_oldest_out_first():
    cache = VerifiedTokens(size=2)
    later = time.time() + 600
    for token in ("a", "b", "c"):
        cache.keep(token, {"exp": later, "sub": token})
    assert cache.get("a") is None and cache.get("b")["sub"] == "b" and cache.get("c")["sub"] == "c"
    cache.get("c")["sub"] = "changed by a caller"
    assert cache.get("c")["sub"] == "c"
