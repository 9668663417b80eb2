"""Schemathesis property tests over every Connect 4.0 operation (imports and the Job service).

Positive and negative cases, all built-in checks (not_a_server_error, status_code_conformance,
content_type_conformance, response_schema_conformance, response_headers_conformance, negative_data_rejection,
positive_data_acceptance, missing_required_header, ignored_auth, ...) plus the suite's own checks
(contracts.schemathesis_ext.checks), once with `Accept: application/json` and once with `Accept:
application/xml`. Accept is passed per call (`headers=`): Schemathesis never negotiates it
(docs/schemathesis-notes.md §0.5, §5.3). Import bodies in XML go through the suite's serializer
(contracts.schemathesis_ext.serializers).
"""

from __future__ import annotations

from typing import Any

import pytest

from contracts.oracle.spec import CONNECT_SPEC
from contracts.schemathesis_ext.schemas import ACCEPTS, call_headers, cases, load_schema
from contracts.schemathesis_ext.shards import Shard, in_shard, shard_count, shards
from contracts.suite.conftest import collection_settings
from contracts.transport.auth import AuthSession
from contracts.transport.target import Target

pytestmark = [pytest.mark.contract, pytest.mark.generated]  # cases drawn from the seed

SETTINGS = collection_settings()
schema = load_schema(
    CONNECT_SPEC,
    seed=SETTINGS.seed,
    max_examples=SETTINGS.max_examples,
    rate=SETTINGS.rate,
    smoke=SETTINGS.smoke,
)
# The coverage phase's request variants (hundreds per import body) do not depend on the response media type,
# so they run once, with `Accept: application/json`; XML answers get the examples and fuzzing phases.
schema_without_coverage = load_schema(
    CONNECT_SPEC,
    seed=SETTINGS.seed,
    max_examples=SETTINGS.max_examples,
    rate=SETTINGS.rate,
    coverage={"enabled": False},
    smoke=SETTINGS.smoke,
)


@pytest.mark.parametrize("accept", ACCEPTS)
@cases(schema.include(method="GET"))
def test_connect_reads(
    case: Any, accept: str, target: Target, norce_auth: AuthSession, schemathesis_call: Any
) -> None:
    headers = call_headers(norce_auth, target.connect_auth, accept)
    schemathesis_call(case, base_url=target.connect_url, headers=headers)


# The coverage phase of an import body is thousands of cases: spread over shards, several workers send them
# side by side (each case in exactly one shard; contracts/schemathesis_ext/shards.py).
IMPORT_SHARDS = shards(shard_count(workers=SETTINGS.workers, smoke=SETTINGS.smoke))


@pytest.mark.writes
@pytest.mark.parametrize("shard", IMPORT_SHARDS, ids=[shard.label for shard in IMPORT_SHARDS])
@cases(schema.include(method="POST"))
def test_connect_imports(
    case: Any, shard: Shard, target: Target, norce_auth: AuthSession, schemathesis_call: Any
) -> None:
    if not in_shard(case, shard):
        return  # another shard sends this case
    headers = call_headers(norce_auth, target.connect_auth, "application/json")
    schemathesis_call(case, base_url=target.connect_url, headers=headers)


@pytest.mark.writes
@cases(schema_without_coverage.include(method="POST"))
def test_connect_imports_answered_in_xml(
    case: Any, target: Target, norce_auth: AuthSession, schemathesis_call: Any
) -> None:
    headers = call_headers(norce_auth, target.connect_auth, "application/xml")
    schemathesis_call(case, base_url=target.connect_url, headers=headers)
