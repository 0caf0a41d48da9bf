"""Manifests that are wrong in every way discovery must catch (tests only)."""

from platform_core.modules import PluginManifest


def _include(config):
    """Nothing to wire."""


ok_one = PluginManifest(name="one", title="One", version="1.0", includeme=_include)
needs_missing = PluginManifest(name="two", title="Two", version="1.0", includeme=_include, depends=("ghost",))
needs_new_one = PluginManifest(name="three", title="Three", version="1.0", includeme=_include, depends=("one>=2",))
cycle_a = PluginManifest(name="cyc_a", title="A", version="1.0", includeme=_include, depends=("cyc_b",))
cycle_b = PluginManifest(name="cyc_b", title="B", version="1.0", includeme=_include, depends=("cyc_a",))
bad_name = PluginManifest(name="Bad-Name", title="", version="1.0", includeme=42)
foreign_permission = PluginManifest(name="four", title="Four", version="1.0", includeme=_include,
                                    permissions={"core.members.manage": ("admin",)})
not_a_manifest = {"name": "five"}
