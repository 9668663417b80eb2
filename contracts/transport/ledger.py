"""Cleanup ledger: what this run created on the target, persisted as it happens (reports/ledger.json), so a
crashed run can be finished later with `norce-contracts cleanup --ledger FILE`.

Cleanup removes relations (DeleteCompanyCustomer), then deactivates customers (InactivateCustomer, and
their accounts with UpdateAccountStatus) and companies (InactivateCompany) through Customer Service 1.1.
Anything left behind fails loudly, by name.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import httpx

from contracts.oracle.xml_data import decode_body
from contracts.transport.namespace import RunNamespace

PENDING, CLEANED, ABSENT, KEPT, FAILED = "pending", "cleaned", "absent", "kept", "failed"
DONE = frozenset({CLEANED, ABSENT, KEPT})
DEFAULT_UPDATED_BY = 1  # "Pass 1 for the default account" (docs/norce-facts.md §1C)


SAVE_EVERY = 25  # cleanup progress is written to disk every this many entries
# Entries a run's cleanup cleans at once (per process): on a slow network each is a few requests one after
# another, and a worker's cleanup of hundreds of entries took minutes at 80 ms a round trip. --rate still
# bounds the requests per second.
CLEANUP_CONCURRENCY = 8


class CleanupError(Exception):
    def __init__(self, leftovers: list[LedgerEntry]) -> None:
        self.leftovers = leftovers
        lines = "\n".join(f"  - {entry.describe()}" for entry in leftovers)
        super().__init__(f"cleanup left {len(leftovers)} item(s) on the target:\n{lines}")


class CallsCustomerService(Protocol):
    def call(
        self, operation_id: str, params: Mapping[str, Any] | None = None, json: Any = None, accept: str = ...
    ) -> httpx.Response: ...


@runtime_checkable
class ImportsCompanies(Protocol):
    """What it takes to release a company's last customer: Norce refuses DeleteCompanyCustomer for it
    (CannotDeleteLastCustomer), but an import of the company with an empty customer list and
    IsCustomerListDelta false removes every relation (docs/norce-facts.md §4.1, List semantics)."""

    def import_companies(self, items_or_bytes: Any, header: str, media_type: str = ...) -> httpx.Response: ...

    def wait_for_jobs(
        self, job_ids: Sequence[int], timeout: float | None = ..., interval: float = ...
    ) -> Mapping[int, Any]: ...


@dataclass
class LedgerEntry:
    kind: str  # "customer" | "company" | "relation"
    code: str | None = None
    id: int | None = None
    company_code: str | None = None
    company_id: int | None = None
    customer_code: str | None = None
    customer_id: int | None = None
    status: str = PENDING
    detail: str = ""
    # A customer's second identity, when it was imported without a Code (for a relation: its customer's).
    email: str | None = None
    org_no: str | None = None  # a company's second identity, likewise (for a relation: its company's)

    def key(self) -> tuple[Any, ...]:
        if self.kind == "relation":
            company = self.company_code or self.org_no or self.company_id
            return ("relation", company, self.customer_code or self.email or self.customer_id)
        return (self.kind, self.code or self.email or self.org_no or self.id)

    def describe(self) -> str:
        if self.kind == "relation":
            what = (
                f"relation company={self.company_code or self.org_no or self.company_id} "
                f"customer={self.customer_code or self.email or self.customer_id}"
            )
        else:
            name = self.code or self.email or self.org_no or ""
            what = f"{self.kind} {name}{f' (id {self.id})' if self.id is not None else ''}".strip()
        return f"{what}: {self.status}{f' - {self.detail}' if self.detail else ''}"


@dataclass
class Ledger:
    path: Path
    run_id: str = ""
    target: str = ""
    urls: dict[str, str] = field(default_factory=dict)  # connect/customer/token, for a later cleanup
    entries: list[LedgerEntry] = field(default_factory=list)
    namespace: RunNamespace | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- recording ---------------------------------------------------------------------------------
    def record_customer(
        self, *, code: str | None = None, id: int | None = None, email: str | None = None
    ) -> None:
        self._add(LedgerEntry("customer", code=code, id=id, email=email))

    def record_company(
        self, *, code: str | None = None, id: int | None = None, org_no: str | None = None
    ) -> None:
        self._add(LedgerEntry("company", code=code, id=id, org_no=org_no))

    def record_relation(
        self,
        *,
        company_code: str | None = None,
        company_id: int | None = None,
        customer_code: str | None = None,
        customer_id: int | None = None,
    ) -> None:
        self._add(
            LedgerEntry(
                "relation",
                company_code=company_code,
                company_id=company_id,
                customer_code=customer_code,
                customer_id=customer_id,
            )
        )

    def record_import(self, kind: str, items: Iterable[Any]) -> None:
        """Record what an ImportCustomers/ImportCompanies body may create, before it is sent (written to disk
        once for the whole body: saving per entry made a 150-item import take seconds)."""
        found: list[LedgerEntry] = []
        for item in items:
            if not isinstance(item, Mapping):
                continue
            code = item.get("Code") if self._ours(item.get("Code")) else None
            second = "EmailAddress" if kind == "customer" else "OrganizationNo"
            other = item.get(second) if self._ours(item.get(second)) else None
            if code is None and other is None:
                continue
            # A relation entry names an entity that must already exist (docs/norce-facts.md §2A); one that
            # names none must create nothing, but a server that creates it anyway leaves a run-owned entity,
            # so it is recorded too (cleanup finds it absent when all went well).
            # A related entity may be named by its Code or by its second identity (§4.1 "Matching").
            if kind == "customer":
                found.append(LedgerEntry("customer", code=code, email=other))
                for company in item.get("Companies") or []:
                    named = self._identity(company, "OrganizationNo")
                    if named is not None:
                        company_code, org_no = named
                        found.append(LedgerEntry("company", code=company_code, org_no=org_no))
                        found.append(
                            LedgerEntry(
                                "relation",
                                company_code=company_code,
                                org_no=org_no,
                                customer_code=code,
                                email=other,
                            )
                        )
            else:
                found.append(LedgerEntry("company", code=code, org_no=other))
                for customer in item.get("Customers") or []:
                    named = self._identity(customer, "EmailAddress")
                    if named is not None:
                        customer_code, email = named
                        found.append(LedgerEntry("customer", code=customer_code, email=email))
                        found.append(
                            LedgerEntry(
                                "relation",
                                company_code=code,
                                org_no=other,
                                customer_code=customer_code,
                                email=email,
                            )
                        )
        self._add_all(found)

    def _identity(self, entry: Any, second: str) -> tuple[str | None, str | None] | None:
        """(Code, second identity) of a related entry, each only when run-owned; None when neither is."""
        if not isinstance(entry, Mapping):
            return None
        code = entry.get("Code") if self._ours(entry.get("Code")) else None
        other = entry.get(second) if self._ours(entry.get(second)) else None
        return None if code is None and other is None else (code, other)

    def record_call(
        self, operation_id: str, params: Mapping[str, Any] | None, response: httpx.Response
    ) -> None:
        """Customer Service 1.1 writes that create customers or relations: read what was created. A customer
        written with Companies (created, registered, updated, or made default) answers with its relations:
        every one to a run-owned company is recorded, so cleanup removes it."""
        if response.status_code != 200 or not operation_id.startswith(
            (
                "CreateCustomer",
                "RegisterCustomer",
                "InsertCompanyCustomer",
                "UpdateCustomer",
                "SetDefaultCompany",
            )
        ):
            return
        try:  # JSON or XML, whichever the request asked for
            content_type = response.headers.get("content-type", "")
            body = decode_body(operation_id, 200, content_type, response.content)
        except (ValueError, LookupError):
            return
        customers = body if isinstance(body, list) else [body]
        for customer in customers:
            if not isinstance(customer, Mapping) or not isinstance(customer.get("Id"), int):
                continue
            if not self._ours(customer.get("Code")) and not self._ours(customer.get("Email")):
                continue
            email = customer.get("Email") if self._ours(customer.get("Email")) else None
            self.record_customer(code=customer.get("Code"), id=customer["Id"], email=email)
            if operation_id.startswith("InsertCompanyCustomer") and params and "companyId" in params:
                self.record_relation(company_id=int(params["companyId"]), customer_id=customer["Id"])
            for company in customer.get("Companies") or []:
                ours = isinstance(company, Mapping) and self._ours(company.get("Code"))
                if ours and isinstance(company.get("Id"), int):
                    self.record_relation(company_id=company["Id"], customer_id=customer["Id"])

    def record_unknown_outcome(self, params: Mapping[str, Any] | None, content: bytes | None) -> None:
        """A 1.1 write a network error cut off: whatever run-owned customer it names (by Code or e-mail, in
        its query or JSON body) may exist now, so cleanup reads it back by that key and removes it."""
        found: dict[str, Any] = dict(params or {})
        try:
            body = json.loads(content) if content else None
        except ValueError:
            body = None
        if isinstance(body, Mapping):
            found.update(body)
        code = next((found[k] for k in ("Code", "code") if self._ours(found.get(k))), None)
        email = next((found[k] for k in ("Email", "EmailAddress", "email") if self._ours(found.get(k))), None)
        if code or email:
            self.record_customer(code=code, email=email)

    def _ours(self, code: Any) -> bool:
        if not isinstance(code, str) or not code:
            return False
        return self.namespace is None or self.namespace.owns(code)

    def _add(self, entry: LedgerEntry) -> None:
        self._add_all([entry])

    def _add_all(self, entries: Iterable[LedgerEntry]) -> None:
        with self._lock:
            known = {existing.key() for existing in self.entries}
            added = False
            for entry in entries:
                if entry.key() not in known:
                    known.add(entry.key())
                    self.entries.append(entry)
                    added = True
            if added:
                self._save_locked()

    # -- persistence -------------------------------------------------------------------------------
    def save(self) -> None:
        with self._lock:
            self._save_locked()

    def _save_locked(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "run_id": self.run_id,
            "target": self.target,
            "urls": self.urls,
            "entries": [asdict(entry) for entry in self.entries],
        }
        temporary = self.path.with_suffix(self.path.suffix + ".tmp")
        temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, self.path)

    @classmethod
    def load(cls, path: Path) -> Ledger:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        entries = [LedgerEntry(**entry) for entry in document.get("entries", [])]
        return cls(
            Path(path),
            run_id=document.get("run_id", ""),
            target=document.get("target", ""),
            urls=dict(document.get("urls") or {}),
            entries=entries,
        )

    @property
    def pending(self) -> list[LedgerEntry]:
        return [entry for entry in self.entries if entry.status not in DONE]

    # -- cleanup -----------------------------------------------------------------------------------
    def cleanup(self, client: CallsCustomerService, *, concurrency: int = 1) -> list[LedgerEntry]:
        """Undo everything pending; returns the entries handled. Raises CleanupError listing leftovers.

        Relations go first; the companies whose last customer Norce keeps are then released together (their
        imports submitted at once and their jobs waited for together, see `_release_customers`); customers
        and companies are deactivated last.

        Each phase's entries are independent of one another, so up to `concurrency` of them are cleaned at
        once (on a slow network most of cleanup's time is answers in flight; the client's pacer still holds
        the run's --rate). A company's relations stay one after another: whether a DeleteCompanyCustomer
        meets the company's last customer depends on those before it. Lookups by code, e-mail or org no are
        asked once per cleanup (`CachedLookups`): many entries name the same company."""
        order = {"relation": 0, "customer": 1, "company": 2}
        handled = sorted(self.pending, key=lambda entry: order[entry.kind])
        companies = [e for e in self.entries if e.kind == "company"]
        cached = CachedLookups(client)
        progress = _Progress(self.save)
        for kind in order:
            batches = _batches([entry for entry in handled if entry.kind == kind])
            releases = _clean_batches(cached, batches, companies, concurrency, progress)
            if releases:
                _release_all(cached, releases)
        self.save()
        leftovers = [entry for entry in handled if entry.status not in DONE]
        if leftovers:
            raise CleanupError(leftovers)
        return handled


class _Progress:
    """Cleanup progress is persisted in batches: rewriting the whole ledger per entry made cleanup quadratic,
    and a crash mid-batch only means a later `norce-contracts cleanup` redoes some idempotent calls."""

    def __init__(self, save: Callable[[], None]) -> None:
        self.save, self.done = save, 0
        self._lock = threading.Lock()

    def one_done(self) -> None:
        with self._lock:
            self.done += 1
            due = self.done % SAVE_EVERY == 0
        if due:
            self.save()


def _batches(entries: Sequence[LedgerEntry]) -> list[list[LedgerEntry]]:
    """Entries that may be cleaned side by side, as batches cleaned in order: one per entry, except that a
    company's relations form one batch (by company code, org no or id, as the ledger knows it)."""
    grouped: dict[Any, list[LedgerEntry]] = {}
    for index, entry in enumerate(entries):
        company = entry.company_code or entry.org_no or entry.company_id if entry.kind == "relation" else None
        grouped.setdefault(company if company is not None else ("entry", index), []).append(entry)
    return list(grouped.values())


def _clean_batches(
    client: CallsCustomerService,
    batches: Sequence[Sequence[LedgerEntry]],
    companies: list[LedgerEntry],
    concurrency: int,
    progress: _Progress,
) -> dict[str, list[LedgerEntry]]:
    """Clean each batch (its entries in order), up to `concurrency` batches at once; returns the releases
    asked for."""
    releases: dict[str, list[LedgerEntry]] = {}
    lock = threading.Lock()

    def clean(batch: Sequence[LedgerEntry]) -> None:
        for entry in batch:
            try:
                release = _CLEANERS[entry.kind](client, entry, companies)
                if release is not None:
                    with lock:
                        releases.setdefault(release, []).append(entry)
            except Exception as exc:  # one failure must not stop the rest of the cleanup
                entry.status, entry.detail = FAILED, f"{type(exc).__name__}: {exc}"
            progress.one_done()

    if concurrency <= 1 or len(batches) <= 1:
        for batch in batches:
            clean(batch)
    else:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="cleanup") as pool:
            list(pool.map(clean, batches))  # clean() never raises: each entry keeps its own failure
    return releases


