"""Events of the platform: what happened to tenant data, for plugins to react to.

The standard resource publishes :class:`ResourceCreated`, :class:`ResourceUpdated`,
:class:`ResourceDeleted` and :class:`ResourceRestored` after each change (in
the same transaction). A plugin publishes its own domain events by
subclassing :class:`BusinessEvent` and calling ``request.registry.notify(...)``.

Plugins subscribe with ``config.add_module_subscriber(handler, EventClass)``:
the handler is called only for businesses that have the subscribing plugin
enabled, so a switched-off module never reacts.
"""


class BusinessEvent:
    """Something happened in a business: ``request``, ``business_id`` and ``actor_id`` say where and who."""

    def __init__(self, request, business_id, actor_id):
        self.request = request
        self.business_id = business_id
        self.actor_id = actor_id


class ResourceEvent(BusinessEvent):
    """A standard resource's object changed; ``obj`` is the object after the change."""

    def __init__(self, request, obj, actor_id):
        super().__init__(request, obj.business_id, actor_id)
        self.model, self.object_id, self._obj = type(obj), obj.id, obj

    @classmethod
    def of_row(cls, request, model, row, actor_id):
        """The event of a row written without an ORM object (a direct insert): ``obj`` is made from the row
        on first use, so a create no subscriber looks at makes no object."""
        event = cls.__new__(cls)
        BusinessEvent.__init__(event, request, row["business_id"], actor_id)
        event.model, event.object_id, event._obj, event._row = model, row["id"], None, row
        return event

    @property
    def obj(self):
        """The object; after a direct insert, made from the inserted row on first use and put in the
        request's session (:func:`platform_core.db.inserts.attach_inserted`)."""
        if self._obj is None:
            from platform_core.db.inserts import attach_inserted  # the events module stays free of the db layer

            self._obj = attach_inserted(self.request.dbsession, self.model, self._row)
        return self._obj

    @property
    def obj_loaded(self):
        return self._obj is not None

    @property
    def resource_type(self):
        return self.model.__tablename__


class ResourceCreated(ResourceEvent):
    pass


class ResourceUpdated(ResourceEvent):
    pass


class ResourceDeleted(ResourceEvent):
    pass


class ResourceRestored(ResourceEvent):
    pass
