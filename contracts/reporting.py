"""Contract-run reports: a recorder API, a Schemathesis `after_validate` hook and a pytest plugin.

Recording (any process, any thread): `record_check`, `record_header_rule`, `record_enum_value`,
`record_header_enums`, `note_request` and `register_secret`. Schemathesis validations are recorded by the
global `after_validate` hook (`record_validation`), so `case.call_and_validate()` needs no wrapper;
`validate_and_record` exists for code that validates a response it sent itself.

The plugin (`pytest_plugins = ["contracts.reporting"]`) gives every test junit properties (seed, target,
operation, rule_id, ...), prints a per-operation progress line, and on the controller at session end merges
the per-process event files and writes `summary.md`, `summary.html` and `failures/*.txt` into the report
directory. It then scans every file there for known secrets and fails the session if one leaked.

Nothing here imports the emulator; `contracts.client`/`contracts.pytest_plugin` are imported lazily so
that they may themselves call into this module.
"""

from __future__ import annotations

import base64
import os
import re
import secrets as secrets_module
import threading
import time
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from contracts.enums import field_enum, header_rules
from contracts.redact import is_sensitive_name, redact_text, redact_url, scan_for_secrets
from contracts.report_events import (
    CheckEvent,
    EnumValueEvent,
    Event,
    EventLog,
    FailedTestEvent,
    HeaderRuleEvent,
    collect_run_events,
    worker_events_path,
)
from contracts.report_render import RunMeta, summarize, write_reports

CASE_MARKER = "norce_case"
CONTRACT_MARKER = "contract"
DEFAULT_REPORT_DIR = "reports"
MAX_DETAIL = 4000
IMPORT_OPERATIONS = ("ImportCompanies", "ImportCustomers")
ACCEPTED_RULE_HINTS = {"JobId": "HDR-JOBID-IGNORED"}  # members whose mere presence is an accepted rule
_MEDIA_SHORT = {"application/json": "json", "application/xml": "xml", "text/xml": "text-xml"}
_ID_UNSAFE = re.compile(r"[^\w.+\-/:]+")


# ---------------------------------------------------------------------------------------------------------
# Recorder
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _TestContext:
    test_id: str = ""
    test_name: str = ""
    checks_run: int = 0
    checks_failed: int = 0
    operations: dict[str, None] = field(default_factory=dict)
    media_types: dict[str, None] = field(default_factory=dict)
    rule_ids: dict[str, None] = field(default_factory=dict)
    last_curl: str = ""


class Recorder:
    """One process's recorder: writes events to its own file (or memory), redacting every text field."""

    def __init__(self, log: EventLog | None = None) -> None:
        self.log = log
        self.memory: list[Event] = []
        self.secrets: dict[str, str] = {}
        self.test = _TestContext()
        self._enum_seen: set[tuple[str, int, str]] = set()
        self._lock = threading.RLock()

    def emit(self, event: Event) -> None:
        if self.log is not None:
            self.log.append(event)
        else:
            with self._lock:
                self.memory.append(event)

    def redact(self, text: str) -> str:
        return redact_text(text, self.secrets.values())[:MAX_DETAIL]

    def add_secret(self, label: str, value: str | None) -> None:
        if value and len(value) >= 4:
            with self._lock:
                self.secrets.setdefault(f"{label}#{_short_hash(value)}", value)

    def start_test(self, test_id: str, test_name: str) -> None:
        with self._lock:
            self.test = _TestContext(test_id=test_id, test_name=test_name)

    def check(self, event: CheckEvent) -> None:
        with self._lock:
            self.test.checks_run += 1
            self.test.checks_failed += 0 if event.passed else 1
            self.test.operations.setdefault(event.operation)
            self.test.media_types.setdefault(event.media_type)
            if event.rule_id:
                self.test.rule_ids.setdefault(event.rule_id)
        self.emit(event)

    def enum_value(self, enum_name: str, value: int, form: str) -> None:
        key = (enum_name, value, form)
        with self._lock:
            if key in self._enum_seen:  # coverage needs each (value, form) once, not per example
                return
            self._enum_seen.add(key)
        self.emit(EnumValueEvent(enum_name, value, form))

    def close(self) -> None:
        if self.log is not None:
            self.log.close()


