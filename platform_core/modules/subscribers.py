"""Subscribing a plugin to events only for the businesses that enabled it."""

import functools

from platform_core.modules.state import ModuleState


def add_module_subscriber(config, subscriber, event_type):
    """Config directive for plugins: ``config.add_module_subscriber(handler, EventClass)``.

    Must be called from a plugin's ``includeme``; the plugin is the one being
    included. The handler is skipped for businesses where it is disabled.
    """
    plugin = config.registry.get("plugins.including")
    if plugin is None:
        raise TypeError("add_module_subscriber is for plugins; call it from a plugin's includeme")
    subscriber = config.maybe_dotted(subscriber)

    @functools.wraps(subscriber)
    def when_enabled(event):
        if plugin in ModuleState(event.request).enabled(event.business_id):
            subscriber(event)

    config.add_subscriber(when_enabled, event_type)
