"""NorceClient: the suite's one way to talk to a target over HTTP (both APIs), polite and recorded.

Politeness: an optional request rate, 429 + Retry-After honoured, transient network errors retried with
backoff (writes only when the request cannot have been sent), bounded timeouts, one token refresh on 401.
Every request is recorded (method, redacted URL, status, elapsed) for reports.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import json as jsonlib
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from contracts.oracle.import_checks import read_import_items
from contracts.oracle.spec import CUSTOMER_SERVICE_SPEC, load_spec
from contracts.transport.auth import AuthSession, retry_after_seconds
from contracts.transport.curl import as_curl
from contracts.transport.exchange import Exchange
from contracts.transport.guard import WriteGuard, WriteRefused, check_raw_host, is_write, is_write_method
from contracts.transport.ledger import Ledger
from contracts.transport.namespace import RunNamespace
from contracts.transport.redact import redact_text, redact_url
from contracts.transport.target import Target, host_of
from contracts.transport.transient import is_transient
from contracts.transport.transient import wait_seconds as transient_wait_seconds

STORM_HEADER = "X-StormConnect-Header"
READ_PREFIXES = ("Get", "List", "Search")
READ_OPERATIONS = frozenset({"Login", "LoginAgreementAccount"})
MAX_RETRY_AFTER = 120.0
STALLED_GRACE = 5.0  # seconds a job gets to move once the job service has been seen standing still
NO_DELAY = (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
IMPORT_KINDS = {"ImportCustomers": "customer", "ImportCompanies": "company"}
LINE_BREAKS = re.compile(r"\r\n|\r|\n")
# Connect paths under the Connect base URL -> operationId (the Customer Service 1.1 path is the operationId).
CONNECT_OPERATIONS = {
    "customer/importcustomers": "ImportCustomers",
    "customer/importcompanies": "ImportCompanies",
    "job/get": "JobGet",
    "job/getlog": "JobGetLog",
    "job/list": "JobList",
}
DRY_RUN_HEADER = "x-norce-contracts-dry-run"
_STATS_LOCK = threading.Lock()


class TrafficObserver(Protocol):
    """Who hears about the traffic: the run's recorder (the client never imports the reports)."""

    def note_request(self, curl: Callable[[], str]) -> None:
        """The last request sent, as a function building its redacted curl (built when a failure needs it)."""
        ...

    def register_secret(self, label: str, value: str | None) -> None: ...

    def note_operation(self, operation: str) -> None:
        """A request went to `operation` (the fact coverage counts a test's judgements for its operations)."""
        ...

    def note_exchange(self, exchange: Exchange, answer: bytes = b"") -> None:
        """A request and its final answer (or its network error): the chain a failure report shows; `answer`
        is the whole body (the exchange keeps only its start), for the run's observations."""
        ...

    def note_job_time(self, seconds: float) -> None:
        """An import's job took `seconds` from its answer to the poll that found it finished."""
        ...


class NullObserver:
    def note_request(self, curl: Callable[[], str]) -> None:
        pass

    def note_operation(self, operation: str) -> None:
        pass

    def note_exchange(self, exchange: Exchange, answer: bytes = b"") -> None:
        pass

    def note_job_time(self, seconds: float) -> None:
        pass

    def register_secret(self, label: str, value: str | None) -> None:
        pass


class NetworkError(Exception):
    """The target could not be reached after the allowed retries."""


class JobTimeout(Exception):
    """A job did not finish within the job timeout."""


class JobStalled(JobTimeout):
    """No job of the run moved within the stall bound: the job service is not processing."""


@dataclass(frozen=True)
class RequestRecord:
    method: str
    url: str  # redacted
    status: int | None
    elapsed: float
    attempt: int
    error: str | None = None
    sent_at: float = 0.0  # epoch seconds: comparable across the processes of one run (the rate is for all)


