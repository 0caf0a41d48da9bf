"""Accounts, sessions, 2FA, lockout and rate limits, as an API client sees them."""

import base64
import json
from datetime import timedelta

import jwt
import pyotp
import pytest
from sqlalchemy import select

from platform_core.auth.models import User
from platform_core.testing.assertions import assert_error
from platform_core.testing.factories import DEFAULT_PASSWORD

STRONG = "velvet-orchid-harbour-42"


def login(testapp, email, password=DEFAULT_PASSWORD, status=200, **extra):
    return testapp.post_json("/api/auth/login", {"email": email, "password": password, **extra}, status=status)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


# -- registration and verification -------------------------------------------------


def test_register_creates_an_unverified_user_and_mails_a_verification_link(testapp, dbsession, mailbox):
    response = testapp.post_json(
        "/api/auth/register", {"email": "Ana@Example.TEST", "password": STRONG, "full_name": "Ana Lima"}, status=201
    )
    data = response.json["data"]
    assert data["email"] == "ana@example.test" and data["email_verified"] is False
    assert "password" not in json.dumps(data) and "hash" not in json.dumps(data)
    user = dbsession.scalar(select(User).where(User.email == "ana@example.test"))
    assert user.password_hash.startswith("$argon2id$") and STRONG not in user.password_hash
    assert mailbox.last("ana@example.test")["Subject"] == "Verify your email address"


def test_login_before_verification_is_refused_then_allowed_after_following_the_mail(testapp, mailbox):
    testapp.post_json("/api/auth/register", {"email": "bo@example.test", "password": STRONG, "full_name": "Bo"})
    assert_error(login(testapp, "bo@example.test", STRONG, status=403), 403, "email_not_verified")

    token = mailbox.token_in_last("bo@example.test")
    assert testapp.post_json("/api/auth/verify-email", {"token": token}).json["data"]["email_verified"] is True
    assert login(testapp, "bo@example.test", STRONG).json["data"]["token_type"] == "Bearer"

    reused = testapp.post_json("/api/auth/verify-email", {"token": token}, status=400)
    assert_error(reused, 400, "validation_error")
    assert "token" in reused.json["errors"]


def test_registering_an_email_twice_is_a_conflict_whatever_its_case(testapp, factory):
    factory.user(email="taken@example.test")
    response = testapp.post_json(
        "/api/auth/register", {"email": "TAKEN@example.test", "password": STRONG, "full_name": "X"}, status=409
    )
    assert_error(response, 409, "conflict")
    assert response.json["errors"] == {"email": ["Already registered"]}


@pytest.mark.parametrize("password, message", [
    ("short1", "Must be at least 10 characters"),
    ("password123", "Is too common or too simple"),
    ("carla.rossi-2024", "Must not contain your email address"),
])
def test_password_policy_answers_field_messages(testapp, password, message):
    response = testapp.post_json(
        "/api/auth/register", {"email": "carla.rossi@example.test", "password": password, "full_name": "C"}, status=400
    )
    assert_error(response, 400, "validation_error")
    assert message in response.json["errors"]["password"]


def test_register_with_bad_fields_lists_each(testapp):
    response = testapp.post_json("/api/auth/register", {"email": "not-an-email", "full_name": ""}, status=400)
    assert set(response.json["errors"]) == {"email", "password", "full_name"}


# -- login, refresh, logout ----------------------------------------------------------


def test_wrong_password_and_unknown_email_get_the_same_answer(testapp, factory):
    user = factory.user()
    wrong = login(testapp, user.email, "wrong-password-here", status=401)
    unknown = login(testapp, "nobody@example.test", "wrong-password-here", status=401)
    assert_error(wrong, 401, "invalid_credentials")
    assert wrong.json == unknown.json


def test_login_gives_a_token_pair_that_opens_me(testapp, factory):
    caller = factory.caller(role="manager")
    tokens = login(testapp, caller.user.email).json["data"]
    assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in"}
    me = testapp.get("/api/auth/me", headers=bearer(tokens["access_token"])).json["data"]
    assert me["email"] == caller.user.email
    assert me["memberships"] == [
        {"business_id": str(caller.business.id), "business_name": caller.business.name, "role": "manager"}
    ]


def test_every_claim_is_present_in_tokens(testapp, factory):
    user = factory.user()
    tokens = login(testapp, user.email).json["data"]
    for name, kind in (("access_token", "access"), ("refresh_token", "refresh")):
        claims = jwt.decode(tokens[name], options={"verify_signature": False})
        assert {"sub", "type", "jti", "iat", "exp"} <= set(claims)
        assert claims["type"] == kind and claims["sub"] == str(user.id)


