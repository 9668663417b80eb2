"""The embedded server, the pytest plugin's deselection of write tests, and the CLI's exit codes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import httpx
import pytest

from contracts import cli
from contracts.transport.embedded import EmbeddedServer, EmbeddedStartError
from contracts.transport.ledger import Ledger

FAKE_APP = "tests.unit.targets.fakes:create_app"
TENANT_ENV = {
    "NORCE_CLIENT_ID": "suite-client",
    "NORCE_CLIENT_SECRET": "s3cr3t-client-value",
    "NORCE_APPLICATION_ID": "42",
}


def test_embedded_server_serves_on_an_ephemeral_port_with_its_env_and_stops() -> None:
    server = EmbeddedServer(FAKE_APP, env={"NORCE_EMULATOR_SEED": "77"})
    base = server.start()
    try:
        assert base.startswith("http://127.0.0.1:") and not base.endswith(":0")
        assert httpx.get(f"{base}/seed").json() == {"seed": "77"}
    finally:
        server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/seed", timeout=2)


@pytest.mark.parametrize("factory", ["no_colon", "tests.unit.targets.nosuchmodule:app", "json:nosuchfactory"])
def test_bad_app_factories_are_clear_errors(factory: str) -> None:
    with pytest.raises(EmbeddedStartError):
        EmbeddedServer(factory).start()


@pytest.mark.parametrize("protocol", ["no_colon", "json:nosuchclass", "json:loads"])
def test_bad_http_protocols_are_clear_errors(protocol: str) -> None:
    with pytest.raises(EmbeddedStartError):
        EmbeddedServer(FAKE_APP, http_protocol=protocol).start()


def test_the_default_http_protocol_is_the_emulators_loaded_by_import_string() -> None:
    assert EmbeddedServer(FAKE_APP).http_protocol == "emulator.http.server:NorceH11Protocol"


SUITE = """
import pytest

def test_read(): assert {read_ok}