@dataclass
class ClientStats:
    requests: int = 0
    network_retries: int = 0
    throttled: int = 0
    gateway_retries: int = 0  # transient 502/503/504 answers of a front end, retried
    auth_refreshes: int = 0


@dataclass
class Pacer:
    """Keeps at least 1/rate seconds between request starts, also when several threads send (cleanup does)."""

    rate: float | None
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    _last: float | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def wait(self) -> None:
        if self.rate:
            with self._lock:  # one start at a time: the spacing holds for the process, not per thread
                now = self.clock()
                if self._last is not None:
                    remaining = self._last + 1.0 / self.rate - now
                    if remaining > 0:
                        self.sleep(remaining)
                self._last = self.clock()


def verb_rule(operation_id: str) -> str:
    """Observed on every confirmed Norce 1.1 page: reads are GET, everything else is POST (docs/norce-facts.md
    §1C)."""
    return "GET" if operation_id.startswith(READ_PREFIXES) or operation_id in READ_OPERATIONS else "POST"


@functools.cache
def _spec_methods() -> dict[str, str]:
    """operationId -> HTTP method from the vendored Customer Service 1.1 description, when it is there."""
    try:
        spec = load_spec(CUSTOMER_SERVICE_SPEC)
    except (OSError, LookupError):
        return {}
    return {operation.operation_id: operation.method.upper() for operation in spec.operations()}


def method_for(operation_id: str) -> str:
    return _spec_methods().get(operation_id) or verb_rule(operation_id)


def import_items(body: Any, media_type: str) -> list[Any] | None:
    """The items of an import body, for the ledger and the namespace check (None when unreadable)."""
    if isinstance(body, Mapping):
        return [body]
    if isinstance(body, list):
        return body
    raw = body.encode() if isinstance(body, str) else bytes(body)
    return read_import_items(media_type, raw)


# The identities an import item (or an entity nested in it) is matched by: each must be the run's on a tenant.
IDENTITY_MEMBERS: dict[str, tuple[str, ...]] = {
    "ImportCustomers": ("Code", "EmailAddress"),
    "ImportCompanies": ("Code", "OrganizationNo"),
}
NESTED_IDENTITIES: dict[str, dict[str, tuple[str, ...]]] = {
    "ImportCustomers": {"Companies": ("Code", "OrganizationNo"), "Accounts": ("LoginName",)},
    "ImportCompanies": {"Customers": ("Code", "EmailAddress")},
}


IMPORT_ENTITY_KINDS = {"ImportCustomers": "customer", "ImportCompanies": "company"}
NESTED_ENTITY_KINDS = {"Companies": "company", "Customers": "customer"}
OwnedIds = Set[tuple[str, int]]  # (entity kind, Id) of entities a 1.1 answer showed to be the run's


def owned_entity_ids(body: Any, namespace: RunNamespace, depth: int = 0) -> set[tuple[str, int]]:
    """The (kind, Id) of every entity in a 1.1 answer whose Code (or a customer's e-mail, a company's
    OrgNo) is the run's: an Id the run may name in an import, since the entity it names is its own."""
    found: set[tuple[str, int]] = set()
    if depth > 6:
        return found
    if isinstance(body, list):
        for one in body:
            found |= owned_entity_ids(one, namespace, depth + 1)
        return found
    if not isinstance(body, Mapping):
        return found
    # A 1.1 Company has Name and OrgNo, a Customer FirstName and LastName; anything else is left alone.
    company, customer = bool({"Name", "OrgNo"} & body.keys()), bool({"FirstName", "LastName"} & body.keys())
    kind = "company" if company and not customer else "customer" if customer and not company else None
    keys = (body.get("Code"), body.get("OrgNo") if kind == "company" else body.get("Email"))
    if kind and isinstance(body.get("Id"), int) and any(namespace.owns(key) for key in keys):
        found.add((kind, body["Id"]))
    for value in body.values():
        if isinstance(value, (list, Mapping)):
            found |= owned_entity_ids(value, namespace, depth + 1)
    return found


