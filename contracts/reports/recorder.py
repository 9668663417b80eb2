"""The run recorder: what each check, header rule and enum value did, written as small JSON-lines events.

No pytest here: the Schemathesis hook, the HTTP client and the contract tests all report through the
current recorder (`current_recorder()`), and the pytest plugin (`contracts.reports.plugin`) opens and closes
one per session. Every text field is redacted before it is written.

Size: a run makes a hundred thousand passing checks. A failure is written in full; a pass is counted, and only
the first `PASS_SAMPLE` passes of each (operation, media type, check, rule) are written as events, so the
report shows what passed without a 50 MB file. The counts leave as one `TallyEvent` per key at `close()`.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from contracts.oracle import waivers
from contracts.oracle.evidence import Level, Strictness
from contracts.reports.events import (
    CaseTallyEvent,
    CheckEvent,
    DeviationEvent,
    EnumValueEvent,
    Event,
    EventLog,
    HeaderRuleEvent,
    JudgedEvent,
    ObservationEvent,
    TallyEvent,
    ItemStatusEvent,
    WaiverEvent,
)
from contracts.reports.observations import ObservationLog
from contracts.transport.exchange import Exchange
from contracts.transport.redact import redact_text

MAX_DETAIL = 4000
MAX_MESSAGE = 20_000  # a failure's whole message (a job log line that explains it may be far down)
CHAIN_LENGTH = 30  # requests of a test a failure report shows, the last ones
PASS_SAMPLE = 1
_MEDIA_SHORT = {"application/json": "json", "application/xml": "xml", "text/xml": "text-xml"}
_ID_UNSAFE = re.compile(r"[^\w.+\-/:]+")

TallyKey = tuple[str, str, str, str | None]


@dataclass
class TestContext:
    """What the running test has done so far (its junit properties and its failure entry read this)."""

    test_id: str = ""
    test_name: str = ""
    checks_run: int = 0
    checks_failed: int = 0
    operations: dict[str, None] = field(default_factory=dict)
    media_types: dict[str, None] = field(default_factory=dict)
    rule_ids: dict[str, None] = field(default_factory=dict)
    deviations: dict[str, None] = field(default_factory=dict)  # judgements found above the run's level
    # Judgements this test found broken at the run's level, with the operation and media type they were
    # judged on ("" where the test did not say): its junit properties, so a failure is attributed exactly.
    failures: dict[tuple[str, str, str], None] = field(default_factory=dict)
    called: dict[str, None] = field(default_factory=dict)  # operations the test's requests went to
    # The test's last requests and answers: the chain its failure report shows.
    exchanges: deque[Exchange] = field(default_factory=lambda: deque(maxlen=CHAIN_LENGTH))
    generated: bool = False  # its cases are drawn from the seed (Schemathesis, Hypothesis): see observations
    last_request: Callable[[], str] | None = None  # builds the last request's curl, on demand

    @property
    def last_curl(self) -> str:
        return "" if self.last_request is None else self.last_request()


class Recorder:
    """One process's recorder: writes events to its own file (or keeps them in memory), redacted."""

    def __init__(self, log: EventLog | None = None, strictness: Strictness | None = None) -> None:
        self.log = log
        self.strictness = strictness or Strictness(Level.EMULATOR)
        self.memory: list[Event] = []
        self.secrets: dict[str, str] = {}
        self.test = TestContext()
        self._enum_seen: set[tuple[str, int, str]] = set()
        self._tallies: dict[TallyKey, int] = {}
        self._cases: dict[tuple[str, str, str], int] = {}
        # (judgement, operation, media type) -> [count, first detail, first test]
        self._deviations: dict[tuple[str, str, str], list[Any]] = {}
        self._judged: dict[tuple[str, str, str], int] = {}  # (judgement, operation, test function) -> n
        self._statuses: set[tuple[str, str, str]] = set()  # (test function, status, reason)
        self.observations = ObservationLog()  # what the run saw, for the next release's comparison
        self._lock = threading.RLock()

    def emit(self, event: Event) -> None:
        if self.log is not None:
            self.log.append(event)
        else:
            with self._lock:
                self.memory.append(event)

    def redact(self, text: str) -> str:
        return redact_text(text, self.secrets.values())[:MAX_DETAIL]

    def redact_message(self, text: str) -> str:
        """A failure's whole message or chain: redacted, kept up to MAX_MESSAGE characters."""
        return redact_text(text, self.secrets.values())[:MAX_MESSAGE]

    # -- the observer the transport reports to (contracts.transport.client.TrafficObserver) -------------
    def register_secret(self, label: str, value: str | None) -> None:
        """A value that must not appear in any report; the final scan looks for it."""
        if value and len(value) >= 4:
            with self._lock:
                self.secrets.setdefault(f"{label}#{_short_hash(value)}", value)

    def note_request(self, curl: Callable[[], str] | str) -> None:
        """The last request the running test sent, for its failure entry (a curl, or a function making one:
        building a curl for each of a run's requests costs more than sending them)."""
        text_or_factory = curl
        self.test.last_request = (
            (lambda: self.redact(text_or_factory()))
            if callable(text_or_factory)
            else (lambda: self.redact(text_or_factory))
        )

    def note_exchange(self, exchange: Exchange, answer: bytes = b"") -> None:
        test = self.test
        test.exchanges.append(exchange)
        if exchange.operation and SUITE_PATH in test.test_id:
            media = short_media_type(exchange.answer_type)
            content = answer or exchange.answer
            self.observations.answer(
                exchange.operation, media, exchange.status, content, exchange.answer_type, test.generated
            )

    def note_job_time(self, seconds: float) -> None:
        """An import's job took `seconds` from its answer to the poll that found it finished."""
        self.observations.job_time(seconds)

    def note_operation(self, operation: str) -> None:
        """The running test sent a request to `operation` (a judgement it makes without naming an operation
        is counted for the operations it called)."""
        with self._lock:
            self.test.called.setdefault(operation)

    # -- what tests and checks report ------------------------------------------------------------------
    def start_test(self, test_id: str, test_name: str, *, generated: bool = False) -> None:
        with self._lock:
            self.test = TestContext(test_id=test_id, test_name=test_name, generated=generated)

    def end_test(self) -> None:
        """Between tests (and in the session's teardown: cleanup) nothing is a test's doing."""
        with self._lock:
            self.test = TestContext()

    def mark_outcome(self, judgement: str, operation: str, outcome: str) -> None:
        """A judgement's outcome on an operation ("pass", "deviation", "failure"), for the comparison."""
        if SUITE_PATH in self.test.test_id:
            self.observations.mark(("outcome", operation, judgement, outcome), self.test.generated)

    def check(self, event: CheckEvent) -> None:
        with self._lock:
            self.test.checks_run += 1
            self.test.checks_failed += 0 if event.passed else 1
            self.test.operations.setdefault(event.operation)
            self.test.media_types.setdefault(event.media_type)
            if event.rule_id:
                self.test.rule_ids.setdefault(event.rule_id)
            if not event.passed:
                self.mark_outcome(event.rule_id or event.check, event.operation, "failure")
            if event.passed:
                key = (event.operation, event.media_type, event.check, event.rule_id)
                seen = self._tallies.get(key, 0)
                self._tallies[key] = seen + 1
                if seen >= PASS_SAMPLE:
                    return
        self.emit(event)

    def header_rule(self, rule_id: str, outcome: str, operation: str) -> None:
        with self._lock:
            self.test.rule_ids.setdefault(rule_id)
        self.emit(HeaderRuleEvent(rule_id, outcome, operation, self.test.test_id))

    def enum_value(self, enum_name: str, value: int, form: str) -> None:
        key = (enum_name, value, form)
        with self._lock:
            if key in self._enum_seen:  # coverage needs each (value, form) once, not per example
                return
            self._enum_seen.add(key)
        self.emit(EnumValueEvent(enum_name, value, form))

    def case(self, operation: str, outcome: str, reason: str) -> None:
        with self._lock:
            key = (operation, outcome, reason)
            self._cases[key] = self._cases.get(key, 0) + 1

    def deviation(self, judgement: str, operation: str, media_type: str, detail: str) -> None:
        """A finding above the run's strictness: counted, with its first detail; never a failure."""
        self.mark_outcome(judgement, operation, "deviation")
        with self._lock:
            self.test.deviations.setdefault(judgement)
            key = (judgement, operation, short_media_type(media_type))
            entry = self._deviations.setdefault(key, [0, self.redact(detail), self.test.test_id])
            entry[0] += 1

    def failure(self, judgement: str, operation: str, media_type: str) -> None:
        """A judgement the run enforces was broken by the running test (it is about to fail)."""
        media = short_media_type(media_type) if media_type else ""
        with self._lock:
            self.test.failures.setdefault((judgement, operation, media))

    def judged(self, judgement: str, operation: str | None = None, *, held: bool = True) -> None:
        """`judgement` was judged on `operation`, or on every operation the test called; `held`: kept (a
        broken one's outcome is marked where it becomes a failure or a deviation)."""
        if SUITE_PATH not in self.test.test_id:
            return  # only contract tests exercise facts (and a unit-test run leaves the reports alone)
        operations = [operation] if operation else list(self.test.called) or [""]
        with self._lock:
            test = node_function(self.test.test_id)
            for op in operations:
                key = (judgement, op, test)
                self._judged[key] = self._judged.get(key, 0) + 1
        if held:
            for op in operations:
                self.mark_outcome(judgement, op, "pass")

    def test_status(self, test_id: str, status: str, reason: str = "") -> None:
        """What became of a test item: "ran", "skipped" or "deselected" (one event per function and reason)."""
        key = (node_function(test_id), status, self.redact(reason))
        with self._lock:
            if key in self._statuses:
                return
            self._statuses.add(key)
        self.emit(ItemStatusEvent(*key))

    def close(self) -> None:
        """Write the pass, case, deviation, waiver and judged counts, then close the file."""
        with self._lock:
            tallies, self._tallies = self._tallies, {}
            cases, self._cases = self._cases, {}
            deviations, self._deviations = self._deviations, {}
            judged, self._judged = self._judged, {}
        for (judgement, operation, test), count in sorted(judged.items()):
            self.emit(JudgedEvent(judgement, operation, test, count))
        observed, self.observations = self.observations, ObservationLog()
        if observed.marks or observed.job_seconds:
            self.emit(ObservationEvent(observed.as_data()))
        for (operation, outcome, reason), count in sorted(cases.items()):
            self.emit(CaseTallyEvent(operation, outcome, reason, count))
        for (judgement, operation, media_type), (count, detail, test_id) in sorted(deviations.items()):
            self.emit(DeviationEvent(judgement, operation, media_type, detail, count, test_id))
        waiver_counts: dict[tuple[str, str], int] = {}
        for use in waivers.uses():
            waiver_counts[(use.waiver_id, use.operation)] = waiver_counts.get((use.waiver_id, use.operation), 0) + 1
        waivers.clear_uses()
        for (waiver_id, operation), count in sorted(waiver_counts.items()):
            self.emit(WaiverEvent(waiver_id, operation, count))
        for (operation, media_type, check, rule_id), passed in sorted(tallies.items(), key=str):
            unsampled = passed - min(passed, PASS_SAMPLE)
            if unsampled:
                self.emit(TallyEvent(operation, media_type, check, rule_id, unsampled))
        if self.log is not None:
            self.log.close()


