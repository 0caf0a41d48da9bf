"""Plugin discovery stops startup with one clear message naming the plugin."""

from importlib.metadata import EntryPoint

import pytest

from platform_core.modules import discovery
from platform_core.modules.discovery import PluginError

GROUP = "platform.test_plugins"


def installed(monkeypatch, **entries):
    points = [EntryPoint(name=name, value=f"tests.support.broken_plugins:{attr}", group=GROUP)
              for name, attr in entries.items()]
    monkeypatch.setattr(discovery, "entry_points", lambda group: points if group == GROUP else [])


def load(settings=None):
    return discovery.load_plugins(settings or {}, group=GROUP)


def test_plugins_come_in_dependency_order(monkeypatch):
    installed(monkeypatch, one="ok_one")
    assert [m.name for m in load()] == ["one"]


@pytest.mark.parametrize("entries, message", [
    ({"two": "needs_missing"}, "plugin 'two' depends on 'ghost', which is not installed or not selected"),
    ({"one": "ok_one", "three": "needs_new_one"}, "plugin 'three' needs one>=2, but one 1.0 is installed"),
    ({"cyc_a": "cycle_a", "cyc_b": "cycle_b"}, "plugins cyc_a, cyc_b depend on each other in a cycle"),
    ({"one": "ok_one", "one_again": "ok_one"}, "plugin 'one' is installed twice"),
    ({"bad": "bad_name"}, "plugin 'Bad-Name' has a broken manifest: its name must be"),
    ({"four": "foreign_permission"}, "the permission 'core.members.manage' does not start with 'four.'"),
    ({"five": "not_a_manifest"}, "plugin 'five': 'tests.support.broken_plugins:not_a_manifest' is not a PluginManifest"),
    ({"six": "no_such_attribute"}, "plugin 'six': its entry point 'tests.support.broken_plugins:no_such_attribute' "
                                   "cannot be loaded"),
])
def test_each_discovery_failure_names_the_plugin(monkeypatch, entries, message):
    installed(monkeypatch, **entries)
    with pytest.raises(PluginError) as failure:
        load()
    assert message in str(failure.value)
    assert "Traceback" not in str(failure.value)


def test_the_setting_selects_plugins_and_refuses_unknown_ones(monkeypatch):
    installed(monkeypatch, one="ok_one", two="needs_missing")
    assert [m.name for m in load({"platform.plugins": "one"})] == ["one"]
    with pytest.raises(PluginError, match="platform.plugins names 'nine', which is not installed"):
        load({"platform.plugins": "one nine"})


def test_a_broken_plugin_stops_the_app_from_starting(monkeypatch, app_settings):
    from platform_core import main

    installed(monkeypatch, two="needs_missing")
    monkeypatch.setattr(discovery, "ENTRY_POINT_GROUP", GROUP)
    monkeypatch.setattr(discovery.load_plugins, "__defaults__", (GROUP,))
    with pytest.raises(PluginError, match="'two' depends on 'ghost'"):
        main({}, **app_settings)
