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


def api_service(name, path, description="", **kwargs):
    """A Cornice service at ``path`` (relative to the including route prefix)."""
    # depth=2: venusian must attach the service to the caller's module, not this one,
    # or ``config.scan`` of the caller's package would not find it.
    kwargs.setdefault("depth", 2)
    return cornice.Service(name=name, path=path, description=description, **_with_defaults(kwargs))


def api_resource(**kwargs):
    """Class decorator: a Cornice resource (collection and item routes)."""
    return cornice.resource.resource(**_with_defaults(kwargs))


view = cornice.resource.view
