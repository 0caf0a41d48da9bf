"""The core's tests use the platform's own test kit (platform_core.testing)."""

import pytest


@pytest.fixture(scope="session")
def app_settings(app_settings):
    """The kit's settings plus routes that exist only to probe the core's behaviour."""
    return {**app_settings, "platform.includes": "tests.support.probe_routes"}
