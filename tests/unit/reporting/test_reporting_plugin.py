"""The reporting plugin end to end: a tiny fake contract suite run with pytester (in-process, fast)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

PLANTED_SECRET = "planted-client-secret-4711"

CONFTEST = """
pytest_plugins = ["contracts.pytest_plugin"]
"""

FAKE_SUITE = """
import pytest
from contracts.reports import recorder as reporting
from contracts.reports.coverage import record_header_enums
from contracts.reports.plugin import case_param

pytestmark = pytest.mark.contract


def test_get_customer():
    reporting.record_check("GetCustomer", "application/json", "status_code_conformance", True)
    reporting.record_check("GetCustomer", "application/json", "json_schema_conformance", True)
    reporting.record_check("GetCustomer", "application/json", "not_a_server_error", True)
    reporting.record_check("GetCustomer", "application/xml; charset=utf-8", "xml_xsd_conformance", True)
    reporting.record_header_rule("HDR-PRESENT", "pass", operation="ImportCompanies")
    record_header_enums('{"AccountId":1,"CompanyFieldsThatAreSet":[2,"Name"]}')
    record_header_enums(
        '<CustomerHeader xmlns="Enferno.Services.StormConnect.Contracts.Customer">'
        '<AccountId xmlns="Enferno.Services.StormConnect.Contracts">1</AccountId>'
        '<CustomerFieldsThatAreSet><CustomerField>19</CustomerField></CustomerFieldsThatAreSet>'
        '</CustomerHeader>'
    )


@pytest.mark.parametrize(
    "rule", [case_param("HDR-DEP-ACCOUNTS", operation="ImportCustomers", rule="HDR-DEP-ACCOUNTS",
                        media_type="application/xml")]
)
def test_rule(rule):
    reporting.record_check(
        "ImportCustomers", "application/xml", "header_rule_oracle", False, rule,
        "expected 400 HDR-DEP-ACCOUNTS, got 200; sent Authorization: Bearer tok-abcdef123456",
        curl="curl -X POST http://127.0.0.1/commerce/connect/4.0/Customer/ImportCustomers",
    )
    reporting.record_header_rule(rule, "fail", operation="ImportCustomers")
    assert False, "header rule not enforced"


def test_plain_assertion():
    reporting.current_recorder().note_request("curl -X GET 'http://127.0.0.1/commerce/customer/1.1/GetCompany?id=7'")
    reporting.record_check("GetCompany", "application/json", "status_code_conformance", True)
    assert 1 == 2, "company name differs"
"""

# A test that imports, reads the job log and fails its read-back: the chain, the breaking request (the
# import, not the last request) and the whole message.
CHAIN_TEST = """
import httpx
from contracts.reports import recorder as reporting
from contracts.reports.verdicts import judge
from contracts.transport.exchange import Exchange

import pytest

pytestmark = pytest.mark.contract
CONNECT = "http://127.0.0.1/commerce/connect/4.0"


def test_read_back():
    recorder = reporting.current_recorder()
    sent = httpx.Request(
        "POST", f"{CONNECT}/Customer/ImportCustomers",
        headers={"X-StormConnect-Header": '{"AccountId":1,"CustomerFieldsThatAreSet":[2]}',
                 "Authorization": "Bearer tok-abcdef123456", "Content-Type": "application/json"},
        content=b'[{"Code":"' + b"c" * 60 + b'"}]',
    )
    recorder.note_exchange(Exchange.of(sent, httpx.Response(200, json={"JobId": "7"}), "ImportCustomers"))
    log = [{"SeverityId": 3, "Message": "Item 0: Customer.Code is longer than 50 characters"}]
    token = {"Authorization": "Bearer tok-abcdef123456"}
    read = httpx.Request("GET", f"{CONNECT}/Job/GetLog?id=7", headers=token)
    recorder.note_exchange(Exchange.of(read, httpx.Response(200, json=log), "JobGetLog"))
    judge("IMP-READ-BACK", False, "Code: sent " + "c" * 600 + ", read nothing. END-OF-MESSAGE")
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for name in ("NORCE_TARGET", "NORCE_CLIENT_SECRET", "NORCE_EMULATOR_APP"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_fake_contract=FAKE_SUITE)
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "--seed", "1234", "--junitxml=reports/junit.xml", "-p", "no:cacheprovider", *args
    )


def read(pytester: pytest.Pytester, name: str) -> str:
    return (pytester.path / "reports" / name).read_text(encoding="utf-8")


