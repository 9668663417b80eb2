"""A difference names the facts (openapi/facts.yaml) and the §5 choices it touches."""

from __future__ import annotations

from emulator.parity.diff import Difference
from emulator.parity.facts import Fact, attribute, load_facts


def _difference(
    operation: str, kind: str, path: str, tenant: str, emulator: str, test: str = ""
) -> Difference:
    return Difference(1, operation, test, kind, path, tenant, emulator)


CATALOGUE = (
    Fact("F-JOB-FINISHED", "IsFinished turns true when the job is done (Q13)", "", frozenset({"JobGet"})),
    Fact("F-OTHER-OP", "IsFinished ...", "", frozenset({"JobList"})),
    Fact("F-404", "An unknown operation answers 404", "", frozenset({"GetCustomer"})),
)


def test_a_fact_is_touched_when_it_names_the_member_for_that_operation() -> None:
    found = attribute(_difference("JobGet", "value", "IsFinished", "false", "true"), CATALOGUE)
    assert found.facts == ("F-JOB-FINISHED",)
    assert "Q13" in found.choices  # cited by the fact, and decided by the table


def test_a_status_difference_touches_facts_naming_either_status_and_the_choice() -> None:
    found = attribute(_difference("GetCustomer", "status", "", "204", "200"), CATALOGUE)
    assert found.facts == ()  # F-404 names 404, neither side's status
    assert found.choices == ("Q5",)
    found = attribute(_difference("GetCustomer", "status", "", "404", "200"), CATALOGUE)
    assert found.facts == ("F-404",)


def test_the_real_catalogue_attributes_well_known_differences() -> None:
    facts = load_facts()
    assert len(facts) > 100
    unauthorized = attribute(_difference("GetCustomer", "header", "WWW-Authenticate", "(absent)", "Bearer"))
    assert "Q10" in unauthorized.choices
    timing = attribute(_difference("JobGet", "timing", "job", "finished after 7.0 s", "at once"))
    assert "Q13" in timing.choices
    assert timing.facts, "a job's timing touches the JobGet facts naming IsFinished or StatusId"
    silent = attribute(_difference("GetCustomer", "order", "", "Id, Code", "Code, Id"))
    assert (silent.facts, silent.choices) == ((), ())  # the order of JSON members: nothing decides it
