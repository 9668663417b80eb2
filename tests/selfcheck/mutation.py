"""`make mutation`: mutation testing of the emulator's rule-bearing domain modules with mutmut 3
(config: `[tool.mutmut]` in pyproject.toml), score written into `docs/benchmarks.md`.
A secondary signal, not a gate: exit 0 unless mutmut itself cannot run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from tests.selfcheck.bench import BENCHMARKS, MUTATION_MARKER, REPO

STATS = REPO / "mutants" / "mutmut-cicd-stats.json"


def mutmut(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "mutmut"), *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)


def mutated_paths() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["mutmut"]["source_paths"])


def score_section(stats: dict[str, int], seconds: float) -> list[str]:
    killed = stats.get("killed", 0) + stats.get("timeout", 0)
    tested = killed + stats.get("survived", 0)
    score = f"{100 * killed / tested:.1f}%" if tested else "n/a"
    return [
        MUTATION_MARKER,
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M UTC}; mutmut 3 on "
        + ", ".join(f"`{path}`" for path in mutated_paths())
        + f", tests `tests/unit/emulator`; {seconds:.0f}s",
        f"- Score (killed incl. timeouts / tested): **{score}** ({killed}/{tested})",
        f"- Raw: `{json.dumps(stats, sort_keys=True)}`",
        "- A secondary signal, not a gate: survivors point at domain rules the unit tests do not pin.",
    ]


def write_section(lines: list[str]) -> None:
    text = BENCHMARKS.read_text() if BENCHMARKS.is_file() else "# Benchmarks\n"
    head = text[: text.index(MUTATION_MARKER)] if MUTATION_MARKER in text else text
    BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
    BENCHMARKS.write_text(head.rstrip() + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    started = time.monotonic()
    run = mutmut("run")
    exported = mutmut("export-cicd-stats")
    if exported.returncode != 0 or not STATS.is_file():
        reason = (run.stderr or run.stdout or exported.stderr).strip().splitlines()[-1:] or ["no output"]
        write_section([MUTATION_MARKER, "", f"- Not measured: mutmut did not finish ({reason[0][:200]})"])
        print(f"mutation: mutmut failed: {reason[0]}", file=sys.stderr)
        return 2
    stats = json.loads(STATS.read_text())
    write_section(score_section(stats, time.monotonic() - started))
    print(f"mutation: wrote the score to {BENCHMARKS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
