"""One model of a report page, rendered to Markdown or to self-contained HTML (no JS).

A page is a title, a list of facts, and sections; a section holds paragraphs, tables and code blocks. The
run summary is built once as a `Page` (`contracts.reports.render`), so `summary.md` and `summary.html` can
never disagree about what they show.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

Cell = str | int


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]
    # A row's mark: "bad" (something failed), "missing" (not exercised), "note" (a deviation), or "".
    marks: Sequence[str] = field(default_factory=tuple)

    def mark(self, index: int) -> str:
        return self.marks[index] if index < len(self.marks) else ""


@dataclass(frozen=True)
class Code:
    text: str
    language: str = "text"


@dataclass(frozen=True)
class Paragraph:
    text: str
    code: bool = False  # the whole text is an inline code span
    href: str = ""  # a link after the text (a relative path: a failure file)
    link_text: str = ""


Block = Table | Code | Paragraph


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 2


@dataclass
class Page:
    title: str
    facts: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


# -- Markdown ---------------------------------------------------------------------------------------------


def _md_cell(cell: Cell) -> str:
    return str(cell).replace("|", "\\|").replace("\n", " ")


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        text = f"`{block.text}`" if block.code else block.text
        if block.href:
            text += f" [{block.link_text or block.href}]({block.href})"
        return [text, ""]
    if isinstance(block, Code):
        return [f"```{block.language}", block.text, "```", ""]
    align = ["---:" if rows_are_numeric(block, i) else "---" for i in range(len(block.headers))]
    lines = ["| " + " | ".join(block.headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
    return [*lines, ""]


def rows_are_numeric(table: Table, column: int) -> bool:
    values = [row[column] for row in table.rows if column < len(row)]
    return bool(values) and all(isinstance(v, int) for v in values)


def to_markdown(page: Page) -> str:
    lines = [f"# {page.title}", ""]
    lines += [f"- {fact}" for fact in page.facts]
    for section in page.sections:
        lines += ["", f"{'#' * section.level} {section.title}", ""]
        for block in section.blocks:
            lines += _md_block(block)
    return "\n".join(lines).rstrip() + "\n"


# -- HTML -------------------------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.6rem; text-align: left; }
td.num { text-align: right; }
tr.bad td { background: #fde8e8; }
tr.note td { background: #fff7dd; }
tr.missing td { color: #999; }
pre { background: #f5f5f5; padding: 0.6rem; white-space: pre-wrap; word-break: break-all; }
"""


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def _inline_code(text: str) -> str:
    """Markdown's `code` spans as <code>, the rest escaped."""
    parts = text.split("`")
    return "".join(f"<code>{_h(p)}</code>" if i % 2 else _h(p) for i, p in enumerate(parts))


def _html_block(block: Block) -> str:
    if isinstance(block, Paragraph):
        text = f"<code>{_h(block.text)}</code>" if block.code else _inline_code(block.text)
        if block.href:
            text += f' <a href="{_h(block.href)}">{_h(block.link_text or block.href)}</a>'
        return f"<p>{text}</p>"
    if isinstance(block, Code):
        return f"<pre>{_h(block.text)}</pre>"
    head = "".join(f"<th>{_h(h)}</th>" for h in block.headers)
    body = []
    for index, row in enumerate(block.rows):
        cells = "".join(
            f'<td class="num">{_h(c)}</td>' if isinstance(c, int) else f"<td>{_h(c)}</td>" for c in row
        )
        mark = block.mark(index)
        body.append(f'<tr class="{mark}">{cells}</tr>' if mark else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def to_html(page: Page) -> str:
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="en"><head><meta charset="utf-8"><title>{_h(page.title)}</title>',
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_h(page.title)}</h1>",
        "<ul>",
        *(f"<li>{_inline_code(fact)}</li>" for fact in page.facts),
        "</ul>",
    ]
    for section in page.sections:
        level = min(max(section.level, 2), 6)
        parts.append(f"<h{level}>{_h(section.title)}</h{level}>")
        parts += [_html_block(block) for block in section.blocks]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
