"""The core's tests use the platform's own test kit (platform_core.testing)."""

from importlib.metadata import EntryPoint

import pytest

from platform_core.modules import discovery
from platform_core.testing.plugin import build_app

SAMPLE_PLUGINS = (
    EntryPoint(name="alpha", value="tests.support.sample_plugins:alpha", group=discovery.ENTRY_POINT_GROUP),
    EntryPoint(name="beta", value="tests.support.sample_plugins:beta", group=discovery.ENTRY_POINT_GROUP),
)


@pytest.fixture(scope="session", autouse=True)
def sample_plugins_installed():
    """The test plugins alpha and beta appear installed, beside the real ones."""
    real = discovery.entry_points

    def with_samples(group):
        found = list(real(group=group))
        return found + list(SAMPLE_PLUGINS) if group == discovery.ENTRY_POINT_GROUP else found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(discovery, "entry_points", with_samples)
        yield


@pytest.fixture(scope="session")
def app_settings(app_settings):
    """The kit's settings plus routes that exist only to probe the core's behaviour."""
    return {**app_settings, "platform.includes": "tests.support.probe_routes"}


@pytest.fixture(scope="session")
def app(app_settings, sample_plugins_installed):
    """The core suite's own app: probe routes and the sample plugins besides the installed ones."""
    yield from build_app(app_settings)
