"""Reading a model's columns as plain rows, for views that only serialize them.

Loading ORM instances (identity map, instance state, attribute events) costs
several times what the query does when a view only turns each object into
a dict. A :class:`RowReader` selects the named columns of the model's table,
labelled with their attribute names, so a ``Row`` answers ``getattr`` like
the object would, and ``row._asdict()`` is the serialized dict.

The statements are Core, so the session's ORM hook does not see them: each
takes its business and soft-delete criteria from
:mod:`platform_core.db.tenancy` (:func:`business_in_context`, failing closed
without a business, and :func:`business_criteria`). They run on the
session's connection, inside whatever transaction the session has.

Building a statement and computing its cache key cost more than running it,
so the reader builds each shape of statement once (:meth:`RowReader.prepared`),
with the business, the id, and the page's limit and offset as bound
parameters: one statement serves every business and every request.
"""

from sqlalchemy import bindparam, select

from platform_core.db.tenancy import business_criteria, business_in_context

#: Shapes of statements kept per reader (orderings are few; the cap bounds hostile variety).
MAX_PREPARED = 64


class RowReader:
    """Rows of ``model`` with the columns ``fields`` (attribute names), scoped like the session's ORM reads."""

    def __init__(self, model, fields):
        columns = model.__mapper__.columns
        self.model = model
        self.fields = tuple(fields)
        self.base = select(*(columns[name].label(name) for name in self.fields))
        self._id = columns["id"]
        self._prepared = {}

    def prepared(self, session, shape="all", extend=None, include_deleted=False):
        """(statement, parameters): every row the session may see, extended by ``extend`` once per ``shape``.

        ``extend(statement)`` adds what the shape needs (an id, an order, a
        limit) with bound parameters of its own; the caller passes their
        values with the returned ``parameters`` (the business's).
        """
        business_id = business_in_context(session, self.model)
        key = (shape, business_id is not None, include_deleted)
        statement = self._prepared.get(key)
        if statement is None:
            statement = self.base.where(*business_criteria(self.model, business_id is not None, include_deleted))
            if extend is not None:
                statement = extend(statement)
            if len(self._prepared) < MAX_PREPARED:
                self._prepared[key] = statement
        return statement, ({"business_id": business_id} if business_id is not None else {})

    def one(self, session, object_id, include_deleted=False):
        """The row of ``object_id``, or None if it is not the session business's (or is deleted)."""
        statement, parameters = self.prepared(
            session, "one", lambda statement: statement.where(self._id == bindparam("object_id")), include_deleted)
        return session.connection().execute(statement, {**parameters, "object_id": object_id}).first()

    @staticmethod
    def readable(model, fields):
        """Whether every field is a column of ``model`` (a reader can serve it)."""
        columns = model.__mapper__.columns
        return all(name in columns for name in fields)
