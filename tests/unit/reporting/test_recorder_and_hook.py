"""The recorder API, the Schemathesis after_validate hook (on a real Schemathesis case), the xdist merge."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import schemathesis
from schemathesis.core.failures import FailureGroup

from contracts.reports.coverage import accepted_rule_hint, header_enum_values, record_header_enums
from contracts.reports.events import (
    CheckEvent,
    EnumValueEvent,
    EventLog,
    HeaderRuleEvent,
    TallyEvent,
    collect_run_events,
    merge_event_files,
    worker_events_path,
)
from contracts.reports.recorder import (
    PASS_SAMPLE,
    Recorder,
    case_id,
    pop_recorder,
    push_recorder,
    record_check,
)
from contracts.reports.summary import RunMeta, k_expression, summarize
from contracts.schemathesis_ext import register

SCHEMA = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/GetCustomer": {
            "get": {
                "operationId": "GetCustomer",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["Id"],
                                    "properties": {"Id": {"type": "integer"}},
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """A memory recorder on top of the stack, as a pytest session would install one."""
    own = Recorder()
    push_recorder(own)
    try:
        yield own
    finally:
        pop_recorder(own)


def _response(body: object, token: str) -> httpx.Response:
    request = httpx.Request(
        "GET",
        "http://norce.test/GetCustomer",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )
    response = httpx.Response(200, json=body, request=request)
    response.elapsed = timedelta(milliseconds=5)
    return response


def test_hook_records_every_check_and_redacts_failures(recorder: Recorder) -> None:
    register()  # the suite's after_validate hook records every validation
    schema = schemathesis.openapi.from_dict(SCHEMA)
    case = schema["/GetCustomer"]["GET"].Case()
    case.validate_response(_response({"Id": 1}, "tok-good-123456"))
    with pytest.raises(FailureGroup):
        case.validate_response(_response({"Id": "not an int"}, "tok-bad-654321"))
    checks = [e for e in recorder.memory if isinstance(e, CheckEvent)]
    assert checks and {e.operation for e in checks} == {"GetCustomer"}
    assert {e.media_type for e in checks} == {"json"}
    failed = [e for e in checks if not e.passed]
    # The suite's json_schema_conformance is registered globally, so it joins in.
    assert "response_schema_conformance" in [e.check for e in failed]
    assert {e.check for e in failed} <= {"response_schema_conformance", "json_schema_conformance"}
    assert len([e for e in checks if e.passed and e.check == "response_schema_conformance"]) == 1
    # The token sent became a secret: it is in neither the message nor the curl.
    assert failed[0].curl.startswith("curl -X GET") and "tok-bad-654321" not in failed[0].curl
    assert "tok-bad-654321" in recorder.secrets.values()


def test_header_enums_are_read_from_json_and_xml_headers() -> None:
    json_header = '{"AccountId":1,"CustomerFieldsThatAreSet":["Accounts",14,99],"SerializationType":1}'
    assert header_enum_values(json_header) == [
        ("CustomerField", 14, "name"),
        ("CustomerField", 14, "int"),
        ("SerializationType", 1, "int"),
    ]
    assert header_enum_values("{not json") == []
    assert accepted_rule_hint('{"AccountId":1,"JobId":5}') == "HDR-JOBID-IGNORED"
    assert accepted_rule_hint('{"AccountId":1,"SupplierId":5}') == "HDR-SUPPLIER-NEEDS-STORAGE"
    assert accepted_rule_hint('{"AccountId":1}') is None


def test_enum_values_are_recorded_once_per_form(recorder: Recorder) -> None:
    for _ in range(3):
        record_header_enums('{"AccountId":1,"CompanyFieldsThatAreSet":[2]}')
    assert recorder.memory == [EnumValueEvent("CompanyField", 2, "int")]


def test_case_id_is_selectable_with_k() -> None:
    assert case_id("ImportCustomers", "HDR-DEP-ACCOUNTS", "application/xml") == (
        "ImportCustomers-xml-HDR-DEP-ACCOUNTS"
    )
    assert case_id("GetCustomer", "json schema", "application/json; charset=utf-8") == (
        "GetCustomer-json-json_schema"
    )
    assert k_expression("test_api[GET /commerce/customer/1.1/GetCustomer]") == (
        "test_api[GET and /commerce/customer/1.1/GetCustomer]"
    )


def test_passes_are_sampled_and_counted_failures_kept_whole(recorder: Recorder) -> None:
    """A run's report stays small: passes beyond the sample are one count, every failure is an event."""
    for _ in range(PASS_SAMPLE + 7):
        record_check("GetCustomer", "application/json", "not_a_server_error", True)
    record_check("GetCustomer", "application/json", "not_a_server_error", False, detail="500")
    recorder.close()
    written = [e for e in recorder.memory if isinstance(e, CheckEvent)]
    assert [e.passed for e in written] == [True] * PASS_SAMPLE + [False]
    assert [e for e in recorder.memory if isinstance(e, TallyEvent)] == [
        TallyEvent("GetCustomer", "json", "not_a_server_error", None, 7)
    ]
    tally = summarize(recorder.memory, RunMeta(seed=1, target="emulator", duration=0.0)).checks
    assert (tally[("GetCustomer", "json")].run, tally[("GetCustomer", "json")].failed) == (PASS_SAMPLE + 8, 1)


