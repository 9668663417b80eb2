"""What the Customer Service 1.1 company-write tests share: the run-owned scene each test writes to, the
reference-data codes and ids a tenant offers, the write's answer judged at its evidence level, and reads
compared before and after.

A scene is three companies and three customers, all run-owned: the subject company A (two delivery
addresses, delivery and payment methods, price lists), customer X related to B (its default company) and A,
customer Y related to A only (so A never loses its last customer), and the bystanders C and Z (related to
each other) that no write names; B, C and Z are shared by the scenes of one build. Every scene of the
module is imported with one ImportCompanies and one ImportCustomers: on a tenant whose jobs queue, two waits
for the whole module instead of two per test.

Which judgement a finding belongs to follows the operation's evidence (`x-norce-evidence` in
openapi/customer-service-1.1.yaml): an operation known only from the WSDL (W) is judged by the -WSDL
judgements (recommended), every other one by the documented ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from contracts.oracle.response_checks import error_envelope_problems
from contracts.oracle.spec import CUSTOMER_SERVICE_SPEC, load_spec
from contracts.oracle.xml_data import decode_body
from contracts.reports.verdicts import judge
from contracts.suite.flows import (
    JSON,
    Import,
    account_id,
    answers_no_entity,
    application_key,
    assert_conforms,
    company_header,
    customer_header,
    explain,
    read,
    read_conforming,
    run_imports,
)
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace
from contracts.transport.target import ReferenceCodes

ABSENT_ID = 2_000_000_000  # far above anything a test tenant holds
# Members a read may change without any write naming them (timestamps; Created2: a newer release's copy).
VOLATILE = frozenset({"Created", "Updated", "Created2"})


# -- the operation's evidence -----------------------------------------------------------------------------


def _operation(operation_id: str) -> dict[str, Any]:
    definition: dict[str, Any] = load_spec(CUSTOMER_SERVICE_SPEC).operation(operation_id).definition
    return definition


def wsdl_only(operation_id: str) -> bool:
    """Known only from the Storm WSDL: its effects are inferred from its name and members (Q12)."""
    return _operation(operation_id).get("x-norce-evidence") == "W"


def judgement_for(operation_id: str, base: str) -> str:
    """`base` (CS-OPERATION, CS-WRITES, CS-WRITES-UNTOUCHED) at the level the operation's evidence allows."""
    return f"{base}-WSDL" if wsdl_only(operation_id) else base


def answers_nothing(operation_id: str) -> bool:
    """The documented 200 answer has no entity ('none' in the §1C table)."""
    ok = load_spec(CUSTOMER_SERVICE_SPEC).resolve(_operation(operation_id)["responses"]["200"])
    return not ok.get("content")


def inferred_company_missing(operation_id: str) -> bool:
    return "CompanyMissing" in (_operation(operation_id).get("x-norce-error-keys-inferred") or [])


# -- comparing reads --------------------------------------------------------------------------------------


def stable(value: Any) -> Any:
    """A read as data to compare: timestamps left out, and a null, an empty or a missing member alike (a
    tenant may write an empty collection as null, or leave a null member out)."""
    if isinstance(value, Mapping):
        kept = {key: stable(item) for key, item in value.items() if key not in VOLATILE}
        return {key: item for key, item in sorted(kept.items()) if item not in (None, [], {})}
    if isinstance(value, list):
        return [stable(item) for item in value]
    return value


def customer_state(customer: Mapping[str, Any]) -> Any:
    """A customer to compare: its own members, and its companies as their ids in order (the first is the
    default), since a company embedded in it may change with a write to that company."""
    own = stable({key: item for key, item in customer.items() if key != "Companies"})
    return {**own, "Companies": company_ids(customer)}


def company_ids(customer: Mapping[str, Any] | None) -> list[Any]:
    return [company.get("Id") for company in (customer or {}).get("Companies") or []]


