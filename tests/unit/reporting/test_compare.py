"""Observations and the comparison: answer shapes without values, the document, what counts as a change, what
is sampling noise, the policy, and the reports the comparison writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.cli import main
from contracts.oracle.shapes import answer_shape
from contracts.reports.compare import (
    ENUM_APPEARED,
    FACT_LOST,
    FIXED_FAILURE,
    JOB_TIMING,
    MEMBER_APPEARED,
    NEW_DEVIATION,
    NEW_FAILURE,
    STATUS_APPEARED,
    TYPE_CHANGED,
    compare,
    fails,
    parse_policy,
)
from contracts.reports.compare_report import write_comparison
from contracts.reports.observations import (
    ObservationLog,
    document,
    merged_marks,
    read_document,
    write_document,
)


def test_an_answer_shape_keeps_members_types_and_enum_values_never_other_values() -> None:
    body = json.dumps(
        {"Id": 12, "Code": "nct-1", "Companies": [{"Id": 1}, {"Id": 2, "Name": None}], "StatusId": 2}
    ).encode()
    shape, enums = answer_shape(body, "application/json; charset=utf-8")
    assert ("Companies[].Id", "integer") in shape and ("Companies[].Name", "null") in shape
    assert enums == {("StatusId", "2")}
    assert "nct-1" not in repr(shape)  # values are not kept
    xml = b'<ErrorMessage xmlns="x"><Messages><KeyValue><Key>LoginFailed</Key></KeyValue></Messages>'
    xml += b"</ErrorMessage>"
    shape, enums = answer_shape(xml, "application/xml")
    assert ("ErrorMessage/Messages/KeyValue/Key", "text") in shape and enums == {("Key", "LoginFailed")}
    assert answer_shape(b"", "application/json") == ({("$", "empty")}, set())


def test_a_key_is_an_enumeration_only_as_an_error_key_never_as_an_entity_s_guid() -> None:
    # Customer.Key, Account.Key, Companies[].Key are GUIDs, new in every run: as enumeration values two runs
    # of one release differed in thousands of them.
    guid = "67c85296-30e9-4211-ae56-b908797569ce"
    body = {"Key": guid, "Account": {"Key": guid}, "Companies": [{"Key": guid}]}
    assert answer_shape(json.dumps(body).encode(), "application/json")[1] == set()
    error = {"Messages": [{"Key": "CustomerNotFound", "Value": "no customer 7"}]}
    assert answer_shape(json.dumps(error).encode(), "application/json")[1] == {("Key", "CustomerNotFound")}
    xml = (
        f'<CustomerList xmlns="x"><Customer><Key>{guid}</Key><Account><Key>{guid}</Key></Account></Customer>'
    )
    assert answer_shape((xml + "</CustomerList>").encode(), "application/xml")[1] == set()


def test_an_undeclared_operation_is_observed_under_one_name_whatever_the_run_called_it() -> None:
    # A test asks for NoSuchOperation<run id>: each run names it differently.
    first, second = ObservationLog(), ObservationLog()
    first.answer("NoSuchOperation37daf9c8", "json", 404, b"{}", "application/json", False)
    second.answer("NoSuchOperation55ca6b41", "json", 404, b"{}", "application/json", False)
    first.mark(("outcome", "NoSuchOperation37daf9c8", "CS-UNKNOWN-OP", "pass"), False)
    second.mark(("outcome", "NoSuchOperation55ca6b41", "CS-UNKNOWN-OP", "pass"), False)
    documents = [document(*merged_marks([log.as_data()]), [], {}) for log in (first, second)]
    assert compare(*documents).changes == []
    assert "(undeclared) json" in documents[0]["statuses"]
    second.answer("GetCustomer", "json", 200, b"null", "application/json", False)
    assert "GetCustomer json" in document(*merged_marks([second.as_data()]), [], {})["statuses"]


def observations(*answers: tuple[str, int, dict[str, object], bool], outcomes=(), jobs=()) -> dict:  # type: ignore[no-untyped-def]
    log = ObservationLog()
    for operation, status, body, generated in answers:
        log.answer(operation, "json", status, json.dumps(body).encode(), "application/json", generated)
    for key, generated in outcomes:
        log.mark(("outcome", *key), generated)
    for seconds in jobs:
        log.job_time(seconds)
    marks, job_seconds = merged_marks([log.as_data()])
    return document(marks, job_seconds, ["F-A"], {"seed": 1})


def test_the_same_observations_compare_as_unchanged() -> None:
    run = observations(
        ("GetCustomer", 200, {"Id": 1}, False), outcomes=[(("GetCustomer", "J", "pass"), False)]
    )
    assert compare(run, run).changes == []


def test_members_statuses_enums_outcomes_timing_and_coverage_changes_are_reported() -> None:
    before = observations(
        ("GetCustomer", 200, {"Id": 1, "Email": "a"}, False),
        outcomes=[(("GetCustomer", "J-DOC", "pass"), False), (("GetCompany", "J-OLD", "failure"), False)],
        jobs=[0.1] * 20,
    )
    after = observations(
        ("GetCustomer", 200, {"Id": "1", "Email": "a", "ExternalId": None}, False),
        ("GetCustomer", 404, {"Messages": [{"Key": "NotFound", "Value": "-"}]}, False),
        outcomes=[(("GetCustomer", "J-DOC", "failure"), False), (("GetCompany", "J-OLD", "pass"), False)],
        jobs=[6.0] * 20,
    )
    after["facts"]["exercised"] = []
    kinds = {(c.kind, c.what) for c in compare(before, after).real}
    assert (NEW_FAILURE, "J-DOC") in kinds and (FIXED_FAILURE, "J-OLD") in kinds
    assert (MEMBER_APPEARED, "ExternalId") in kinds and (TYPE_CHANGED, "Id") in kinds
    assert (STATUS_APPEARED, "404") in kinds and (ENUM_APPEARED, "Key=NotFound") in kinds
    assert (JOB_TIMING, "p95") in kinds and (FACT_LOST, "F-A") in kinds


def test_what_only_generated_cases_saw_is_noise_and_never_fails() -> None:
    before = observations(("GetCustomer", 200, {"Id": 1}, False))
    after = observations(
        ("GetCustomer", 200, {"Id": 1}, False),
        ("GetCustomer", 400, {"Key": "BodyMalformed"}, True),  # a random body's answer
        outcomes=[(("GetCustomer", "positive_data_acceptance", "deviation"), True)],
    )
    comparison = compare(before, after)
    assert comparison.real == [] and {c.kind for c in comparison.noise} >= {STATUS_APPEARED, NEW_DEVIATION}
    assert fails(comparison, parse_policy("all")) == []


def test_the_policy_fails_on_new_failures_always_and_on_the_rest_when_asked() -> None:
    before = observations(outcomes=[(("GetCustomer", "J", "pass"), False)])
    deviating = observations(outcomes=[(("GetCustomer", "J", "deviation"), False)])
    failing = observations(outcomes=[(("GetCustomer", "J", "failure"), False)])
    assert [c.kind for c in fails(compare(before, failing), parse_policy(None))] == [NEW_FAILURE]
    assert fails(compare(before, deviating), parse_policy(None)) == []
    assert [c.kind for c in fails(compare(before, deviating), parse_policy("deviations"))] == [NEW_DEVIATION]
    with pytest.raises(ValueError, match="unknown colours"):
        parse_policy("colours")


def test_the_comparison_is_written_as_markdown_html_junit_and_to_the_step_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    step_summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    before = observations(outcomes=[(("GetCustomer", "J", "pass"), False)])
    after = observations(outcomes=[(("GetCustomer", "J", "failure"), False)])
    comparison = compare(before, after)
    write_comparison(comparison, fails(comparison, parse_policy(None)), tmp_path)
    markdown = (tmp_path / "compare.md").read_text(encoding="utf-8")
    assert "new failure (1)" in markdown and "| new failure | GetCustomer | J |" in markdown
    assert (
        '<testcase classname="compare" name="new failure"><failure'
        in (tmp_path / "compare-junit.xml").read_text()
    )
    assert step_summary.read_text(encoding="utf-8") == markdown + "\n"


def test_the_compare_command_exits_by_the_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base, current = tmp_path / "base", tmp_path / "current"
    base.mkdir(), current.mkdir()
    write_document(observations(outcomes=[(("GetCustomer", "J", "pass"), False)]), base)
    write_document(observations(outcomes=[(("GetCustomer", "J", "deviation"), False)]), current)
    assert read_document(base)["version"] == 1
    args = ["compare", str(base), str(current), "--report-dir", str(tmp_path / "out")]
    assert main(args) == 0
    assert main([*args, "--fail-on", "deviations"]) == 1
    assert main(["compare", str(base), str(tmp_path / "nothing")]) == 2
    assert "no observations at" in capsys.readouterr().err


def test_the_compare_command_loads_neither_httpx_nor_pytest_nor_the_http_client() -> None:
    # `norce-contracts compare` on a release morning: these imports took seconds on a loaded machine, the
    # comparison itself a fraction of one.
    import subprocess
    import sys

    heavy = ("httpx", "pytest", "schemathesis", "xmlschema", "contracts.transport.client")
    probe = f"import sys, contracts.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_a_job_seen_still_running_or_not_is_timing_not_a_change() -> None:
    # With 80 ms more per answer every poll found the job finished: StatusId 1 was never seen.
    running = observations(("JobGet", 200, {"StatusId": 1}, False), ("JobGet", 200, {"StatusId": 2}, False))
    finished = observations(("JobGet", 200, {"StatusId": 2}, False))
    comparison = compare(running, finished)
    assert comparison.real == [] and [c.what for c in comparison.noise] == ["StatusId=1"]
    failed = observations(("JobGet", 200, {"StatusId": 3}, False))
    assert (ENUM_APPEARED, "StatusId=3") in {(c.kind, c.what) for c in compare(finished, failed).real}
    # Job/List lists other tests' jobs (on a tenant, other users'): what it shows depends on what ran before.
    listed = observations(("JobList", 200, [{"StatusId": 2}], False))
    listed_later = observations(("JobList", 200, [{"StatusId": 2}, {"StatusId": 4}], False))
    assert compare(listed, listed_later).real == []