LOOKUPS = frozenset({"GetCompanyByCode", "GetCompanyByOrgNo", "GetCustomerByCode", "GetCustomerByEmail"})


class CachedLookups:
    """The cleanup's client, asking each lookup (an entity's id by code, e-mail or org no) once: relations
    name the same companies over and over, and `_is_run_company` looks up the run's companies by code. An
    answer stays right for the whole cleanup: cleanup creates nothing, and an entity it deactivates is still
    found by its code. Threads asking the same lookup at once wait for the first one's answer. Only a 2xx
    answer is kept (an error is asked again, as before). Everything else goes to the client as it is."""

    def __init__(self, client: CallsCustomerService) -> None:
        self.client = client
        self._answers: dict[tuple[str, tuple[tuple[str, str], ...]], Future[httpx.Response]] = {}
        self._lock = threading.Lock()

    def call(
        self,
        operation_id: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        accept: str = "application/json",
    ) -> httpx.Response:
        if operation_id not in LOOKUPS or json is not None:
            return self.client.call(operation_id, params=params, json=json, accept=accept)
        asked = {**(params or {}), "": accept}
        key = (operation_id, tuple(sorted((str(name), str(value)) for name, value in asked.items())))
        with self._lock:
            known = self._answers.get(key)
            if known is None:
                mine: Future[httpx.Response] = Future()
                self._answers[key] = mine
        if known is not None:
            if known.exception() is None:  # waits for the first asker's answer
                return known.result()
            return self.call(operation_id, params=params, accept=accept)  # it failed: ask again, as before
        try:
            response = self.client.call(operation_id, params=params, accept=accept)
        except BaseException as exc:
            with self._lock:
                del self._answers[key]  # not kept: the next asker asks again
            mine.set_exception(exc)
            raise
        if response.status_code // 100 != 2:
            with self._lock:
                del self._answers[key]
        mine.set_result(response)
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)  # import_companies, wait_for_jobs, target: the client's own


