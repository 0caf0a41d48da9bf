"""Sessions: one per request, joined to the request's transaction."""

import zope.sqlalchemy
from sqlalchemy.orm import sessionmaker

from platform_core.db.cache import REDIS
from platform_core.db.tenancy import TenantSession


def build_session_factory(engine):
    """The session factory; tests rebind it to a connection they roll back."""
    return sessionmaker(bind=engine, class_=TenantSession, expire_on_commit=False)


def get_tm_session(session_factory, transaction_manager, request=None):
    """A session whose commit and rollback follow ``transaction_manager``.

    Outside requests (CLI, jobs, tests) pass a ``transaction.TransactionManager``
    and use ``with transaction_manager:`` to commit.
    """
    info = {"request": request}
    if request is not None:
        info[REDIS] = request.registry["redis"]
    session = session_factory(info=info)
    zope.sqlalchemy.register(session, transaction_manager=transaction_manager)
    return session
