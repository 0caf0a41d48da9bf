"""What commands share: one committed transaction over the app, and the API's validation."""

import contextlib

import colander

from platform_core.cli import CommandError
from platform_core.errors import APIError, ValidationFailed


@contextlib.contextmanager
def app_transaction(env):
    """The bootstrapped app's request, inside one transaction committed at the end.

    Any failure aborts all of it; the platform's own errors become a
    :class:`CommandError` with the message and field messages the API answers.
    """
    request = env.app["request"]
    try:
        with request.tm:
            yield request
    except APIError as exc:
        raise command_error(exc) from None


def validated(schema, values):
    """``values`` deserialized by one of the API's schemas, or its field messages as an error."""
    try:
        return schema.deserialize(values)
    except colander.Invalid as exc:
        # colander joins several messages for one field with "; ", as the API splits them.
        errors = {field: message.split("; ") for field, message in exc.asdict().items()}
        raise command_error(ValidationFailed(errors=errors)) from None


def command_error(exc):
    """One line for the operator: the error's message, then each field's messages."""
    details = "; ".join(f"{field}: {message}" for field, messages in exc.errors.items() for message in messages)
    return CommandError(f"{exc.message} ({details})" if details else exc.message)