def _lookup_id(
    client: CallsCustomerService, operation_id: str, code: str | None, known: int | None
) -> int | None:
    if known is not None:
        return known
    if code is None:
        return None
    return _find(client, operation_id, "code", code)


def _find(client: CallsCustomerService, operation_id: str, param: str, value: str) -> int | None:
    response = client.call(operation_id, params={param: value})
    _expect_ok(response, operation_id)
    body = response.json() if response.content.strip() else None
    found = body.get("Id") if isinstance(body, Mapping) else None  # null = never created
    return found if isinstance(found, int) else None


def _expect_ok(response: httpx.Response, operation_id: str) -> None:
    if response.status_code // 100 != 2:
        raise RuntimeError(f"{operation_id} answered {response.status_code}: {_error_keys(response)}")


def _error_keys(response: httpx.Response) -> str:
    try:
        messages = response.json().get("Messages") or []
        return ", ".join(str(m.get("Key")) for m in messages) or response.text[:120]
    except (ValueError, AttributeError):
        return response.text[:120]


def _clean_relation(
    client: CallsCustomerService, entry: LedgerEntry, companies: list[LedgerEntry]
) -> str | None:
    """Delete one relation; the code of a run company whose last customer it is, to be released by import."""
    entry.company_id = _lookup_id(client, "GetCompanyByCode", entry.company_code, entry.company_id)
    if entry.company_id is None and entry.org_no is not None:
        entry.company_id = _find(client, "GetCompanyByOrgNo", "orgNo", entry.org_no)
    entry.customer_id = _lookup_id(client, "GetCustomerByCode", entry.customer_code, entry.customer_id)
    if entry.customer_id is None and entry.email is not None:
        entry.customer_id = _find(client, "GetCustomerByEmail", "email", entry.email)
    if entry.company_id is None or entry.customer_id is None:
        entry.status, entry.detail = ABSENT, "company or customer was never created"
        return None
    response = client.call(
        "DeleteCompanyCustomer", params={"companyId": entry.company_id, "customerId": entry.customer_id}
    )
    last_customer = response.status_code == 400 and "CannotDeleteLastCustomer" in _error_keys(response)
    if last_customer and _is_run_company(client, companies, entry.company_code, entry.company_id):
        code = entry.company_code or next((c.code for c in companies if c.id == entry.company_id), None)
        if code is not None and isinstance(client, ImportsCompanies):
            return code
        # Norce keeps a company's last customer; the company itself is deactivated next.
        entry.status, entry.detail = KEPT, "last customer of a company this run deactivates"
        return None
    # Already gone (e.g. a list-delta import replaced it)? Verify the end state rather than trust the key.
    if (
        response.status_code == 400
        and "CustomerMissing" in _error_keys(response)
        and not _relation_exists(client, entry.company_id, entry.customer_id)
    ):
        entry.status, entry.detail = ABSENT, "relation already removed"
        return None
    _expect_ok(response, "DeleteCompanyCustomer")
    entry.status, entry.detail = CLEANED, ""
    return None