def test_worker_files_merge_into_one_event_list(tmp_path: Path) -> None:
    """What the controller does under xdist: each worker's file merged, then removed."""
    for worker, passed in (("gw0", True), ("gw1", False)):
        log = EventLog(worker_events_path(tmp_path, "run1", worker))
        log.append(
            CheckEvent("GetCustomer", "json", "status_code_conformance", passed, test_id=f"t-{worker}")
        )
        log.append(HeaderRuleEvent("HDR-SYNTAX", "pass"))
        log.close()
    other_run = worker_events_path(tmp_path, "run0", "gw0")
    other_run.write_text(
        json.dumps({"kind": "header_rule", "rule_id": "HDR-PRESENT", "outcome": "pass"}) + "\n"
    )
    with worker_events_path(tmp_path, "run1", "gw1").open("a") as torn:
        torn.write('{"kind": "check", "operat')  # a worker killed mid-line

    events = collect_run_events(tmp_path, "run1")

    assert [e.test_id for e in events if isinstance(e, CheckEvent)] == ["t-gw0", "t-gw1"]
    assert (tmp_path / "events.jsonl").read_text().count("\n") == 4
    assert not worker_events_path(tmp_path, "run1", "gw0").exists()
    assert other_run.exists()  # another run's file is not this run's business
    summary = summarize(events, RunMeta(seed=7, target="emulator", duration=1.0))
    tally = summary.checks[("GetCustomer", "json")]
    assert (tally.run, tally.passed, tally.failed) == (2, 1, 1)
    assert summary.header_rules["HDR-SYNTAX"]["pass"] == 2
    assert summary.failures[0].replay == "norce-contracts run --seed 7 -k t-gw1"


def test_merge_is_stable_regardless_of_file_order(tmp_path: Path) -> None:
    a, b = tmp_path / "b.jsonl", tmp_path / "a.jsonl"
    a.write_text(json.dumps({"kind": "enum", "enum_name": "AccountField", "value": 1, "form": "int"}) + "\n")
    b.write_text(json.dumps({"kind": "enum", "enum_name": "AccountField", "value": 0, "form": "xml"}) + "\n")
    events = merge_event_files([a, b], tmp_path / "merged.jsonl")
    assert events == [EnumValueEvent("AccountField", 0, "xml"), EnumValueEvent("AccountField", 1, "int")]


def test_repeated_failures_collapse_to_the_last_example() -> None:
    events = [
        CheckEvent(
            "ImportCompanies", "xml", "header_rule_oracle", False, "HDR-SYNTAX", f"example {n}", "t::x", "x"
        )
        for n in range(3)
    ]
    summary = summarize(events, RunMeta(seed=None, target="https://tenant.example", duration=0.0))
    assert len(summary.failures) == 1
    failure = summary.failures[0]
    assert (failure.message, failure.occurrences) == ("example 2", 3)
    assert failure.replay == "norce-contracts run --target https://tenant.example -k x"
