"""Deferred coverage cases: Schemathesis' own add_coverage, called when the test first runs instead of while
every worker collects; the examples end where it would have put them, once, with its marks."""

from __future__ import annotations

from typing import Any

import hypothesis
from schemathesis.generation.hypothesis import builder

from contracts.schemathesis_ext import deferred_coverage
from contracts.schemathesis_ext.deferred_coverage import DeferredExamples, build_before_run


def eager_add_coverage(test: Any, operation: Any, calls: list[str]) -> Any:
    """A stand-in for Schemathesis' add_coverage: decorates the test with examples and a mark."""
    calls.append(operation)
    for value in ("a", "b", "c"):
        test = hypothesis.example(case=f"{operation}-{value}")(test)
    builder.UnserializablePayloadMark.set(test, ["text/csv"])
    return test


def a_test(case: str) -> None:
    pass


def existing_examples() -> Any:
    def test(case: str) -> None:
        pass

    return hypothesis.example(case="from-examples")(test)


def test_the_cases_are_built_on_first_use_once_where_add_coverage_puts_them(monkeypatch: Any) -> None:
    calls: list[str] = []
    monkeypatch.setattr(deferred_coverage, "_original_add_coverage", eager_add_coverage)
    eager = eager_add_coverage(existing_examples(), "op", [])
    deferred = deferred_coverage._deferred_add_coverage(existing_examples(), "op", calls)
    examples = deferred.hypothesis_explicit_examples
    assert isinstance(examples, DeferredExamples) and not examples.built and calls == []
    assert builder.UnserializablePayloadMark.get(deferred) is None  # not known before the cases are built

    build_before_run(deferred)
    assert calls == ["op"] and examples.built
    assert [e.kwargs for e in reversed(examples)] == [
        e.kwargs for e in reversed(eager.hypothesis_explicit_examples)
    ]
    assert builder.UnserializablePayloadMark.get(deferred) == ["text/csv"]
    assert len(examples) == 4 and bool(examples)
    list(examples)
    assert calls == ["op"]  # built once


def test_reading_the_examples_builds_them_too(monkeypatch: Any) -> None:
    """Should Hypothesis reach the examples before the plugin's hook, they are built all the same."""
    calls: list[str] = []
    monkeypatch.setattr(deferred_coverage, "_original_add_coverage", eager_add_coverage)
    deferred = deferred_coverage._deferred_add_coverage(a_test, "op2", calls)
    assert [e.kwargs["case"] for e in reversed(deferred.hypothesis_explicit_examples)] == [
        "op2-c",
        "op2-b",
        "op2-a",
    ]
    assert calls == ["op2"]


def test_other_tests_are_left_alone() -> None:
    build_before_run(None)
    build_before_run(existing_examples())