def _release_all(client: CallsCustomerService, releases: Mapping[str, list[LedgerEntry]]) -> None:
    """`_release_customers`, where a failure marks its relations failed and the cleanup goes on."""
    try:
        _release_customers(client, releases)
    except Exception as exc:  # one failure must not stop the rest of the cleanup
        for entries in releases.values():
            for entry in entries:
                entry.status, entry.detail = FAILED, f"{type(exc).__name__}: {exc}"


def _release_customers(client: CallsCustomerService, releases: Mapping[str, list[LedgerEntry]]) -> None:
    """Remove every customer relation of companies this run created, through Connect (ImportsCompanies):
    one import per company, all submitted before any job is waited for, so a tenant whose jobs queue for
    seconds releases them all in about one job's time. A company not released keeps its last customer
    (KEPT): the company itself is deactivated next."""
    assert isinstance(client, ImportsCompanies)
    account_id = getattr(getattr(client, "target", None), "account_id", DEFAULT_UPDATED_BY)
    header = json.dumps({"AccountId": account_id, "CompanyFieldsThatAreSet": [2, 14]}, separators=(",", ":"))
    jobs: dict[str, int] = {}
    for code in releases:
        answer = client.import_companies(
            [{"Code": code, "Customers": [], "IsCustomerListDelta": False}], header
        )
        if answer.status_code == 200:
            jobs[code] = int(answer.json()["JobId"])
    finished = client.wait_for_jobs(list(jobs.values()))
    for code, entries in releases.items():
        job = finished.get(jobs[code]) if code in jobs else None
        released = isinstance(job, Mapping) and bool(job.get("IsFinished")) and not job.get("Fail")
        for entry in entries:
            if released:
                entry.status, entry.detail = CLEANED, "released by importing the company with no customers"
            else:
                entry.status, entry.detail = KEPT, "last customer of a company this run deactivates"


