"""Events of the services plugin, for other plugins to react to.

Categories, services and packages are standard resources: the core publishes
``ResourceCreated``/``Updated``/``Deleted``/``Restored`` for them. The sale
and use of client packages are published here, inside the transaction of the
change, so a reaction (a sales plugin charging the sale, a reminder when a
package runs low) commits or rolls back with it.
"""

from platform_core.events import BusinessEvent


class PackageSold(BusinessEvent):
    """A client bought a package; ``client_package`` is the sale, with its price and currency."""

    def __init__(self, request, business_id, actor_id, client_package):
        super().__init__(request, business_id, actor_id)
        self.client_package = client_package
        self.client_id = client_package.client_id


class PackageConsumed(BusinessEvent):
    """``quantity`` sessions of ``service_id`` were taken from a client package.

    ``remaining`` is what is left of that service in the package afterwards;
    ``reference`` is the caller's (an appointment id, or None).
    """

    def __init__(self, request, business_id, actor_id, client_package_id, client_id, service_id, quantity,
                 remaining, reference):
        super().__init__(request, business_id, actor_id)
        self.client_package_id, self.client_id, self.service_id = client_package_id, client_id, service_id
        self.quantity, self.remaining, self.reference = quantity, remaining, reference
