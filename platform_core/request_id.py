"""Request ids: one id per request, on the response and on every log line.

A client (or a proxy) may send ``X-Request-Id`` so that its logs and ours can
be joined; anything else gets a fresh id. The id lives in a context variable
so that log records made anywhere during the request carry it.
"""

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-Id"

#: Accept only short, printable ids from clients: the value goes into logs.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

current_request_id = contextvars.ContextVar("current_request_id", default="-")


class RequestIdFormatter(logging.Formatter):
    """A log formatter that knows ``%(request_id)s``.

    Named as the formatter ``class`` in the ini files' logging sections (which
    cannot attach filters); records made outside a request show ``-``.
    """

    def format(self, record):
        record.request_id = current_request_id.get()
        return super().format(record)


def request_id_tween_factory(handler, registry):
    """Outermost tween: set the id before anything can log, echo it on the way out."""

    def request_id_tween(request):
        sent = request.headers.get(HEADER, "")
        request_id = sent if _ACCEPTABLE_ID.match(sent) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = handler(request)
        finally:
            current_request_id.reset(token)
        response.headers[HEADER] = request_id
        return response

    return request_id_tween


def includeme(config):
    """Install the tween above everything else, including the retry policy's replays."""
    from pyramid.tweens import INGRESS

    config.add_tween("platform_core.request_id.request_id_tween_factory", under=INGRESS)
