"""Cleanup ledger: records what the run creates and deactivates exactly that, failing loudly on leftovers."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.transport.auth import AuthSession, TokenProvider
from contracts.transport.client import NetworkError, NorceClient
from contracts.transport.guard import WriteGuard, WriteRefused
from contracts.transport.ledger import CachedLookups, CleanupError, Ledger
from contracts.transport.namespace import RunNamespace
from tests.unit.targets.fakes import CREDENTIALS, FakeClock, FakeNorce, tenant_target

NS = RunNamespace("abcd1234")


def client_for(fake: FakeNorce, clock: FakeClock, ledger: Ledger | None = None) -> NorceClient:
    target = tenant_target()
    tokens = TokenProvider(
        target.token_url,
        CREDENTIALS,
        http=httpx.Client(transport=fake.transport),
        clock=clock,
        sleep=clock.sleep,
    )
    return NorceClient(
        target,
        AuthSession(CREDENTIALS, tokens),
        WriteGuard(target, allow_writes=True),
        namespace=NS,
        ledger=ledger,
        transport=fake.transport,
        clock=clock,
        sleep=clock.sleep,
    )


def test_imports_are_recorded_and_cleanup_deactivates_exactly_them(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = FakeNorce(clock)
    ledger = Ledger(tmp_path / "ledger.json", run_id=NS.run_id, target="lab", namespace=NS)
    client = client_for(fake, clock, ledger)
    customer, never_created, company = NS.code("cu"), NS.code("cu"), NS.code("co")
    client.import_companies([{"Code": company, "Name": "Co"}], header="{}")
    client.import_customers(
        [
            {"Code": customer, "Companies": [{"Code": company}]},
            {"Code": never_created},
        ],
        header="{}",
    )
    assert [e.kind for e in Ledger.load(tmp_path / "ledger.json").entries] == [
        "company",
        "customer",
        "relation",
        "customer",
    ]
    fake.customers[customer] = 101  # what the import jobs created
    fake.companies[company] = 201
    fake.calls.clear()

    handled = ledger.cleanup(client)

    assert fake.writes() == [
        ("DeleteCompanyCustomer", {"companyId": "201", "customerId": "101"}),
        ("InactivateCustomer", {"customerId": "101", "inactivatedBy": "1"}),
        ("InactivateCompany", {"companyId": "201", "inactivatedBy": "1"}),
    ]
    assert {e.status for e in handled} == {"cleaned", "absent"}
    assert [e.code for e in handled if e.status == "absent"] == [never_created]
    assert Ledger.load(tmp_path / "ledger.json").pending == []


@pytest.mark.parametrize("import_works", [True, False])
def test_a_run_companys_last_customer_is_released_through_connect_or_kept(
    tmp_path: Path, import_works: bool
) -> None:
    """Norce refuses DeleteCompanyCustomer for a company's last customer; the run's own company is imported
    with an empty customer list instead (IsCustomerListDelta false). If that fails the relation is kept:
    the company is deactivated next."""
    clock = FakeClock()
    fake = FakeNorce(
        clock, customers={"nct-abcd1234-a": 1}, companies={"nct-abcd1234-b": 2}, last_customer_of={2}
    )
    if not import_works:
        fake.fail_operations.add("ImportCompanies")
    ledger = Ledger(tmp_path / "l.json", namespace=NS)
    ledger.record_company(code="nct-abcd1234-b")
    ledger.record_relation(company_code="nct-abcd1234-b", customer_code="nct-abcd1234-a")
    ledger.cleanup(client_for(fake, clock))
    assert [e.status for e in ledger.entries] == ["cleaned", "cleaned" if import_works else "kept"]
    imports = [params for method, op, params in fake.calls if op == "ImportCompanies"]
    assert len(imports) == 1


def test_companies_to_release_are_imported_together_before_any_job_is_waited_for(tmp_path: Path) -> None:
    """On a tenant whose jobs queue, the release imports of several companies are all submitted first and
    their jobs waited for together: cleanup takes about one job's time, not one per company."""
    clock = FakeClock()
    companies = {f"nct-abcd1234-co{n}": 10 + n for n in range(3)}
    fake = FakeNorce(
        clock,
        customers={"nct-abcd1234-a": 1},
        companies=companies,
        last_customer_of=set(companies.values()),
        jobs_finish_after=4,
    )
    ledger = Ledger(tmp_path / "l.json", namespace=NS)
    for code in companies:
        ledger.record_company(code=code)
        ledger.record_relation(company_code=code, customer_code="nct-abcd1234-a")
    ledger.cleanup(client_for(fake, clock))
    assert [e.status for e in ledger.entries if e.kind == "relation"] == ["cleaned"] * 3
    connect = [(op, params.get("id")) for _, op, params in fake.calls if op in ("ImportCompanies", "Get")]
    assert connect[:3] == [("ImportCompanies", None)] * 3
    assert {job_id for op, job_id in connect[3:]} == {"7", "8", "9"} and all(
        op == "Get" for op, _ in connect[3:]
    )
    assert len(connect[3:]) <= 6  # polled together: three jobs, finished by the 4th poll


