"""Password hashing (argon2) and the password policy.

argon2id is slow on purpose and has no length limit (bcrypt truncates at 72
bytes); verification is constant-time, and an unknown email still costs one
verification so the answer's timing does not reveal which emails exist.
"""

from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH_DEFAULT = 10
MAX_LENGTH = 256


def _load_common_passwords():
    text = resources.files("platform_core.auth").joinpath("data/common-passwords.txt").read_text()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


COMMON_PASSWORDS = _load_common_passwords()


class Passwords:
    """Hashes and checks passwords; one instance per app."""

    def __init__(self, min_length=MIN_LENGTH_DEFAULT, hasher=None):
        self.min_length = min_length
        self.hasher = hasher or PasswordHasher()
        self._dummy_hash = self.hasher.hash("a password nobody has")

    def hash(self, password):
        return self.hasher.hash(password)

    def verify(self, password_hash, password):
        """True when ``password`` matches; burns the same time when there is no hash."""
        try:
            return self.hasher.verify(password_hash or self._dummy_hash, password) and bool(password_hash)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash):
        """True when the hash was made with weaker parameters than today's."""
        return self.hasher.check_needs_rehash(password_hash)

    def problems(self, password, email=""):
        """The policy's messages for ``password`` (empty when it is acceptable)."""
        found = []
        if len(password) < self.min_length:
            found.append(f"Must be at least {self.min_length} characters")
        if len(password) > MAX_LENGTH:
            found.append(f"Must be at most {MAX_LENGTH} characters")
        lowered = password.lower()
        local_part = email.split("@")[0].lower()
        if email and (lowered == email.lower() or (len(local_part) >= 4 and local_part in lowered)):
            found.append("Must not contain your email address")
        if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
            found.append("Is too common or too simple")
        return found
