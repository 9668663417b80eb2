"""The variant catalogue is well-formed data: every variant names the silence it uses, names are unique
kebab-case, and every way of switching variants on (config, environment, CLI, admin) refuses unknown names
clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emulator import faults, variants
from emulator.cli import main
from emulator.config import ConfigError, EmulatorConfig
from emulator.switches import Switches
from tests.unit.emulator_http.support import CUSTOMER, auth_headers, make_client

KEBAB_CASE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
FACTS = Path(__file__).resolve().parents[2] / "docs" / "norce-facts.md"
QUESTION_HEADINGS = set(re.findall(r"^### (Q[0-9]+) ", FACTS.read_text(encoding="utf-8"), re.MULTILINE))


def test_at_least_twenty_five_variants_each_naming_its_silence() -> None:
    assert len(variants.CATALOGUE) >= 25
    for variant in variants.CATALOGUE.values():
        for text in (variant.silence, variant.description):
            assert text and text.strip() == text and "\n" not in text, variant.name


def test_cited_questions_exist_in_the_facts() -> None:
    """A silence that names a Q-number names one docs/norce-facts.md §5 has."""
    assert {f"Q{n}" for n in range(1, 19)} <= QUESTION_HEADINGS
    for variant in variants.CATALOGUE.values():
        for question in re.findall(r"\bQ[0-9]+\b", variant.silence):
            assert question in QUESTION_HEADINGS, (variant.name, question)


def test_names_are_unique_kebab_case_and_not_fault_names() -> None:
    names = [variant.name for variant in variants._ENTRIES]
    assert len(names) == len(set(names)) == len(variants.CATALOGUE)
    for name, variant in variants.CATALOGUE.items():
        assert variant.name == name and KEBAB_CASE.match(name), name
    assert not set(variants.CATALOGUE) & set(faults.CATALOGUE)
    assert variants.ALL not in variants.CATALOGUE


def test_the_required_silences_are_covered() -> None:
    """The variants this catalogue was asked for (one per documented silence the suite must tolerate)."""
    required = {
        "not-found-204",
        "not-found-xml-nil-root",
        "not-found-json-empty-body",
        "auth-wrong-application-id-403",
        "auth-401-no-challenge",
        "gateway-errors-text",
        "gateway-errors-html",
        "dates-dotnet",
        "null-empty-collections",
        "newer-release-members",
        "job-log-single-object",
        "job-list-absent",
        "job-log-summary-row",
        "job-log-rows-one-based",
        "no-legacy-basic",
        "api-throttling",
        "slow-jobs",
        "prepopulated-tenant",
        "null-members-omitted",
        "json-members-alphabetical",
        "xml-namespace-prefixes",
        "xml-header-enum-names",
        "lenient-body-enums",
        "docs-sample-zero-ids",
        "header-rules-async",
        "header-rules-plain-key",
        "header-rules-empty-400",
        "late-initial-validation",
        "all-failed-status-3",
        "empty-import-refused",
        "no-body-limit",
        "extra-query-parameter-400",
        "unknown-operation-html-404",
        "unknown-operation-400",
    }
    assert required <= set(variants.CATALOGUE)


def test_catalogue_is_versioned_and_uses_the_shared_mechanism() -> None:
    assert re.match(r"^\d+\.\d+\.\d+$", variants.CATALOGUE_VERSION)
    assert isinstance(variants.Variants(), Switches)
    assert variants.Variants().catalogue.entries is variants.CATALOGUE
    assert issubclass(variants.UnknownVariantError, ValueError)


def test_unknown_names_are_refused_and_change_nothing() -> None:
    with pytest.raises(variants.UnknownVariantError, match=r"unknown variant name\(s\): no-such-variant"):
        variants.parse("dates-dotnet,no-such-variant")
    switched = variants.Variants(["dates-dotnet"])
    with pytest.raises(variants.UnknownVariantError):
        switched.replace(["charset-utf8", "typo-variant"])
    assert switched.on == {"dates-dotnet"}
    with pytest.raises(variants.UnknownVariantError, match="not-a-variant"):
        switched.is_on("not-a-variant")
    with pytest.raises(ConfigError, match="no-such-variant"):
        EmulatorConfig(variants={"no-such-variant"})


def test_all_and_parameters() -> None:
    spec = variants.parse(" all , api-throttling=5:2, slow-jobs=1-3, prepopulated-tenant=300 ")
    assert spec.names == set(variants.CATALOGUE)
    config = EmulatorConfig(variants={"api-throttling=5:2", "slow-jobs=1-3", "prepopulated-tenant=300"})
    assert config.variants == {"api-throttling", "slow-jobs", "prepopulated-tenant"}
    assert (config.throttle_every, config.throttle_retry_after) == (5, 2)
    assert config.slow_job_seconds == (1.0, 3.0) and config.prepopulate_customers == 300
    defaults = EmulatorConfig(variants={"api-throttling"})
    assert (defaults.throttle_every, defaults.throttle_retry_after) == (20, 1)
    assert defaults.slow_job_seconds == (5.0, 20.0) and defaults.prepopulate_customers == 3000
    for bad in (
        "api-throttling=0",
        "api-throttling=x",
        "slow-jobs=9-2",
        "prepopulated-tenant=-1",
        "dates-dotnet=1",
    ):
        with pytest.raises(variants.VariantParameterError):
            variants.parse(bad)
        with pytest.raises(ConfigError):
            EmulatorConfig(variants={bad})


def test_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(variants.VARIANTS_ENV_VAR, " dates-dotnet , api-throttling=7 ,")
    config = EmulatorConfig.from_env()
    assert config.variants == {"dates-dotnet", "api-throttling"} and config.throttle_every == 7
    monkeypatch.setenv(variants.VARIANTS_ENV_VAR, "all")
    assert EmulatorConfig.from_env().variants == set(variants.CATALOGUE)
    monkeypatch.setenv(variants.VARIANTS_ENV_VAR, "no-such-variant")
    with pytest.raises(ConfigError, match=f"{variants.VARIANTS_ENV_VAR}: .*no-such-variant"):
        EmulatorConfig.from_env()


def test_environment_variable_reaches_the_app_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded target builds the emulator with `create_app()`: the environment gives it variants."""
    from emulator.http.app import create_app
    from tests.unit.emulator_http.support import TestClient

    monkeypatch.setenv(variants.VARIANTS_ENV_VAR, "not-found-204")
    client = TestClient(create_app())
    assert client.app.state.runtime.variants.on == {"not-found-204"}