def _as_id(value: Any) -> Any:
    """An Id as read from a JSON body (an int) or an XML one (its text)."""
    return int(value) if isinstance(value, str) and value.strip().isdigit() else value


def foreign_identity(
    operation: str, item: Any, namespace: RunNamespace, owned_ids: OwnedIds = frozenset()
) -> str | None:
    """Why an import item could touch an entity this run does not own (None when it cannot). An Id is the
    run's only when a 1.1 answer showed that entity with a run-owned Code (`owned_ids`)."""
    if not isinstance(item, Mapping):
        return None  # not an item: it creates and matches nothing
    own_id = item.get("Id")
    if own_id is not None and (IMPORT_ENTITY_KINDS[operation], _as_id(own_id)) not in owned_ids:
        return "it names by Id an entity the run has not read back as its own"
    for member in IDENTITY_MEMBERS[operation]:
        if item.get(member) is not None and not namespace.owns(item[member]):
            return f"its {member} is not in the run namespace"
    parent = item.get("ParentCompanyCode")
    if operation == "ImportCompanies" and parent is not None and not namespace.owns(parent):
        return "its ParentCompanyCode is not in the run namespace"
    for collection, members in NESTED_IDENTITIES[operation].items():
        entries = item.get(collection)
        for nested in entries if isinstance(entries, list) else []:  # not a list: no entity to match
            if not isinstance(nested, Mapping):
                continue
            nested_id = nested.get("Id")
            kind = NESTED_ENTITY_KINDS.get(collection)
            if nested_id is not None and (kind, _as_id(nested_id)) not in owned_ids:
                return f"an entry of {collection} names by Id an entity the run has not read back as its own"
            for member in members:
                if nested.get(member) is not None and not namespace.owns(nested[member]):
                    return f"an entry of {collection} has a {member} not in the run namespace"
    return None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def _replaced(headers: Mapping[str, str], new: Mapping[str, str]) -> dict[str, str]:
    """`headers` with every header named in `new` replaced, names compared without regard to case."""
    names = {name.lower() for name in new}
    return {**{k: v for k, v in headers.items() if k.lower() not in names}, **new}