def test_summary_markdown_has_run_data_counts_coverage_and_failures(suite: pytest.Pytester) -> None:
    result = run(suite)
    result.assert_outcomes(passed=1, failed=2)
    summary = read(suite, "summary.md")
    assert "- seed: `1234`" in summary
    assert "- target: `emulator`" in summary
    assert "- checks: 6 run, 5 passed, 1 failed" in summary
    assert "| GetCustomer | json | 3 | 3 | 0 |" in summary
    assert "| GetCustomer | xml | 1 | 1 | 0 |" in summary
    assert "| ImportCustomers | xml | 1 | 0 | 1 |" in summary
    assert "| HDR-PRESENT | yes | pass x1 |" in summary
    assert "| HDR-DEP-ACCOUNTS | yes | fail x1 |" in summary
    assert "| HDR-SYNTAX | no | - |" in summary
    assert "## Header rules (2/14 exercised)" in summary
    assert "| 2 | Code | yes |  |  |" in summary  # CompanyField 2 as an integer
    assert "| 4 | Name |  | yes |  |" in summary  # CompanyField 4 by name
    assert "| 19 | Companies |  |  | yes |" in summary  # CustomerField 19 in an XML header
    assert "| 3 | OrganizationNo |  |  |  |" in summary  # never sent


def test_failure_entries_carry_curl_replay_and_redacted_message(suite: pytest.Pytester) -> None:
    run(suite)
    summary = read(suite, "summary.md")
    assert (
        "### 1. HDR-DEP-ACCOUNTS — ImportCustomers [xml] — test_rule[ImportCustomers-xml-HDR-DEP-ACCOUNTS]"
        in summary
    )
    assert "curl -X POST http://127.0.0.1/commerce/connect/4.0/Customer/ImportCustomers" in summary
    assert "norce-contracts run --seed 1234 -k 'test_rule[ImportCustomers-xml-HDR-DEP-ACCOUNTS]'" in summary
    assert "tok-abcdef123456" not in summary and "Bearer [REDACTED]" in summary
    # A failure no check recorded: the test's own message and its last request.
    assert "company name differs" in summary
    assert "curl -X GET 'http://127.0.0.1/commerce/customer/1.1/GetCompany?id=7'" in summary
    assert "norce-contracts run --seed 1234 -k test_plain_assertion" in summary
    failures = sorted((suite.path / "reports" / "failures").glob("*.txt"))
    assert [f.name for f in failures] == [
        "001-HDR-DEP-ACCOUNTS-ImportCustomers.txt",
        "002-assertion-GetCompany.txt",
    ]
    text = failures[0].read_text(encoding="utf-8")
    assert (
        "judgement: HDR-DEP-ACCOUNTS" in text and "replay the test:\nnorce-contracts run --seed 1234" in text
    )
    assert summary.index("## Failures (2)") < summary.index("## Checks per operation")  # failures first


