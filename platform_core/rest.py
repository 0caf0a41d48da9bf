"""Cornice services and resources with the platform's defaults.

Use :func:`api_service` and :func:`api_resource` instead of Cornice's own
constructors: they render with the envelope's JSON renderer, validate with
:func:`platform_core.validation.validate_request` and answer validation
failures in the contract's error envelope.
"""

import cornice
import cornice.resource

from platform_core.validation import envelope_error_handler, validate_request


def _with_defaults(kwargs):
    kwargs.setdefault("renderer", "json")
    kwargs.setdefault("error_handler", envelope_error_handler)
    kwargs["validators"] = (validate_request, *kwargs.get("validators", ()))
    return kwargs


class PlatformService(cornice.Service):
    """A Cornice service without the HEAD view Cornice registers beside each GET view.

    Pyramid's GET view already answers HEAD (its ``request_method``
    predicate takes HEAD too), so the copy was never reached; every request
    of another method on the route failed its predicate first, an exception
    built and caught. HEAD stays among the service's methods (the ``Allow``
    of Cornice's 405) and is answered as before.
    """

    def add_view(self, method, view, **kwargs):
        super().add_view(method, view, **kwargs)
        if method.upper() == "GET" and self.definitions[-1][0] == "HEAD":
            del self.definitions[-1]


def api_service(name, path, description="", **kwargs):
    """A Cornice service at ``path`` (relative to the including route prefix)."""
    # depth=2: venusian must attach the service to the caller's module, not this one,
    # or ``config.scan`` of the caller's package would not find it.
    kwargs.setdefault("depth", 2)
    return PlatformService(name=name, path=path, description=description, **_with_defaults(kwargs))


def api_resource(**kwargs):
    """Class decorator: a Cornice resource (collection and item routes)."""
    return cornice.resource.resource(**_with_defaults(kwargs))


view = cornice.resource.view