@pytest.mark.writes
def test_write(): assert True
"""


def write_suite(path: Path, *, read_ok: bool = True) -> Path:
    path.mkdir()
    # In-process pytest runs share sys.modules: each suite file needs its own module name.
    module = "test_" + "".join(ch if ch.isalnum() else "_" for ch in path.parent.name)
    (path / f"{module}.py").write_text(textwrap.dedent(SUITE.format(read_ok=read_ok)))
    return path


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("NORCE_TARGET", "NORCE_CONNECT_URL", "NORCE_CUSTOMER_URL", "NORCE_TOKEN_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NORCE_EMULATOR_APP", FAKE_APP)
    return tmp_path


def test_run_exits_0_and_writes_junit_when_contracts_hold(isolated: Path) -> None:
    suite = write_suite(isolated / "suite")
    assert cli.main(["run", "--suite", str(suite), "--seed", "5", "--report-dir", str(isolated / "r")]) == 0
    junit = (isolated / "r" / "junit.xml").read_text()
    assert 'tests="2"' in junit


def test_run_exits_1_on_a_violation(isolated: Path) -> None:
    suite = write_suite(isolated / "suite", read_ok=False)
    assert cli.main(["run", "--suite", str(suite), "--report-dir", str(isolated / "r")]) == 1


def test_write_tests_on_a_read_only_target_are_deselected_with_a_reason(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = write_suite(isolated / "suite")
    code = pytest.main(
        [
            str(suite),
            "-p",
            "contracts.pytest_plugin",
            "--target",
            "http://localhost:1",
            "-p",
            "no:cacheprovider",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "1 passed, 1 deselected" in out
    assert "norce-contracts: 1 write test(s) deselected: target http://localhost:1 is read-only" in out
    assert "norce-contracts: target=http://localhost:1 seed=" in out


def test_dry_run_lists_the_write_tests_it_would_run(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = write_suite(isolated / "suite")
    assert (
        pytest.main([str(suite), "-p", "contracts.pytest_plugin", "--dry-run", "-p", "no:cacheprovider"]) == 0
    )
    out = capsys.readouterr().out
    assert "deselected: dry-run" in out and "would run: " in out and "test_write" in out


def usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err


def test_exit_2_for_a_bad_option(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "unrecognized arguments: --bogus" in usage_error(capsys, ["run", "--bogus"])
    assert "invalid int value" in usage_error(capsys, ["run", "--seed", "abc"])
    assert "neither 'emulator'" in usage_error(capsys, ["run", "--target", "nowhere"])


def test_exit_2_for_an_unreachable_target(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in TENANT_ENV.items():
        monkeypatch.setenv(name, value)
    err = usage_error(capsys, ["run", "--target", "http://127.0.0.1:9"])
    assert "unreachable: http://127.0.0.1:9/commerce/connect/4.0" in err


def test_exit_2_for_writes_to_production_and_missing_credentials(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "production host" in usage_error(
        capsys, ["run", "--target", "https://acme.api-se.norce.tech", "--allow-writes"]
    )
    monkeypatch.delenv("NORCE_CLIENT_SECRET", raising=False)
    assert "NORCE_CLIENT_SECRET" in usage_error(
        capsys, ["run", "--target", "https://acme.api-se.stage.norce.tech"]
    )


def test_cleanup_command_finishes_an_earlier_run(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in TENANT_ENV.items():
        monkeypatch.setenv(name, value)
    server = EmbeddedServer(FAKE_APP)
    base = server.start()
    try:
        path = isolated / "ledger.json"
        book = Ledger(path, run_id="abcd1234", target=base)
        book.urls = {
            "connect": f"{base}/commerce/connect/4.0",
            "customer": f"{base}/commerce/customer/1.1",
            "token": f"{base}/identity/1.0/connect/token",
        }
        book.record_customer(code="nct-abcd1234-c-1")  # known to the fake app as id 11
        book.record_company(code="nct-abcd1234-co-2")  # id 21
        assert cli.main(["cleanup", "--ledger", str(path)]) == 0
        calls = httpx.get(f"{base}/calls").json()
    finally:
        server.stop()
    writes = [(op, params) for method, op, params in calls if method == "POST"]
    assert writes == [
        ("InactivateCustomer", {"customerId": "11", "inactivatedBy": "1"}),
        ("InactivateCompany", {"companyId": "21", "inactivatedBy": "1"}),
    ]
    assert Ledger.load(path).pending == []
    assert "cleaned 2" in capsys.readouterr().out
    assert cli.main(["cleanup", "--ledger", str(path)]) == 0


def test_cleanup_of_a_report_directory_lists_what_is_left_and_exits_1(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An interrupted xdist run leaves one ledger per worker; cleanup takes them all and names leftovers."""
    for name, value in TENANT_ENV.items():
        monkeypatch.setenv(name, value)
    server = EmbeddedServer(FAKE_APP)
    base = server.start()
    try:
        urls = {
            "connect": f"{base}/commerce/connect/4.0",
            "customer": f"{base}/commerce/customer/1.1",
            "token": f"{base}/identity/1.0/connect/token",
        }
        for worker, record in (("gw0", "customer"), ("gw1", "company")):
            book = Ledger(isolated / f"ledger-{worker}.json", run_id="abcd1234", target=base, urls=urls)
            if record == "customer":
                book.record_customer(code="nct-abcd1234-c-1")
            else:
                book.record_company(code="nct-abcd1234-co-2")
        httpx.post(f"{base}/fail", params={"operation": "InactivateCompany"})
        assert cli.main(["cleanup", "--ledger", str(isolated)]) == 1
    finally:
        server.stop()
    out, err = capsys.readouterr()
    assert "cleaned 1 ledger item(s)" in out
    assert "left 1 item(s)" in err and "company nct-abcd1234-co-2" in err
    assert Ledger.load(isolated / "ledger-gw0.json").pending == []
    assert [e.code for e in Ledger.load(isolated / "ledger-gw1.json").pending] == ["nct-abcd1234-co-2"]


def test_cleanup_of_a_missing_ledger_is_a_usage_error(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "ledger not found" in usage_error(capsys, ["cleanup", "--ledger", str(isolated / "none.json")])
    assert json  # the ledger format is JSON; see test_ledger.py
