"""Every judgement states its evidence; the table a reader sees is the one the code uses; strictness works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contracts.oracle.enums import header_rules
from contracts.oracle.evidence import JUDGEMENTS, Level, Strictness, judgement
from contracts.oracle.evidence_doc import markdown
from contracts.reports.recorder import Recorder, pop_recorder, push_recorder
from contracts.reports.verdicts import ContractViolation, judge
from contracts.schemathesis_ext.checks import CHECKS

ROOT = Path(__file__).resolve().parents[3]


def test_docs_evidence_md_is_the_table_in_the_code() -> None:
    assert (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8") == markdown(), (
        "regenerate it: python -m contracts.oracle.evidence_doc > docs/evidence.md"
    )


def test_every_header_rule_and_check_has_evidence() -> None:
    assert set(header_rules()) <= set(JUDGEMENTS)
    cites = {
        Level.DOCUMENTED: re.compile(r"docs\.norce\.io|seed|page"),  # a page of Norce's docs
        Level.RECOMMENDED: re.compile(r"\bQ\d+\b|infer"),  # the reference's question, or what it infers from
        Level.EMULATOR: re.compile(r"\bours\b"),  # our own convention, said so
    }
    for entry in JUDGEMENTS.values():
        assert entry.judges and cites[entry.level].search(entry.basis), entry
    # The suite's own checks name their judgements in contracts/schemathesis_ext/checks.py.
    assert {check.__name__ for check in CHECKS} == {
        "xml_xsd_conformance",
        "json_schema_conformance",
        "norce_error_envelope",
        "content_negotiation",
        "header_rule_oracle",
        "empty_collections",
        "entity_invariants",
    }


def test_every_schemathesis_check_the_suite_runs_has_evidence() -> None:
    """Every check registered with Schemathesis (its built-ins and ours) has a judgement: a check whose
    failure had none would be enforced at any strictness, so an RFC detail of a front end (an OPTIONS
    answer's Allow header, say) would fail a tenant run."""
    import schemathesis.specs.openapi.checks  # noqa: F401  (registers the built-in checks)
    from schemathesis.checks import CHECKS as REGISTERED

    from contracts.schemathesis_ext import register

    register()
    ours = {check.__name__ for check in CHECKS}
    built_in = {check.__name__ for check in REGISTERED.get_all()} - ours
    assert built_in <= set(JUDGEMENTS), sorted(built_in - set(JUDGEMENTS))
    assert JUDGEMENTS["allow_header_conformance"].level is Level.EMULATOR


def test_levels_parse_and_order() -> None:
    assert Level.parse("Documented") is Level.DOCUMENTED < Level.RECOMMENDED < Level.EMULATOR
    with pytest.raises(ValueError, match="strictness must be one of documented, recommended, emulator"):
        Level.parse("lenient")
    with pytest.raises(KeyError, match="no judgement 'NO-SUCH'"):
        judgement("NO-SUCH")


@pytest.mark.parametrize(
    ("level", "enforced"),
    [
        (Level.DOCUMENTED, {"AUTH-REQUIRED"}),
        (Level.RECOMMENDED, {"AUTH-REQUIRED", "AUTH-401-FORM"}),
        (Level.EMULATOR, {"AUTH-REQUIRED", "AUTH-401-FORM", "HDR-FORM"}),
    ],
)
def test_a_run_fails_only_on_what_it_enforces_and_records_the_rest(level: Level, enforced: set[str]) -> None:
    recorder = Recorder(strictness=Strictness(level))
    push_recorder(recorder)
    try:
        raised = set()
        for judgement_id in ("AUTH-REQUIRED", "AUTH-401-FORM", "HDR-FORM"):
            try:
                judge(judgement_id, False, "seen", operation="GetCustomer", media_type="application/json")
            except ContractViolation as violation:
                raised.add(violation.judgement_id)
        assert judge("AUTH-REQUIRED", True) is True
        recorder.close()
    finally:
        pop_recorder(recorder)
    assert raised == enforced
    deviations = {e.judgement for e in recorder.memory if getattr(e, "kind", "") == "deviation"}
    assert deviations == {"AUTH-REQUIRED", "AUTH-401-FORM", "HDR-FORM"} - enforced
