"""The suite's pytest plugin and composition root: options, settings, the target (embedded emulator by
default), and the wiring of the three layers: it opens the reports (`contracts.reports.plugin.install`),
registers the Schemathesis extensions (`contracts.schemathesis_ext.register`), and builds the transport
(auth, guard, namespace, ledger, client) as session fixtures that report to the run's recorder.

Write tests (marker `writes`) on a read-only or dry-run target are *deselected with a reported reason*, not
skipped: the terminal summary says how many and why.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from contracts import schemathesis_ext
from contracts.oracle import waivers
from contracts.oracle.evidence import Level, Strictness
from contracts.reports import plugin as reports
from contracts.reports.events import TrafficEvent
from contracts.reports.recorder import Recorder, current_recorder
from contracts.schemathesis_ext import deferred_coverage
from contracts.schemathesis_ext.case_gate import CaseGate
from contracts.transport.auth import AuthSession, TokenAnswer, TokenError, TokenProvider
from contracts.transport.client import NorceClient
from contracts.transport.embedded import EmbeddedServer
from contracts.transport.guard import WriteGuard
from contracts.transport.inventory import RunInventory
from contracts.transport.ledger import CLEANUP_CONCURRENCY, Ledger
from contracts.transport.namespace import RunNamespace
from contracts.transport.target import ConfigError, Target, resolve_target
from contracts.transport.tenant_policy import TenantWritePolicy

WRITES_MARKER = "writes"
JOB_CHAIN_MARKER = "job_chain"
# (option dest, pyproject/target key) for the target-shaping options.
TARGET_OPTIONS = (
    ("norce_target", "target"),
    ("norce_connect_url", "connect-url"),
    ("norce_customer_url", "customer-url"),
    ("norce_token_url", "token-url"),
    ("norce_rate", "rate"),
    ("norce_job_timeout", "job-timeout"),
    ("norce_job_stall", "job-stall"),
    ("norce_retries", "retries"),
    ("norce_strictness", "strictness"),
    ("norce_waivers", "waivers"),
)

DEFAULT_SEED = 20261125
FULL, SMOKE = "full", "smoke"


@dataclass
class SuiteSettings:
    """Everything decided at configure time (no network yet)."""

    target: Target
    seed: int
    seed_derived: bool
    allow_writes: bool
    dry_run: bool
    max_examples: int | None
    report_dir: Path
    run_id: str
    deselected: list[str] = field(default_factory=list)
    deselect_reason: str | None = None
    workers: int = 1  # pytest-xdist processes sharing the run
    profile: str = FULL  # SMOKE: one example per property, no Schemathesis coverage phase

    @property
    def smoke(self) -> bool:
        return self.profile == SMOKE

    @property
    def rate(self) -> float | None:
        """This process's share of --rate: the limit is for the whole run, and every worker paces alone."""
        return self.target.rate / self.workers if self.target.rate else None

    def guard(self, target: Target | None = None) -> WriteGuard:
        return WriteGuard(target or self.target, allow_writes=self.allow_writes, dry_run=self.dry_run)


SETTINGS_KEY = pytest.StashKey[SuiteSettings]()
RECORDER_KEY = pytest.StashKey[Recorder]()