def test_cli_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["variants"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(variants.CATALOGUE)
    for line, variant in zip(lines, variants.CATALOGUE.values(), strict=True):
        assert line.split()[0] == variant.name
        assert variant.silence in line and variant.description in line


@pytest.mark.parametrize("bad", ["no-such-variant", "api-throttling=never", "all=1"])
def test_cli_serve_refuses_a_bad_variant_in_one_line(capsys: pytest.CaptureFixture[str], bad: str) -> None:
    assert main(["serve", "--variant", "dates-dotnet", "--variant", bad]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and bad.split("=")[0] in error


def test_admin_call_replaces_the_variants() -> None:
    client = make_client()
    headers = auth_headers(client)
    missing = {"id": 999999}
    assert client.get(f"{CUSTOMER}/GetCustomer", params=missing, headers=headers).status_code == 200
    answer = client.post("/_emulator/variants", json={"enabled": ["not-found-204", "api-throttling=1000"]})
    assert answer.status_code == 200 and answer.json() == {"enabled": ["api-throttling", "not-found-204"]}
    assert client.app.state.runtime.config.throttle_every == 1000
    assert client.get("/_emulator/variants").json() == {"enabled": ["api-throttling", "not-found-204"]}
    assert client.get(f"{CUSTOMER}/GetCustomer", params=missing, headers=headers).status_code == 204
    refused = client.post("/_emulator/variants", json={"enabled": ["no-such-variant"]})
    assert refused.status_code == 400 and refused.json()["Messages"][0]["Key"] == "UnknownVariant"
    assert client.get("/_emulator/variants").json()["enabled"] == ["api-throttling", "not-found-204"]
    client.post("/_emulator/variants", json={"enabled": []})
    assert client.app.state.runtime.config.throttle_every == variants.DEFAULT_THROTTLE_EVERY
    assert client.get(f"{CUSTOMER}/GetCustomer", params=missing, headers=headers).status_code == 200


def test_variants_belong_to_one_emulator() -> None:
    varied, ours = make_client(variants={"not-found-204"}), make_client()
    missing = {"id": 999999}
    assert (
        varied.get(f"{CUSTOMER}/GetCustomer", params=missing, headers=auth_headers(varied)).status_code == 204
    )
    assert ours.get(f"{CUSTOMER}/GetCustomer", params=missing, headers=auth_headers(ours)).status_code == 200
    ours.post("/_emulator/variants", json={"enabled": ["dates-dotnet"]})
    assert varied.app.state.runtime.variants.on == {"not-found-204"}
