"""The comparison as a release manager reads it: `compare.md`, `compare.html`, `compare-junit.xml`, and the
same Markdown appended to `$GITHUB_STEP_SUMMARY` when that is set."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

from contracts.reports.compare import ORDER, Change, Comparison
from contracts.reports.document import Page, Paragraph, Section, Table, to_html, to_markdown

SHOWN_NOISE = 200  # noise rows listed; the rest are counted


def _rows(changes: list[Change]) -> list[tuple[str, str, str, str]]:
    return [(c.kind, c.where, c.what, c.detail or "-") for c in changes]


def _meta_line(label: str, meta: dict[str, object]) -> str:
    parts = [f"{key} `{meta[key]}`" for key in ("target", "seed", "strictness", "written") if key in meta]
    return f"{label}: " + (", ".join(parts) or "-")


def compare_page(comparison: Comparison, failing: list[Change]) -> Page:
    real, noise = comparison.real, comparison.noise
    verdict = (
        f"**{len(failing)} change(s) the policy fails on**" if failing else "**nothing the policy fails on**"
    )
    facts = [
        _meta_line("baseline", comparison.baseline_meta),
        _meta_line("current", comparison.current_meta),
        f"changes: {len(real)} ({verdict}); sampling noise set apart: {len(noise)}",
    ]
    counts = comparison.counts()
    sections = [
        Section(
            "What changed",
            [
                Paragraph(
                    "New failures always fail the comparison; the other kinds only when `--fail-on` names them. "
                    "A change is something a deterministic test saw on one side and not on the other."
                ),
                Table(("kind", "changes"), [(kind, counts[kind]) for kind in ORDER if kind in counts])
                if counts
                else Paragraph("Nothing changed."),
            ],
        )
    ]
    for kind in ORDER:
        of_kind = [c for c in real if c.kind == kind]
        if of_kind:
            marks = ["bad" if c in failing else "note" for c in of_kind]
            table = Table(("kind", "where", "what", "detail"), _rows(of_kind), marks)
            sections.append(Section(f"{kind} ({len(of_kind)})", [table], level=3))
    if noise:
        shown = noise[:SHOWN_NOISE]
        sections.append(
            Section(
                f"Sampling noise ({len(noise)})",
                [
                    Paragraph(
                        "Seen only in cases Schemathesis or Hypothesis drew from the seed, on the side that saw "
                        "them: runs with other seeds draw other cases. Not a change; look if a line surprises."
                        + (f" The first {SHOWN_NOISE} are listed." if len(noise) > SHOWN_NOISE else "")
                    ),
                    Table(("kind", "where", "what", "detail"), _rows(shown), ["missing"] * len(shown)),
                ],
            )
        )
    return Page("What changed since the baseline", facts, sections)


def junit_xml(comparison: Comparison, failing: list[Change]) -> str:
    """One test case per kind of change (failed when the policy fails on one), the counts as properties."""
    suite = ET.Element("testsuite", name="norce-contracts compare", tests=str(len(ORDER)))
    properties = ET.SubElement(suite, "properties")
    for kind, count in comparison.counts().items():
        ET.SubElement(properties, "property", name=kind, value=str(count))
    ET.SubElement(properties, "property", name="noise", value=str(len(comparison.noise)))
    failures = 0
    for kind in ORDER:
        case = ET.SubElement(suite, "testcase", classname="compare", name=kind)
        failed = [c for c in failing if c.kind == kind]
        if failed:
            failures += 1
            text = "\n".join(f"{c.where}: {c.what} {c.detail}".rstrip() for c in failed)
            ET.SubElement(case, "failure", message=f"{len(failed)} {kind}").text = text
    suite.set("failures", str(failures))
    return ET.tostring(suite, encoding="unicode") + "\n"


def write_comparison(comparison: Comparison, failing: list[Change], report_dir: Path) -> list[Path]:
    report_dir.mkdir(parents=True, exist_ok=True)
    page = compare_page(comparison, failing)
    markdown = to_markdown(page)
    written = [report_dir / "compare.md", report_dir / "compare.html", report_dir / "compare-junit.xml"]
    written[0].write_text(markdown, encoding="utf-8")
    written[1].write_text(to_html(page), encoding="utf-8")
    written[2].write_text(junit_xml(comparison, failing), encoding="utf-8")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with Path(step_summary).open("a", encoding="utf-8") as handle:
            handle.write(markdown + "\n")
    return written
