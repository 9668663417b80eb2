"""Which judgement a Schemathesis built-in failure rests on (`hooks.judgement_of`): the forms a conforming
tenant may use where the docs are silent map to judgements above `documented`."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.oracle.evidence import judgement
from contracts.schemathesis_ext.hooks import judgement_of


@dataclass
class Failure:
    checks: tuple[str, ...]


@dataclass
class Response:
    status_code: int
    content: bytes = b""


def level(check: str, status: int, content: bytes = b"") -> tuple[str | None, str]:
    found = judgement_of(Failure((check,)), Response(status, content))
    return found, judgement(found).level.label if found else "-"


def test_a_204_without_a_body_is_a_not_found_form_not_an_undocumented_status() -> None:
    assert level("status_code_conformance", 204) == ("CS-NOT-FOUND-FORM", "recommended")
    assert level("status_code_conformance", 201, b"{}") == ("status_code_conformance", "documented")
    assert level("status_code_conformance", 404)[0] == "status_code_undeclared"


def test_a_body_less_answer_without_content_type_is_ours_to_judge() -> None:
    assert level("content_type_conformance", 400) == ("content_type_empty_body", "emulator")
    assert level("content_type_conformance", 400, b"<html/>") == ("content_type_conformance", "documented")
    assert level("content_type_conformance", 415, b"<html/>")[0] == "content_type_gateway"
