"""What a view tells the OpenAPI generator beyond its Cornice definition.

Cornice already knows a view's path, method, request schema and permission;
the generator reads those. What it cannot know — the shape of ``data`` in the
success envelope, the status, whether the list is paginated, the error codes
worth listing, whether the route is public — a view declares with
:func:`api_doc`. The summary and description come from the view's docstring.
"""


def api_doc(response=None, status=200, paginated=False, public=False, tags=None, errors=()):
    """Annotate a view (function or resource method) for the OpenAPI document.

    ``response`` is a colander schema of the envelope's ``data`` (one item for
    a paginated list); ``errors`` lists contract codes the route may answer
    besides the ones every route can, each a code (its status comes from the
    contract or the plugin's ``APIError`` subclass) or a ``(status, code)``
    pair for a code whose status differs on this route; ``public`` marks
    routes that need no bearer token. See ``docs/openapi.md``.
    """

    def decorate(view):
        view.__openapi__ = {
            "response": response,
            "status": status,
            "paginated": paginated,
            "public": public,
            "tags": list(tags or ()),
            "errors": list(errors),
        }
        return view

    return decorate
