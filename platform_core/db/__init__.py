"""The database: engine, one session per request, and one transaction per write request.

pyramid_tm commits a write request's transaction when the view succeeds and
rolls it back on an exception or on any 4xx/5xx response; read requests run
outside it on a read session (see :mod:`platform_core.db.session`).
pyramid_retry replays a request whose transaction failed for a transient
reason (serialization failure, deadlock) or that met a connection the
server had closed, up to ``retry.attempts`` times.
"""

from platform_core.db.engine import build_engine, build_read_engine
from platform_core.db.meta import Base
from platform_core.db.session import READ_METHODS, build_session_factory, get_read_session, get_tm_session

__all__ = ["Base", "build_engine", "build_session_factory", "get_tm_session"]


#: Set on the environ of an HTTP read request, which runs outside pyramid_tm on a read session.
READ_REQUEST = "platform.read_request"


def writes(request):
    """pyramid_tm's activation hook: only HTTP requests that may change data get a transaction.

    Requests made outside the tweens (commands, jobs, ``pyramid.scripting.prepare``)
    never pass here and keep a transactional session whatever their method.
    """
    if request.method in READ_METHODS:
        request.environ[READ_REQUEST] = True
        return False
    return True


def includeme(config):
    settings = config.get_settings()
    settings.setdefault("sqlalchemy.url", "sqlite:///var/platform.sqlite")
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    settings["tm.activate_hook"] = writes
    settings.setdefault("tm.commit_veto", "pyramid_tm.default_commit_veto")
    settings.setdefault("retry.attempts", "3")
    config.include("pyramid_tm")
    config.include("pyramid_retry")

    engine = build_engine(settings)
    read_engine = build_read_engine(settings, engine)
    session_factory = build_session_factory(engine)
    config.registry["db_engine"] = engine
    config.registry["db_read_engine"] = read_engine
    config.registry["dbsession_factory"] = session_factory

    def dbsession(request):
        factory = request.registry["dbsession_factory"]
        if request.environ.get(READ_REQUEST):
            # Tests rebind the factory to their own connection: then reads use it as it is.
            rebound = factory.kw.get("bind") is not engine
            return get_read_session(factory, request, None if rebound else read_engine)
        return get_tm_session(factory, request.tm, request=request)

    config.add_request_method(dbsession, "dbsession", reify=True)
