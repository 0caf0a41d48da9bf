"""Account rules: registration, login, sessions, second factor, password reset.

One :class:`AccountService` per request (``request.accounts``). It raises the
contract's errors; the views only validate input and shape output.
"""

import uuid

from sqlalchemy import or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from platform_core.auth.mail_tokens import PASSWORD_RESET, VERIFY_EMAIL, password_fingerprint
from platform_core.auth.models import RecoveryCode, User
from platform_core.auth.tokens import ACCESS, REFRESH
from platform_core.auth.totp import hash_recovery_code, new_recovery_codes
from platform_core.errors import (
    Conflict,
    EmailNotVerified,
    InvalidCredentials,
    NotAuthenticated,
    OtpInvalid,
    OtpRequired,
    ValidationFailed,
)


def normalise_email(email):
    return (email or "").strip().lower()


class AccountService:
    def __init__(self, request):
        registry = request.registry
        self.mailer = request.mailer
        self.db = request.dbsession
        self.clock = request.clock
        self.passwords = registry["auth.passwords"]
        self.tokens = registry["auth.tokens"]
        self.mail_tokens = registry["auth.mail_tokens"]
        self.lockout = registry["auth.lockout"]
        self.totp = registry["auth.totp"]
        self.settings = registry["auth.settings"]

    # -- lookups -----------------------------------------------------------

    def find_by_email(self, email):
        return self.db.scalar(select(User).where(User.email == normalise_email(email)))

    def get_user(self, user_id):
        try:
            return self.db.get(User, uuid.UUID(str(user_id)))
        except ValueError:
            return None

    # -- registration and verification --------------------------------------

    def create_user(self, email, password, full_name, verified=False):
        """A new account; the password policy and unique email are enforced here."""
        email = normalise_email(email)
        if password is not None:
            self.check_password_policy(password, email)
        if self.find_by_email(email) is not None:
            raise Conflict("This email is already registered", errors={"email": ["Already registered"]})
        user = User(
            email=email,
            full_name=full_name.strip(),
            password_hash=self.passwords.hash(password) if password is not None else None,
            email_verified_at=self.clock.now() if verified else None,
            password_changed_at=self.clock.now() if password is not None else None,
        )
        self.db.add(user)
        self.db.flush()
        return user

    def register(self, email, password, full_name):
        user = self.create_user(email, password, full_name, verified=not self.settings.require_verification)
        if self.settings.require_verification:
            self.send_verification(user)
        return user

    def send_verification(self, user):
        token = self.mail_tokens.issue(VERIFY_EMAIL, user)
        link = f"{self.settings.public_url}/verify-email?token={token}"
        self.mailer.send(
            user.email,
            "Verify your email address",
            f"Hello {user.full_name},\n\nConfirm your address by opening this link:\n{link}\n\n"
            f"Or send this token to POST /api/auth/verify-email:\n{token}\n",
        )

    def verify_email(self, token):
        claims = self.mail_tokens.read(token, VERIFY_EMAIL)
        user = self.get_user(claims["sub"])
        if user is None:
            raise ValidationFailed.field("token", "The link is invalid or has expired")
        self.mail_tokens.mark_used(claims)
        if user.email_verified_at is None:
            user.email_verified_at = self.clock.now()
        return user

    def check_password_policy(self, password, email):
        problems = self.passwords.problems(password, email)
        if problems:
            raise ValidationFailed(errors={"password": problems})

    # -- login and sessions --------------------------------------------------

    def login(self, email, password, otp=None):
        """A token pair for valid credentials, honouring lockout, verification and 2FA."""
        user = self.find_by_email(email)
        if user is None or not user.is_active:
            self.passwords.verify(None, password)  # same cost as a real check
            raise InvalidCredentials()
        self.lockout.check(user.id)
        if not self.passwords.verify(user.password_hash, password):
            self.lockout.record_failure(user.id)
            self.lockout.check(user.id)
            raise InvalidCredentials()
        if self.settings.require_verification and user.email_verified_at is None:
            raise EmailNotVerified()
        if user.totp_enabled:
            if not otp:
                raise OtpRequired()
            if not self._accept_second_factor(user, otp):
                self.lockout.record_failure(user.id)
                self.lockout.check(user.id)
                raise OtpInvalid()
        self.lockout.reset(user.id)
        if self.passwords.needs_rehash(user.password_hash):
            user.password_hash = self.passwords.hash(password)
        return self.tokens.issue_pair(user.id, generation=user.token_version)

    def refresh(self, refresh_token):
        def generation_of(user_id):
            user = self.get_user(user_id)
            return user.token_version if user is not None and user.is_active else None

        _, pair = self.tokens.rotate(refresh_token, generation_of)
        return pair

    def logout(self, access_claims, refresh_token):
        """End the session: every token of the calling login, and of the given refresh token's.

        An expired or unreadable refresh token does not keep the caller logged
        in; one of another account is refused.
        """
        try:
            refresh_claims = self.tokens.decode(refresh_token, REFRESH)
        except NotAuthenticated:
            refresh_claims = None
        if refresh_claims is not None and refresh_claims["sub"] != access_claims["sub"]:
            raise ValidationFailed.field("refresh_token", "Not a refresh token of this account")
        self.tokens.revoke_family(access_claims)
        if refresh_claims is not None:
            self.tokens.revoke_family(refresh_claims)

    # -- second factor ---------------------------------------------------------

    def setup_second_factor(self, user):
        """A new pending TOTP secret; it takes effect only once enabled with a code."""
        if user.totp_enabled:
            raise Conflict("Two-factor authentication is already enabled; disable it first")
        user.totp_secret = self.totp.new_secret()
        return {"secret": user.totp_secret, "otpauth_uri": self.totp.provisioning_uri(user.totp_secret, user.email)}

    def enable_second_factor(self, user, otp):
        """Turn 2FA on after a valid code; returns the one-time recovery codes."""
        if user.totp_enabled:
            raise Conflict("Two-factor authentication is already enabled")
        if not user.totp_secret:
            raise Conflict("Call 2fa/setup first")
        step = self.totp.matching_step(user.totp_secret, otp, user.totp_last_step)
        if step is None:
            raise OtpInvalid(status=400)
        user.totp_last_step = step
        user.totp_enabled = True
        codes = new_recovery_codes()
        self.db.execute(RecoveryCode.__table__.delete().where(RecoveryCode.user_id == user.id))
        self.db.add_all(RecoveryCode(user_id=user.id, code_hash=hash_recovery_code(code)) for code in codes)
        return codes

    def disable_second_factor(self, user, otp):
        """Turn 2FA off with a current code; wrong codes count towards the account's lockout."""
        if not user.totp_enabled:
            raise Conflict("Two-factor authentication is not enabled")
        self.lockout.check(user.id)
        if not self._accept_second_factor(user, otp):
            self.lockout.record_failure(user.id)
            raise OtpInvalid(status=400)
        user.totp_enabled = False
        user.totp_secret = None
        user.totp_last_step = None
        self.db.execute(RecoveryCode.__table__.delete().where(RecoveryCode.user_id == user.id))

    def _accept_second_factor(self, user, otp):
        """A fresh TOTP code, or an unused recovery code (which is then spent).

        Both are claimed with a conditional UPDATE, so two logins racing with
        one code cannot both pass (PostgreSQL re-checks the condition).
        """
        step = self.totp.matching_step(user.totp_secret, otp, user.totp_last_step)
        if step is not None:
            claimed = self.db.execute(
                update(User).where(User.id == user.id,
                                   or_(User.totp_last_step.is_(None), User.totp_last_step < step))
                .values(totp_last_step=step).execution_options(synchronize_session=False)
            ).rowcount
            set_committed_value(user, "totp_last_step", step)
            return claimed == 1
        spent = self.db.execute(
            update(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.code_hash == hash_recovery_code(otp),
                RecoveryCode.used_at.is_(None),
            ).values(used_at=self.clock.now()).execution_options(synchronize_session=False)
        ).rowcount
        return spent == 1

    # -- password reset -----------------------------------------------------------

    def forgot_password(self, email):
        """Mail a reset link if the account exists; the answer is the same either way."""
        user = self.find_by_email(email)
        if user is None or not user.is_active:
            return
        self.send_password_link(user, "Reset your password", "Someone asked to reset your password.")

    def send_password_link(self, user, subject, reason):
        token = self.mail_tokens.issue_reset(user)
        link = f"{self.settings.public_url}/reset-password?token={token}"
        self.mailer.send(
            user.email,
            subject,
            f"Hello {user.full_name},\n\n{reason} Choose a new password here:\n{link}\n\n"
            f"Or send this token with new_password to POST /api/auth/password/reset:\n{token}\n\n"
            "If this was not you, ignore this mail.\n",
        )

    def reset_password(self, token, new_password):
        """Set a new password from a mailed token; every session of the user ends."""
        claims = self.mail_tokens.read(token, PASSWORD_RESET)
        user = self.get_user(claims["sub"])
        if user is None or claims.get("pwf") != password_fingerprint(user.password_hash):
            raise ValidationFailed.field("token", "The link is invalid or has expired")
        self.check_password_policy(new_password, user.email)
        self.mail_tokens.mark_used(claims)
        user.password_hash = self.passwords.hash(new_password)
        user.password_changed_at = self.clock.now()
        # Receiving the mail proves the address.
        user.email_verified_at = user.email_verified_at or self.clock.now()
        # Every token issued before now is refused from here on.
        user.token_version += 1
        self.lockout.reset(user.id)
        return user


def access_claims_of(request):
    """The verified claims of the calling access token."""
    identity = request.identity
    if identity is None or identity.claims.get("type") != ACCESS:
        raise NotAuthenticated()
    return identity.claims