def _short_hash(value: str) -> str:
    import hashlib

    return hashlib.sha256(value.encode()).hexdigest()[:8]


# The innermost active pytest session's recorder (a stack, so a nested pytester run does not disturb the
# outer session); outside pytest a memory-only recorder collects events.
_recorders: list[Recorder] = []
_fallback = Recorder()


def current_recorder() -> Recorder:
    return _recorders[-1] if _recorders else _fallback


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
            detail=recorder.redact(detail),
            test_id=test.test_id,
            test_name=test.test_name,
            curl=recorder.redact(curl or ("" if passed else test.last_curl)),
        )
    )


def record_header_rule(rule_id: str, outcome: str, *, operation: str = "") -> None:
    """A header rule was exercised; `outcome` is "pass" when the target obeyed it, else "fail"."""
    recorder = current_recorder()
    with recorder._lock:
        recorder.test.rule_ids.setdefault(rule_id)
    recorder.emit(HeaderRuleEvent(rule_id, outcome, operation, recorder.test.test_id))


def record_enum_value(enum_name: str, value: int, form: str) -> None:
    """An enum value was sent as `form` ("int", "name" or "xml")."""
    current_recorder().enum_value(enum_name, value, form)


def record_header_enums(header_value: str | None) -> None:
    """Record every known enum value in a raw X-StormConnect-Header (JSON ints/names, or XML)."""
    for enum_name, value, form in header_enum_values(header_value):
        record_enum_value(enum_name, value, form)


def note_request(curl: str) -> None:
    """The (already redacted) curl of the last request the running test sent, for its failure entry."""
    recorder = current_recorder()
    recorder.test.last_curl = recorder.redact(curl)


def register_secret(label: str, value: str | None) -> None:
    """A value that must not appear in any report (a token, a test password); the final scan looks for it."""
    current_recorder().add_secret(label, value)


# ---------------------------------------------------------------------------------------------------------
# Test ids
# ---------------------------------------------------------------------------------------------------------


def short_media_type(media_type: str | None) -> str:
    main = (media_type or "").split(";")[0].strip().lower()
    return _MEDIA_SHORT.get(main, main or "-")


def case_id(operation: str, rule_or_check: str, media_type: str) -> str:
    """A pytest id carrying operation, media type and rule, e.g. `ImportCustomers-xml-HDR-DEP-ACCOUNTS`;
    it uses only characters pytest's `-k` accepts, so the replay command can select it."""
    parts = (operation, short_media_type(media_type), rule_or_check)
    return "-".join(_ID_UNSAFE.sub("_", part).strip("_") or "_" for part in parts)


def case_param(*values: object, operation: str, rule: str, media_type: str, marks: Iterable[Any] = ()) -> Any:
    """`pytest.param(*values)` with `case_id` as id and a marker the plugin turns into junit properties."""
    marker = getattr(pytest.mark, CASE_MARKER)(operation=operation, rule=rule, media_type=media_type)
    return pytest.param(*values, id=case_id(operation, rule, media_type), marks=[marker, *marks])


# ---------------------------------------------------------------------------------------------------------
# Header contents (enum coverage, accepted-rule hints)
# ---------------------------------------------------------------------------------------------------------

_LIST_MEMBERS = {
    "CompanyFieldsThatAreSet": "CompanyField",
    "CustomerFieldsThatAreSet": "CustomerField",
    "AccountFieldsThatAreSet": "AccountField",
}