SUITE_PATH = "contracts/suite/"


def node_function(test_id: str) -> str:
    """`path::name` of a pytest node id, without its parameters (`path::name[JSON]` -> `path::name`); a
    contract test's path starts at `contracts/suite/` wherever the suite is installed."""
    function = test_id.split("[", 1)[0]
    at = function.find(SUITE_PATH)
    return function[at:] if at > 0 else function


def _short_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:8]


# The innermost active pytest session's recorder (a stack, so a nested pytester run does not disturb the
# outer session); outside pytest a memory-only recorder collects events.
_recorders: list[Recorder] = []
_fallback = Recorder()


def current_recorder() -> Recorder:
    return _recorders[-1] if _recorders else _fallback


def push_recorder(recorder: Recorder) -> None:
    _recorders.append(recorder)


def pop_recorder(recorder: Recorder) -> None:
    if recorder in _recorders:
        _recorders.remove(recorder)


def record_check(
    operation: str,
    media_type: str,
    check: str,
    passed: bool,
    rule_id: str | None = None,
    detail: str = "",
    *,
    curl: str = "",
) -> None:
    """One check outcome for `operation` x `media_type`; `detail`/`curl` are redacted before writing."""
    recorder = current_recorder()
    test = recorder.test
    recorder.check(
        CheckEvent(
            operation=operation,
            media_type=short_media_type(media_type),
            check=check,
            passed=passed,
            rule_id=rule_id,
            detail=recorder.redact(detail) if detail else "",
            test_id=test.test_id,
            test_name=test.test_name,
            curl=recorder.redact(curl or ("" if passed else test.last_curl)),
        )
    )