def suite_settings(config: pytest.Config) -> SuiteSettings:
    return config.stash[SETTINGS_KEY]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("norce-contracts", "Norce contract suite")
    group.addoption(
        "--target", dest="norce_target", help="'emulator' (default), a tenant base URL, or a profile"
    )
    group.addoption("--connect-url", dest="norce_connect_url", help="Connect 4.0 base URL (per-API layout)")
    group.addoption("--customer-url", dest="norce_customer_url", help="Customer Service 1.1 base URL")
    group.addoption("--token-url", dest="norce_token_url", help="OAuth2 token endpoint")
    group.addoption(
        "--seed", dest="norce_seed", type=int, help=f"run seed (default {DEFAULT_SEED}; printed, replayable)"
    )
    group.addoption("--allow-writes", dest="norce_allow_writes", action="store_true", help="allow writes")
    group.addoption("--dry-run", dest="norce_dry_run", action="store_true", help="list writes, send none")
    group.addoption(
        "--rate",
        dest="norce_rate",
        type=float,
        help="max requests per second to the target, for the whole run (each worker takes its share)",
    )
    group.addoption("--job-timeout", dest="norce_job_timeout", type=float, help="seconds to wait for a job")
    group.addoption(
        "--job-stall", dest="norce_job_stall", type=float, help="seconds a job may stand still (default 60)"
    )
    group.addoption(
        "--retries",
        dest="norce_retries",
        type=int,
        help="retries after a 429, a gateway's transient 502/503/504 or a network error (default 3)",
    )
    group.addoption(
        "--max-examples", dest="norce_max_examples", type=int, help="Hypothesis examples per test"
    )
    group.addoption(
        "--profile",
        dest="norce_profile",
        choices=[FULL, SMOKE],
        default=FULL,
        help="smoke: every test and operation with one example and no Schemathesis coverage phase (minutes "
        "become seconds; the full profile finds more)",
    )
    group.addoption("--report-dir", dest="norce_report_dir", default="reports", help="where reports go")
    group.addoption(
        "--strictness",
        dest="norce_strictness",
        choices=[level.label for level in Level],
        help="judge by: documented (tenant default), recommended, emulator (embedded default)",
    )
    group.addoption(
        "--record",
        dest="norce_record",
        metavar="PATH",
        help="keep the run's exchanges as a HAR 1.2 cassette at PATH, redacted (norce-emulator parity PATH "
        "replays it against the emulator)",
    )
    group.addoption(
        "--waiver",
        dest="norce_waivers",
        action="append",
        help="+W-ID turns a waiver on, -W-ID off (repeatable; see contracts/oracle/waivers.py)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{WRITES_MARKER}: performs write operations on the target (guarded)")
    config.addinivalue_line(
        "markers", f"{JOB_CHAIN_MARKER}(N): waits for N jobs one after another; the longest run first"
    )
    # pytest-xdist registers it only when loaded; a run without xdist (-p no:xdist) must still accept it.
    config.addinivalue_line("markers", "xdist_group(name): run on one xdist worker (--dist loadgroup)")
    options = {key: config.getoption(dest) for dest, key in TARGET_OPTIONS}
    try:
        target = resolve_target(options)
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    worker_input: dict[str, Any] = getattr(config, "workerinput", {})
    seed = config.getoption("norce_seed")
    derived = seed is None
    if seed is None:
        # Deterministic by default: the same command replays the same cases; vary --seed to explore.
        seed = int(worker_input.get("norce_seed", DEFAULT_SEED))
    run_id = str(worker_input.get("norce_run_id", secrets.token_hex(4)))
    config.stash[SETTINGS_KEY] = SuiteSettings(
        target=target,
        seed=seed,
        seed_derived=derived,
        allow_writes=bool(config.getoption("norce_allow_writes")),
        dry_run=bool(config.getoption("norce_dry_run")),
        max_examples=config.getoption("norce_max_examples")
        or (1 if config.getoption("norce_profile") == SMOKE else None),
        report_dir=Path(config.getoption("norce_report_dir")),
        run_id=run_id,
        workers=max(1, int(worker_input.get("workercount", 1))),
        profile=config.getoption("norce_profile"),
    )
    try:
        waivers.set_active(waivers.resolve(target.waivers))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    missing = config.stash[SETTINGS_KEY].guard().write_requirements()
    if missing is not None:
        raise pytest.UsageError(missing)
    credentials = target.credentials
    basic = (
        (credentials.basic_application_id, credentials.basic_secret_key)
        if credentials.basic_application_id and credentials.basic_secret_key
        else None
    )
    run = reports.RunInfo(
        seed=seed,
        target=target.label,
        report_dir=Path(config.getoption("norce_report_dir")),
        known_secrets=reports.configured_secrets(credentials.secrets(), basic, os.environ),
        strictness=Strictness(target.strictness),
        record=Path(record) if (record := config.getoption("norce_record")) else None,
    )
    config.stash[RECORDER_KEY] = reports.install(config, run)
    if config.pluginmanager.hasplugin("xdist") and not worker_input:
        share = _XdistShare(seed, run_id, target, config.stash[RECORDER_KEY])
        config.pluginmanager.register(share, "norce-contracts-xdist")
    schemathesis_ext.register()
    deferred_coverage.install()  # coverage cases built where each test runs, not by every xdist worker


class _XdistShare:
    """Workers get the controller's seed and run id, so one run has one seed and one namespace, and on a
    tenant its token: the token endpoint allows 3 requests a minute, N workers asking at once would wait."""

    def __init__(self, seed: int, run_id: str, target: Target, recorder: Recorder) -> None:
        self.seed, self.run_id = seed, run_id
        self.target, self.recorder = target, recorder
        self.token: dict[str, Any] | None = None

    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput["norce_seed"] = self.seed
        node.workerinput["norce_run_id"] = self.run_id
        shared = self._shared_token()
        if shared is not None:
            node.workerinput["norce_token"] = {**shared, "sent_at": time.time()}

    def _shared_token(self) -> dict[str, Any] | None:
        if self.target.is_emulator or not self.target.credentials.has_oauth:
            return None  # each worker serves its own embedded emulator, with its own tokens
        if self.token is None:
            tokens = TokenProvider(self.target.token_url, self.target.credentials, secrets=self.recorder)
            try:
                self.token = tokens.shareable()
            except TokenError:
                return None  # the workers will ask themselves and report the error where it matters
            finally:
                tokens.http.close()
        return self.token


