"""Thin: gives collection-time code (module-level Schemathesis schemas) the run's settings, and the
Schemathesis tests their shared HTTP session.

Schemathesis builds its Hypothesis tests while collecting, so the seed and the example budget must be known
when a test module is imported, before any fixture runs. The plugin keeps them in `config.stash`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from contracts.pytest_plugin import SuiteSettings, suite_settings
from contracts.transport.target import Target

_configs: list[pytest.Config] = []


def pytest_configure(config: pytest.Config) -> None:
    _configs[:] = [config]


def collection_settings() -> SuiteSettings:
    """The plugin's settings for this run (seed, max examples, target) during collection."""
    if not _configs:
        raise RuntimeError("the contracts pytest plugin is not configured")
    return suite_settings(_configs[0])


@pytest.fixture(scope="session")
def schemathesis_session(target: Target) -> Iterator[requests.Session]:
    """One keep-alive session for every Schemathesis call (a new one per call cost a connection and a scan
    of the proxy environment each). Proxy settings are honoured for tenants, pointless on loopback."""
    with requests.Session() as session:
        session.trust_env = not target.is_emulator
        yield session
