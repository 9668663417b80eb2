"""The fact catalogue: every testable statement of docs/norce-facts.md, as data (`openapi/facts.yaml`).

Each fact has a stable id, the heading it sits under in the facts sheet, the sheet's own words (`quote`), one
line of text, its public source and evidence marker (docs/norce-facts.md §0), and either the judgements that
check it (contracts/oracle/evidence.py) or why a black-box run cannot observe it. The suite reads the
catalogue to say, in every run's summary, which facts the run exercised and which it left out, and why;
`tests/unit/test_facts_catalogue.py` keeps it equal to the sheet and every observable fact traced to a
judgement and a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from contracts.oracle.evidence import Level

CATALOGUE = "facts.yaml"

# docs/norce-facts.md §0: what backs a fact. Norce's own pages and public source code are documentation;
# an operation known only from the WSDL, and our inferences, are the recommendation of §5 (Q12 and the rest).
MARKER_LEVELS: dict[str, Level] = {
    "C-N": Level.DOCUMENTED,
    "C-N(list)": Level.DOCUMENTED,
    "C-S": Level.DOCUMENTED,
    "C-K": Level.DOCUMENTED,
    "W": Level.RECOMMENDED,
    "I": Level.RECOMMENDED,
}


@dataclass(frozen=True)
class Fact:
    id: str
    section: str
    quote: str
    text: str
    source: str
    evidence: str
    judgements: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    media: tuple[str, ...] = ()
    observable: bool = True
    why_not: str = ""

    @property
    def level(self) -> Level:
        return MARKER_LEVELS[self.evidence]


@dataclass(frozen=True)
class ContextLine:
    """A line of the facts sheet that states nothing to test (a heading, a legend, a pointer), and why."""

    section: str
    quote: str
    why: str


def _raw() -> dict[str, object]:
    loaded = yaml.safe_load(files("openapi").joinpath(CATALOGUE).read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"openapi/{CATALOGUE} is not a mapping")
    return loaded


@cache
def facts() -> tuple[Fact, ...]:
    entries = _raw().get("facts") or []
    assert isinstance(entries, list)
    return tuple(
        Fact(
            id=str(entry["id"]),
            section=str(entry["section"]),
            quote=str(entry["quote"]),
            text=str(entry["text"]),
            source=str(entry["source"]),
            evidence=str(entry["evidence"]),
            judgements=tuple(entry.get("judgements") or ()),
            operations=tuple(entry.get("operations") or ()),
            media=tuple(entry.get("media") or ()),
            observable=bool(entry.get("observable", True)),
            why_not=str(entry.get("why_not") or ""),
        )
        for entry in entries
    )


@cache
def context_lines() -> tuple[ContextLine, ...]:
    entries = _raw().get("context") or []
    assert isinstance(entries, list)
    return tuple(ContextLine(str(e["section"]), str(e["quote"]), str(e["why"])) for e in entries)


@cache
def fact_index() -> dict[str, Fact]:
    return {fact.id: fact for fact in facts()}


def fact(fact_id: str) -> Fact:
    try:
        return fact_index()[fact_id]
    except KeyError:
        raise KeyError(f"no fact {fact_id!r} in openapi/{CATALOGUE}") from None


def facts_judged_by(judgement_id: str) -> tuple[Fact, ...]:
    return tuple(f for f in facts() if judgement_id in f.judgements)
