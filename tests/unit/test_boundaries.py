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
    suite = sorted((ROOT / "contracts" / "suite").rglob("*.py"))
    assert len(suite) > 5, "the contract suite moved: point this test at it"
    offenders = [str(path.relative_to(ROOT)) for path in suite if "emulator" in _imported_top_levels(path)]
    assert offenders == [], f"contracts/suite must judge the target, not import the emulator: {offenders}"


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    """Guard against a checker that can never fail."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from emulator.domain import store\n", encoding="utf-8")
    assert "emulator" in _imported_top_levels(sample)


# -- inside contracts/: three packages and the wiring above them, imports only downwards -----------------

# Rank of each part of contracts/; a module may import only from its own part or a lower-ranked one.
LAYERS = {
    "oracle": 0,  # what the APIs must do: specs, enums, header rules, strategies, codecs, pure checks
    "transport": 1,  # how the suite reaches a target: target, auth, client, guard, namespace, ledger
    "reports": 2,  # what a run found: recorder, events, rendering, the reports' pytest plugin
    "schemathesis_ext": 3,  # the suite's Schemathesis extensions, registered in one place
    "pytest_plugin": 4,  # the composition root and the CLI
    "cli": 4,
    "suite": 5,  # the contract suite itself: pytest tests over whatever target is configured
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def contracts_import_graph(root: Path = ROOT / "contracts") -> dict[str, set[str]]:
    """module -> the contracts modules it imports (at any depth in the file, lazy imports included)."""
    modules = {_module_name(path): path for path in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                candidates = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                continue
            graph[name].update(c for c in candidates if c in modules and c != name)
    return graph


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS[parts[1]] if len(parts) > 1 else 0


def upward_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, targets in graph.items() for b in targets if _layer(b) > _layer(a))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_every_contracts_module_belongs_to_a_layer() -> None:
    unknown = [m for m in contracts_import_graph() if len(m.split(".")) > 1 and m.split(".")[1] not in LAYERS]
    assert unknown == [], f"place these modules in a layer of contracts/ (see ARCHITECTURE.md): {unknown}"


def test_contracts_imports_run_downwards_without_cycles() -> None:
    graph = contracts_import_graph()
    assert upward_imports(graph) == [], "oracle <- transport <- reports <- schemathesis_ext <- plugin/cli"
    assert cycles(graph) == []


def test_the_layer_checker_sees_upward_imports_and_cycles() -> None:
    """Guard against a checker that can never fail."""
    graph = {
        "contracts.transport.client": {"contracts.reports.recorder"},
        "contracts.reports.recorder": {"contracts.transport.client"},
    }
    assert upward_imports(graph) == [("contracts.transport.client", "contracts.reports.recorder")]
    assert cycles(graph) == [
        ["contracts.reports.recorder", "contracts.transport.client", "contracts.reports.recorder"]
    ]
