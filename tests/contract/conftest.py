"""Thin: gives collection-time code (module-level Schemathesis schemas) the run's settings.

Schemathesis builds its Hypothesis tests while collecting, so the seed and the example budget must be known
when a test module is imported, before any fixture runs. The plugin keeps them in `config.stash`.
"""

from __future__ import annotations

import pytest

from contracts.pytest_plugin import SuiteSettings, suite_settings

_configs: list[pytest.Config] = []


def pytest_configure(config: pytest.Config) -> None:
    _configs[:] = [config]


def collection_settings() -> SuiteSettings:
    """The plugin's settings for this run (seed, max examples, target) during collection."""
    if not _configs:
        raise RuntimeError("the contracts pytest plugin is not configured")
    return suite_settings(_configs[0])