def pytest_report_header(config: pytest.Config) -> list[str]:
    settings = suite_settings(config)
    seed_note = f" (default; replay with --seed {settings.seed})" if settings.seed_derived else ""
    return [
        f"norce-contracts: target={settings.target.label} seed={settings.seed}{seed_note} "
        f"writes={settings.guard().describe()} strictness={settings.target.strictness.label}"
    ]


def job_chain_length(item: pytest.Item) -> int:
    """How many jobs the test waits for one after another (`@pytest.mark.job_chain(N)`; 0 unmarked)."""
    marker = item.get_closest_marker(JOB_CHAIN_MARKER)
    return int(marker.args[0]) if marker is not None and marker.args else 0


def job_chains_first(config: Any, items: list[pytest.Item]) -> None:
    """Under xdist, longest first: tests that wait job after job start before the rest, each on its own worker
    (xdist hands out tests in collection order). Last in the order, several of them queued on one worker
    while the others sat idle (a tenant run with 5-20 s jobs: the three stateful parts, 6 minutes on one).
    In one process the order stays: a -x run stops at its first failure sooner without them in front."""
    if hasattr(config, "workerinput"):
        items.sort(key=job_chain_length, reverse=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    job_chains_first(config, items)
    settings = suite_settings(config)
    guard = settings.guard()
    if guard.sends_writes:
        return
    reason = "dry-run: writes are listed, not sent" if settings.dry_run else str(guard.refusal)
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        (deselected if item.get_closest_marker(WRITES_MARKER) else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
        settings.deselected = [item.nodeid for item in deselected]
        settings.deselect_reason = reason
        recorder = current_recorder()  # the fact coverage says which facts this left out, and why
        for item in deselected:
            if item.get_closest_marker("contract") is not None:
                recorder.test_status(item.nodeid, "deselected", reason)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """A Schemathesis test's coverage cases are built now, before Hypothesis runs it (deferred_coverage)."""
    deferred_coverage.build_before_run(getattr(item, "obj", None))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    settings = suite_settings(config)
    if settings.deselected:
        count = len(settings.deselected)
        terminalreporter.write_line(
            f"norce-contracts: {count} write test(s) deselected: {settings.deselect_reason}"
        )
        if settings.dry_run:
            for nodeid in settings.deselected:
                terminalreporter.write_line(f"  would run: {nodeid}")
    terminalreporter.write_line(f"norce-contracts: seed={settings.seed} (replay with --seed {settings.seed})")


# -- fixtures -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def norce_settings(pytestconfig: pytest.Config) -> SuiteSettings:
    return suite_settings(pytestconfig)


@pytest.fixture(scope="session")
def norce_seed(norce_settings: SuiteSettings) -> int:
    return norce_settings.seed


@pytest.fixture(scope="session")
def norce_max_examples(norce_settings: SuiteSettings) -> int | None:
    return norce_settings.max_examples


@pytest.fixture(scope="session")
def target(norce_settings: SuiteSettings) -> Iterator[Target]:
    """The resolved target; for the emulator, a fresh embedded server on an ephemeral port."""
    configured = norce_settings.target
    if not configured.is_emulator:
        yield configured
        return
    env = {} if "NORCE_EMULATOR_SEED" in os.environ else {"NORCE_EMULATOR_SEED": str(norce_settings.seed)}
    server = EmbeddedServer(configured.emulator_app, env=env, http_protocol=configured.emulator_http_protocol)
    try:
        base_url = server.start()
    except ConfigError as exc:
        pytest.fail(f"norce-contracts: {exc}", pytrace=False)
    try:
        yield configured.with_base_url(base_url)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def write_guard(norce_settings: SuiteSettings, target: Target) -> WriteGuard:
    return norce_settings.guard(target)


@pytest.fixture(scope="session")
def recorder(pytestconfig: pytest.Config) -> Recorder:
    """This process's run recorder: the transport reports requests and secrets to it."""
    return pytestconfig.stash[RECORDER_KEY]


@pytest.fixture(scope="session")
def norce_auth(pytestconfig: pytest.Config, target: Target, recorder: Recorder) -> Iterator[AuthSession]:
    """One token cache per process, shared by NorceClient and the Schemathesis calls; an xdist worker on a
    tenant starts from the controller's token."""
    credentials = target.credentials
    tokens = TokenProvider(target.token_url, credentials, secrets=recorder) if credentials.has_oauth else None
    shared = getattr(pytestconfig, "workerinput", {}).get("norce_token")
    if tokens is not None and shared:
        age = float(shared["age"]) + max(0.0, time.time() - float(shared["sent_at"]))
        tokens.adopt(
            str(shared["access_token"]),
            str(shared["token_type"]),
            float(shared["expires_in"]),
            age,
            TokenAnswer.from_data(shared.get("answer")),
        )
    try:
        yield AuthSession(credentials, tokens)
    finally:
        if tokens is not None:
            tokens.http.close()


@pytest.fixture(scope="session")
def run_namespace(pytestconfig: pytest.Config, norce_settings: SuiteSettings) -> RunNamespace:
    worker = getattr(pytestconfig, "workerinput", {}).get("workerid", "")
    return RunNamespace(norce_settings.run_id, scope=str(worker))


def _ledger_path(config: pytest.Config, report_dir: Path) -> Path:
    worker = getattr(config, "workerinput", {}).get("workerid")
    return report_dir / (f"ledger-{worker}.json" if worker else "ledger.json")


@pytest.fixture(scope="session")
def ledger(
    pytestconfig: pytest.Config,
    norce_settings: SuiteSettings,
    target: Target,
    norce_auth: AuthSession,
    write_guard: WriteGuard,
    run_namespace: RunNamespace,
) -> Iterator[Ledger]:
    """Records what the run creates; at session end deactivates it, failing loudly on leftovers."""
    path = _ledger_path(pytestconfig, norce_settings.report_dir)
    _keep_unfinished_ledger(path)
    urls = {"connect": target.connect_url, "customer": target.customer_url, "token": target.token_url}
    book = Ledger(path, run_id=run_namespace.run_id, target=target.label, urls=urls, namespace=run_namespace)
    yield book
    if book.pending and write_guard.sends_writes:
        # Paced at the process's share like every other request, and recorded next to them.
        cleaner = NorceClient(
            target,
            norce_auth,
            write_guard,
            rate=norce_settings.rate,
            observer=pytestconfig.stash[RECORDER_KEY],
        )
        try:
            book.cleanup(cleaner, concurrency=CLEANUP_CONCURRENCY)
        finally:
            _write_request_log(pytestconfig, norce_settings.report_dir, cleaner, part="cleanup")
            cleaner.close()


def _keep_unfinished_ledger(path: Path) -> None:
    """An earlier run's unfinished ledger is moved aside (not overwritten) for `norce-contracts cleanup`."""
    if not path.is_file():
        return
    try:
        previous = Ledger.load(path)
    except (ValueError, TypeError, OSError):
        return
    if previous.pending and previous.target != "emulator":
        path.replace(path.with_name(f"{path.stem}-{previous.run_id or 'previous'}{path.suffix}"))


@pytest.fixture(scope="session")
def norce(
    pytestconfig: pytest.Config,
    norce_settings: SuiteSettings,
    target: Target,
    norce_auth: AuthSession,
    write_guard: WriteGuard,
    run_namespace: RunNamespace,
    ledger: Ledger,
    recorder: Recorder,
) -> Iterator[NorceClient]:
    client = NorceClient(
        target,
        norce_auth,
        write_guard,
        namespace=run_namespace,
        ledger=ledger,
        rate=norce_settings.rate,
        job_timeout=target.job_timeout,
        observer=recorder,
    )
    recorder.note_target(
        {
            "connectUrl": target.connect_url,
            "customerUrl": target.customer_url,
            "tokenUrl": target.token_url,
            "applicationId": target.credentials.application_id,
            "basicApplicationId": target.credentials.basic_application_id,
        }
    )
    try:
        yield client
    finally:
        _write_request_log(pytestconfig, norce_settings.report_dir, client)
        client.close()


def _write_request_log(config: pytest.Config, report_dir: Path, client: NorceClient, part: str = "") -> None:
    """reports/requests[-part][-worker].json: every request a client sent, redacted, with when it left."""
    worker = getattr(config, "workerinput", {}).get("workerid")
    name = "-".join(piece for piece in ("requests", part, worker) if piece)
    path = report_dir / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"stats": asdict(client.stats), "requests": [asdict(record) for record in client.records]}
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    current_recorder().emit(TrafficEvent(**asdict(client.stats)))  # the summary counts the retries


@pytest.fixture(scope="session")
def case_gate(
    target: Target, write_guard: WriteGuard, norce: NorceClient, run_namespace: RunNamespace
) -> CaseGate:
    """What every generated case passes before it is sent: the guard, and on a tenant the write policy."""
    if target.is_emulator:
        return CaseGate(write_guard, None)  # fuzzing stays unconstrained on the embedded emulator
    policy = TenantWritePolicy(RunInventory(norce, run_namespace), run_namespace)
    return CaseGate(write_guard, policy)