def _header_members(header_value: str | None) -> tuple[dict[str, object], bool] | None:
    if not header_value or "\n" in header_value or "\r" in header_value:
        return None
    from contracts.header import decode_header

    try:
        return decode_header(header_value), not header_value.lstrip().startswith("{")
    except Exception:  # not a header at all: nothing to cover
        return None


def header_enum_values(header_value: str | None) -> list[tuple[str, int, str]]:
    """(enum, value, form) for every member value of an enum in the header; unknown values are left out."""
    decoded = _header_members(header_value)
    if decoded is None:
        return []
    members, xml_form = decoded
    found: list[tuple[str, int, str]] = []
    pairs: list[tuple[str, object]] = []
    for member, enum_name in _LIST_MEMBERS.items():
        values = members.get(member)
        if isinstance(values, list):
            pairs += [(enum_name, v) for v in values]
    if "SerializationType" in members:
        pairs.append(("SerializationType", members["SerializationType"]))
    for enum_name, raw in pairs:
        resolved = _enum_value(enum_name, raw)
        if resolved is not None:
            value, is_int = resolved
            found.append((enum_name, value, "xml" if xml_form else ("int" if is_int else "name")))
    return found


def _enum_value(enum_name: str, raw: object) -> tuple[int, bool] | None:
    enum = field_enum(enum_name)
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return (raw, True) if raw in enum else None
    if isinstance(raw, str):
        text = raw.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            number = int(text)
            return (number, True) if number in enum else None
        value = enum.value_of(text)
        return None if value is None else (value, False)
    return None


def accepted_rule_hint(header_value: str | None) -> str | None:
    """The accepted-situation rule (JobId sent, SupplierId without StorageName) a valid header exercises."""
    decoded = _header_members(header_value)
    if decoded is None:
        return None
    members = decoded[0]
    if "SupplierId" in members and "StorageName" not in members:
        return "HDR-SUPPLIER-NEEDS-STORAGE"
    for member, rule in ACCEPTED_RULE_HINTS.items():
        if member in members:
            return rule
    return None


# ---------------------------------------------------------------------------------------------------------
# Schemathesis
# ---------------------------------------------------------------------------------------------------------


def _operation_id(case: Any) -> str:
    raw = getattr(getattr(case.operation, "definition", None), "raw", None)
    if isinstance(raw, dict) and raw.get("operationId"):
        return str(raw["operationId"])
    return str(getattr(case.operation, "label", "?"))


def _header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return None if value is None else str(value)
    return None


def _request_media_type(case: Any, request: Any) -> str:
    """Body media type for requests with a body, otherwise what the request asked for (Accept)."""
    headers = getattr(request, "headers", None)
    return (
        getattr(case, "media_type", None)
        or _header(headers, "content-type")
        or _header(headers, "accept")
        or "-"
    )


def learn_credentials(headers: Mapping[str, Any] | None) -> None:
    """Tokens seen in an Authorization header become secrets for redaction and the final scan."""
    authorization = _header(headers, "authorization") or ""
    scheme, _, credential = authorization.partition(" ")
    if scheme.lower() in ("bearer", "basic") and credential.strip():
        register_secret(f"{scheme.lower()} credential", credential.strip())


def _curl_of(request: Any) -> str:
    import httpx

    from contracts.client import as_curl

    body = getattr(request, "body", None)
    content = body.encode() if isinstance(body, str) else body
    try:
        built = httpx.Request(
            str(request.method), str(request.url), headers=dict(request.headers), content=content
        )
    except Exception as exc:  # an unusual request object: say so rather than losing the failure
        return f"# could not rebuild the request as curl: {type(exc).__name__}"
    return as_curl(built, list(current_recorder().secrets.values()))


def _rule_of(failure: Any) -> str | None:
    rule = getattr(getattr(failure, "exception", None), "rule", None)
    return rule if isinstance(rule, str) and rule in header_rules() else None


