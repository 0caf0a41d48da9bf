"""The database: engine, one session per request, and one transaction per request.

pyramid_tm commits the request's transaction when the view succeeds and rolls
it back on an exception or on any 4xx/5xx response; pyramid_retry replays a
request whose transaction failed for a transient reason (serialization
failure, deadlock) up to ``retry.attempts`` times.
"""

from platform_core.db.engine import build_engine
from platform_core.db.meta import Base
from platform_core.db.session import build_session_factory, get_tm_session

__all__ = ["Base", "build_engine", "build_session_factory", "get_tm_session"]


def includeme(config):
    settings = config.get_settings()
    settings.setdefault("sqlalchemy.url", "sqlite:///var/platform.sqlite")
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    settings.setdefault("tm.commit_veto", "pyramid_tm.default_commit_veto")
    settings.setdefault("retry.attempts", "3")
    config.include("pyramid_tm")
    config.include("pyramid_retry")

    engine = build_engine(settings)
    session_factory = build_session_factory(engine)
    config.registry["db_engine"] = engine
    config.registry["dbsession_factory"] = session_factory

    def dbsession(request):
        factory = request.registry["dbsession_factory"]
        return get_tm_session(factory, request.tm, request=request)

    config.add_request_method(dbsession, "dbsession", reify=True)
