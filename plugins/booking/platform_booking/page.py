"""``/book/{business_slug}``: the booking page people open on their phones.

A static page over the public API; it is served by the platform so that a
business's portal needs no other web server.
"""

from importlib import resources

from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED

PAGE = resources.files("platform_booking").joinpath("templates/book.html").read_bytes()


def booking_page(request):
    response = Response(body=PAGE, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'"
    )
    return response


def includeme(config):
    config.add_route("booking.page", "/book/{business_slug}")
    config.add_view(booking_page, route_name="booking.page", request_method="GET",
                    permission=NO_PERMISSION_REQUIRED)
