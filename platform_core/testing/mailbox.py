"""Reading what the file mailer wrote, as a test follows a mailed link."""

import email
import re
from email import policy
from pathlib import Path


class Mailbox:
    """The ``.eml`` files of the file mailer, newest last; cleared when created."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.eml"):
            old.unlink()

    def messages(self, to=None):
        found = []
        for path in sorted(self.folder.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if to is None or message["To"] == to:
                found.append(message)
        return found

    def last(self, to=None):
        messages = self.messages(to)
        assert messages, f"no mail to {to or 'anyone'}"
        return messages[-1]

    @staticmethod
    def body(message):
        return message.get_body(preferencelist=("plain",)).get_content()

    def token_in_last(self, to):
        """The ``token=`` value of the link in the newest mail to ``to``."""
        match = re.search(r"token=([A-Za-z0-9._-]+)", self.body(self.last(to)))
        assert match, "no token link in the mail"
        return match.group(1)
