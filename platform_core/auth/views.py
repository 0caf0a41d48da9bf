"""The authentication routes of the contract, under ``/api/auth``."""

from pyramid.security import NO_PERMISSION_REQUIRED

from platform_core.auth import schemas
from platform_core.auth.policy import AUTHENTICATED
from platform_core.auth.serialize import memberships_of, user_as_dict
from platform_core.auth.services import access_claims_of
from platform_core.envelope import created, ok
from platform_core.openapi import api_doc
from platform_core.rest import api_service
from platform_core.validation import request_schema

TAGS = ["auth"]


def rate_limit(scope):
    """A Cornice validator counting the request against the client IP's limit for ``scope``."""

    def validator(request, **kwargs):
        request.registry["auth.rate_limiter"].hit(scope, request.client_ip)

    validator.__name__ = f"rate_limit_{scope}"
    return validator


register = api_service("auth.register", "/auth/register")
verify_email = api_service("auth.verify_email", "/auth/verify-email")
resend_verification = api_service("auth.resend_verification", "/auth/verify-email/resend")
login = api_service("auth.login", "/auth/login")
refresh = api_service("auth.refresh", "/auth/refresh")
logout = api_service("auth.logout", "/auth/logout")
me = api_service("auth.me", "/auth/me")
setup_2fa = api_service("auth.2fa_setup", "/auth/2fa/setup")
enable_2fa = api_service("auth.2fa_enable", "/auth/2fa/enable")
disable_2fa = api_service("auth.2fa_disable", "/auth/2fa/disable")
forgot_password = api_service("auth.password_forgot", "/auth/password/forgot")
reset_password = api_service("auth.password_reset", "/auth/password/reset")


@register.post(
    permission=NO_PERMISSION_REQUIRED, validators=(rate_limit("register"),),
    schema=request_schema(body=schemas.RegisterBody),
)
@api_doc(response=schemas.UserSchema(), status=201, public=True, tags=TAGS, errors=["conflict", "rate_limited"])
def register_view(request):
    """Create an account; a verification mail is sent when verification is required."""
    body = request.validated["body"]
    user = request.accounts.register(body["email"], body["password"], body["full_name"])
    return created(request, user_as_dict(user), "Account created; check your email to verify it")


@verify_email.post(
    permission=NO_PERMISSION_REQUIRED, validators=(rate_limit("token"),),
    schema=request_schema(body=schemas.TokenBody),
)
@api_doc(response=schemas.UserSchema(), public=True, tags=TAGS, errors=["rate_limited"])
def verify_email_view(request):
    """Confirm an email address with the token from the verification mail."""
    user = request.accounts.verify_email(request.validated["body"]["token"])
    return ok(user_as_dict(user), "Email verified")


@resend_verification.post(
    permission=NO_PERMISSION_REQUIRED, validators=(rate_limit("password"),),
    schema=request_schema(body=schemas.EmailBody),
)
@api_doc(public=True, tags=TAGS, errors=["rate_limited"])
def resend_verification_view(request):
    """Send the verification mail again; the answer does not reveal whether the email exists."""
    user = request.accounts.find_by_email(request.validated["body"]["email"])
    if user is not None and user.email_verified_at is None:
        request.accounts.send_verification(user)
    return ok(None, "If the account exists and is unverified, a mail is on its way")


@login.post(
    permission=NO_PERMISSION_REQUIRED, validators=(rate_limit("login"),),
    schema=request_schema(body=schemas.LoginBody),
)
@api_doc(
    response=schemas.TokenPairSchema(), public=True, tags=TAGS,
    errors=["invalid_credentials", "otp_required", "otp_invalid", "email_not_verified", "account_locked", "rate_limited"],
)
def login_view(request):
    """Exchange email and password (and a one-time code for 2FA accounts) for tokens."""
    body = request.validated["body"]
    pair = request.accounts.login(body["email"], body["password"], body.get("otp"))
    return ok(pair.as_dict(), "Logged in")


@refresh.post(
    permission=NO_PERMISSION_REQUIRED, validators=(rate_limit("refresh"),),
    schema=request_schema(body=schemas.RefreshBody),
)
@api_doc(response=schemas.TokenPairSchema(), public=True, tags=TAGS, errors=["not_authenticated", "rate_limited"])
def refresh_view(request):
    """Trade a refresh token for a new pair; the old one stops working, and reusing it ends the session."""
    pair = request.accounts.refresh(request.validated["body"]["refresh_token"])
    return ok(pair.as_dict(), "Tokens refreshed")


@logout.post(permission=AUTHENTICATED, schema=request_schema(body=schemas.RefreshBody))
@api_doc(tags=TAGS)
def logout_view(request):
    """Revoke the given refresh token and the access token making this call."""
    request.accounts.logout(access_claims_of(request), request.validated["body"]["refresh_token"])
    return ok(None, "Logged out")


@me.get(permission=AUTHENTICATED)
@api_doc(response=schemas.UserSchema(), tags=TAGS)
def me_view(request):
    """The calling user, with a membership (business and role) per business."""
    user = request.identity.user
    return ok({**user_as_dict(user), "memberships": memberships_of(request.dbsession, user.id)})


@setup_2fa.post(permission=AUTHENTICATED)
@api_doc(response=schemas.TwoFactorSetupSchema(), tags=TAGS, errors=["conflict"])
def setup_2fa_view(request):
    """Start TOTP setup: a secret and an ``otpauth://`` URI for the authenticator app."""
    return ok(request.accounts.setup_second_factor(request.identity.user), "Scan the code, then enable 2FA")


@enable_2fa.post(permission=AUTHENTICATED, validators=(rate_limit("token"),),
                 schema=request_schema(body=schemas.OtpBody))
@api_doc(response=schemas.RecoveryCodesSchema(), tags=TAGS, errors=[(400, "otp_invalid"), "conflict"])
def enable_2fa_view(request):
    """Turn 2FA on with a current code; answers the one-time recovery codes, shown only now."""
    codes = request.accounts.enable_second_factor(request.identity.user, request.validated["body"]["otp"])
    return ok({"recovery_codes": codes}, "Two-factor authentication enabled")


@disable_2fa.post(permission=AUTHENTICATED, validators=(rate_limit("token"),),
                  schema=request_schema(body=schemas.OtpBody))
@api_doc(tags=TAGS, errors=[(400, "otp_invalid"), "conflict"])
def disable_2fa_view(request):
    """Turn 2FA off with a current code or a recovery code."""
    request.accounts.disable_second_factor(request.identity.user, request.validated["body"]["otp"])
    return ok(None, "Two-factor authentication disabled")


@forgot_password.post(
    permission=NO_PERMISSION_REQUIRED, validators=(rate_limit("password"),),
    schema=request_schema(body=schemas.EmailBody),
)
@api_doc(public=True, tags=TAGS, errors=["rate_limited"])
def forgot_password_view(request):
    """Mail a reset link; the answer is the same whether or not the account exists."""
    request.accounts.forgot_password(request.validated["body"]["email"])
    return ok(None, "If the account exists, a reset link is on its way")


@reset_password.post(
    permission=NO_PERMISSION_REQUIRED, validators=(rate_limit("token"),),
    schema=request_schema(body=schemas.ResetBody),
)
@api_doc(public=True, tags=TAGS, errors=["rate_limited"])
def reset_password_view(request):
    """Choose a new password with the mailed token; every session of the account ends."""
    body = request.validated["body"]
    request.accounts.reset_password(body["token"], body["new_password"])
    return ok(None, "Password changed; log in again")
