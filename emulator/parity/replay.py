"""The replay: every recorded request, in the recorded order, sent to a fresh emulator and its answer compared
with the tenant's.

- Credentials: the cassette's are redacted, so the replay stands in its own: the emulator's token for the
  run's (`bearer-run`), a fresh expiry-probe token per recorded probe token, kept as old at each use as the
  recorded one was (`bearer-probe`), the emulator's Basic pair (`basic-run`), a wrong one where the run sent
  a wrong one on purpose (`bearer-other`, `basic-other`), none where it sent none; the tenant's application
  id becomes the emulator's.
- Ids: every answer teaches the id map (emulator/parity/idmap.py); later requests carry the emulator's ids.
- Jobs: the emulator processes each import before answering it (job timing `immediate`), so a recorded
  Job/Get poll finds the job done; a poll the tenant answered mid-run is sent but not compared, and a job the
  tenant took longer than the slack to finish is a `timing` difference.
- Answers the client waited out (429, a gateway's 503) are not sent again: each is a `retried` difference.
"""

from __future__ import annotations

import base64
import http.client
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from emulator.config import EmulatorConfig
from emulator.parity.cassette import Cassette, Entry
from emulator.parity.diff import Answer, Difference, ExchangeDiff
from emulator.parity.idmap import IdMap
from emulator.parity.serve import served
from emulator.parity.trees import XmlNode, parse_answer

CONNECT_BASE = "/commerce/connect/4.0"
CUSTOMER_BASE = "/commerce/customer/1.1"
TOKEN_PATH = "/identity/1.0/connect/token"
NOT_SENT_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection", "authorization"})
APPLICATION_ID_HEADERS = frozenset({"application-id", "applicationid"})
WRONG_TOKEN = "parity-replay-not-a-token"
WRONG_BASIC_SECRET = "00000000-0000-0000-0000-000000000000"
RETRIED_STATUSES = frozenset({429, 502, 503, 504})
MAX_PROBE_WAIT = 60.0  # seconds a replay waits to give a probe token its recorded age


@dataclass(frozen=True)
class ReplayOptions:
    seed: int = 0
    job_slack: float = 5.0  # seconds a tenant's job may take beyond the emulator's before it is a difference
    latency_slack_ms: float = 50.0  # the tenant's median answer time beyond the emulator's that is one
    progress: Callable[[int, int], None] | None = None  # (entries done, entries in all)


@dataclass
class ParityResult:
    cassette: str
    entries: int
    replayed: int = 0
    differences: list[Difference] = field(default_factory=list)
    not_compared: dict[str, int] = field(default_factory=dict)  # why an entry was not compared -> count
    seconds: float = 0.0
    tenant_median_ms: float | None = None
    emulator_median_ms: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    ids_learnt: int = 0  # tenant ids paired with the emulator's
    ids_different: int = 0  # of those, the ones numbered differently (mapped in later requests)

    def skip(self, reason: str) -> None:
        self.not_compared[reason] = self.not_compared.get(reason, 0) + 1


def replay_config(options: ReplayOptions) -> EmulatorConfig:
    """A plain emulator that processes jobs before answering and never refuses the replay a token."""
    return EmulatorConfig(seed=options.seed, job_timing="immediate", token_requests_per_window=100_000)