def record_judged(judgement: str, operation: str | None = None, *, held: bool = True) -> None:
    """A judgement was judged on `operation` (None: on the operations the running test called)."""
    current_recorder().judged(judgement, operation, held=held)


def record_case(operation: str, outcome: str, reason: str = "") -> None:
    """A generated case was sent as generated, rewritten for the tenant, or not sent (with the reason)."""
    current_recorder().case(operation, outcome, reason)


def record_header_rule(rule_id: str, outcome: str, *, operation: str = "") -> None:
    """A header rule was exercised; `outcome` is "pass" when the target obeyed it, else "fail"."""
    current_recorder().header_rule(rule_id, outcome, operation)


def record_enum_value(enum_name: str, value: int, form: str) -> None:
    """An enum value was sent as `form` ("int", "name" or "xml")."""
    current_recorder().enum_value(enum_name, value, form)


def register_secret(label: str, value: str | None) -> None:
    """A value that must not appear in any report (a token, a test password); the final scan looks for it."""
    current_recorder().register_secret(label, value)


def short_media_type(media_type: str | None) -> str:
    main = (media_type or "").split(";")[0].strip().lower()
    return _MEDIA_SHORT.get(main, main or "-")


def case_id(operation: str, rule_or_check: str, media_type: str) -> str:
    """A pytest id carrying operation, media type and rule, e.g. `ImportCustomers-xml-HDR-DEP-ACCOUNTS`;
    it uses only characters pytest's `-k` accepts, so the replay command can select it."""
    parts = (operation, short_media_type(media_type), rule_or_check)
    return "-".join(_ID_UNSAFE.sub("_", part).strip("_") or "_" for part in parts)
