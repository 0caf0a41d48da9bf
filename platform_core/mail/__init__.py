"""Outgoing mail: one mailer chosen by ``mail.backend`` (``file`` or ``smtp``).

``request.mailer.send(...)`` queues a message that is delivered only when the
request's transaction commits, so a failed request never mails anyone about
a change that did not happen.
"""

from platform_core.mail.backends import FileMailer, SmtpMailer, build_message
from platform_core.mail.queue import TransactionalMailer

__all__ = ["FileMailer", "SmtpMailer", "TransactionalMailer", "build_message"]


def build_backend(settings):
    """The delivery backend named by ``mail.backend``."""
    from pyramid.exceptions import ConfigurationError

    backend = settings.get("mail.backend", "file")
    if backend == "file":
        return FileMailer(settings.get("mail.file_path", "var/mail"))
    if backend == "smtp":
        return SmtpMailer.from_settings(settings)
    raise ConfigurationError(f"mail.backend must be 'file' or 'smtp', not {backend!r}")


def includeme(config):
    settings = config.get_settings()
    config.registry["mail_backend"] = build_backend(settings)
    sender = settings.get("mail.sender", "Platform <no-reply@localhost>")

    def mailer(request):
        return TransactionalMailer(request.registry["mail_backend"], sender, request.tm)

    config.add_request_method(mailer, "mailer", reify=True)
