"""What a command works with: the ini's settings, and the app when it needs one."""

from pyramid.paster import bootstrap, get_appsettings, setup_logging

from platform_core.settings import resolve_environment_references


class CommandEnvironment:
    """Lazily loads the settings and, only if asked, bootstraps the application."""

    def __init__(self, config_uri):
        self.config_uri = config_uri
        self._settings = None
        self._bootstrapped = None

    @property
    def settings(self):
        if self._settings is None:
            setup_logging(self.config_uri)
            self._settings = resolve_environment_references(get_appsettings(self.config_uri))
        return self._settings

    @property
    def app(self):
        """The bootstrapped environment: ``registry``, ``request``, ``root``..."""
        if self._bootstrapped is None:
            self._bootstrapped = bootstrap(self.config_uri)
        return self._bootstrapped

    def close(self):
        if self._bootstrapped is not None:
            self._bootstrapped["closer"]()
