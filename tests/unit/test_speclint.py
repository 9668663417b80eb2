"""The spec linter flags broken descriptions and passes the vendored Connect spec."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracts.oracle.spec import CONNECT_SPEC, load_spec
from contracts.oracle.speclint import lint_document, main


@pytest.fixture
def connect_document() -> dict[str, Any]:
    return copy.deepcopy(load_spec(CONNECT_SPEC).document)


def test_the_connect_spec_is_clean(connect_document: dict[str, Any]) -> None:
    assert lint_document(connect_document) == []
    assert main([str(CONNECT_SPEC)]) == 0


def test_a_missing_operation_id_is_flagged(connect_document: dict[str, Any]) -> None:
    del connect_document["paths"]["/Job/Get"]["get"]["operationId"]
    assert lint_document(connect_document) == ["GET /Job/Get: missing operationId"]


def test_missing_provenance_and_responses_are_flagged(connect_document: dict[str, Any]) -> None:
    operation = connect_document["paths"]["/Job/List"]["get"]
    del operation["x-norce-source"]
    operation["x-norce-evidence"] = "maybe"
    del operation["responses"]["400"]
    del operation["responses"]["200"]["content"]["application/xml"]
    problems = lint_document(connect_document)
    assert "GET /Job/List: missing x-norce-source" in problems
    assert any(problem.startswith("GET /Job/List: x-norce-evidence 'maybe'") for problem in problems)
    assert "GET /Job/List: no 400 response" in problems
    assert "GET /Job/List: 200 response does not offer application/xml" in problems


def test_missing_security_is_flagged_only_without_a_global_requirement(
    connect_document: dict[str, Any],
) -> None:
    del connect_document["paths"]["/Job/List"]["get"]["security"]
    assert lint_document(connect_document) == []
    del connect_document["security"]
    assert lint_document(connect_document) == ["GET /Job/List: no security requirement"]


def test_undescribed_and_unused_components_are_flagged(connect_document: dict[str, Any]) -> None:
    schemas = connect_document["components"]["schemas"]
    del schemas["Flag"]["description"]
    schemas["Orphan"] = {"description": "Nobody refers to me.", "type": "string"}
    assert sorted(lint_document(connect_document)) == [
        "components.schemas.Flag: no description",
        "components.schemas.Orphan: never used",
    ]


def test_the_command_line_exits_1_and_prints_violations(
    tmp_path: Path, connect_document: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    del connect_document["paths"]["/Job/Get"]["get"]["summary"]
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(connect_document), encoding="utf-8")
    assert main([str(broken)]) == 1
    assert f"{broken}: GET /Job/Get: missing summary" in capsys.readouterr().out
