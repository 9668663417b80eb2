"""Thin: gives collection-time code (module-level Schemathesis schemas) the run's settings, and the
Schemathesis tests their shared HTTP session.

Schemathesis builds its Hypothesis tests while collecting, so the seed and the example budget must be known
when a test module is imported, before any fixture runs. The plugin keeps them in `config.stash`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from contracts.pytest_plugin import SuiteSettings, suite_settings
from contracts.schemathesis_ext.case_gate import CaseGate
from contracts.schemathesis_ext.schemas import call_and_validate
from contracts.transport.client import NorceClient
from contracts.transport.requests_adapter import client_session

_configs: list[pytest.Config] = []


def pytest_configure(config: pytest.Config) -> None:
    _configs[:] = [config]


def collection_settings() -> SuiteSettings:
    """The plugin's settings for this run (seed, max examples, target) during collection."""
    if not _configs:
        raise RuntimeError("the contracts pytest plugin is not configured")
    return suite_settings(_configs[0])


@pytest.fixture(scope="session")
def schemathesis_session(norce: NorceClient) -> Iterator[requests.Session]:
    """The session every Schemathesis call is given: its adapter sends through the run's NorceClient, so
    cases and probes pass the guard, the pacer, the 429/401 handling, the namespace check and the ledger."""
    with client_session(norce) as session:
        yield session


@pytest.fixture(scope="session")
def schemathesis_call(schemathesis_session: requests.Session, case_gate: CaseGate) -> Callable[..., Any]:
    """`schemathesis_call(case, base_url=..., headers=...)`: the gate, then call and validate."""
    return functools.partial(call_and_validate, session=schemathesis_session, gate=case_gate)