def test_refresh_rotates_and_the_old_refresh_token_stops_working(testapp, factory):
    user = factory.user()
    first = login(testapp, user.email).json["data"]
    second = testapp.post_json("/api/auth/refresh", {"refresh_token": first["refresh_token"]}).json["data"]
    assert second["refresh_token"] != first["refresh_token"]
    testapp.get("/api/auth/me", headers=bearer(second["access_token"]))
    reuse = testapp.post_json("/api/auth/refresh", {"refresh_token": first["refresh_token"]}, status=401)
    assert_error(reuse, 401, "not_authenticated")


def test_reusing_a_refresh_token_revokes_the_whole_family(testapp, factory):
    user = factory.user()
    first = login(testapp, user.email).json["data"]
    second = testapp.post_json("/api/auth/refresh", {"refresh_token": first["refresh_token"]}).json["data"]
    other_session = login(testapp, user.email).json["data"]

    testapp.post_json("/api/auth/refresh", {"refresh_token": first["refresh_token"]}, status=401)

    # Everything descended from that login is dead...
    testapp.post_json("/api/auth/refresh", {"refresh_token": second["refresh_token"]}, status=401)
    testapp.get("/api/auth/me", headers=bearer(second["access_token"]), status=401)
    # ...while another login of the same user is untouched.
    testapp.get("/api/auth/me", headers=bearer(other_session["access_token"]))