def ids_of(entity: Mapping[str, Any] | None, member: str) -> list[Any]:
    """An int list member (DeliveryMethodIds, PaymentMethodIds, PricelistIds), null read as empty."""
    return list((entity or {}).get(member) or [])


def without(entity: Mapping[str, Any], *members: str) -> Any:
    return stable({key: item for key, item in entity.items() if key not in members})


def addresses(company: Mapping[str, Any] | None) -> dict[Any, Any]:
    """The company's delivery addresses by Id."""
    return {
        a.get("Id"): stable(a) for a in (company or {}).get("DeliveryAddresses") or [] if isinstance(a, dict)
    }


# -- a write and its answer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A write that answered 200: its answer as data (None for an operation that answers nothing), and the
    judgements of its effects, at the operation's level, with the call's curl and answer in every message."""

    operation: str
    accept: str
    response: httpx.Response
    data: Any
    context: str

    def effect(self, ok: bool, detail: str, *, judgement: str | None = None) -> bool:
        """What the write documents it changes (CS-WRITES / CS-WRITES-WSDL unless told)."""
        chosen = judgement or judgement_for(self.operation, "CS-WRITES")
        return self._judge(chosen, ok, detail)

    def untouched(self, ok: bool, detail: str, *, judgement: str | None = None) -> bool:
        """What the write does not name stays as it was (CS-WRITES-UNTOUCHED / -WSDL unless told)."""
        chosen = judgement or judgement_for(self.operation, "CS-WRITES-UNTOUCHED")
        return self._judge(chosen, ok, detail)

    def _judge(self, judgement_id: str, ok: bool, detail: str) -> bool:
        message = f"{self.operation}: {detail}{self.context}"
        return judge(judgement_id, ok, message, operation=self.operation, media_type=self.accept)


def write(
    norce: NorceClient,
    operation: str,
    accept: str,
    seed: int,
    *,
    params: Mapping[str, Any],
    body: Any = None,
) -> Written | None:
    """Send the write (a JSON body, the answer in `accept`) and judge its answer: 200 in the negotiated type
    (CS-OPERATION, or CS-OPERATION-WSDL for a WSDL-only operation), the documented answer schema-checked, or
    no entity where the documented answer is none (CS-NO-ENTITY-ANSWER). None when it did not answer 200 on
    a run that does not enforce that judgement (the deviation is recorded; its effects cannot be judged)."""
    response = norce.call(operation, params=dict(params), json=body, accept=accept)
    context = explain(norce, response, operation=operation, seed=seed)
    answered = judge(
        judgement_for(operation, "CS-OPERATION"),
        response.status_code == 200,
        f"{operation} answered {response.status_code}, not 200{context}",
        operation=operation,
        media_type=accept,
    )
    if not answered:
        return None
    data: Any = None
    if answers_nothing(operation):
        judge(
            "CS-NO-ENTITY-ANSWER",
            answers_no_entity(response),
            f"{operation} is documented with an empty answer{context}",
            operation=operation,
            media_type=accept,
        )
    else:
        data = assert_conforms(norce, response, operation, accept, seed)
    return Written(operation, accept, response, data, context)


def error_keys_of(operation: str, response: httpx.Response) -> list[str] | None:
    """Messages[].Key of a 4xx ErrorMessage in JSON or XML; None when the body is no ErrorMessage."""
    content_type = response.headers.get("content-type", "")
    if error_envelope_problems(operation, response.status_code, content_type, response.content):
        return None
    try:
        body = decode_body(operation, response.status_code, content_type, response.content)
    except (ValueError, LookupError):
        return None
    messages = body.get("Messages") if isinstance(body, dict) else None
    return [str(m.get("Key")) for m in messages or [] if isinstance(m, dict)]


# -- reads in the test's media type -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reads:
    """1.1 reads in one media type, judged by `assert_conforms` (schema, negotiation), returned as data."""

    norce: NorceClient
    accept: str
    seed: int

    def get(self, operation: str, **params: Any) -> Any:
        return read_conforming(self.norce, operation, seed=self.seed, accept=self.accept, **params)

    def company(self, company_id: int) -> dict[str, Any]:
        found = self.get("GetCompany", id=company_id)
        assert isinstance(found, dict), f"GetCompany {company_id}: no company ({found!r})"
        return found

    def customer(self, customer_id: int) -> dict[str, Any]:
        found = self.get("GetCustomer", id=customer_id, includeCompanies="true")
        assert isinstance(found, dict), f"GetCustomer {customer_id}: no customer ({found!r})"
        return found

    def customers_of(self, company_id: int) -> list[dict[str, Any]]:
        """Every customer related to the company, active or not (ListCustomerByCompany3, showInactive)."""
        found = self.get(
            "ListCustomerByCompany3", id=company_id, showInactive="true", includeCompanies="true"
        )
        return [c for c in found or [] if isinstance(c, dict)]

    def customer_ids_of(self, company_id: int) -> list[Any]:
        return sorted(c.get("Id") for c in self.customers_of(company_id))

    def discounts(self, company_id: int) -> dict[tuple[Any, Any], Any]:
        """ListCompanyDiscounts by (TypeId, Value), the pair a discount is named by."""
        found = self.get("ListCompanyDiscounts", companyId=company_id)
        return {(d.get("TypeId"), d.get("Value")): stable(d) for d in found or [] if isinstance(d, dict)}

    def pricelists(self, company_id: int) -> dict[Any, Any]:
        found = self.get("ListCompanyPricelists", companyId=company_id)
        return {p.get("Id"): stable(p) for p in found or [] if isinstance(p, dict)}


# -- reference data: delivery and payment methods, price lists -------------------------------------------


@dataclass(frozen=True)
class Reference:
    """The method and price-list codes the scenes use, and the 1.1 ids of the methods.

    1.1 has no list of methods or price lists, so the codes come from the target's profile
    (`ReferenceCodes`); the embedded emulator registers any code on first use, so there they are the run's.
    A method's id is read from a run-owned probe company imported with that one method."""

    delivery: tuple[str, ...] = ()
    payment: tuple[str, ...] = ()
    pricelists: tuple[str, ...] = ()
    delivery_ids: Mapping[str, int] = field(default_factory=dict)
    payment_ids: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def codes(cls, reference: ReferenceCodes, ns: RunNamespace) -> Reference:
        if reference.run_owned:
            return cls(
                tuple(ns.code("dm") for _ in range(2)),
                tuple(ns.code("pm") for _ in range(2)),
            )
        return cls(reference.codes("delivery-methods")[:2], reference.codes("payment-methods")[:2])


