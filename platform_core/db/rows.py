"""Reading a model's columns as plain rows, for views that only serialize them.

Loading ORM instances (identity map, instance state, attribute events) costs
several times what the query does when a view only turns each object into
a dict. A :class:`RowReader` selects the named columns of the model's table,
labelled with their attribute names, so a ``Row`` answers ``getattr`` like
the object would, and ``row._asdict()`` is the serialized dict.

The statements are Core, so the session's ORM hook does not see them: every
one takes its business and soft-delete criteria from
:func:`platform_core.db.tenancy.business_criteria`, the session's own
context, failing closed without a business. They run on the session's
connection, inside whatever transaction the session has.
"""

from sqlalchemy import bindparam, select

from platform_core.db.tenancy import business_criteria


class RowReader:
    """Rows of ``model`` with the columns ``fields`` (attribute names), scoped like the session's ORM reads."""

    def __init__(self, model, fields):
        columns = model.__mapper__.columns
        self.model = model
        self.fields = tuple(fields)
        self.base = select(*(columns[name].label(name) for name in self.fields))
        self._id = columns["id"]

    def select(self, session, include_deleted=False):
        """The statement for every row the session may see (extend it with filters, order, paging)."""
        return self.base.where(*business_criteria(session, self.model, include_deleted))

    def one(self, session, object_id, include_deleted=False):
        """The row of ``object_id``, or None if it is not the session business's (or is deleted)."""
        statement = self.select(session, include_deleted).where(self._id == bindparam("object_id"))
        return session.connection().execute(statement, {"object_id": object_id}).first()

    @staticmethod
    def readable(model, fields):
        """Whether every field is a column of ``model`` (a reader can serve it)."""
        columns = model.__mapper__.columns
        return all(name in columns for name in fields)
