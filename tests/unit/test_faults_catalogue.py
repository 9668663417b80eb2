"""The fault catalogue is well-formed data, and its small API rejects unknown names clearly."""

from __future__ import annotations

import re

import pytest

from contracts.oracle.evidence import JUDGEMENTS, Level
from emulator import faults
from emulator.config import EmulatorConfig
from emulator.switches import Switches

KEBAB_CASE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
REQUIRED_CATEGORIES = {
    "response-shape",
    "status-codes",
    "xml",
    "header-rules",
    "import-semantics",
    "job-lifecycle",
    "customer-service",
    "auth",
    "robustness",
}


def test_catalogue_has_at_least_sixty_faults_in_every_category() -> None:
    assert len(faults.CATALOGUE) >= 60
    present = {fault.category for fault in faults.CATALOGUE.values()}
    assert present == REQUIRED_CATEGORIES == set(faults.CATEGORIES)
    assert all(faults.by_category()[category] for category in REQUIRED_CATEGORIES)


def test_names_are_unique_kebab_case_and_match_their_keys() -> None:
    names = [entry.name for entry in faults._ENTRIES]
    assert len(names) == len(set(names))
    for name, fault in faults.CATALOGUE.items():
        assert fault.name == name
        assert KEBAB_CASE.match(name), name


def test_descriptions_are_one_non_empty_line() -> None:
    for fault in faults.CATALOGUE.values():
        assert fault.description.strip() == fault.description, fault.name
        assert fault.description and "\n" not in fault.description, fault.name


def test_every_fault_names_a_judgement_of_its_own_level() -> None:
    """A documented fault must be catchable by a documented judgement alone, or a tenant run (documented
    strictness) could not catch it; the selfcheck runs each fault at its level to prove it."""
    assert tuple(level.label for level in Level) == faults.LEVELS
    for fault in faults.CATALOGUE.values():
        assert fault.judgement in JUDGEMENTS, fault.name
        assert JUDGEMENTS[fault.judgement].level.label == fault.level, fault.name


def test_most_faults_break_documented_behaviour() -> None:
    """The catalogue is about regressions a tenant run catches, not about our conventions: most faults break
    a documented rule, few break only our own. The rest break a recommendation (a §5 choice, an operation
    known only from the WSDL): one fault per fact follows the facts, a quarter of which are recommended."""
    levels = [fault.level for fault in faults.CATALOGUE.values()]
    assert levels.count(faults.D) >= 0.6 * len(levels)
    assert levels.count(faults.E) <= 0.1 * len(levels)


def test_every_header_rule_has_a_fault() -> None:
    rule_faults = faults.by_category()["header-rules"]
    for rule in ("present", "syntax", "one-line", "accountid", "enum-range", "xml-int-enums", "dep-accounts"):
        assert any(fault.name.startswith(f"hdr-{rule}") for fault in rule_faults), rule


def test_catalogue_is_versioned() -> None:
    assert re.match(r"^\d+\.\d+\.\d+$", faults.CATALOGUE_VERSION)


def test_the_environment_variable_is_read_leniently(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(faults.FAULTS_ENV_VAR, " auth-missing-token-accepted , xml-nil-as-empty ,")
    switched = faults.Faults(EmulatorConfig.from_env().faults)
    assert switched.on == {"auth-missing-token-accepted", "xml-nil-as-empty"}
    assert switched.is_on("xml-nil-as-empty")
    assert not switched.is_on("job-never-finishes")


def test_unknown_names_are_rejected_clearly() -> None:
    with pytest.raises(faults.UnknownFaultError, match="unknown fault name\\(s\\): no-such-fault"):
        faults.parse("xml-nil-as-empty,no-such-fault")
    with pytest.raises(faults.UnknownFaultError, match="no-such-fault"):
        faults.Faults(["no-such-fault"])


def test_replace_validates_before_it_changes_anything() -> None:
    switched = faults.Faults()
    assert switched.on == frozenset()
    switched.replace(["job-never-finishes"])
    assert switched.is_on("job-never-finishes")
    with pytest.raises(faults.UnknownFaultError):
        switched.replace(["job-never-finishes", "typo-fault"])
    assert switched.on == {"job-never-finishes"}


def test_is_on_rejects_a_name_outside_the_catalogue() -> None:
    with pytest.raises(faults.UnknownFaultError, match="not-a-fault"):
        faults.Faults().is_on("not-a-fault")


def test_faults_are_switches_over_the_fault_catalogue() -> None:
    assert isinstance(faults.Faults(), Switches)
    assert faults.Faults().catalogue.entries is faults.CATALOGUE
    assert issubclass(faults.UnknownFaultError, ValueError)