class Replay:
    def __init__(self, cassette: Cassette, options: ReplayOptions, config: EmulatorConfig) -> None:
        self.cassette, self.options, self.config = cassette, options, config
        self.meta = cassette.meta
        self.ids = IdMap()
        self.base = ""
        self.http: httpx.Client | None = None
        self.token = ""
        self.probes: dict[str, tuple[str, float, float]] = {}  # credential -> (token, fetched, first use)
        self.imports: dict[str, float] = {}  # tenant job id -> when its import was sent (recorded)
        self.timed: set[str] = set()
        self.tenant_ms: list[float] = []
        self.emulator_ms: list[float] = []

    def run(self, name: str) -> ParityResult:
        result = ParityResult(name, len(self.cassette.entries), meta=dict(self.meta))
        started = time.monotonic()
        with served(self.config) as base, httpx.Client(timeout=60.0) as client:
            self.base, self.http = base, client
            self.token = self._token(self.config.client_id, self.config.client_secret)
            total = len(self.cassette.entries)
            for done, entry in enumerate(self.cassette.entries, start=1):
                self.step(entry, result)
                if self.options.progress is not None and (done % 500 == 0 or done == total):
                    self.options.progress(done, total)
        self._latency(result)
        result.ids_learnt, result.ids_different = self.ids.counts()
        result.seconds = time.monotonic() - started
        return result

    # -- one entry -------------------------------------------------------------------------------------
    def step(self, entry: Entry, result: ParityResult) -> None:
        if entry.retried:
            self._retried(entry, result)
            return
        body = entry.full_body()
        if body is None:
            result.skip("request body too large to keep whole")
            return
        content_type = entry.header("content-type") or ""
        body = self.ids.rewrite_body(body, content_type, entry.operation)
        url = self.url_of(entry)
        headers = self.headers_of(entry)
        self._age_probe(entry)
        sent = time.monotonic()
        answer = (
            self._send_folded(entry, url, headers, body)
            if entry.folded
            else self._send(entry, url, headers, body)
        )
        self.emulator_ms.append((time.monotonic() - sent) * 1000)
        self.tenant_ms.append(entry.elapsed_ms)
        result.replayed += 1
        tenant = Answer(entry.status, entry.answer_headers, entry.answer, entry.error)
        if entry.answer is None:
            result.skip("answer too large to keep: status and type compared")
        diff = ExchangeDiff(entry.index, entry.operation, entry.test, self.ids)
        result.differences += diff.compare(tenant, answer)
        if diff.in_progress:
            result.skip("job mid-run on the tenant: not compared")
        self._jobs(entry, result)

    def _retried(self, entry: Entry, result: ParityResult) -> None:
        if entry.status in RETRIED_STATUSES:
            after = entry.answer_header("retry-after")
            told = f"{entry.status}" + (f" with Retry-After {after}" if after else "") + ", sent again"
            result.differences.append(
                Difference(entry.index, entry.operation, entry.test, "retried", "", told, "answered at once")
            )
        else:
            result.skip(
                f"{entry.status or 'no answer'} the client sent again (its token refreshed or a retry)"
            )

    # -- what is sent ----------------------------------------------------------------------------------
    def url_of(self, entry: Entry) -> str:
        parts = urlsplit(entry.url)
        path = parts.path
        for key, base in (
            ("connectUrl", CONNECT_BASE),
            ("customerUrl", CUSTOMER_BASE),
            ("tokenUrl", TOKEN_PATH),
        ):
            recorded = urlsplit(str(self.meta.get(key) or ""))
            prefix = recorded.path.rstrip("/")
            same_host = recorded.netloc.lower() == parts.netloc.lower()
            if recorded.netloc and same_host and path.lower().startswith(prefix.lower()) and prefix:
                path = base + path[len(prefix) :]
                break
        origin = urlsplit(self.base)
        query = self.ids.rewrite_query(parts.query, entry.operation)
        return urlunsplit((origin.scheme, origin.netloc, path, query, ""))

    def headers_of(self, entry: Entry) -> list[tuple[str, str]]:
        recorded_application = str(self.meta.get("applicationId") or "")
        headers = []
        for name, value in entry.headers:
            lowered = name.lower()
            if lowered in NOT_SENT_HEADERS:
                continue
            if lowered in APPLICATION_ID_HEADERS and value == recorded_application:
                value = self.config.application_id
            headers.append((name, value))
        credential = self._credential(entry)
        if credential is not None:
            headers.append(("Authorization", credential))
        return headers

    def _credential(self, entry: Entry) -> str | None:
        kind = entry.auth
        if kind == "none":
            return None
        if kind == "bearer-run":
            return f"Bearer {self.token}"
        if kind == "bearer-probe":
            return f"Bearer {self._probe(entry)[0]}"
        if kind in ("basic-run", "basic-other"):
            secret = self.config.basic_secret_key if kind == "basic-run" else WRONG_BASIC_SECRET
            pair = f"{self.config.basic_application_id}:{secret}".encode()
            return "Basic " + base64.b64encode(pair).decode("ascii")
        if kind == "bearer-other":
            return f"Bearer {WRONG_TOKEN}"
        return "Negotiate parity-replay"

    def _probe(self, entry: Entry) -> tuple[str, float, float]:
        key = entry.credential or "probe"
        if key not in self.probes:
            probe_id = self.config.probe_client_id or ""
            token = self._token(probe_id, self.config.probe_client_secret)
            self.probes[key] = (token, time.monotonic(), entry.started)
        return self.probes[key]

    def _age_probe(self, entry: Entry) -> None:
        """A probe token is used as long after its first use as the recorded one was (expiry is judged)."""
        if entry.auth != "bearer-probe":
            return
        _token, fetched, first_use = self._probe(entry)
        wait = fetched + max(0.0, entry.started - first_use) - time.monotonic()
        if wait > 0:
            time.sleep(min(wait, MAX_PROBE_WAIT))

    def _token(self, client_id: str, secret: str) -> str:
        assert self.http is not None
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        form["scope"] = self.config.scope
        response = self.http.post(self.base + TOKEN_PATH, data=form)
        response.raise_for_status()
        return str(response.json()["access_token"])

    # -- sending ---------------------------------------------------------------------------------------
    def _send(self, entry: Entry, url: str, headers: list[tuple[str, str]], body: bytes) -> Answer:
        assert self.http is not None
        try:
            request = self.http.build_request(entry.method, url, headers=headers, content=body or None)
            response = self.http.send(request)
        except (httpx.TransportError, httpx.InvalidURL, ValueError) as error:
            return Answer(0, (), None, type(error).__name__)
        return Answer(response.status_code, tuple(response.headers.multi_items()), response.content)

    def _send_folded(self, entry: Entry, url: str, headers: list[tuple[str, str]], body: bytes) -> Answer:
        """Headers that went out folded (obs-fold) are written so again, past httpx (which refuses them)."""
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        folded = {name: value.replace("\\r\\n ", "\r\n ") for name, value in headers}
        try:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            connection.request(entry.method, path, body=body, headers=folded)
            response = connection.getresponse()
            content = response.read()
        except OSError as error:
            return Answer(0, (), None, type(error).__name__)
        finally:
            connection.close()
        return Answer(response.status, tuple(response.getheaders()), content)

    # -- jobs and time ---------------------------------------------------------------------------------
    def _jobs(self, entry: Entry, result: ParityResult) -> None:
        """When each tenant job was submitted, and how long it took to be seen finished."""
        if entry.operation in ("ImportCustomers", "ImportCompanies") and entry.status == 200 and entry.answer:
            job = _member(parse_answer(entry.answer, entry.answer_type).tree, "JobId")
            if job:
                self.imports[job] = entry.started
            return
        if entry.operation != "JobGet" or entry.status != 200 or not entry.answer:
            return
        job = parse_answer(entry.answer, entry.answer_type).tree
        job_id = _member(job, "JobId")
        finished = _member(job, "IsFinished")
        if (
            not job_id
            or finished not in ("true", "True")
            or job_id in self.timed
            or job_id not in self.imports
        ):
            return
        self.timed.add(job_id)
        took = entry.started - self.imports[job_id]
        if took > self.options.job_slack:
            result.differences.append(
                Difference(
                    entry.index,
                    "JobGet",
                    entry.test,
                    "timing",
                    "job",
                    f"finished after {took:.1f} s",
                    "at once",
                )
            )

    def _latency(self, result: ParityResult) -> None:
        if not self.tenant_ms:
            return
        result.tenant_median_ms = statistics.median(self.tenant_ms)
        result.emulator_median_ms = statistics.median(self.emulator_ms)
        if result.tenant_median_ms - result.emulator_median_ms > self.options.latency_slack_ms:
            result.differences.append(
                Difference(
                    0,
                    "(every operation)",
                    "",
                    "timing",
                    "answer time",
                    f"median {result.tenant_median_ms:.0f} ms",
                    f"median {result.emulator_median_ms:.0f} ms",
                )
            )


def _member(tree: Any, name: str) -> str | None:
    """A top-level member of a JSON object or of an XML root element, as text."""
    if isinstance(tree, dict) and name in tree and tree[name] is not None:
        value = tree[name]
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    if isinstance(tree, XmlNode) and len(tree.children) == 1:
        root = next(iter(tree.children.values()))[0]
        if isinstance(root, XmlNode) and root.children.get(name):
            value = root.children[name][0]
            return value if isinstance(value, str) else None
    return None


def replay(path: Path, cassette: Cassette, options: ReplayOptions | None = None) -> ParityResult:
    options = options or ReplayOptions()
    return Replay(cassette, options, replay_config(options)).run(str(path))
