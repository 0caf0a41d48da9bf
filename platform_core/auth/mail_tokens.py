"""Single-use, expiring tokens carried by mails (email verification, password reset).

They are JWTs signed like the session tokens but of their own ``type``, so
one can never stand in for another; a reset token also binds a fingerprint
of the current password hash, so it dies as soon as the password changes.
Use is recorded in Redis (``SET NX``), making each token single-use.
"""

import hashlib
import uuid

from platform_core.errors import ValidationFailed

VERIFY_EMAIL = "verify_email"
PASSWORD_RESET = "password_reset"


class MailTokens:
    def __init__(self, codec, redis, lifetimes):
        self.codec = codec
        self.redis = redis
        #: token type -> timedelta
        self.lifetimes = lifetimes

    def issue(self, token_type, user, **claims):
        return self.codec.create_token(
            str(user.id), expiration=self.lifetimes[token_type], type=token_type,
            jti=uuid.uuid4().hex, **claims,
        )

    def issue_reset(self, user):
        return self.issue(PASSWORD_RESET, user, pwf=password_fingerprint(user.password_hash))

    def read(self, token, token_type):
        """The claims of a valid, unused token of ``token_type`` (not yet marked used)."""
        claims = self.codec.decode(token, ("sub", "iat", "exp", "jti", "type")) if token else {}
        if not claims or claims["type"] != token_type:
            raise ValidationFailed.field("token", "The link is invalid or has expired")
        if self.redis.exists(self._used_key(claims)):
            raise ValidationFailed.field("token", "The link has already been used")
        return claims

    def mark_used(self, claims):
        """Spend the token; of two concurrent uses, only one gets past this."""
        lifetime = int(self.lifetimes[claims["type"]].total_seconds()) + 60
        if not self.redis.set(self._used_key(claims), "1", nx=True, ex=lifetime):
            raise ValidationFailed.field("token", "The link has already been used")

    @staticmethod
    def _used_key(claims):
        return f"auth:mailtoken:used:{claims['jti']}"


def password_fingerprint(password_hash):
    """A short digest of the password hash; changes whenever the password does."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]