def test_a_release_that_cannot_be_sent_fails_its_relations_and_cleanup_goes_on(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = FakeNorce(
        clock, customers={"nct-abcd1234-a": 1}, companies={"nct-abcd1234-b": 2}, last_customer_of={2}
    )
    ledger = Ledger(tmp_path / "l.json", namespace=NS)
    ledger.record_company(code="nct-abcd1234-b")
    ledger.record_relation(company_code="nct-abcd1234-b", customer_code="nct-abcd1234-a")
    client = client_for(fake, clock)

    def unreachable(*args: object, **kwargs: object) -> None:
        raise NetworkError("connect refused")

    client.import_companies = unreachable  # type: ignore[method-assign]
    with pytest.raises(CleanupError) as error:
        ledger.cleanup(client)
    assert [e.status for e in ledger.entries] == ["cleaned", "failed"]  # the company still deactivated
    assert "NetworkError: connect refused" in str(error.value)


def test_a_cleanup_failure_lists_leftovers_and_a_later_cleanup_finishes(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = FakeNorce(clock, customers={"nct-abcd1234-a": 1, "nct-abcd1234-b": 2})
    fake.fail_operations.add("InactivateCustomer")
    ledger = Ledger(tmp_path / "l.json", namespace=NS)
    ledger.record_customer(code="nct-abcd1234-a")
    ledger.record_customer(code="nct-abcd1234-b")
    with pytest.raises(CleanupError) as error:
        ledger.cleanup(client_for(fake, clock))
    assert "nct-abcd1234-a" in str(error.value) and "nct-abcd1234-b" in str(error.value)
    assert len(error.value.leftovers) == 2
    reloaded = Ledger.load(tmp_path / "l.json")
    assert [e.status for e in reloaded.entries] == ["failed", "failed"]
    fake.fail_operations.clear()
    fake.calls.clear()
    reloaded.cleanup(client_for(fake, clock))
    assert [op for op, _ in fake.writes()] == ["InactivateCustomer", "InactivateCustomer"]


def test_only_namespaced_codes_are_recorded_and_duplicates_once(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.json", namespace=NS)
    ledger.record_import("customer", [{"Code": "REAL-1"}, {"Id": 5}, "junk", {"Code": "nct-abcd1234-x"}])
    ledger.record_import("customer", [{"Code": "nct-abcd1234-x"}])
    assert [(e.kind, e.code) for e in ledger.entries] == [("customer", "nct-abcd1234-x")]


def test_created_by_customer_service_calls_are_recorded(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.json", namespace=NS)
    response = httpx.Response(200, json=[{"Id": 9, "Code": "nct-abcd1234-z"}])
    ledger.record_call("InsertCompanyCustomer", {"companyId": 4}, response)
    ledger.record_call(
        "GetCustomer", {"id": 9}, httpx.Response(200, json={"Id": 9, "Code": "nct-abcd1234-q"})
    )
    assert [(e.kind, e.id, e.company_id) for e in ledger.entries] == [
        ("customer", 9, None),
        ("relation", None, 4),
    ]


def test_relations_named_by_a_second_identity_and_written_by_1_1_are_recorded(tmp_path: Path) -> None:
    """A relation entry may name its entity by OrganizationNo or EmailAddress instead of Code (§4.1
    "Matching"), and a 1.1 write that relates a customer answers the customer with its companies: both are
    recorded, so cleanup removes them (a relation the ledger missed was left on the tenant)."""
    ledger = Ledger(tmp_path / "l.json", namespace=NS)
    ledger.record_import(
        "customer", [{"Code": "nct-abcd1234-c", "Companies": [{"OrganizationNo": "nct-abcd1234-org"}]}]
    )
    ledger.record_import(
        "company", [{"Code": "nct-abcd1234-k", "Customers": [{"EmailAddress": "nct-abcd1234-e@x.example"}]}]
    )
    answer = {
        "Id": 9,
        "Code": "nct-abcd1234-d",
        "Companies": [{"Id": 4, "Code": "nct-abcd1234-k"}, {"Id": 5}],
    }
    ledger.record_call("UpdateCustomer3", {"updatedBy": 1}, httpx.Response(200, json=answer))
    relations = [e for e in ledger.entries if e.kind == "relation"]
    assert [
        (e.company_code, e.org_no, e.customer_code, e.email, e.company_id, e.customer_id) for e in relations
    ] == [
        (None, "nct-abcd1234-org", "nct-abcd1234-c", None, None, None),
        ("nct-abcd1234-k", None, None, "nct-abcd1234-e@x.example", None, None),
        (None, None, None, None, 4, 9),  # the company without a run code (Id 5) is not ours
    ]


class _RelationStub:
    """Customer Service 1.1 where DeleteCompanyCustomer says CustomerMissing; GetCustomer shows `listed`."""

    def __init__(self, listed: list[int]) -> None:
        self.listed = listed

    def call(
        self, operation_id: str, params: dict | None = None, json: object = None, accept: str = ""
    ) -> httpx.Response:
        request = httpx.Request("GET", f"http://lab/{operation_id}")
        if operation_id == "DeleteCompanyCustomer":
            body = {"MessageId": 400, "Messages": [{"Key": "CustomerMissing", "Value": "not a customer"}]}
            return httpx.Response(400, json=body, request=request)
        assert operation_id == "GetCustomer" and params == {"id": 7, "includeCompanies": "true"}
        return httpx.Response(
            200, json={"Id": 7, "Companies": [{"Id": i} for i in self.listed]}, request=request
        )


@pytest.mark.parametrize(("listed", "cleaned"), [([], True), ([3], False)])
def test_relation_already_removed_is_verified_not_assumed(
    tmp_path: Path, listed: list[int], cleaned: bool
) -> None:
    ledger = Ledger(tmp_path / "ledger.json", run_id=NS.run_id, namespace=NS)
    ledger.record_relation(company_id=3, customer_id=7)
    if cleaned:
        assert [e.status for e in ledger.cleanup(_RelationStub(listed))] == ["absent"]
    else:
        with pytest.raises(CleanupError, match="relation company=3 customer=7"):
            ledger.cleanup(_RelationStub(listed))


@pytest.mark.parametrize(
    ("operation", "item", "why"),
    [
        ("ImportCustomers", {"Id": 7, "Code": NS.code("cu")}, "names by Id an entity the run has not read"),
        ("ImportCustomers", {"EmailAddress": "someone@real.example"}, "its EmailAddress"),
        (
            "ImportCustomers",
            {"Code": NS.code("cu"), "Companies": [{"Code": "FOREIGN-CO"}]},
            "entry of Companies",
        ),
        (
            "ImportCustomers",
            {"Code": NS.code("cu"), "Accounts": [{"LoginName": "a@b.c"}]},
            "entry of Accounts",
        ),
        ("ImportCompanies", {"Code": NS.code("co"), "OrganizationNo": "556000-0001"}, "its OrganizationNo"),
        ("ImportCompanies", {"Code": NS.code("co"), "ParentCompanyCode": "PARENT"}, "ParentCompanyCode"),
        ("ImportCompanies", {"Code": NS.code("co"), "Customers": [{"Id": 3}]}, "entry of Customers"),
    ],
)
def test_an_import_that_could_touch_someone_elses_entity_is_refused_on_a_tenant(
    tmp_path: Path, operation: str, item: dict[str, object], why: str
) -> None:
    clock = FakeClock()
    fake = FakeNorce(clock)
    ledger = Ledger(tmp_path / "ledger.json", run_id=NS.run_id, target="lab", namespace=NS)
    client = client_for(fake, clock, ledger)
    send = client.import_customers if operation == "ImportCustomers" else client.import_companies
    with pytest.raises(WriteRefused, match=why):
        send([item], header="{}")
    assert fake.calls == [] and ledger.entries == []


def test_cleanup_asks_each_lookup_once(tmp_path: Path) -> None:
    """Relations name the same company over and over: its id (or its absence) is asked for once."""
    clock = FakeClock()
    customers = {NS.code(f"cu{n}"): 100 + n for n in range(3)}
    company, never_created = NS.code("co"), NS.code("gone")
    fake = FakeNorce(clock, customers=dict(customers), companies={company: 7})
    ledger = Ledger(tmp_path / "l.json", namespace=NS)
    ledger.record_company(code=company)
    ledger.record_company(code=never_created)
    for code in customers:
        ledger.record_relation(company_code=company, customer_code=code)
        ledger.record_relation(company_code=never_created, customer_code=code)
    ledger.cleanup(client_for(fake, clock))
    lookups = [params["code"] for _, op, params in fake.calls if op == "GetCompanyByCode"]
    assert sorted(lookups) == sorted([company, never_created])
    assert [op for op, _ in fake.writes()].count("DeleteCompanyCustomer") == 3
    assert Ledger.load(tmp_path / "l.json").pending == []


class Overlapping(httpx.BaseTransport):
    """A transport that takes a little real time per request and remembers how many were in flight at once,
    overall and per company for DeleteCompanyCustomer."""

    def __init__(self, fake: FakeNorce) -> None:
        self.inner = fake.transport
        self.lock = threading.Lock()
        self.in_flight, self.peak = 0, 0
        self.deleting: dict[str, int] = {}
        self.peak_per_company = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        company = request.url.params.get("companyId") if "DeleteCompanyCustomer" in request.url.path else None
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            if company is not None:
                self.deleting[company] = self.deleting.get(company, 0) + 1
                self.peak_per_company = max(self.peak_per_company, self.deleting[company])
        try:
            time.sleep(0.005)
            return self.inner.handle_request(request)
        finally:
            with self.lock:
                self.in_flight -= 1
                if company is not None:
                    self.deleting[company] -= 1


def test_cleanup_side_by_side_does_what_one_at_a_time_does(tmp_path: Path) -> None:
    """With concurrency, cleanup sends the same writes and ends in the same statuses as one entry at a time;
    requests overlap, but a company's relations are still deleted one after another."""

    def world() -> tuple[FakeNorce, Ledger, FakeClock]:
        clock = FakeClock()
        customers = {NS.code(f"cu{n}"): 100 + n for n in range(12)}
        companies = {NS.code(f"co{n}"): 10 + n for n in range(4)}
        fake = FakeNorce(clock, customers=customers, companies=companies, last_customer_of={11, 12, 13})
        ledger = Ledger(tmp_path / f"l{len(list(tmp_path.iterdir()))}.json", namespace=NS)
        for code in companies:
            ledger.record_company(code=code)
        for index, code in enumerate(customers):
            ledger.record_customer(code=code)
            ledger.record_relation(company_code=list(companies)[index % 4], customer_code=code)
        ledger.record_customer(code=NS.code("never"))
        return fake, ledger, clock

    one_fake, one_ledger, one_clock = world()
    one_ledger.cleanup(client_for(one_fake, one_clock))
    many_fake, many_ledger, many_clock = world()
    overlapping = Overlapping(many_fake)
    client = client_for(many_fake, many_clock)
    client.http = httpx.Client(transport=overlapping)
    many_ledger.cleanup(client, concurrency=8)

    def key(write: tuple[str, dict[str, str]]) -> str:
        return f"{write[0]} {sorted(write[1].items())}"

    assert sorted(map(key, many_fake.writes())) == sorted(map(key, one_fake.writes()))
    assert [e.status for e in many_ledger.entries] == [e.status for e in one_ledger.entries]
    assert overlapping.peak > 1
    assert overlapping.peak_per_company == 1
    looked_up = [params["code"] for _, op, params in many_fake.calls if op == "GetCompanyByCode"]
    assert sorted(looked_up) == sorted(set(looked_up))  # threads asking at once waited for one answer


def test_a_lookup_asked_by_several_threads_at_once_is_sent_once_and_an_error_is_asked_again() -> None:
    class SlowLookups:
        def __init__(self) -> None:
            self.sent: list[tuple[str, str]] = []
            self.status = 200

        def call(
            self, operation_id: str, params: Any = None, json: Any = None, accept: str = "application/json"
        ) -> httpx.Response:
            self.sent.append((operation_id, str(params)))
            time.sleep(0.05)  # in flight while the other threads ask
            return httpx.Response(self.status, json={"Id": 7})

    client = SlowLookups()
    cached = CachedLookups(client)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: cached.call("GetCompanyByCode", {"code": "c"}), range(8)))
    assert len(client.sent) == 1 and all(answer.json() == {"Id": 7} for answer in answers)
    cached.call("InactivateCompany", {"companyId": 7})
    cached.call("InactivateCompany", {"companyId": 7})
    assert len(client.sent) == 3  # only lookups are kept
    client.status = 500
    cached.call("GetCustomerByCode", {"code": "x"})
    cached.call("GetCustomerByCode", {"code": "x"})
    assert len(client.sent) == 5  # an error answer is not kept
