"""Every catalogued variant is real: switched on, a targeted request observes different emulator behaviour;
variants that contradict each other resolve as `PRECEDENCE` says; `all` starts and serves."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import variants
from tests.unit.emulator_http.support import CONNECT, CUSTOMER, auth_headers, make_client

from .scenarios import SCENARIOS, SETTINGS


def variants_on(client: Any) -> frozenset[str]:
    on: frozenset[str] = client.app.state.runtime.variants.on
    return on


def _observe(name: str, enabled: list[str], scenario: str | None = None) -> object:
    # Jobs run at once (a scenario reads back right after importing); slow-jobs overrides that on purpose.
    settings: dict[str, Any] = {"job_timing": "immediate"}
    for switched in [name, *enabled]:
        settings.update(SETTINGS.get(switched, {}))
    client = make_client(variants=set(enabled), **settings)
    assert variants_on(client) == frozenset(enabled)  # create_app switched them on for this emulator only
    return SCENARIOS[scenario or name](client, auth_headers(client))


def test_every_catalogued_variant_has_a_scenario() -> None:
    assert sorted(SCENARIOS) == sorted(variants.CATALOGUE)


@pytest.mark.parametrize("name", sorted(variants.CATALOGUE))
def test_variant_changes_observable_behaviour(name: str) -> None:
    ours = _observe(name, [])
    varied = _observe(name, [name])
    assert varied != ours, f"{name}: same observation with and without the variant: {ours!r}"


def test_variant_free_runs_are_deterministic() -> None:
    """Guards the comparison above: two runs without variants observe the same thing."""
    for name in ("dates-dotnet", "job-log-rows-one-based", "json-members-alphabetical", "api-throttling"):
        assert _observe(name, []) == _observe(name, [])


@pytest.mark.parametrize(
    ("winner", "loser"), [(winner, loser) for winner, loser, _ in variants.PRECEDENCE], ids=str
)
def test_precedence_between_contradicting_variants(winner: str, loser: str) -> None:
    """With both on, the winner's scenario observes what the winner alone does."""
    assert _observe(winner, [winner, loser]) == _observe(winner, [winner])


def test_precedence_names_catalogued_variants() -> None:
    for winner, loser, reason in variants.PRECEDENCE:
        assert {winner, loser} <= set(variants.CATALOGUE) and winner != loser and reason


def test_all_variants_at_once_serve_a_whole_flow() -> None:
    """`all`: one tenant with every variant; an import is accepted, its job finishes, 1.1 reads it back."""
    client = make_client(
        variants={"all"}, slow_job_seconds=(0.1, 0.2), prepopulate_customers=30, throttle_every=1000
    )
    assert variants_on(client) == frozenset(variants.CATALOGUE)
    headers = auth_headers(client)
    header = '{"AccountId":1,"CustomerFieldsThatAreSet":[2,3,6,8]}'
    item = {"Id": 0, "Code": "ALL-1", "EmailAddress": "all-1@example.com", "FirstName": "A", "LastName": "B"}
    response = client.post(
        f"{CONNECT}/Customer/ImportCustomers",
        json=[item],
        headers={**headers, "X-StormConnect-Header": header},
    )
    assert response.status_code == 200, response.text
    from .scenarios import wait_until_finished

    found = wait_until_finished(client, headers, response.json()["JobId"])
    assert found["IsFinished"] and found["Inserts"] == 1, found
    read = client.get(f"{CUSTOMER}/GetCustomerByCode", params={"code": "ALL-1"}, headers=headers)
    assert read.status_code == 200 and read.json()["Email"] == "all-1@example.com"
    assert client.get(f"{CUSTOMER}/GetCustomer", params={"id": 1}, headers=headers).status_code == 204