class NorceClient:
    def __init__(
        self,
        target: Target,
        auth: AuthSession,
        guard: WriteGuard | None = None,
        *,
        namespace: RunNamespace | None = None,
        ledger: Ledger | None = None,
        rate: float | None = None,
        timeout: float = 30.0,
        max_retries: int | None = None,
        job_timeout: float | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        observer: TrafficObserver | None = None,
    ) -> None:
        self.target = target
        self.auth = auth
        self.guard = guard or WriteGuard(target)
        self.namespace = namespace
        self.owned_ids: set[tuple[str, int]] = set()  # see owned_entity_ids
        self.ledger = ledger
        self.max_retries = target.retries if max_retries is None else max_retries
        self.job_timeout = job_timeout or target.job_timeout
        self.clock, self.sleep = clock, sleep
        self.pacer = Pacer(rate if rate is not None else target.rate, clock, sleep)
        self.http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            # Like urllib3 (and the embedded server), no Nagle: small keep-alive requests go out at once.
            transport=transport or httpx.HTTPTransport(socket_options=[NO_DELAY]),
        )
        self.records: list[RequestRecord] = []
        self.stats = ClientStats()
        self.secrets = tuple(target.credentials.secrets().values())
        self.observer: TrafficObserver = observer or NullObserver()
        self._jobs_stalled = False  # an earlier wait found the job service standing still
        self._submitted: dict[int, float] = {}  # job id -> when its import was answered

    def close(self) -> None:
        self.http.close()

    # -- Connect 4.0 -------------------------------------------------------------------------------
    def import_customers(
        self,
        items_or_bytes: Any,
        header: str,
        media_type: str = "application/json",
        *,
        header_name: str = STORM_HEADER,
        repeat_unknown: bool = True,
        chunked: bool = False,
    ) -> httpx.Response:
        """`header_name`: the header's name as sent (HTTP field names are case-insensitive: HDR-NAME-CASE);
        `repeat_unknown`: see `_send`; `chunked`: the body sent with Transfer-Encoding: chunked, as the
        official helper streams it."""
        return self._import(
            "ImportCustomers",
            "customer",
            items_or_bytes,
            header,
            media_type,
            header_name,
            repeat_unknown=repeat_unknown,
            chunked=chunked,
        )

    def import_companies(
        self,
        items_or_bytes: Any,
        header: str,
        media_type: str = "application/json",
        *,
        header_name: str = STORM_HEADER,
        repeat_unknown: bool = True,
        chunked: bool = False,
    ) -> httpx.Response:
        return self._import(
            "ImportCompanies",
            "company",
            items_or_bytes,
            header,
            media_type,
            header_name,
            repeat_unknown=repeat_unknown,
            chunked=chunked,
        )

    def job(self, job_id: int) -> httpx.Response:
        return self._send("GET", f"{self.target.connect_url}/Job/Get", api="connect", params={"id": job_id})

    def job_log(self, job_id: int) -> httpx.Response:
        return self._send(
            "GET", f"{self.target.connect_url}/Job/GetLog", api="connect", params={"id": job_id}
        )

    def wait_for_job(
        self, job_id: int, timeout: float | None = None, interval: float = 0.1
    ) -> dict[str, Any]:
        """Poll Job/Get until IsFinished, with backoff; returns the final JobDto (see wait_for_jobs)."""
        outcome = self.wait_for_jobs([job_id], timeout=timeout, interval=interval)[job_id]
        if isinstance(outcome, JobTimeout):
            raise outcome
        return outcome

    def wait_for_jobs(
        self, job_ids: Sequence[int], timeout: float | None = None, interval: float = 0.1
    ) -> dict[int, dict[str, Any] | JobTimeout]:
        """Poll several jobs together until each is finished: each job's final JobDto, or the JobTimeout that
        ended its wait. A run submits its imports first and waits for them here, so its wall time grows with
        the slowest job, not with their sum (a tenant queues jobs for seconds to minutes).

        The wait is bounded twice: by the job timeout (a queued tenant: minutes), and by the stall bound: when
        no job of the batch moves (changes its JobDto or finishes) for `job_stall` seconds, the job service is
        not processing (JobStalled). A job queued behind others may stand still while they run; that is not
        a stall. Once one wait has stalled, later ones get only a short grace until some job moves again, so a
        run against a stalled service reports within about a minute instead of sitting out every timeout.
        """
        started = self.clock()
        deadline = started + (timeout if timeout is not None else self.job_timeout)
        last_seen: dict[int, Any] = dict.fromkeys(job_ids)
        outcomes: dict[int, dict[str, Any] | JobTimeout] = {}
        delay, idle_since = interval, started
        while len(outcomes) < len(last_seen):
            for job_id in [job_id for job_id in last_seen if job_id not in outcomes]:
                response = self.job(job_id)
                if response.status_code != 200:
                    outcomes[job_id] = JobTimeout(f"Job/Get?id={job_id} answered {response.status_code}")
                    continue
                job = response.json()
                if isinstance(job, dict) and job.get("IsFinished"):
                    outcomes[job_id] = dict(job)
                    self.observer.note_job_time(self.clock() - self._submitted.pop(job_id, started))
                if (last_seen[job_id] is not None and job != last_seen[job_id]) or job_id in outcomes:
                    idle_since, self._jobs_stalled = self.clock(), False  # the service moves
                last_seen[job_id] = job
            unfinished = [job_id for job_id in last_seen if job_id not in outcomes]
            now = self.clock()
            bound = min(STALLED_GRACE, self.target.job_stall) if self._jobs_stalled else self.target.job_stall
            if unfinished and now >= deadline:
                for job_id in unfinished:
                    outcomes[job_id] = JobTimeout(f"job {job_id} not finished after {now - started:.1f}s")
            elif unfinished and now - idle_since >= bound:
                self._jobs_stalled = True
                for job_id in unfinished:
                    outcomes[job_id] = JobStalled(
                        f"job {job_id} not finished: no job of the {len(last_seen)} waited for moved for "
                        f"{now - idle_since:.0f}s (job-stall {self.target.job_stall:.0f}s; "
                        f"last seen {last_seen[job_id]})"
                    )
            elif unfinished:
                self.sleep(delay)
                delay = min(delay * 1.5, 2.0)
        return {job_id: outcomes[job_id] for job_id in job_ids}

    def _import(
        self,
        operation: str,
        kind: str,
        body: Any,
        header: str,
        media_type: str,
        header_name: str,
        *,
        repeat_unknown: bool = True,
        chunked: bool = False,
    ) -> httpx.Response:
        url = f"{self.target.connect_url}/Customer/{operation}"
        if isinstance(body, (bytes, bytearray, str)):
            content = body.encode() if isinstance(body, str) else bytes(body)
        elif "json" in media_type:
            content = jsonlib.dumps(body).encode()
        else:
            raise TypeError(
                "XML import bodies must be given as bytes (contracts.oracle.xml_write builds them)"
            )
        items = import_items(body, media_type)
        self._check_namespaced(operation, items)
        if self.ledger is not None and self.guard.sends_writes:
            self.ledger.record_import(kind, items or [])
        headers = {header_name: header, "Content-Type": media_type, "Accept": "application/json"}
        response = self._send(
            "POST",
            url,
            api="connect",
            content=content,
            headers=headers,
            repeat_unknown=repeat_unknown,
            chunked=chunked,
        )
        self._note_submitted(response)
        return response

    def _note_submitted(self, response: httpx.Response) -> None:
        """When an import's job was handed out: its timing runs from here (the run's observations)."""
        if response.status_code == 200:
            with contextlib.suppress(ValueError, KeyError, TypeError):
                self._submitted[int(response.json()["JobId"])] = self.clock()

    def _check_namespaced(self, operation: str, items: list[Any] | None) -> None:
        """On a real tenant every identity an import carries must be this run's: nothing else is touched.

        An unreadable body is let through: a server cannot write what it cannot parse either."""
        if self.target.is_emulator or self.namespace is None:
            return
        for index, item in enumerate(items or []):
            problem = foreign_identity(operation, item, self.namespace, self.owned_ids)
            if problem is not None:
                raise WriteRefused(
                    f"{operation} item {index} refused: {problem} (on a shared tenant every identity an "
                    f"import carries must start with {self.namespace.prefix})"
                )

    # -- Customer Service 1.1 ----------------------------------------------------------------------
    def call(
        self,
        operation_id: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        accept: str = "application/json",
    ) -> httpx.Response:
        method = method_for(operation_id)
        headers = {"Accept": accept}
        content = None
        if json is not None:
            content = jsonlib.dumps(json).encode()
            headers["Content-Type"] = "application/json"
        response = self._send(
            method,
            f"{self.target.customer_url}/{operation_id}",
            api="customer",
            params=dict(params or {}),
            content=content,
            headers=headers,
        )
        if self.ledger is not None and method == "POST":
            self.ledger.record_call(operation_id, params, response)
        self._learn_owned_ids(response)
        return response

    def _learn_owned_ids(self, response: httpx.Response) -> None:
        """On a tenant, the Ids of run-owned entities a JSON answer shows (an import may then name them)."""
        if self.namespace is None or response.status_code != 200:
            return
        if "json" not in response.headers.get("content-type", ""):
            return
        try:
            body = response.json()
        except ValueError:
            return
        self.owned_ids |= owned_entity_ids(body, self.namespace)

    # -- anything ----------------------------------------------------------------------------------
    def raw(self, method: str, url: str, *, authenticate: bool = True, **kwargs: Any) -> httpx.Response:
        """Any request (e.g. malformed bodies, an import without its header). Writes outside the target's
        hosts are judged by host; an import's items are namespace-checked and recorded as any other import,
        since a lenient server may write them."""
        if is_write_method(method) and host_of(url) not in self.target.hosts:
            check_raw_host(url, self.target, self.guard)
        if method.upper() == "POST":
            self._before_import(url, kwargs.get("headers") or {}, kwargs.get("content"))
        api = "connect" if url.startswith(self.target.connect_url) else "customer"
        return self._send(method, url, api=api if authenticate else None, **kwargs)

    # -- a header value only obs-fold can carry ----------------------------------------------------
    def post_folded(self, url: str, *, headers: Mapping[str, str], content: bytes) -> httpx.Response:
        """POST with header values that hold line breaks, written as obs-fold (CRLF + space, RFC 9112 §5.2).

        httpx refuses to write such a value, so http.client carries this one request; the guard, the
        namespace check, the ledger, the pacer and the record apply as to every other request. A front end
        may answer a folded header in any way, and that answer is the result; only a gateway's transient
        503 (the service did not take the request) is sent again, as for any request.
        """
        folded = {name: LINE_BREAKS.sub("\r\n ", value) for name, value in headers.items()}
        printable = {name: value.replace("\r\n ", "\\r\\n ") for name, value in folded.items()}
        planned = self._guard_write(True, "POST", url, None, content, printable)
        if planned is not None:
            return planned
        self._before_import(url, headers, content)
        attempt = 0
        while True:
            attempt += 1
            response = self._post_folded_once(url, folded, printable, content, attempt)
            if attempt > self.max_retries or not is_transient(response, repeat_is_harmless=False):
                return response
            self._count("gateway_retries")
            self.sleep(transient_wait_seconds(response, attempt))

    def _post_folded_once(
        self, url: str, folded: Mapping[str, str], printable: Mapping[str, str], content: bytes, attempt: int
    ) -> httpx.Response:
        api = "connect" if url.startswith(self.target.connect_url) else "customer"
        scheme = self.target.connect_auth if api == "connect" else "oauth"
        sent = {**folded, **self.auth.headers(scheme)}
        shown = httpx.Request("POST", url, headers={**sent, **printable}, content=content)
        parts = urlsplit(url)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname or "", parts.port, timeout=30)
        self.pacer.wait()
        started = self.clock()
        try:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            connection.request("POST", path, body=content, headers=sent)
            answer = connection.getresponse()
            body = answer.read()
        except OSError as exc:
            self._record(shown, None, started, attempt, type(exc).__name__)
            elapsed = self.clock() - started
            self._note_exchange(shown, None, type(exc).__name__, elapsed=elapsed, folded=True)
            raise NetworkError(f"POST {redact_url(url)} failed: {type(exc).__name__}") from None
        finally:
            connection.close()
        self._record(shown, answer.status, started, attempt, None)
        response = httpx.Response(answer.status, headers=answer.getheaders(), content=body, request=shown)
        self._note_exchange(shown, response, elapsed=self.clock() - started, folded=True)
        return response

    # -- a request built elsewhere (a Schemathesis case) -----------------------------------------------
    def send_as_is(
        self, method: str, url: str, *, headers: Mapping[str, str], content: bytes | None
    ) -> httpx.Response:
        """Send a request with its own headers (its credentials, or its deliberate lack of them) through the
        same guard, pacer, retries, recorder, namespace check and ledger as every other request.

        A 401 to a bearer token this run issued refreshes it once and resends; a 401 to anything else is the
        answer a probe wanted and comes back as it is.
        """
        operation = self.operation_at(url)
        upper = method.upper()
        if upper == "POST":
            self._before_import(url, headers, content)
        response = self._send(method, url, api=None, content=content, headers=headers, own_credentials=True)
        if (
            self.ledger is not None
            and upper == "POST"
            and operation
            and url.startswith(self.target.customer_url)
        ):
            query = dict(httpx.URL(url).params)
            self.ledger.record_call(operation, query, response)
        return response

    def _before_import(self, url: str, headers: Mapping[str, str], content: bytes | str | None) -> None:
        """For a POST to an import: its items must be the run's, and the ledger learns them before sending."""
        operation = self.operation_at(url)
        if operation not in IMPORT_KINDS:
            return
        content_type = _header(headers, "content-type") or "application/json"
        raw = content.encode() if isinstance(content, str) else content or b""
        items = import_items(raw, content_type)
        self._check_namespaced(operation, items)
        if self.ledger is not None and self.guard.sends_writes:
            self.ledger.record_import(IMPORT_KINDS[operation], items or [])

    def operation_at(self, url: str) -> str | None:
        """The operationId a URL on this target addresses (None for anything else)."""
        parts = urlsplit(url)
        origin, path = (parts.scheme, parts.netloc.lower()), parts.path.lower()
        for base_origin, base_path, is_connect in self._bases:
            if origin == base_origin and path.startswith(base_path):
                rest = parts.path[len(base_path) :].strip("/")
                return CONNECT_OPERATIONS.get(rest.lower()) if is_connect else (rest or None)
        return None

    @functools.cached_property
    def _bases(self) -> tuple[tuple[tuple[str, str], str, bool], ...]:
        bases = []
        for base, is_connect in ((self.target.customer_url, False), (self.target.connect_url, True)):
            parts = urlsplit(base)
            bases.append(
                ((parts.scheme, parts.netloc.lower()), parts.path.lower().rstrip("/") + "/", is_connect)
            )
        return tuple(bases)

    # -- the one place requests leave ------------------------------------------------------------
    def _send(
        self,
        method: str,
        url: str,
        *,
        api: str | None,
        params: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        own_credentials: bool = False,
        repeat_unknown: bool = True,
        chunked: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """`repeat_unknown`: an import whose outcome a network error leaves unknown is sent again (False for
        a deliberately broken one, whose refusal below HTTP is the answer the test wants)."""
        write = is_write(method, self.operation_at(url))
        planned = self._guard_write(write, method, url, params, content, headers)
        if planned is not None:
            return planned
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            request_headers = dict(headers or {})
            if api is not None:
                scheme = self.target.connect_auth if api == "connect" else "oauth"
                request_headers.update(self.auth.headers(scheme))
            # A body given as an iterable goes chunked (no Content-Length); read at once, so that it is
            # recorded and can be sent again, it keeps that framing.
            body: bytes | list[bytes] | None = [content] if chunked and content is not None else content
            request = self.http.build_request(
                method, url, params=params, content=body, headers=request_headers, **kwargs
            )
            request.read()
            self.pacer.wait()
            started = self.clock()
            try:
                response = self.http.send(request)
            except httpx.TransportError as exc:
                self._record(request, None, started, attempt, type(exc).__name__)
                # A write that may have reached the server has an unknown outcome. An import is sent again:
                # every import the suite sends is namespaced and already in the ledger, an upsert by Code,
                # so a second one writes the same entities again. Any other write is not repeated (it could
                # create twice): the ledger learns what it may have created, and cleanup reads that back.
                reached = not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                upsert = self.operation_at(url) in IMPORT_KINDS and repeat_unknown
                safe_to_retry = not write or not reached or upsert
                if not safe_to_retry or attempt > self.max_retries:
                    elapsed = self.clock() - started
                    self._note_exchange(request, None, type(exc).__name__, elapsed=elapsed)
                    unknown = write and reached
                    if unknown and self.ledger is not None:
                        self.ledger.record_unknown_outcome(params, content)
                    outcome = "; its outcome is unknown (cleanup reads back what it may have written)"
                    raise NetworkError(
                        f"{method} {redact_url(url)} failed after {attempt} attempt(s): {type(exc).__name__}"
                        f"{outcome if unknown else ''}"
                    ) from None
                self._count("network_retries")
                self.sleep(min(0.25 * 2 ** (attempt - 1), 5.0))
                continue
            response.read()
            elapsed = self.clock() - started
            self._record(request, response.status_code, started, attempt, None)
            if response.status_code == 429 and attempt <= self.max_retries:
                self._count("throttled")
                self._note_exchange(request, response, elapsed=elapsed, retried=True)
                self.sleep(min(retry_after_seconds(response, default=1.0), MAX_RETRY_AFTER))
                continue
            harmless = not write or self.operation_at(url) in IMPORT_KINDS  # imports: upserts by Code
            if attempt <= self.max_retries and is_transient(response, repeat_is_harmless=harmless):
                self._count("gateway_retries")
                self._note_exchange(request, response, elapsed=elapsed, retried=True)
                self.sleep(transient_wait_seconds(response, attempt))
                continue
            if response.status_code == 401 and not refreshed and self._refresh_after_401(api, request):
                self._note_exchange(request, response, elapsed=elapsed, retried=True)
                refreshed = True
                self._count("auth_refreshes")
                if own_credentials:  # the request carries its own headers: swap in the fresh token only
                    fresh = self.auth.headers("oauth")["Authorization"]
                    headers = _replaced(headers or {}, {"Authorization": fresh})
                continue
            self._note_exchange(request, response, elapsed=elapsed)
            return response

    def _note_exchange(
        self,
        request: httpx.Request,
        response: httpx.Response | None,
        error: str | None = None,
        *,
        elapsed: float = 0.0,
        retried: bool = False,
        folded: bool = False,
    ) -> None:
        """Hands the exchange and the whole answer to the observer (the run's recorder)."""
        exchange = Exchange.of(
            request,
            response,
            self.operation_at(str(request.url)),
            error,
            elapsed=elapsed,
            retried=retried,
            folded=folded,
        )
        self.observer.note_exchange(exchange, response.content if response is not None else b"")

    def _refresh_after_401(self, api: str | None, request: httpx.Request) -> bool:
        if api is not None:
            return self.auth.refresh_after_rejection(request.headers)
        if not self.auth.carries_own_credentials(request.headers):
            return False
        return self.auth.refresh_after_rejection(request.headers)

    def _guard_write(
        self,
        write: bool,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        content: bytes | None,
        headers: Mapping[str, str] | None,
    ) -> httpx.Response | None:
        """Refuses a write the guard forbids; under --dry-run answers the planned write instead of sending."""
        if not write:
            return None
        self.guard.check_write(method, url)
        if not self.guard.dry_run:
            return None
        request = self.http.build_request(method, url, params=params, content=content, headers=headers)
        self.guard.plan(method, str(request.url), content, request.headers.get("content-type"))
        return httpx.Response(204, request=request, headers={DRY_RUN_HEADER: "1"})

    def _record(
        self, request: httpx.Request, status: int | None, started: float, attempt: int, error: str | None
    ) -> None:
        self._count("requests")
        url = redact_text(redact_url(str(request.url)), self.secrets)
        elapsed = self.clock() - started
        self.records.append(
            RequestRecord(request.method, url, status, elapsed, attempt, error, time.time() - elapsed)
        )
        self.observer.note_request(functools.partial(self.curl, request))
        operation = self.operation_at(str(request.url))
        if operation:
            self.observer.note_operation(operation)

    def _count(self, name: str) -> None:
        with _STATS_LOCK:  # cleanup sends from several threads: no count may be lost
            setattr(self.stats, name, getattr(self.stats, name) + 1)

    def curl(self, request: httpx.Request) -> str:
        return as_curl(request, self.secrets)
