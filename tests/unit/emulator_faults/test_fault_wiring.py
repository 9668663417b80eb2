"""Every catalogued fault is real: switched on, a targeted request observes different emulator behaviour."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import faults
from emulator.cli import main
from emulator.fact_faults import families
from tests.unit.emulator_http.support import auth_headers, make_client

from .connect_fact_scenarios import NO_TOKEN
from .connect_fact_scenarios import SCENARIOS as CONNECT_FACT_SCENARIOS
from .header_fact_scenarios import SCENARIOS as HEADER_FACT_SCENARIOS
from .import_scenarios import IMPORT_SCENARIOS
from .scenarios import SCENARIOS as SHARED_SCENARIOS
from .scenarios import SETTINGS

SCENARIOS = {**SHARED_SCENARIOS, **IMPORT_SCENARIOS, **CONNECT_FACT_SCENARIOS, **HEADER_FACT_SCENARIOS}


def faults_on(client: Any) -> frozenset[str]:
    on: frozenset[str] = client.app.state.runtime.faults.on
    return on


def _observe(name: str, enabled: list[str]) -> object:
    # Jobs run at once: a scenario reads back right after importing, and a background job raced it on a
    # loaded machine (cs-email-mapping-broken read null once).
    settings = {"job_timing": "immediate", **SETTINGS.get(name, {})}
    client = make_client(faults=set(enabled), **settings)
    assert faults_on(client) == frozenset(enabled)  # create_app switched them on for this emulator only
    # Under NO_TOKEN faults the documented token request gets none: their scenarios use no credentials.
    return SCENARIOS[name](client, {} if name in NO_TOKEN else auth_headers(client))


# The generated families are proven member by member in test_fault_families.py.
FAMILIES = frozenset(fault.name for fault in families.ENTRIES)
HAND_WRITTEN = sorted(set(faults.CATALOGUE) - FAMILIES)


def test_every_catalogued_fault_has_a_scenario() -> None:
    assert sorted(SCENARIOS) == HAND_WRITTEN


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_fault_changes_observable_behaviour(name: str) -> None:
    correct = _observe(name, [])
    faulty = _observe(name, [name])
    assert faulty != correct, f"{name}: same observation with and without the fault: {correct!r}"


def test_fault_free_runs_are_deterministic() -> None:
    """Guards the comparison above: two fault-free runs of a scenario observe the same thing."""
    for name in ("job-dto-created-not-iso", "xml-element-order-wrong", "import-primary-company-wrong"):
        assert _observe(name, []) == _observe(name, [])


def test_admin_call_switches_faults_on_and_off() -> None:
    client = make_client()
    headers = auth_headers(client)
    assert (
        client.post("/_emulator/faults", json={"enabled": ["auth-missing-token-accepted"]}).status_code == 200
    )
    assert client.get("/_emulator/faults").json() == {"enabled": ["auth-missing-token-accepted"]}
    assert client.get("/commerce/customer/1.1/ListAccountRoles").status_code == 200
    refused = client.post("/_emulator/faults", json={"enabled": ["no-such-fault"]})
    assert refused.status_code == 400 and faults_on(client) == {"auth-missing-token-accepted"}
    client.post("/_emulator/faults", json={"enabled": []})
    assert client.get("/commerce/customer/1.1/ListAccountRoles").status_code == 401
    assert client.get("/commerce/customer/1.1/ListAccountRoles", headers=headers).status_code == 200


def test_environment_variable_enables_faults(monkeypatch: pytest.MonkeyPatch) -> None:
    from emulator.http.app import create_app
    from tests.unit.emulator_http.support import TestClient

    monkeypatch.setenv(faults.FAULTS_ENV_VAR, "auth-missing-token-accepted, import-returns-201")
    client = TestClient(create_app())
    assert faults_on(client) == {"auth-missing-token-accepted", "import-returns-201"}
    assert client.get("/commerce/customer/1.1/ListAccountRoles").status_code == 200


def test_unknown_environment_fault_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from emulator.config import ConfigError, EmulatorConfig

    monkeypatch.setenv(faults.FAULTS_ENV_VAR, "no-such-fault")
    with pytest.raises(ConfigError, match="no-such-fault"):
        EmulatorConfig.from_env()


def test_cli_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faults"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(faults.CATALOGUE)
    for line, fault in zip(lines, faults.CATALOGUE.values(), strict=True):
        assert line.split()[:3] == [fault.name, fault.category, fault.level] and line.endswith(
            fault.description
        )


def test_cli_serve_rejects_an_unknown_fault_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--fault", "auth-missing-token-accepted", "--fault", "no-such-fault"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no-such-fault" in error


def test_faults_belong_to_one_emulator() -> None:
    """Two emulators in one process: a fault switched on in one leaves the other conforming."""
    faulty, correct = make_client(faults={"auth-missing-token-accepted"}), make_client()
    assert faulty.get("/commerce/customer/1.1/ListAccountRoles").status_code == 200
    assert correct.get("/commerce/customer/1.1/ListAccountRoles").status_code == 401
    correct.post("/_emulator/faults", json={"enabled": ["import-returns-201"]})
    assert faults_on(faulty) == {"auth-missing-token-accepted"}
