"""What other plugins may use of the clients plugin (with ``clients`` in their ``depends``).

- :class:`Client` — for foreign keys (``clients_clients.id``) and
  ``StandardResource.references``; read it, do not write it.
- :func:`find_or_create_client` — match a person by email or phone, else create them.
- events: see :mod:`platform_clients.events`.
"""

from platform_clients.models import Client
from platform_clients.services import find_or_create_client

__all__ = ["Client", "find_or_create_client"]