# -- the scenes -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scene:
    """Ids of one test's run-owned entities (see the module docstring)."""

    company: int  # A: the one the write names
    other_company: int  # B: X's default company
    bystander_company: int  # C
    customer: int  # X: related to B (default) and A
    co_customer: int  # Y: related to A only
    bystander_customer: int  # Z: related to C only
    codes: Mapping[str, str]  # role -> code ("company", "customer", ...)
    reference: Reference


@dataclass(frozen=True)
class ScenePlan:
    """What one scene imports: A starts without the first method code when the test inserts it."""

    label: str
    methods_inserted: bool = False
    pricelists: int = 0  # how many run-owned price lists A gets; embedded emulator only


def _address(ns: RunNamespace, n: int) -> dict[str, Any]:
    return {
        "Code": ns.code("adr"),
        "AddressLine1": f"Storgatan {n}",
        "ZipCode": f"211 4{n}",
        "City": "Malmö",
        "CountryCode": "SE",
    }


def _company(ns: RunNamespace, code: str, *, addresses: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ApplicationKey": application_key(),
        "Code": code,
        "Name": code,
        "OrganizationNo": ns.code("org"),
        "PhoneNumber": "+46 40 123 45",
    }
    if addresses:
        item["DeliveryAddresses"] = [_address(ns, n) for n in range(1, addresses + 1)]
    return item


