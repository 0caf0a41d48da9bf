"""Holding mail until the transaction that caused it commits."""

import logging

from platform_core.mail.backends import build_message

log = logging.getLogger(__name__)


class TransactionalMailer:
    """Queues messages on the current transaction; delivers them after commit."""

    def __init__(self, backend, sender, transaction_manager):
        self.backend = backend
        self.sender = sender
        self.transaction_manager = transaction_manager

    def send(self, to, subject, text):
        message = build_message(self.sender, to, subject, text)
        self.transaction_manager.get().addAfterCommitHook(self._deliver_if_committed, args=(message,))

    def _deliver_if_committed(self, committed, message):
        if not committed:
            return
        try:
            self.backend.deliver(message)
        except Exception:
            # The change is committed; a mail failure must not turn it into an error.
            log.exception("could not deliver mail to %s", message["To"])