def _is_run_company(
    client: CallsCustomerService, companies: list[LedgerEntry], code: str | None, company_id: int | None
) -> bool:
    """Whether a company is one this run created (imported companies' ids are looked up by code once)."""
    for company in companies:
        if code is not None and company.code == code:
            return True
        if company.id is None and company.code is not None:
            company.id = _lookup_id(client, "GetCompanyByCode", company.code, None)
        if company_id is not None and company.id == company_id:
            return True
    return False


def _relation_exists(client: CallsCustomerService, company_id: int, customer_id: int) -> bool:
    """Whether the customer still lists the company (GetCustomer with includeCompanies=true)."""
    response = client.call("GetCustomer", params={"id": customer_id, "includeCompanies": "true"})
    _expect_ok(response, "GetCustomer")
    body = response.json() if response.content.strip() else None
    companies = (body.get("Companies") or []) if isinstance(body, Mapping) else []
    return any(isinstance(company, Mapping) and company.get("Id") == company_id for company in companies)


def _clean_entity(
    client: CallsCustomerService, entry: LedgerEntry, lookup: str, operation: str, param: str
) -> None:
    entry.id = _lookup_id(client, lookup, entry.code, entry.id)
    if entry.id is None and entry.email:
        entry.id = _find(client, "GetCustomerByEmail", "email", entry.email)
    if entry.id is None and entry.org_no:
        entry.id = _find(client, "GetCompanyByOrgNo", "orgNo", entry.org_no)
    if entry.id is None:
        entry.status, entry.detail = ABSENT, "never created (import item failed or was rejected)"
        return
    response = client.call(operation, params={param: entry.id, "inactivatedBy": DEFAULT_UPDATED_BY})
    _expect_ok(response, operation)
    entry.status, entry.detail = CLEANED, ""