def _coded(codes: Iterable[str]) -> list[dict[str, Any]]:
    return [{"Code": code} for code in codes]


def _scene_items(
    ns: RunNamespace, plan: ScenePlan, reference: Reference, shared: Mapping[str, str], lists: list[str]
) -> tuple[dict[str, str], list[dict[str, Any]], list[dict[str, Any]]]:
    """A scene's own entities: company A, customer X (B its default, and A) and customer Y (A only)."""
    codes = {"a": ns.code("co-a"), "x": ns.code("cu-x"), "y": ns.code("cu-y"), **shared}
    a = _company(ns, codes["a"], addresses=2)
    kept = 1 if plan.methods_inserted else 0  # the test inserts the first code
    if reference.delivery or reference.payment:
        a |= {"DeliveryMethods": _coded(reference.delivery[kept:])}
        a |= {"PaymentMethods": _coded(reference.payment[kept:])}
    if lists:
        a["PriceLists"] = _coded(lists)
    customers = [
        _customer(ns, codes["x"], [{"Code": codes["b"], "IsPrimary": True}, {"Code": codes["a"]}]),
        _customer(ns, codes["y"], [{"Code": codes["a"]}]),
    ]
    return codes, [a], customers


def _bystander_items(
    ns: RunNamespace, reference: Reference, run_owned: bool
) -> tuple[dict[str, str], list[dict[str, Any]], list[dict[str, Any]]]:
    """The entities every scene of one build shares, which no write names: B (X's default company), and C
    with its customer Z. Each test reads them before and after its own write, so sharing them is safe."""
    codes = {"b": ns.code("co-b"), "c": ns.code("co-c"), "z": ns.code("cu-z")}
    b, c = _company(ns, codes["b"], addresses=1), _company(ns, codes["c"], addresses=2)
    if reference.delivery or reference.payment:
        c |= {"DeliveryMethods": _coded(reference.delivery), "PaymentMethods": _coded(reference.payment)}
    if run_owned:  # a price list of C's that a test may connect to A (price lists: embedded emulator only)
        c["PriceLists"] = _coded([ns.code("pl")])
    return codes, [b, c], [_customer(ns, codes["z"], [{"Code": codes["c"]}])]


def _pricelists(plan: ScenePlan, ns: RunNamespace, reference: ReferenceCodes) -> list[str]:
    """A's price lists: fresh run-owned ones on the embedded emulator (`plan.pricelists`, at least one); on a
    tenant the first configured code, if any (price lists are not the run's to make)."""
    if reference.run_owned:
        return [ns.code("pl") for _ in range(max(plan.pricelists, 1))]
    return list(reference.codes("pricelists")[:1])


def _customer(ns: RunNamespace, code: str, companies: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "Code": code,
        "FirstName": "Scen",
        "LastName": "Kund",
        "EmailAddress": ns.email("scene"),
        "Companies": companies,
    }


COMPANY_FIELDS = ("Code", "Name", "OrganizationNo", "PhoneNumber", "DeliveryAddresses")
CUSTOMER_FIELDS = ("Code", "FirstName", "LastName", "EmailAddress", "Companies")