def test_a_failure_file_holds_the_whole_message_the_chain_and_the_breaking_request(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(test_chain=CHAIN_TEST)
    run(suite, "test_chain.py").assert_outcomes(failed=1)
    (text_file,) = (suite.path / "reports" / "failures").glob("*.txt")
    assert text_file.name == "001-IMP-READ-BACK-ImportCustomers.txt"
    text = text_file.read_text(encoding="utf-8")
    assert "END-OF-MESSAGE" in text  # the whole message, not its first 300 characters
    assert "Item 0: Customer.Code is longer than 50 characters" in text  # the job log, in the chain
    assert "1. POST http://127.0.0.1/commerce/connect/4.0/Customer/ImportCustomers [ImportCustomers]" in text
    assert "<== the request that broke the contract" in text.split("\n2. ")[0]
    assert 'X-StormConnect-Header: {"AccountId":1,"CustomerFieldsThatAreSet":[2]}' in text
    curl = text.split("reproduce the request that broke the contract:\n", 1)[1].splitlines()[0]
    assert curl.startswith("curl -X POST") and "ImportCustomers" in curl
    assert "tok-abcdef123456" not in text
    script = text_file.with_suffix(".sh").read_text(encoding="utf-8")
    assert script.count("curl -X") == 2 and '"Authorization: Bearer $NORCE_TOKEN"' in script
    assert "tok-abcdef123456" not in script


def test_html_is_self_contained_and_has_the_same_tables(suite: pytest.Pytester) -> None:
    run(suite)
    page = read(suite, "summary.html")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "<link" not in page
    assert '<td>GetCustomer</td><td>json</td><td class="num">3</td>' in page
    assert '<tr class="bad"><td>HDR-DEP-ACCOUNTS</td><td>yes</td><td>fail x1</td></tr>' in page
    assert '<tr class="missing"><td>HDR-SYNTAX</td><td>no</td><td>-</td></tr>' in page
    assert (
        "norce-contracts run --seed 1234 -k &#x27;test_rule[ImportCustomers-xml-HDR-DEP-ACCOUNTS]&#x27;"
        in page
    )


def test_junit_has_one_case_per_operation_and_rule_with_properties(suite: pytest.Pytester) -> None:
    run(suite)
    root = ET.fromstring(read(suite, "junit.xml"))
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert "test_rule[ImportCustomers-xml-HDR-DEP-ACCOUNTS]" in cases
    properties = {
        p.get("name"): p.get("value")
        for p in cases["test_rule[ImportCustomers-xml-HDR-DEP-ACCOUNTS]"].iter("property")
    }
    assert properties["seed"] == "1234"
    assert properties["target"] == "emulator"
    assert properties["operation"] == "ImportCustomers"
    assert properties["rule_id"] == "HDR-DEP-ACCOUNTS"
    assert properties["media_type"] == "xml"
    assert properties["checks_failed"] == "1"


def test_progress_line_per_operation_unless_quiet(suite: pytest.Pytester) -> None:
    result = run(suite)
    result.stdout.fnmatch_lines(
        [
            "norce: GetCustomer [json,xml] tests 1, checks 4, failed 0",
            "norce: ImportCustomers [xml] tests 1, checks 1, failed 1",
            "norce: GetCompany [json] tests 1, checks 1, failed 0",
        ]
    )
    quiet = run(suite, "-q")
    assert not re.search(r"^norce: ", quiet.stdout.str(), re.MULTILINE)
    assert "norce-contracts: reports in reports/" in quiet.stdout.str()


def test_secret_scan_fails_a_green_run_that_leaked_a_secret(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NORCE_CLIENT_SECRET", PLANTED_SECRET)
    monkeypatch.delenv("NORCE_TARGET", raising=False)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_leak=f"""
        import pathlib
        import pytest

        @pytest.mark.contract
        def test_writes_a_report_file():
            path = pathlib.Path("reports") / "debug.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text("Authorization: Basic {PLANTED_SECRET}\\n")
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["*SECRET LEAK: 1 secret occurrence(s)*", "*debug.txt:1: contains NORCE_CLIENT_SECRET*"]
    )
    assert PLANTED_SECRET not in result.stdout.str()


def test_secret_scan_passes_clean_output_even_when_secrets_were_recorded(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NORCE_CLIENT_SECRET", PLANTED_SECRET)
    monkeypatch.delenv("NORCE_TARGET", raising=False)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_clean=f"""
        import pytest
        from contracts.reports import recorder as reporting

        @pytest.mark.contract
        def test_records_a_secret_in_a_detail():
            reporting.register_secret("test password", "Pa55word-for-test")
            reporting.record_check("Login", "application/json", "status_code_conformance", False, None,
                                   "sent {PLANTED_SECRET} and Pa55word-for-test")
        """
    )
    result = run(pytester)
    assert result.ret == pytest.ExitCode.OK
    assert "SECRET LEAK" not in result.stdout.str()
    summary = read(pytester, "summary.md")
    assert "sent [REDACTED] and [REDACTED]" in summary


def test_unit_only_runs_leave_the_report_directory_alone(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_unit="def test_plain():\n    assert True\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.OK
    assert not Path(pytester.path / "reports" / "summary.md").exists()


def test_xdist_workers_are_merged_and_their_secrets_scanned(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two real workers (a subprocess run, ~4 s): events from both, a worker-only secret still caught."""
    monkeypatch.delenv("NORCE_TARGET", raising=False)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_spread="""
        import pathlib
        import pytest
        from contracts.reports import recorder as reporting

        pytestmark = pytest.mark.contract

        @pytest.mark.parametrize("n", range(6))
        def test_check(n):
            reporting.record_check(f"Op{n % 2}", "application/json", "c", n != 3)

        def test_leak():
            reporting.register_secret("test password", "worker-only-pass-99")
            pathlib.Path("reports").mkdir(exist_ok=True)
            pathlib.Path("reports/debug.txt").write_text("password=worker-only-pass-99")
        """
    )
    result = pytester.runpytest_subprocess("-n", "2", "--seed", "5", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*SECRET LEAK*", "*debug.txt:1: contains test password#*"])
    summary = read(pytester, "summary.md")
    assert "| Op0 | json | 3 | 3 | 0 |" in summary and "| Op1 | json | 3 | 2 | 1 |" in summary
    assert not (pytester.path / "reports" / ".norce-events").exists()


def test_tests_that_wait_job_after_job_are_collected_first_longest_first(pytester: pytest.Pytester) -> None:
    """An xdist worker's collection puts the longest job chains first (xdist hands tests out in collection
    order, so each starts at once on its own worker); the rest keep their order. One process keeps the order
    as written."""
    from types import SimpleNamespace

    from contracts.pytest_plugin import job_chains_first

    pytester.makeconftest(CONFTEST)
    source = """
import pytest

def test_a(): pass

@pytest.mark.job_chain(3)
def test_short_chain(): pass

def test_b(): pass

@pytest.mark.job_chain(10)
def test_long_chain(): pass

def test_c(): pass
"""
    as_written = ["test_a", "test_short_chain", "test_b", "test_long_chain", "test_c"]
    items = pytester.getitems(source)
    job_chains_first(SimpleNamespace(), items)
    assert [item.name for item in items] == as_written
    job_chains_first(SimpleNamespace(workerinput={"workerid": "gw0"}), items)
    assert [item.name for item in items] == [
        "test_long_chain",
        "test_short_chain",
        "test_a",
        "test_b",
        "test_c",
    ]


def test_an_xdist_group_is_accepted_without_xdist(pytester: pytest.Pytester) -> None:
    """The self-check runs the suite with `-p no:xdist`; the suite's xdist_group mark must not be an unknown
    marker there (the project runs with --strict-markers)."""
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_grouped="""
import pytest

pytestmark = pytest.mark.xdist_group("together")

def test_grouped(): pass
"""
    )
    result = pytester.runpytest("-p", "no:xdist", "--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_failing_test_names_the_judgements_it_broke_in_junit(pytester: pytest.Pytester) -> None:
    """Each failure carries `failed_judgement` properties (judgement|operations|media), so the self-check
    attributes it to a fact: from `judge` (with or without an operation), a ContractViolation raised directly
    or inside an exception group, and a Schemathesis check the recorder saw fail."""
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_judged="""
import pytest
from contracts.reports.recorder import current_recorder
from contracts.reports.verdicts import ContractViolation, judge

pytestmark = pytest.mark.contract

def test_judged_on_an_operation():
    judge("CS-WRITES", True, "fine", operation="GetCustomer")
    judge("CS-WRITES", False, "differs", operation="GetCustomer", media_type="application/xml")

def test_judged_without_an_operation():
    judge("JOB-FINISHES", False, "stuck")

def test_raised_in_a_group():
    raise ExceptionGroup("two", [ValueError("x"), ContractViolation("JOB-FINISHES", "j", operation="JobGet")])

def test_schemathesis_check():
    current_recorder().failure("not_a_server_error", "GetCompany", "application/json")
    assert False, "Server error"

def test_passes():
    judge("CS-WRITES", True, "fine")

def test_plain_assert():
    assert False, "set-up problem"
"""
    )
    run(pytester).assert_outcomes(passed=1, failed=5)
    root = ET.fromstring(read(pytester, "junit.xml"))
    found = {
        case.get("name"): [
            p.get("value") for p in case.iter("property") if p.get("name") == "failed_judgement"
        ]
        for case in root.iter("testcase")
    }
    assert found == {
        "test_judged_on_an_operation": ["CS-WRITES|GetCustomer|xml"],
        "test_judged_without_an_operation": ["JOB-FINISHES||"],
        "test_raised_in_a_group": ["JOB-FINISHES|JobGet|"],
        "test_schemathesis_check": ["not_a_server_error|GetCompany|json"],
        "test_passes": [],
        "test_plain_assert": [],
    }


def test_every_test_names_the_operations_it_sent_requests_to_in_junit(pytester: pytest.Pytester) -> None:
    """`operations_called`: what the self-check narrows a fact-fault run by (the client tells the recorder
    each request's operation)."""
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_called="""
import pytest
from contracts.reports.recorder import current_recorder

pytestmark = pytest.mark.contract

def test_two_operations():
    for operation in ("ImportCustomers", "JobGet", "ImportCustomers"):
        current_recorder().note_operation(operation)

def test_nothing_sent():
    pass
"""
    )
    run(pytester).assert_outcomes(passed=2)
    root = ET.fromstring(read(pytester, "junit.xml"))
    found = {
        case.get("name"): [
            p.get("value") for p in case.iter("property") if p.get("name") == "operations_called"
        ]
        for case in root.iter("testcase")
    }
    assert found == {"test_two_operations": ["ImportCustomers,JobGet"], "test_nothing_sent": []}


def test_a_failure_names_the_media_type_its_violation_was_judged_in() -> None:
    """A test parametrized by body type carries no media_type property: the failure file's heading takes
    the one `judge` was given, so `[xml]` and `[json]` failures are told apart."""
    from contracts.reports.plugin import _violation_media
    from contracts.reports.verdicts import ContractViolation

    violation = ContractViolation("IMP-ONE-STORE", "detail", "ImportCustomers", media_type="application/xml")
    assert _violation_media(violation) == "xml"
    assert _violation_media(ContractViolation("IMP-ONE-STORE", "detail", "ImportCustomers")) == ""
    assert _violation_media(AssertionError("set-up")) == ""
