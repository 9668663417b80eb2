"""The fact catalogue (`openapi/facts.yaml`) is the facts sheet (`docs/norce-facts.md` §1-§4), line for line.

The sheet is read as statements: a table's body row, a list item (with its continuation lines) or a
paragraph. Every statement under §1A-§4.6 must be claimed by a fact or by a context line (a heading, a
legend, a pointer, with why it states nothing to test), and every fact and context line must quote its
section's words. So a sentence added to the sheet without a fact fails here, and so does a fact whose
sentence was reworded or removed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from contracts.oracle.evidence import JUDGEMENTS
from contracts.oracle.facts import MARKER_LEVELS, context_lines, facts

ROOT = Path(__file__).resolve().parents[2]
SHEET = ROOT / "docs" / "norce-facts.md"
FIRST_SECTION, END_SECTION = "§1A", "§5"
FACT_ID = re.compile(r"^F-[A-Z0-9]+(?:-[A-Za-z0-9]+)+$")
TABLE_RULE = re.compile(r"^\|[-\s|:]+\|$")
LIST_ITEM = re.compile(r"^\s*(?:- |\d+\. )")


@dataclass(frozen=True)
class Statement:
    section: str
    text: str


def normalised(text: str) -> str:
    return " ".join(text.split())


def statements(markdown: str) -> list[Statement]:
    """Every statement of the catalogued part of the sheet, under the heading it sits in."""
    found: list[Statement] = []
    section, pending, in_scope = "", "", False
    in_table = False

    def flush() -> None:
        nonlocal pending
        if pending and in_scope:
            found.append(Statement(section, normalised(pending)))
        pending = ""

    for line in markdown.splitlines():
        stripped = line.strip()
        if line.startswith("#"):
            flush()
            section = line.lstrip("#").strip()
            if section.startswith(FIRST_SECTION):
                in_scope = True
            elif section.startswith(END_SECTION):
                in_scope = False
            in_table = False
            continue
        if stripped.startswith("|"):
            flush()
            if TABLE_RULE.match(stripped):
                continue
            if not in_table:  # a table's first row is its header
                in_table = True
                continue
            if in_scope:
                found.append(Statement(section, normalised(stripped)))
            continue
        in_table = False
        if not stripped or stripped == "---":
            flush()
        elif LIST_ITEM.match(line):
            flush()
            pending = stripped
        else:
            pending = f"{pending} {stripped}" if pending else stripped
    flush()
    return found


@pytest.fixture(scope="module")
def sheet_statements() -> list[Statement]:
    return statements(SHEET.read_text(encoding="utf-8"))


def claims() -> list[tuple[str, str, str]]:
    """(who, section, quote) of every fact and context line."""
    return [(f.id, f.section, f.quote) for f in facts()] + [
        (f"context {c.quote!r}", c.section, c.quote) for c in context_lines()
    ]


def test_the_sheet_parses_into_its_sections(sheet_statements: list[Statement]) -> None:
    sections = {s.section for s in sheet_statements}
    assert any(s.startswith("§1C operation table") for s in sections)
    assert any(s.startswith("§4.6") for s in sections)
    assert not any(s.startswith(("§0", "§5", "§6", "Q1")) for s in sections)
    # 81 operation rows, no header row among them
    assert sum(s.section == "§1C operation table" and s.text.startswith("| ") for s in sheet_statements) == 81


def test_every_fact_and_context_line_quotes_its_section(sheet_statements: list[Statement]) -> None:
    by_section: dict[str, list[str]] = {}
    for statement in sheet_statements:
        by_section.setdefault(statement.section, []).append(statement.text)
    problems = []
    for who, section, quote in claims():
        if section not in by_section:
            problems.append(f"{who}: no section {section!r} in the sheet")
        elif not any(normalised(quote) in text for text in by_section[section]):
            problems.append(f"{who}: {quote!r} is not in {section!r}")
    assert not problems, "\n".join(problems)


def test_every_statement_of_the_sheet_is_claimed(sheet_statements: list[Statement]) -> None:
    claimed = [(section, normalised(quote)) for _, section, quote in claims()]
    unclaimed = [
        f"{s.section}: {s.text[:100]}"
        for s in sheet_statements
        if not any(section == s.section and quote in s.text for section, quote in claimed)
    ]
    assert not unclaimed, "statements with no fact or context line:\n" + "\n".join(unclaimed)


def test_fact_ids_are_stable_and_unique() -> None:
    ids = [f.id for f in facts()]
    assert all(FACT_ID.match(i) for i in ids), [i for i in ids if not FACT_ID.match(i)]
    assert not [i for i, n in Counter(ids).items() if n > 1]


def test_each_fact_is_observable_with_judgements_or_says_why_not() -> None:
    problems = []
    for f in facts():
        if f.evidence not in MARKER_LEVELS:
            problems.append(f"{f.id}: unknown evidence marker {f.evidence!r}")
        if not f.text or not f.source:
            problems.append(f"{f.id}: no text or source")
        if f.observable:
            if not f.judgements:
                problems.append(f"{f.id}: observable, but no judgement")
            problems += [f"{f.id}: no judgement {j}" for j in f.judgements if j not in JUDGEMENTS]
        elif not f.why_not or f.judgements:
            problems.append(f"{f.id}: not observable needs why_not and no judgements")
    assert not problems, "\n".join(problems)


def test_fact_operations_and_media_are_real() -> None:
    lines = (ROOT / "openapi" / "operations.txt").read_text(encoding="utf-8").splitlines()
    operations = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    problems = [f"{f.id}: {op}" for f in facts() for op in f.operations if op not in operations] + [
        f"{f.id}: media {m}" for f in facts() for m in f.media if m not in ("json", "xml")
    ]
    assert not problems, problems


def test_every_1_1_operation_has_its_row_fact() -> None:
    lines = (ROOT / "openapi" / "operations.txt").read_text(encoding="utf-8").splitlines()
    operations = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    connect = {"ImportCompanies", "ImportCustomers", "JobGet", "JobGetLog", "JobList"}
    ids = {f.id for f in facts()}
    assert {op for op in operations - connect if f"F-CS-OP-{op}" not in ids} == set()
