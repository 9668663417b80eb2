"""Schemathesis property tests over every Customer Service 1.1 operation, in JSON and XML.

Same shape as the Connect module: positive and negative cases, all built-in checks plus
contracts.schemathesis_ext.checks, `Accept` per call. Reads (GET) and writes (POST) are separate tests so a
read-only tenant run keeps the reads; the writes carry the `writes` marker and are deselected there.
"""

from __future__ import annotations

from typing import Any

import pytest

from contracts.oracle.spec import CUSTOMER_SERVICE_SPEC
from contracts.schemathesis_ext.schemas import (
    ACCEPTS,
    call_headers,
    cases,
    keep_dropped_headers_dropped,
    load_schema,
)
from contracts.suite.conftest import collection_settings
from contracts.transport.auth import AuthSession
from contracts.transport.target import Target

pytestmark = [pytest.mark.contract, pytest.mark.generated]  # cases drawn from the seed

# The coverage phase (every boundary and mutation the schema defines, not bounded by max-examples) stays on
# for the reads, whose inputs are a few query parameters. On the writes it yields ~1000 cases per
# Customer-body operation (minutes per run), so there only examples and fuzzing run
# (`phases.coverage.enabled = false`).
SETTINGS = collection_settings()
read_schema = load_schema(
    CUSTOMER_SERVICE_SPEC,
    seed=SETTINGS.seed,
    max_examples=SETTINGS.max_examples,
    rate=SETTINGS.rate,
    smoke=SETTINGS.smoke,
)
write_schema = load_schema(
    CUSTOMER_SERVICE_SPEC,
    seed=SETTINGS.seed,
    max_examples=SETTINGS.max_examples,
    rate=SETTINGS.rate,
    coverage={"enabled": False},
    smoke=SETTINGS.smoke,
)


@pytest.mark.parametrize("accept", ACCEPTS)
@cases(read_schema.include(method="GET"))
def test_customer_service_reads(
    case: Any, accept: str, target: Target, norce_auth: AuthSession, schemathesis_call: Any
) -> None:
    headers = keep_dropped_headers_dropped(case, call_headers(norce_auth, "oauth", accept))
    schemathesis_call(case, base_url=target.customer_url, headers=headers)


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
@cases(write_schema.include(method="POST"))
def test_customer_service_writes(
    case: Any, accept: str, target: Target, norce_auth: AuthSession, schemathesis_call: Any
) -> None:
    headers = keep_dropped_headers_dropped(case, call_headers(norce_auth, "oauth", accept))
    schemathesis_call(case, base_url=target.customer_url, headers=headers)