def _expected_header_rule(operation: str, request: Any) -> str | None:
    from contracts.header import expected_violation

    header_value = _header(request.headers, "X-StormConnect-Header")
    body = getattr(request, "body", None)
    return expected_violation(
        operation, header_value, _header(request.headers, "content-type"), has_payload=bool(body)
    ) or accepted_rule_hint(header_value)


def record_validation(context: Any, case: Any, response: Any, results: list[Any]) -> None:
    """Schemathesis `after_validate`: one check event per result, plus header-rule and enum coverage."""
    operation = _operation_id(case)
    request = response.request
    learn_credentials(request.headers)
    media_type = _request_media_type(case, request)
    header_rule = None
    if operation in IMPORT_OPERATIONS:
        record_header_enums(_header(request.headers, "X-StormConnect-Header"))
        header_rule = _expected_header_rule(operation, request)
    curl: str | None = None
    for result in results:
        failure = getattr(result, "failure", None)
        passed = failure is None
        rule_id = _rule_of(failure)
        if result.name == "header_rule_oracle" and header_rule is not None:
            rule_id = rule_id or header_rule
            record_header_rule(header_rule, "pass" if passed else "fail", operation=operation)
        detail = ""
        if not passed:
            detail = f"{getattr(failure, 'title', '')}\n{getattr(failure, 'message', '')}".strip()
            curl = curl if curl is not None else _curl_of(request)
        record_check(operation, media_type, result.name, passed, rule_id, detail, curl=curl or "")


_hook_registered = False


def register_schemathesis_hook() -> None:
    """Install `record_validation` as a global Schemathesis `after_validate` hook (idempotent)."""
    global _hook_registered
    if _hook_registered:
        return
    import schemathesis

    schemathesis.hook("after_validate")(record_validation)
    _hook_registered = True


def validate_and_record(case: Any, response: Any, **kwargs: Any) -> None:
    """`case.validate_response(response, **kwargs)` with every check outcome recorded (via the hook)."""
    register_schemathesis_hook()
    case.validate_response(response, **kwargs)


# ---------------------------------------------------------------------------------------------------------
# pytest plugin
# ---------------------------------------------------------------------------------------------------------


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
    contract_seen: bool = False
    tests_passed: int = 0
    tests_failed: int = 0
    progress: dict[str, _OperationProgress] = field(default_factory=dict)
    progress_current: str | None = None
    progress_pending: str | None = None
    findings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


STATE_KEY = pytest.StashKey[_SessionState]()


def _settings(config: pytest.Config) -> Any:
    """The contracts plugin's settings when it is loaded (seed, target, report dir), else None."""
    from contracts.pytest_plugin import SETTINGS_KEY

    return config.stash.get(SETTINGS_KEY, None)


def _target_label(settings: Any) -> str:
    if settings is None:
        return "unknown"
    label = str(settings.target.label)
    return redact_url(label) if "://" in label else label


def configured_secrets(settings: Any, env: Mapping[str, str]) -> dict[str, str]:
    """Secrets known before any request: credentials, the legacy Basic credential, sensitive NORCE_* vars."""
    found: dict[str, str] = {}
    if settings is not None:
        credentials = settings.target.credentials
        found.update(credentials.secrets())
        if credentials.basic_application_id and credentials.basic_secret_key:
            pair = f"{credentials.basic_application_id}:{credentials.basic_secret_key}"
            found["basic credential"] = base64.b64encode(pair.encode()).decode("ascii")
    for name, value in env.items():
        if name.startswith("NORCE_") and is_sensitive_name(name.removeprefix("NORCE_")) and value:
            found[name] = value
    return {label: value for label, value in found.items() if len(value) >= 4}


