"""Events of the clients plugin, for plugins that depend on it.

Published by others (booking, sales) so loyalty can earn points:
:class:`VisitCompleted`, :class:`PurchaseCompleted`. Published by clients:
:class:`ClientsMerged` — every plugin holding rows that refer to clients
moves them from the duplicate to the survivor.
"""

import uuid

from platform_core.events import BusinessEvent


class VisitCompleted(BusinessEvent):
    """A client completed a visit (an appointment); ``amount`` is what it cost."""

    def __init__(self, request, business_id, actor_id, client_id, amount, source_type, source_id):
        super().__init__(request, business_id, actor_id)
        self.client_id, self.amount = uuid.UUID(str(client_id)), amount
        self.source_type, self.source_id = source_type, str(source_id)


class PurchaseCompleted(VisitCompleted):
    """A client paid for something (a sale); earns per-currency points but no visit points."""


class ClientsMerged(BusinessEvent):
    """``duplicate_id`` was merged into ``survivor_id``: move what refers to the duplicate.

    Subscribe with ``config.add_subscriber`` (not ``add_module_subscriber``):
    data of a module that is switched off must follow the merge too.
    """

    def __init__(self, request, business_id, actor_id, survivor_id, duplicate_id):
        super().__init__(request, business_id, actor_id)
        self.survivor_id, self.duplicate_id = survivor_id, duplicate_id
