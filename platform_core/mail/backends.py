"""Mail delivery backends: ``.eml`` files for development, SMTP for production."""

import smtplib
import uuid
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from pyramid.settings import asbool


def build_message(sender, to, subject, text):
    """A plain-text message with the headers every mail client expects."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid(domain="platform.local")
    message.set_content(text)
    return message


class FileMailer:
    """Writes each message as an ``.eml`` file into a folder (the development default)."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def deliver(self, message):
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(bytes(message))
        return path


class SmtpMailer:
    """Sends through an SMTP server, with STARTTLS and login when configured."""

    def __init__(self, host, port=587, user="", password="", starttls=True, timeout=10):
        self.host, self.port = host, int(port)
        self.user, self.password = user, password
        self.starttls, self.timeout = starttls, timeout

    @classmethod
    def from_settings(cls, settings):
        return cls(
            host=settings.get("mail.smtp_host", "localhost"),
            port=settings.get("mail.smtp_port", 587),
            user=settings.get("mail.smtp_user", ""),
            password=settings.get("mail.smtp_password", ""),
            starttls=asbool(settings.get("mail.smtp_starttls", True)),
        )

    def deliver(self, message):
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)