def _clean_customer(client: CallsCustomerService, entry: LedgerEntry, _companies: list[LedgerEntry]) -> None:
    _clean_entity(client, entry, "GetCustomerByCode", "InactivateCustomer", "customerId")
    if entry.id is not None:
        _deactivate_account(client, entry.id)


def _deactivate_account(client: CallsCustomerService, customer_id: int) -> None:
    """An inactive customer's account could still log in on some tenants: switch it off too (1.1
    UpdateAccountStatus; docs/norce-facts.md §2C Account)."""
    response = client.call("GetCustomer", params={"id": customer_id})
    _expect_ok(response, "GetCustomer")
    body = response.json() if response.content.strip() else None
    account = body.get("Account") if isinstance(body, Mapping) else None
    if not isinstance(account, Mapping) or account.get("IsActive") is not True:
        return
    params = {"customerId": customer_id, "isActive": "false", "updatedBy": DEFAULT_UPDATED_BY}
    _expect_ok(client.call("UpdateAccountStatus", params=params), "UpdateAccountStatus")


def _clean_company(client: CallsCustomerService, entry: LedgerEntry, _companies: list[LedgerEntry]) -> None:
    _clean_entity(client, entry, "GetCompanyByCode", "InactivateCompany", "companyId")


Cleaner = Callable[[CallsCustomerService, LedgerEntry, list[LedgerEntry]], str | None]
_CLEANERS: dict[str, Cleaner] = {
    "relation": _clean_relation,
    "customer": _clean_customer,
    "company": _clean_company,
}
