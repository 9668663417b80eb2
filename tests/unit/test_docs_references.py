"""Citations of the reference documents resolve inside the repository.

A clone holds no fact sheet outside the repository, so:
1. no tracked text file may mention the old out-of-repository fact sheets or the folder they lived in;
2. every citation `docs/norce-facts.md §X` / `docs/norce-facts.md QN` / `docs/schemathesis-notes.md §X` (also
   lists such as `docs/norce-facts.md §1C, §2C and Q5`) must name a heading of that file;
3. the two documents keep the section numbers the code cites.

The names below are assembled at run time so that this file does not match its own scan.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FACTS = "docs/norce-facts" + ".md"
NOTES = "docs/schemathesis-notes" + ".md"
CITED_DOCUMENTS = (FACTS, NOTES)

# Out-of-repository locations a clone does not have.
FORBIDDEN = ("../" + "shared", "/work/" + "shared", "norce-api" + ".md", "schemathesis-4" + ".md")

_TOKEN = r"(?:§\s?[0-9]+[A-Z]?(?:\.[0-9]+)*|Q[0-9]{1,2}(?![0-9]))"
_SEPARATOR = r"\s*(?:,|;|/|&|\band\b|\bor\b)?\s*"
_TOKEN_RE = re.compile(_TOKEN)
_HEADING_RE = re.compile(r"^#{1,6}\s+(" + _TOKEN + r")", re.MULTILINE)


def _citation_re(document: str) -> re.Pattern[str]:
    """`document` (optionally in backticks), then one or more section/question tokens."""
    return re.compile(re.escape(document) + r"`?\s+(" + _TOKEN + r"(?:" + _SEPARATOR + _TOKEN + r")*)")


def normalise(token: str) -> str:
    """`§ 4.4` -> `§4.4`; `Q7` stays."""
    return token.replace(" ", "")


def headings(markdown: str) -> set[str]:
    """The section and question ids that open a heading (`## §4 — ...`, `### Q7 — ...`)."""
    return {normalise(match.group(1)) for match in _HEADING_RE.finditer(markdown)}


@dataclass(frozen=True)
class Citation:
    document: str
    target: str
    line: int


def citations(text: str) -> Iterator[Citation]:
    """Every section/question a text cites in one of the two documents, with its line number."""
    for document in CITED_DOCUMENTS:
        for match in _citation_re(document).finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            for token in _TOKEN_RE.findall(match.group(1)):
                yield Citation(document, normalise(token), line)


def unresolved(text: str, targets: dict[str, set[str]]) -> list[Citation]:
    """The citations in `text` whose section or question has no heading in the cited document."""
    return [c for c in citations(text) if c.target not in targets.get(c.document, set())]


def forbidden_mentions(text: str) -> list[tuple[int, str]]:
    """(line, forbidden name) for every mention of an out-of-repository location."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        found.extend((number, name) for name in FORBIDDEN if name in line)
    return found


def tracked_text_files() -> Iterable[tuple[str, str]]:
    """(path, text) of every tracked file that is UTF-8 text."""
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode("utf-8")
    for name in sorted(filter(None, listing.split("\0"))):
        path = ROOT / name
        if not path.is_file():
            continue  # deleted in the work tree but still in the index
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            yield name, data.decode("utf-8")
        except UnicodeDecodeError:
            continue


def document_targets() -> dict[str, set[str]]:
    return {document: headings((ROOT / document).read_text(encoding="utf-8")) for document in CITED_DOCUMENTS}


# --- the repository -------------------------------------------------------------------------------------


def test_no_tracked_file_points_outside_the_repository() -> None:
    problems = [
        f"{name}:{line}: mentions {forbidden!r}"
        for name, text in tracked_text_files()
        for line, forbidden in forbidden_mentions(text)
    ]
    assert not problems, "references to files a clone does not have:\n" + "\n".join(problems)


def test_every_citation_names_a_heading() -> None:
    targets = document_targets()
    problems = [
        f"{name}:{citation.line}: {citation.document} {citation.target} has no heading"
        for name, text in tracked_text_files()
        for citation in unresolved(text, targets)
    ]
    assert not problems, "citations that resolve to nothing:\n" + "\n".join(problems)


def test_the_documents_keep_the_numbering_the_code_cites() -> None:
    targets = document_targets()
    facts_required = {"§0", "§1", "§1A", "§1B", "§1C", "§2", "§2A", "§2B", "§2C", "§3", "§4", "§5", "§6"}
    facts_required |= {f"§4.{n}" for n in range(1, 7)} | {f"Q{n}" for n in range(1, 19)}
    notes_required = {f"§{n}" for n in range(12)} | {f"§0.{n}" for n in range(1, 11)}
    notes_required |= {
        f"§{major}.{minor}"
        for major, last in ((2, 4), (3, 2), (5, 3), (6, 3))
        for minor in range(1, last + 1)
    }
    assert facts_required - targets[FACTS] == set()
    assert notes_required - targets[NOTES] == set()


# --- self-tests on synthetic text: the checks above can fail ---------------------------------------------


SYNTHETIC_FACTS = """# Title
## §1 — Operations
### §1A — Connect
#### §1C operation table
## §4 — Behaviour
### §4.4 — Errors
### Q7 — Connect error status and body
"""


def test_headings_are_read_from_section_and_question_titles() -> None:
    assert headings(SYNTHETIC_FACTS) == {"§1", "§1A", "§1C", "§4", "§4.4", "Q7"}


def test_a_citation_list_is_split_and_each_missing_target_reported() -> None:
    targets = {FACTS: headings(SYNTHETIC_FACTS), NOTES: {"§5.3"}}
    text = (
        f"see `{FACTS}` §1A, §4.4 and Q7;\n"
        f"also {FACTS} §9/Q18 and {NOTES} §5.3, §0.10.\n"
        f"and {FACTS} §4.4 rule 2, but not Q3 (no file named before it)."
    )
    missing = [(c.document, c.target, c.line) for c in unresolved(text, targets)]
    assert missing == [(FACTS, "§9", 2), (FACTS, "Q18", 2), (NOTES, "§0.10", 2)]
    cited = [c.target for c in citations(text) if c.document == FACTS]
    assert cited == ["§1A", "§4.4", "Q7", "§9", "Q18", "§4.4"]


def test_a_question_number_is_not_cut_short() -> None:
    targets = {FACTS: {"Q1"}, NOTES: set()}
    assert [c.target for c in unresolved(f"{FACTS} Q12", targets)] == ["Q12"]


def test_forbidden_locations_are_found_on_their_line() -> None:
    text = "fine\nsee ../" + "shared/reference/x\nand norce-api" + ".md\nfine"
    assert forbidden_mentions(text) == [(2, "../" + "shared"), (3, "norce-api" + ".md")]
    assert forbidden_mentions("docs/norce-facts.md and docs/schemathesis-notes.md") == []
