"""One request class carrying every request property, made once at startup.

Pyramid applies the properties added with ``config.add_request_method``
(``request.dbsession``, ``request.membership``, pyramid_tm's ``request.tm``,
Cornice's ``request.current_service``...) to each request by creating a new
class for that one request (``InstancePropertyHelper.apply_properties``): a
``type()`` call and its bookkeeping on every request. Folding the same
descriptors into one subclass of the request factory, after every include
has added its own, gives every request the same properties for nothing.
"""

import types

from pyramid.interfaces import IRequestExtensions, IRequestFactory
from pyramid.request import Request


def fold_request_properties(config):
    """Make the request factory a class with every registered request property; call last."""
    config.commit()
    registry = config.registry
    extensions = registry.queryUtility(IRequestExtensions)
    if extensions is None or not extensions.descriptors:
        return
    base = registry.queryUtility(IRequestFactory, default=Request)
    folded = type("PlatformRequest", (base,), {"__module__": __name__, **extensions.descriptors})
    config.set_request_factory(folded)
    # Left registered, the same properties would be copied onto a new class per request again.
    registry.registerUtility(types.SimpleNamespace(descriptors={}, methods=dict(extensions.methods)),
                             IRequestExtensions)
    config.commit()
