"""The reports' pytest plugin: junit properties per test, a progress line per operation, and at session end
`summary.md`, `summary.html` and `failures/*.txt`, then a scan of everything written for leaked secrets.

Registered by `contracts.pytest_plugin`. Under xdist every worker records to its own event file; the
controller merges them at the end (`contracts.reports.events`). Recording itself is pytest-free
(`contracts.reports.recorder`).
"""

from __future__ import annotations

import base64
import os
import secrets as secrets_module
import time
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from contracts.oracle.evidence import Level, Strictness
from contracts.reports.cassette import BASIC_LABEL, CassetteLog, merge_cassette, part_path
from contracts.reports.events import (
    EventLog,
    FailedTestEvent,
    ObservationEvent,
    collect_run_events,
    worker_events_path,
)
from contracts.reports.observations import document, merged_marks, write_document
from contracts.reports.chain import breaking_index, chain_text, curl_of, replay_script
from contracts.reports.recorder import (
    MAX_MESSAGE,
    Recorder,
    TestContext,
    case_id,
    pop_recorder,
    push_recorder,
    short_media_type,
)
from contracts.reports.render import write_reports
from contracts.reports.summary import RunMeta, RunSummary, summarize
from contracts.reports.verdicts import ContractViolation
from contracts.transport.redact import is_sensitive_name, redact_url, scan_for_secrets

CASE_MARKER = "norce_case"
# A junit property per judgement a failing test broke: "JUDGEMENT|Operation[,Operation]|media" (operation
# and media empty where the test did not say). The self-check attributes each failure by it.
FAILED_JUDGEMENT = "failed_judgement"
OPERATIONS_CALLED = "operations_called"  # the operationIds a test sent requests to
CONTRACT_MARKER = "contract"
GENERATED_MARKER = "generated"  # a test whose cases are drawn from the seed (observations flag them)
DEFAULT_REPORT_DIR = "reports"


def case_param(*values: object, operation: str, rule: str, media_type: str, marks: Iterable[Any] = ()) -> Any:
    """`pytest.param(*values)` with `case_id` as id and a marker the plugin turns into junit properties."""
    marker = getattr(pytest.mark, CASE_MARKER)(operation=operation, rule=rule, media_type=media_type)
    return pytest.param(*values, id=case_id(operation, rule, media_type), marks=[marker, *marks])


@dataclass
class _OperationProgress:
    tests: int = 0
    checks: int = 0
    failed: int = 0
    media: dict[str, None] = field(default_factory=dict)


@dataclass
class _SessionState:
    recorder: Recorder
    report_dir: Path
    run_token: str
    worker: str
    started: float
    seed: int | None
    target: str
    worker_secrets: dict[str, str] = field(default_factory=dict)
    record: Path | None = None  # the run's cassette (--record), merged from the processes' parts at the end
    contract_seen: bool = False
    tests_passed: int = 0
    tests_failed: int = 0
    progress: dict[str, _OperationProgress] = field(default_factory=dict)
    progress_current: str | None = None
    progress_pending: str | None = None
    findings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    cassette_entries: int | None = None


@dataclass(frozen=True)
class RunInfo:
    """What the reports need to know about the run, handed over by the suite's plugin."""

    seed: int | None
    target: str  # a label or a URL; URLs are redacted before they reach a report
    report_dir: Path
    known_secrets: Mapping[str, str] = field(default_factory=dict)  # label -> value, never written
    strictness: Strictness = field(default_factory=lambda: Strictness(Level.EMULATOR))
    record: Path | None = None  # --record: keep the run's exchanges as a HAR cassette here


def target_label(label: str) -> str:
    return redact_url(label) if "://" in label else label


def configured_secrets(credential_secrets: Mapping[str, str], basic_pair: tuple[str, str] | None,
                       env: Mapping[str, str]) -> dict[str, str]:
    """Secrets known before any request: credentials, the legacy Basic credential, sensitive NORCE_* vars."""
    found: dict[str, str] = dict(credential_secrets)
    if basic_pair is not None:
        encoded = base64.b64encode(f"{basic_pair[0]}:{basic_pair[1]}".encode()).decode("ascii")
        found["basic credential"] = encoded
    for name, value in env.items():
        if name.startswith("NORCE_") and is_sensitive_name(name.removeprefix("NORCE_")) and value:
            found[name] = value
    return {label: value for label, value in found.items() if len(value) >= 4}


