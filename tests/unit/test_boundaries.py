"""The oracle (contracts/) and the stand-in server (emulator/) must never import each other.

Parsed statically with ast so that a lazy import inside a function is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(("package", "forbidden"), [("contracts", "emulator"), ("emulator", "contracts")])
def test_package_does_not_import_the_other_side(package: str, forbidden: str) -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / package).rglob("*.py"))
        if forbidden in _imported_top_levels(path)
    ]
    assert offenders == [], f"{package}/ must not import {forbidden}: {offenders}"


def test_contract_tests_do_not_import_the_emulator() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tests" / "contract").rglob("*.py"))
        if "emulator" in _imported_top_levels(path)
    ]
    assert offenders == [], f"tests/contract must judge the target, not import the emulator: {offenders}"


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    """Guard against a checker that can never fail."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from emulator.domain import store\n", encoding="utf-8")
    assert "emulator" in _imported_top_levels(sample)