class _XdistHooks:
    """Workers share the controller's run token and hand back the secrets they learnt (never on disk)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput["norce_report_token"] = self.config.stash[STATE_KEY].run_token

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        output = getattr(node, "workeroutput", {}) or {}
        self.config.stash[STATE_KEY].worker_secrets.update(output.get("norce_report_secrets", {}))


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(trylast=True)  # after contracts.pytest_plugin has settled seed, target and report dir
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{CASE_MARKER}(operation, rule, media_type): report ids of a case")
    config.addinivalue_line("markers", f"{CONTRACT_MARKER}: runs against the configured target")
    settings = _settings(config)
    report_dir = Path(settings.report_dir) if settings is not None else Path(DEFAULT_REPORT_DIR)
    worker_input: dict[str, Any] = getattr(config, "workerinput", {})
    worker = str(worker_input.get("workerid", "main"))
    run_token = str(worker_input.get("norce_report_token") or secrets_module.token_hex(6))
    recorder = Recorder(EventLog(worker_events_path(report_dir, run_token, worker)))
    base_secrets = configured_secrets(settings, os.environ)
    for label, value in base_secrets.items():
        recorder.add_secret(label, value)
    state = _SessionState(
        recorder=recorder,
        report_dir=report_dir,
        run_token=run_token,
        worker=worker,
        started=time.monotonic(),
        seed=None if settings is None else int(settings.seed),
        target=_target_label(settings),
    )
    config.stash[STATE_KEY] = state
    _recorders.append(recorder)
    register_schemathesis_hook()
    config.pluginmanager.register(ReportingSession(config, state), "norce-reporting-session")
    if not _is_worker(config) and config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistHooks(config), "norce-reporting-xdist")


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return
    state.recorder.close()
    if state.recorder in _recorders:
        _recorders.remove(state.recorder)


class ReportingSession:
    """The per-session hooks, bound to one config (so a nested pytester session keeps its own state)."""

    def __init__(self, config: pytest.Config, state: _SessionState) -> None:
        self.config = config
        self.state = state

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        state = self.state
        state.recorder.start_test(item.nodeid, item.name)
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
            _record_failed_test(item, report, self.state.recorder)
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
        if not events and not state.contract_seen:
            return  # no contract test ran (e.g. unit tests only): leave the report directory alone
        meta = RunMeta(
            seed=state.seed,
            target=state.target,
            duration=time.monotonic() - state.started,
            tests_passed=state.tests_passed,
            tests_failed=state.tests_failed,
        )
        state.written = write_reports(summarize(events, meta), state.report_dir)
        known = {**state.recorder.secrets, **state.worker_secrets}
        state.findings = [str(finding) for finding in scan_for_secrets([state.report_dir], known)]
        if state.findings and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        state = self.state
        if _is_worker(self.config) or not state.written:
            return
        if self.config.get_verbosity() >= -1:
            terminalreporter.write_line(
                f"norce-contracts: reports in {state.report_dir}/ (summary.md, .html)"
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


def _add_recorded_properties(item: pytest.Item, test: _TestContext) -> None:
    have = {name for name, _ in item.user_properties}
    recorded = {
        "operation": ",".join(test.operations),
        "media_type": ",".join(test.media_types),
        "rule_id": ",".join(test.rule_ids),
    }
    for name, value in recorded.items():
        if value and name not in have:
            item.user_properties.append((name, value))
    item.user_properties.append(("checks_run", str(test.checks_run)))
    item.user_properties.append(("checks_failed", str(test.checks_failed)))


def _record_failed_test(item: pytest.Item, report: pytest.TestReport, recorder: Recorder) -> None:
    properties = dict(report.user_properties)
    crash = getattr(report.longrepr, "reprcrash", None)
    message = getattr(crash, "message", None) or report.longreprtext[-MAX_DETAIL:]
    recorder.emit(
        FailedTestEvent(
            test_id=item.nodeid,
            test_name=item.name,
            message=recorder.redact(str(message)),
            operation=str(properties.get("operation", "")),
            media_type=str(properties.get("media_type", "")),
            rule_id=str(properties["rule_id"]) if properties.get("rule_id") else None,
            curl=recorder.test.last_curl,
        )
    )