def test_logout_revokes_the_access_token_at_once_and_the_refresh_token(testapp, factory):
    user = factory.user()
    tokens = login(testapp, user.email).json["data"]
    testapp.post_json("/api/auth/logout", {"refresh_token": tokens["refresh_token"]},
                      headers=bearer(tokens["access_token"]))
    assert_error(testapp.get("/api/auth/me", headers=bearer(tokens["access_token"]), status=401), 401,
                "not_authenticated")
    testapp.post_json("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, status=401)


def test_logout_refuses_someone_elses_refresh_token(testapp, factory):
    mine = login(testapp, factory.user().email).json["data"]
    theirs = login(testapp, factory.user().email).json["data"]
    response = testapp.post_json("/api/auth/logout", {"refresh_token": theirs["refresh_token"]},
                                 headers=bearer(mine["access_token"]), status=400)
    assert "refresh_token" in response.json["errors"]
    testapp.post_json("/api/auth/refresh", {"refresh_token": theirs["refresh_token"]})


def _forge(claims, key, algorithm="HS256"):
    return jwt.encode(claims, key, algorithm=algorithm)


def _unsigned(claims):
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@pytest.mark.parametrize("kind", ["missing", "garbage", "tampered", "expired", "alg_none", "other_key", "refresh_as_access", "basic_scheme"])
def test_bad_tokens_are_not_authenticated(testapp, factory, app, kind):
    user = factory.user()
    tokens = login(testapp, user.email).json["data"]
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    secret = app.registry.settings["auth.secret"]
    headers = {
        "missing": {},
        "garbage": bearer("not.a.token"),
        "tampered": bearer(tokens["access_token"][:-4] + ("AAAA" if not tokens["access_token"].endswith("AAAA") else "BBBB")),
        "expired": bearer(_forge({**claims, "exp": claims["iat"] - 10}, secret)),
        "alg_none": bearer(_unsigned(claims)),
        "other_key": bearer(_forge(claims, "another-secret-" + "y" * 64)),
        "refresh_as_access": bearer(tokens["refresh_token"]),
        "basic_scheme": {"Authorization": f"Basic {tokens['access_token']}"},
    }[kind]
    response = testapp.get("/api/auth/me", headers=headers, status=401)
    assert_error(response, 401, "not_authenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_access_token_is_refused_by_refresh(testapp, factory):
    tokens = login(testapp, factory.user().email).json["data"]
    testapp.post_json("/api/auth/refresh", {"refresh_token": tokens["access_token"]}, status=401)


# -- two-factor authentication -----------------------------------------------------------


def enable_2fa(testapp, app, access_token):
    setup = testapp.post("/api/auth/2fa/setup", headers=bearer(access_token)).json["data"]
    assert setup["otpauth_uri"].startswith("otpauth://totp/")
    code = app.registry["auth.totp"].code_for(setup["secret"])
    codes = testapp.post_json("/api/auth/2fa/enable", {"otp": code}, headers=bearer(access_token)).json["data"]
    return setup["secret"], codes["recovery_codes"]


def test_2fa_login_requires_a_fresh_code(testapp, factory, app, clock):
    user = factory.user()
    access = login(testapp, user.email).json["data"]["access_token"]
    secret, _ = enable_2fa(testapp, app, access)

    assert_error(login(testapp, user.email, status=401), 401, "otp_required")
    assert_error(login(testapp, user.email, otp="000000", status=401), 401, "otp_invalid")

    clock.advance(seconds=30)
    code = pyotp.TOTP(secret).at(clock.timestamp())
    assert login(testapp, user.email, otp=code).json["data"]["access_token"]
    # The same code again, within its window, is a replay.
    assert_error(login(testapp, user.email, otp=code, status=401), 401, "otp_invalid")


def test_enabling_2fa_with_a_wrong_code_is_a_400(testapp, factory):
    access = login(testapp, factory.user().email).json["data"]["access_token"]
    testapp.post("/api/auth/2fa/setup", headers=bearer(access))
    response = testapp.post_json("/api/auth/2fa/enable", {"otp": "123456"}, headers=bearer(access), status=400)
    assert_error(response, 400, "otp_invalid")


def test_recovery_code_works_once(testapp, factory, app, clock):
    user = factory.user()
    access = login(testapp, user.email).json["data"]["access_token"]
    _, recovery_codes = enable_2fa(testapp, app, access)
    assert len(recovery_codes) == 10 and len(set(recovery_codes)) == 10
    login(testapp, user.email, otp=recovery_codes[0])
    assert_error(login(testapp, user.email, otp=recovery_codes[0], status=401), 401, "otp_invalid")


def test_disable_2fa_needs_a_valid_code(testapp, factory, app, clock):
    user = factory.user()
    access = login(testapp, user.email).json["data"]["access_token"]
    secret, _ = enable_2fa(testapp, app, access)
    clock.advance(seconds=30)
    assert_error(testapp.post_json("/api/auth/2fa/disable", {"otp": "999999"}, headers=bearer(access), status=400),
                400, "otp_invalid")
    testapp.post_json("/api/auth/2fa/disable", {"otp": pyotp.TOTP(secret).at(clock.timestamp())},
                      headers=bearer(access))
    assert login(testapp, user.email).json["data"]["access_token"]


# -- lockout and rate limits -----------------------------------------------------------


def test_fifth_failure_locks_the_account_even_for_the_right_password(testapp, factory, clock):
    user = factory.user()
    for _ in range(4):
        assert_error(login(testapp, user.email, "wrong-password-x", status=401), 401, "invalid_credentials")
    locked = login(testapp, user.email, "wrong-password-x", status=423)
    assert_error(locked, 423, "account_locked")
    assert int(locked.headers["Retry-After"]) == 15 * 60
    assert_error(login(testapp, user.email, status=423), 423, "account_locked")

    clock.advance(minutes=15, seconds=1)
    assert login(testapp, user.email).json["data"]["access_token"]


def test_a_success_resets_the_failure_count(testapp, factory, clock):
    user = factory.user()
    for _ in range(4):
        login(testapp, user.email, "wrong-password-x", status=401)
    login(testapp, user.email)
    for _ in range(4):
        login(testapp, user.email, "wrong-password-x", status=401)
    login(testapp, user.email)


def test_rate_limit_answers_429_with_retry_after(testapp, app, monkeypatch, clock):
    monkeypatch.setitem(app.registry["auth.rate_limiter"].limits, "login", (3, 60))
    for _ in range(3):
        login(testapp, "someone@example.test", "whatever-password", status=401)
    response = login(testapp, "someone@example.test", "whatever-password", status=429)
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    # Another client address has its own budget.
    testapp.post_json("/api/auth/login", {"email": "a@example.test", "password": "whatever-password"},
                      extra_environ={"REMOTE_ADDR": "127.0.0.2"}, status=401)
    clock.advance(seconds=61)
    login(testapp, "someone@example.test", "whatever-password", status=401)


def test_forwarded_for_from_an_untrusted_peer_is_ignored(testapp, app, monkeypatch):
    monkeypatch.setitem(app.registry["auth.rate_limiter"].limits, "login", (1, 60))
    login(testapp, "x@example.test", "whatever-password", status=401)
    response = testapp.post_json(
        "/api/auth/login", {"email": "x@example.test", "password": "whatever-password"},
        headers={"X-Forwarded-For": "203.0.113.9"}, status=429,
    )
    assert_error(response, 429, "rate_limited")


# -- password reset -------------------------------------------------------------------


def test_password_reset_end_to_end_revokes_every_session(testapp, factory, mailbox):
    user = factory.user(email="dee@example.test")
    old = login(testapp, user.email).json["data"]

    testapp.post_json("/api/auth/password/forgot", {"email": "DEE@example.test"})
    token = mailbox.token_in_last("dee@example.test")
    weak = testapp.post_json("/api/auth/password/reset", {"token": token, "new_password": "short"}, status=400)
    assert "new_password" in weak.json["errors"] or "password" in weak.json["errors"]

    testapp.post_json("/api/auth/password/reset", {"token": token, "new_password": STRONG})
    testapp.post_json("/api/auth/refresh", {"refresh_token": old["refresh_token"]}, status=401)
    testapp.get("/api/auth/me", headers=bearer(old["access_token"]), status=401)
    assert_error(login(testapp, user.email, status=401), 401, "invalid_credentials")
    fresh = login(testapp, user.email, STRONG).json["data"]
    testapp.get("/api/auth/me", headers=bearer(fresh["access_token"]))
    # The link is single-use.
    testapp.post_json("/api/auth/password/reset", {"token": token, "new_password": "another-" + STRONG}, status=400)


def test_forgot_password_answers_the_same_for_unknown_emails_and_sends_nothing(testapp, mailbox):
    response = testapp.post_json("/api/auth/password/forgot", {"email": "ghost@example.test"})
    assert response.json["data"] is None
    assert mailbox.messages() == []


def test_verification_token_cannot_reset_a_password(testapp, mailbox):
    testapp.post_json("/api/auth/register", {"email": "eve@example.test", "password": STRONG, "full_name": "Eve"})
    token = mailbox.token_in_last("eve@example.test")
    testapp.post_json("/api/auth/password/reset", {"token": token, "new_password": "another-" + STRONG}, status=400)


def test_rs256_tokens_are_issued_and_verified_with_a_key_pair(tmp_path, app):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from platform_core.auth.tokens import TokenService, build_codec
    from platform_core.errors import NotAuthenticated

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = tmp_path / "jwt.pem"
    public = tmp_path / "jwt.pub"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    codec = build_codec({"auth.jwt_algorithm": "RS256", "auth.jwt_private_key_file": str(private),
                         "auth.jwt_public_key_file": str(public)})
    service = TokenService(codec, app.registry["redis"], timedelta(minutes=5), timedelta(days=1),
                           app.registry["clock"])
    pair = service.issue_pair("5f0c1d9e-0000-4000-8000-000000000000")
    assert jwt.get_unverified_header(pair.access_token)["alg"] == "RS256"
    assert service.verify(pair.access_token, "access")["sub"] == "5f0c1d9e-0000-4000-8000-000000000000"
    # An HS256 token signed with the public key (algorithm confusion) is refused.
    forged = jwt.encode({**jwt.decode(pair.access_token, options={"verify_signature": False})},
                        "not-the-key-" + "z" * 64, algorithm="HS256")
    with pytest.raises(NotAuthenticated):
        service.verify(forged, "access")


def test_logout_ends_every_token_of_the_session(testapp, factory):
    user = factory.user()
    first = login(testapp, user.email).json["data"]
    second = testapp.post_json("/api/auth/refresh", {"refresh_token": first["refresh_token"]}).json["data"]
    testapp.post_json("/api/auth/logout", {"refresh_token": second["refresh_token"]},
                      headers=bearer(second["access_token"]))
    testapp.get("/api/auth/me", headers=bearer(first["access_token"]), status=401)


def test_logout_with_an_unreadable_refresh_token_still_logs_out(testapp, factory):
    tokens = login(testapp, factory.user().email).json["data"]
    testapp.post_json("/api/auth/logout", {"refresh_token": "garbage"}, headers=bearer(tokens["access_token"]))
    testapp.get("/api/auth/me", headers=bearer(tokens["access_token"]), status=401)


def test_a_password_reset_outlives_any_cache(testapp, factory, mailbox, redis):
    user = factory.user(email="gen@example.test")
    old = login(testapp, user.email).json["data"]
    testapp.post_json("/api/auth/password/forgot", {"email": user.email})
    testapp.post_json("/api/auth/password/reset", {"token": mailbox.token_in_last(user.email),
                                                   "new_password": STRONG})
    redis.flushdb()  # the revocation of older tokens lives in the database, not in Redis
    testapp.get("/api/auth/me", headers=bearer(old["access_token"]), status=401)
    testapp.post_json("/api/auth/refresh", {"refresh_token": old["refresh_token"]}, status=401)


def test_wrong_codes_to_disable_2fa_count_towards_lockout(testapp, factory, app, clock):
    user = factory.user()
    access = login(testapp, user.email).json["data"]["access_token"]
    enable_2fa(testapp, app, access)
    for _ in range(5):
        testapp.post_json("/api/auth/2fa/disable", {"otp": "000000"}, headers=bearer(access), status=400)
    assert_error(testapp.post_json("/api/auth/2fa/disable", {"otp": "000000"}, headers=bearer(access), status=423),
                 423, "account_locked")
