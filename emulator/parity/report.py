"""The parity report: `parity.md` for a person, `parity.json` for tools, and a one-line summary.

Differences are grouped by operation, then by what differs (kind and path), each group with its count, the
facts and §5 choices it touches, and its first examples (the cassette entry, the test, both sides).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.parity.diff import Difference
from emulator.parity.facts import Attribution, attribute
from emulator.parity.replay import ParityResult

EXAMPLES = 3


@dataclass(frozen=True)
class Group:
    operation: str
    kind: str
    path: str
    count: int
    attribution: Attribution
    examples: tuple[Difference, ...]


def grouped(differences: list[Difference]) -> list[Group]:
    buckets: dict[tuple[str, str, str], list[Difference]] = defaultdict(list)
    for difference in differences:
        buckets[(difference.operation, difference.kind, difference.path)].append(difference)
    groups = [
        Group(operation, kind, path, len(found), attribute(found[0]), tuple(found[:EXAMPLES]))
        for (operation, kind, path), found in buckets.items()
    ]
    return sorted(groups, key=lambda group: (group.operation, -group.count, group.kind, group.path))


def summary_line(result: ParityResult) -> str:
    operations = len({difference.operation for difference in result.differences})
    verdict = (
        "no differences"
        if not result.differences
        else (f"{len(result.differences)} differences in {operations} operation(s)")
    )
    replayed = f"{result.replayed} of {result.entries} exchanges replayed in {result.seconds:.1f}s"
    return f"parity: {replayed}: {verdict}"


def _touches(attribution: Attribution) -> str:
    parts = [f"`{fact}`" for fact in attribution.facts] + [f"§5 {choice}" for choice in attribution.choices]
    return ", ".join(parts) or "no fact or §5 choice (a silence of the docs)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(result: ParityResult, groups: list[Group]) -> str:
    lines = [
        "# Parity: the emulator against a recorded run",
        "",
        f"- Cassette: `{result.cassette}` ({result.entries} exchanges; target "
        f"{result.meta.get('target', '?')}, seed {result.meta.get('seed', '?')}, recorded "
        f"{result.meta.get('recorded', '?')})",
        f"- {summary_line(result)}",
    ]
    if result.tenant_median_ms is not None and result.emulator_median_ms is not None:
        lines.append(
            f"- Median answer time: recorded {result.tenant_median_ms:.1f} ms, emulator "
            f"{result.emulator_median_ms:.1f} ms"
        )
    lines.append(
        f"- Ids: {result.ids_learnt} of the tenant's paired with the emulator's, {result.ids_different} of "
        "them numbered differently (later requests carried the emulator's)"
    )
    for reason, count in sorted(result.not_compared.items()):
        lines.append(f"- Not compared: {count} ({reason})")
    lines += [
        "",
        "Compared modulo ids (presence and type only), dates (their form only) and run prefixes. `tenant` is "
        "the recorded answer, `emulator` the replay's.",
        "",
    ]
    if not groups:
        lines.append("No differences: the emulator answered every replayed request as the recording did.")
        return "\n".join(lines) + "\n"
    by_operation: dict[str, list[Group]] = defaultdict(list)
    for group in groups:
        by_operation[group.operation].append(group)
    for operation, found in by_operation.items():
        total = sum(group.count for group in found)
        lines += [
            f"## {operation} ({total})",
            "",
            "| what differs | where | count | tenant | emulator | touches |",
        ]
        lines.append("|---|---|---:|---|---|---|")
        for group in found:
            first = group.examples[0]
            lines.append(
                f"| {group.kind} | `{_cell(group.path) or '(answer)'}` | {group.count} "
                f"| {_cell(first.tenant)} | {_cell(first.emulator)} | {_touches(group.attribution)} |"
            )
        lines.append("")
        lines.append("Examples (cassette entry, test):")
        for group in found:
            for example in group.examples:
                lines.append(
                    f"- #{example.entry} `{example.test or '-'}`: {example.kind} "
                    f"`{example.path or '(answer)'}` {_cell(example.tenant)} → {_cell(example.emulator)}"
                )
        lines.append("")
    return "\n".join(lines) + "\n"


def as_json(result: ParityResult, groups: list[Group]) -> dict[str, Any]:
    return {
        "cassette": result.cassette,
        "meta": result.meta,
        "entries": result.entries,
        "replayed": result.replayed,
        "seconds": round(result.seconds, 3),
        "differences": len(result.differences),
        "not_compared": result.not_compared,
        "median_ms": {"tenant": result.tenant_median_ms, "emulator": result.emulator_median_ms},
        "ids": {"learnt": result.ids_learnt, "different": result.ids_different},
        "groups": [
            {
                "operation": group.operation,
                "kind": group.kind,
                "path": group.path,
                "count": group.count,
                "facts": list(group.attribution.facts),
                "choices": list(group.attribution.choices),
                "examples": [
                    {
                        "entry": example.entry,
                        "test": example.test,
                        "tenant": example.tenant,
                        "emulator": example.emulator,
                    }
                    for example in group.examples
                ],
            }
            for group in groups
        ],
    }


def write_report(result: ParityResult, out_dir: Path) -> tuple[Path, Path]:
    groups = grouped(result.differences)
    out_dir.mkdir(parents=True, exist_ok=True)
    md_path, json_path = out_dir / "parity.md", out_dir / "parity.json"
    md_path.write_text(markdown(result, groups), encoding="utf-8")
    json_path.write_text(
        json.dumps(as_json(result, groups), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return md_path, json_path
