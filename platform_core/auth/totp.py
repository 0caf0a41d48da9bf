"""TOTP second factor (RFC 6238) with replay protection and recovery codes."""

import hashlib
import hmac
import secrets

import pyotp

STEP_SECONDS = 30
#: Accept the previous and next step too: phones' clocks drift.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class Totp:
    """Checks one-time codes against the platform clock."""

    def __init__(self, clock, issuer):
        self.clock = clock
        self.issuer = issuer

    @staticmethod
    def new_secret():
        return pyotp.random_base32()

    def provisioning_uri(self, secret, account_name):
        return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=self.issuer)

    def matching_step(self, secret, code, last_step=None):
        """The time step ``code`` belongs to, or None if it matches none not yet used.

        Only steps after ``last_step`` count, so an accepted code cannot be
        replayed within its window.
        """
        code = (code or "").strip().replace(" ", "")
        if not code.isdigit():
            return None
        totp = pyotp.TOTP(secret)
        now = self.clock.timestamp()
        for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
            moment = now + offset * STEP_SECONDS
            step = int(moment // STEP_SECONDS)
            if last_step is not None and step <= last_step:
                continue
            if hmac.compare_digest(totp.at(moment), code):
                return step
        return None

    def code_for(self, secret, offset_steps=0):
        """The current code (for the CLI and tests that play the authenticator app)."""
        return pyotp.TOTP(secret).at(self.clock.timestamp() + offset_steps * STEP_SECONDS)


def new_recovery_codes():
    """Fresh one-time recovery codes, shown to the user once."""
    return [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def hash_recovery_code(code):
    """SHA-256 of the normalised code (the codes carry ~49 bits of randomness each)."""
    normalised = (code or "").strip().lower().replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()