def build_scenes(
    norce: NorceClient,
    ns: RunNamespace,
    seed: int,
    plans: list[ScenePlan],
    reference_codes: ReferenceCodes,
) -> dict[str, Scene]:
    """Import every planned scene, the bystanders they share, and one probe company per method code, in one
    ImportCompanies and one ImportCustomers; then read the ids back (in JSON: this is set-up)."""
    reference = Reference.codes(reference_codes, ns)
    shared, companies, customers = _bystander_items(ns, reference, reference_codes.run_owned)
    planned: dict[str, dict[str, str]] = {}
    for plan in plans:
        lists = _pricelists(plan, ns, reference_codes)
        codes, plan_companies, plan_customers = _scene_items(ns, plan, reference, shared, lists)
        planned[plan.label] = codes
        companies += plan_companies
        customers += plan_customers
    probes = _probes(ns, reference)
    names = ("DeliveryMethods", "PaymentMethods", "PriceLists")
    fields = [*COMPANY_FIELDS, *(name for name in names if any(name in c for c in companies + probes))]
    run_imports(norce, [Import("ImportCompanies", companies + probes, company_header(*fields))], seed=seed)
    run_imports(norce, [Import("ImportCustomers", customers, customer_header(*CUSTOMER_FIELDS))], seed=seed)
    reference = _with_method_ids(norce, seed, reference, probes)
    z = read(norce, "GetCustomerByCode", seed=seed, code=shared["z"], includeCompanies="true")
    assert isinstance(z, dict) and company_ids(z), f"bystander customer {shared['z']} not found: {z!r}"
    bystanders = {"c": company_ids(z)[0], "z": z["Id"]}
    return {label: _read_scene(norce, seed, codes, bystanders, reference) for label, codes in planned.items()}


def _probes(ns: RunNamespace, reference: Reference) -> list[dict[str, Any]]:
    """One company per method code pair: its only delivery method and its only payment method."""
    count = max(len(reference.delivery), len(reference.payment))
    probes = []
    for n in range(count):
        probe = _company(ns, ns.code("probe"), addresses=0)
        probe["DeliveryMethods"] = _coded(reference.delivery[n : n + 1])
        probe["PaymentMethods"] = _coded(reference.payment[n : n + 1])
        probes.append(probe)
    return probes


def _with_method_ids(
    norce: NorceClient, seed: int, reference: Reference, probes: list[dict[str, Any]]
) -> Reference:
    delivery: dict[str, int] = {}
    payment: dict[str, int] = {}
    for probe in probes:
        read_back = read(norce, "GetCompanyByCode", seed=seed, code=probe["Code"])
        assert isinstance(read_back, dict), f"probe company {probe['Code']} not found"
        for member, found, sent in (
            ("DeliveryMethodIds", delivery, probe["DeliveryMethods"]),
            ("PaymentMethodIds", payment, probe["PaymentMethods"]),
        ):
            ids = ids_of(read_back, member)
            assert len(ids) == len(sent), f"probe {probe['Code']}: {member} {ids} for {sent}"
            found.update({method["Code"]: method_id for method, method_id in zip(sent, ids, strict=True)})
    return Reference(reference.delivery, reference.payment, (), delivery, payment)


def _read_scene(
    norce: NorceClient,
    seed: int,
    codes: Mapping[str, str],
    bystanders: Mapping[str, int],
    reference: Reference,
) -> Scene:
    x, y = (read(norce, "GetCustomerByCode", seed=seed, code=codes[r], includeCompanies="true") for r in "xy")
    assert isinstance(x, dict) and isinstance(y, dict), f"scene customers {codes} not found"
    by_code = {c["Code"]: c["Id"] for c in x.get("Companies") or []}
    assert {codes["a"], codes["b"]} <= set(by_code), f"scene relations missing: {x}"
    return Scene(
        company=by_code[codes["a"]],
        other_company=by_code[codes["b"]],
        bystander_company=bystanders["c"],
        customer=x["Id"],
        co_customer=y["Id"],
        bystander_customer=bystanders["z"],
        codes=dict(codes),
        reference=reference,
    )


def actor() -> int:
    """updatedBy / createdBy / inactivatedBy: the run's account (docs/norce-facts.md §1C)."""
    return account_id()


def as_json(norce: NorceClient, operation: str, seed: int, **params: Any) -> dict[str, Any]:
    """An entity read in JSON, to send back as a request body (1.1 bodies are JSON), without the timestamps
    the server stamps (a client has no reason to send them, and their written form is the server's: .NET
    dates without an offset, docs/norce-facts.md §4.5)."""
    found = read(norce, operation, seed=seed, accept=JSON, **params)
    assert isinstance(found, dict), f"{operation} {params}: nothing to send back ({found!r})"
    return {key: value for key, value in found.items() if key not in VOLATILE}
