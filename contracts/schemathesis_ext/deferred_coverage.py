"""Each operation's coverage-phase cases built where its test runs, not by every process while collecting.

Schemathesis builds the coverage phase's cases (every boundary and mutation the schema defines) for every
operation when it collects the tests. Under xdist every worker collects the whole suite, so every worker
built every operation's cases (about 4 s of CPU each on a 2-CPU machine), though each test runs on one
worker. On a slow network a run wants more workers, and that cost grew with them.

Here `add_coverage` attaches the same cases lazily: the explicit examples of the Hypothesis test are a list
that builds them the first time the test runs (`build_before_run`, called by the plugin before the test is
called, outside Hypothesis). The cases, their order and the warnings about media types that cannot be
serialized are those Schemathesis' own `add_coverage` makes: it is called, only later.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, SupportsIndex

from schemathesis.generation.hypothesis import builder

_original_add_coverage: Callable[..., Any] | None = None


class _Holder:
    """What Schemathesis' add_coverage decorates when it runs deferred: it collects the examples and marks
    (a function, as far as Schemathesis' marks are concerned)."""

    def __call__(self) -> None:
        raise NotImplementedError


class DeferredExamples(list[Any]):
    """A Hypothesis test's explicit examples, the coverage phase's built on first use, in the position
    Schemathesis' add_coverage would have put them (after those already there)."""

    def __init__(self, existing: list[Any], test: Any, build: Callable[[], tuple[list[Any], Any]]) -> None:
        super().__init__(existing)
        self._test, self._build, self._at = test, build, len(existing)
        self._built = False
        self._lock = threading.Lock()

    def build(self) -> None:
        with self._lock:
            if self._built:
                return
            examples, unserializable = self._build()
            self[self._at : self._at] = examples
            if unserializable:
                builder.UnserializablePayloadMark.set(self._test, unserializable)
            self._built = True

    @property
    def built(self) -> bool:
        return self._built

    # Everything that reads the examples builds them first (Hypothesis iterates them reversed).
    def __iter__(self) -> Iterator[Any]:
        self.build()
        return super().__iter__()

    def __reversed__(self) -> Iterator[Any]:
        self.build()
        return super().__reversed__()

    def __len__(self) -> int:
        self.build()
        return super().__len__()

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, index: SupportsIndex | slice) -> Any:
        self.build()
        return super().__getitem__(index)


def _deferred_add_coverage(test: Any, operation: Any, *args: Any, **kwargs: Any) -> Any:
    original = _original_add_coverage
    assert original is not None

    def build() -> tuple[list[Any], Any]:
        holder = _Holder()
        original(holder, operation, *args, **kwargs)
        examples = list(getattr(holder, "hypothesis_explicit_examples", []))
        return examples, builder.UnserializablePayloadMark.get(holder)

    existing = list(getattr(test, "hypothesis_explicit_examples", []))
    test.hypothesis_explicit_examples = DeferredExamples(existing, test, build)
    return test


def install() -> None:
    """Replace Schemathesis' add_coverage (looked up by create_test at each call) by the deferred one."""
    global _original_add_coverage
    if _original_add_coverage is None:
        _original_add_coverage = builder.add_coverage
        builder.add_coverage = _deferred_add_coverage


def build_before_run(test: Any) -> None:
    """Build a test's deferred coverage cases now, before Hypothesis runs it (a no-op for any other test)."""
    examples = getattr(test, "hypothesis_explicit_examples", None)
    if isinstance(examples, DeferredExamples):
        examples.build()