class _XdistHooks:
    """Workers share the controller's run token and hand back the secrets they learnt (never on disk)."""

    def __init__(self, state: _SessionState) -> None:
        self.state = state

    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput["norce_report_token"] = self.state.run_token

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        output = getattr(node, "workeroutput", {}) or {}
        self.state.worker_secrets.update(output.get("norce_report_secrets", {}))


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def install(config: pytest.Config, run: RunInfo) -> Recorder:
    """Open this process's recorder and register the session hooks; returns the recorder (the traffic
    observer the suite hands to its HTTP client)."""
    config.addinivalue_line("markers", f"{CASE_MARKER}(operation, rule, media_type): report ids of a case")
    config.addinivalue_line("markers", f"{CONTRACT_MARKER}: runs against the configured target")
    config.addinivalue_line(
        "markers", f"{GENERATED_MARKER}: its cases are drawn from the seed (Schemathesis, Hypothesis)"
    )
    worker_input: dict[str, Any] = getattr(config, "workerinput", {})
    worker = str(worker_input.get("workerid", "main"))
    run_token = str(worker_input.get("norce_report_token") or secrets_module.token_hex(6))
    recorder = Recorder(EventLog(worker_events_path(run.report_dir, run_token, worker)), run.strictness)
    for label, value in run.known_secrets.items():
        recorder.register_secret(label, value)
    if run.record is not None:
        basic = [value for label, value in run.known_secrets.items() if label == BASIC_LABEL]
        recorder.cassette = CassetteLog(part_path(run.report_dir, run_token, worker), worker, basic)
    state = _SessionState(
        recorder=recorder,
        report_dir=run.report_dir,
        run_token=run_token,
        worker=worker,
        started=time.monotonic(),
        seed=run.seed,
        target=target_label(run.target),
        record=run.record,
    )
    push_recorder(recorder)
    config.pluginmanager.register(ReportingSession(config, state), "norce-reporting-session")
    if not _is_worker(config) and config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistHooks(state), "norce-reporting-xdist")
    return recorder


class ReportingSession:
    """The per-session hooks, bound to one config (so a nested pytester session keeps its own state)."""

    def __init__(self, config: pytest.Config, state: _SessionState) -> None:
        self.config = config
        self.state = state

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.state.recorder.close()
        pop_recorder(self.state.recorder)

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        state = self.state
        state.recorder.start_test(
            item.nodeid, item.name, generated=item.get_closest_marker(GENERATED_MARKER) is not None
        )
        item.user_properties.append(("seed", "unknown" if state.seed is None else str(state.seed)))
        item.user_properties.append(("target", state.target))
        marker = item.get_closest_marker(CASE_MARKER)
        if marker is not None:
            for name in ("operation", "media_type", "rule"):
                if name in marker.kwargs:
                    value = str(marker.kwargs[name])
                    if name == "media_type":
                        value = short_media_type(value)
                    item.user_properties.append(("rule_id" if name == "rule" else name, value))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        # Before the report exists: the call and teardown reports (junit reads the latter) copy this list.
        if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
            _add_recorded_properties(item, self.state.recorder.test)
        report = yield
        if report.failed and report.when in ("setup", "call"):
            error = call.excinfo.value if call.excinfo is not None else None
            _record_failed_test(item, report, self.state.recorder, error)
            # After the call report, before the teardown report that junit reads the properties from.
            for entry in failed_judgements(self.state.recorder.test, call.excinfo):
                item.user_properties.append((FAILED_JUDGEMENT, entry))
        _record_status(item, report, self.state.recorder)
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Controller side (also under xdist, where reports arrive from workers): counts and progress."""
        if _is_worker(self.config):
            return
        state = self.state
        state.contract_seen = state.contract_seen or CONTRACT_MARKER in report.keywords
        if report.when == "call" or (report.when == "setup" and not report.passed):
            if report.passed:
                state.tests_passed += 1
            elif report.failed:
                state.tests_failed += 1
            self._advance_progress(dict(report.user_properties))

    def _advance_progress(self, properties: dict[str, object]) -> None:
        operation = str(properties.get("operation") or "")
        if not operation:
            return
        state = self.state
        entry = state.progress.setdefault(operation, _OperationProgress())
        entry.tests += 1
        entry.checks += int(str(properties.get("checks_run", 0)))
        entry.failed += int(str(properties.get("checks_failed", 0)))
        for media in str(properties.get("media_type") or "").split(","):
            if media:
                entry.media.setdefault(media)
        if state.progress_current not in (None, operation):
            state.progress_pending = state.progress_current
        state.progress_current = operation

    @pytest.hookimpl(trylast=True)  # after the terminal reporter has written the test's letter
    def pytest_runtest_logfinish(self) -> None:
        self.state.recorder.end_test()
        if self.state.progress_pending is not None:
            self._write_progress(self.state.progress_pending)
            self.state.progress_pending = None

    def _write_progress(self, operation: str | None) -> None:
        """One line per operation, written when the run moves on to another operation (and at the end)."""
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if operation is None or reporter is None or self.config.get_verbosity() < 0:
            return
        entry = self.state.progress[operation]
        media = ",".join(entry.media) or "-"
        writer = getattr(reporter, "_tw", None)
        if writer is not None and writer.width_of_current_line:  # the line of dots is still open
            writer.line()
            reporter.currentfspath = None  # the next dot starts a new line with its file name
        reporter.write_line(
            f"norce: {operation} [{media}] tests {entry.tests}, checks {entry.checks}, failed {entry.failed}"
        )

    @pytest.hookimpl(trylast=True)  # after junitxml has written junit.xml, so the scan covers it
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        state = self.state
        state.recorder.close()
        if _is_worker(self.config):
            workeroutput: dict[str, Any] = getattr(self.config, "workeroutput", {})
            workeroutput["norce_report_secrets"] = dict(state.recorder.secrets)
            return
        self._write_progress(state.progress_current)
        events = collect_run_events(state.report_dir, state.run_token)
        if state.record is not None:
            self._write_cassette(state.record)
        if not events and not state.contract_seen:
            return  # no contract test ran (e.g. unit tests only): leave the report directory alone
        meta = RunMeta(
            seed=state.seed,
            target=state.target,
            duration=time.monotonic() - state.started,
            tests_passed=state.tests_passed,
            tests_failed=state.tests_failed,
            strictness=state.recorder.strictness.level.label,
        )
        summary = summarize(events, meta)
        state.written += write_reports(summary, state.report_dir)
        state.written.append(write_observations(events, summary, state.report_dir))
        known = {**state.recorder.secrets, **state.worker_secrets}
        scanned = [state.report_dir] + ([state.record] if state.record is not None else [])
        state.findings = [str(finding) for finding in scan_for_secrets(scanned, known)]
        if state.findings and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _write_cassette(self, path: Path) -> None:
        """The processes' cassette parts as one HAR file, ordered by start time."""
        state = self.state
        meta = {
            "seed": state.seed,
            "target": state.target,
            "recorded": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        count = merge_cassette(state.report_dir, state.run_token, path, meta)
        state.written.append(path)
        state.cassette_entries = count

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        state = self.state
        if _is_worker(self.config) or not state.written:
            return
        if self.config.get_verbosity() >= -1:
            terminalreporter.write_line(
                f"norce-contracts: reports in {state.report_dir}/ (summary.md, .html)"
            )
            if state.record is not None:
                terminalreporter.write_line(
                    f"norce-contracts: {state.cassette_entries} exchanges recorded in {state.record} (HAR 1.2; "
                    f"replay: norce-emulator parity {state.record})"
                )
        if state.findings:
            terminalreporter.write_line(
                f"norce-contracts: SECRET LEAK: {len(state.findings)} secret occurrence(s) in the reports "
                "(the run fails; values not shown):",
                red=True,
                bold=True,
            )
            for finding in state.findings:
                terminalreporter.write_line(f"  {finding}", red=True)


def _add_recorded_properties(item: pytest.Item, test: TestContext) -> None:
    have = {name for name, _ in item.user_properties}
    recorded = {
        "operation": ",".join(test.operations),
        "media_type": ",".join(test.media_types),
        "rule_id": ",".join(test.rule_ids),
    }
    for name, value in recorded.items():
        if value and name not in have:
            item.user_properties.append((name, value))
    if test.called:  # what the self-check narrows a run to: the tests that reach a fault's operations
        item.user_properties.append((OPERATIONS_CALLED, ",".join(test.called)))
    item.user_properties.append(("checks_run", str(test.checks_run)))
    item.user_properties.append(("checks_failed", str(test.checks_failed)))
    if test.deviations:  # judgements above the run's strictness this test found broken
        item.user_properties.append(("deviations", ",".join(test.deviations)))


def failed_judgements(test: TestContext, excinfo: pytest.ExceptionInfo[BaseException] | None) -> list[str]:
    """The judgements a failing test broke, each once: those recorded while it ran (judge, Schemathesis
    checks) and any ContractViolation it raised (also one raised outside `judge`, or by a shared fixture
    whose failure pytest replays for every test that uses it)."""
    found: dict[tuple[str, str, str], None] = dict(test.failures)
    for violation in _violations(excinfo.value if excinfo is not None else None):
        media = short_media_type(violation.media_type) if violation.media_type else ""
        if not any(key[0] == violation.judgement_id for key in found) or violation.operation:
            found.setdefault((violation.judgement_id, violation.operation, media))
    return [f"{judgement}|{operation}|{media}" for judgement, operation, media in found]


def _violations(error: BaseException | None) -> Iterable[ContractViolation]:
    if isinstance(error, ContractViolation):
        yield error
    elif isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _violations(inner)


def _record_status(item: pytest.Item, report: pytest.TestReport, recorder: Recorder) -> None:
    """A test item ran (passed or failed) or was skipped, with the reason: what the fact coverage needs to
    say why a fact was left out."""
    if item.get_closest_marker(CONTRACT_MARKER) is None:
        return  # only contract tests exercise facts (and a unit-test run leaves the reports alone)
    if report.skipped and report.when in ("setup", "call"):
        longrepr = report.longrepr
        reason = str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else "skipped"
        recorder.test_status(item.nodeid, "skipped", reason.removeprefix("Skipped: "))
    elif report.when == "call" or (report.when == "setup" and report.failed):
        recorder.test_status(item.nodeid, "ran")


def write_observations(events: list[Any], summary: RunSummary, report_dir: Path) -> Path:
    """reports/observations.json: what this run saw, for the next release's `norce-contracts compare`."""
    marks, jobs = merged_marks(e.data for e in events if isinstance(e, ObservationEvent))
    exercised = [status.fact.id for status in summary.facts if status.exercised]
    meta = {
        "seed": summary.meta.seed,
        "target": summary.meta.target,
        "strictness": summary.meta.strictness,
        "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return write_document(document(marks, jobs, exercised, meta), report_dir)


def _violation_media(error: BaseException | None) -> str:
    """The media type a violation was judged in (a test parametrized by body type names none of its own)."""
    media = getattr(error, "media_type", "") or ""
    return short_media_type(media) if media else ""


def _record_failed_test(
    item: pytest.Item, report: pytest.TestReport, recorder: Recorder, error: BaseException | None
) -> None:
    """The failure as a person needs it: the whole message, the judgement it broke, the chain of requests
    up to it, the curl of the request that broke it and a script replaying the chain."""
    properties = dict(report.user_properties)
    message = str(error) if error is not None and str(error) else None
    if message is None:
        crash = getattr(report.longrepr, "reprcrash", None)
        message = getattr(crash, "message", None) or report.longreprtext[-MAX_MESSAGE:]
    judgement_id = getattr(error, "judgement_id", None)
    operation = getattr(error, "operation", "") or str(properties.get("operation", "")).split(",")[0]
    exchanges = list(recorder.test.exchanges)
    breaking = breaking_index(exchanges, getattr(error, "operation", "") or None)
    secrets = list(recorder.secrets.values())
    curl = curl_of(exchanges[breaking], secrets) if breaking is not None else recorder.test.last_curl
    if breaking is not None and exchanges[breaking].operation:
        operation = exchanges[breaking].operation or operation
    if not isinstance(error, ContractViolation):  # a violation marked its outcome where it was judged
        recorder.mark_outcome(judgement_id or "assertion", operation, "failure")
    recorder.emit(
        FailedTestEvent(
            test_id=item.nodeid,
            test_name=item.name,
            message=recorder.redact_message(message),
            operation=operation,
            media_type=str(properties.get("media_type", "")) or _violation_media(error),
            rule_id=judgement_id or (str(properties["rule_id"]) if properties.get("rule_id") else None),
            curl=recorder.redact(curl),
            chain=recorder.redact_message(chain_text(exchanges, breaking, secrets)),
            script=recorder.redact_message(replay_script(exchanges, secrets)) if len(exchanges) > 1 else "",
        )
    )
