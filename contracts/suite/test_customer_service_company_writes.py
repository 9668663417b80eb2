"""What every Customer Service 1.1 company, address, method, discount and price-list write changes, and what
it leaves alone, read back through 1.1 in the media type the write was answered in (JSON and XML).

Each test writes to its own run-owned scene (contracts/suite/cs_companies.py: company A that the write names,
customer X related to B, its default company, and to A, customer Y related to A, and the bystanders C and Z),
judges the answer (CS-OPERATION, or CS-OPERATION-WSDL for an operation known only from the WSDL; the
documented answer schema-checked; CS-NO-ENTITY-ANSWER where the answer is none), then reads back the effect
(CS-WRITES / CS-WRITES-WSDL) and that nothing else changed: the members the call did not name, the other
relations and addresses of A, and B, C, X, Y, Z (CS-WRITES-UNTOUCHED / CS-WRITES-UNTOUCHED-WSDL).

Sources: docs/norce-facts.md §1C (the operation table, the confirmed details per operation, the known and
inferred error keys) and §2C (Customer.Companies: "the first is the default company"; Company.PricelistIds:
read-only; Pricelist.IsActive: "false deletes it on update"; PricelistPriceRule 7).

Tenant reference data: 1.1 has no list of delivery or payment methods, so their codes come from the target's
profile (`delivery-method-codes`, `payment-method-codes`); without them the method tests are not applicable
there and say which setting is missing. Price-list writes are never sent to a tenant (cleanup cannot undo
them: contracts/transport/tenant_policy.py NOT_SENT), so those tests run on the embedded emulator only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from contracts.reports.verdicts import judge
from contracts.suite.conftest import collection_settings
from contracts.suite.cs_companies import (
    ABSENT_ID,
    Reads,
    Scene,
    ScenePlan,
    Written,
    actor,
    addresses,
    as_json,
    build_scenes,
    company_ids,
    customer_state,
    error_keys_of,
    ids_of,
    inferred_company_missing,
    stable,
    without,
    write,
)
from contracts.suite.flows import JSON, XML, explain
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

pytestmark = [
    pytest.mark.contract,
    pytest.mark.writes,
    pytest.mark.job_chain(2),  # the scenes: one ImportCompanies, then one ImportCustomers
    pytest.mark.xdist_group("cs-company-writes"),  # one worker builds the module's scenes once
]

ACCEPTS = [pytest.param(JSON, id="json"), pytest.param(XML, id="xml")]
NOT_ON_A_TENANT = (
    "price-list writes are never sent to a tenant (contracts/transport/tenant_policy.py NOT_SENT: cleanup "
    "cannot undo them); this test runs on the embedded emulator only"
)
SHARED_SCENE = "absent-company"  # the inferred-key tests name an absent company: they share one scene


def plan_for(test_name: str, label: str) -> ScenePlan:
    inserted = test_name.startswith(
        ("test_insert_company_delivery_method", "test_insert_company_payment_method")
    )
    return ScenePlan(label, methods_inserted=inserted, pricelists=2 if "pricelist" in test_name else 0)


@dataclass
class Scenes:
    norce: NorceClient
    ns: RunNamespace
    seed: int
    built: dict[str, Scene]

    def of(self, request: pytest.FixtureRequest, label: str | None = None) -> Scene:
        """The scene built for this test; one built now if the test was not planned (it imports twice)."""
        label = label or request.node.nodeid
        if label not in self.built:
            plan = plan_for(request.node.name, label)
            reference = collection_settings().target.reference
            self.built |= build_scenes(self.norce, self.ns, self.seed, [plan], reference)
        return self.built[label]


@pytest.fixture(scope="module")
def scenes(
    request: pytest.FixtureRequest, norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> Scenes:
    """A scene for every selected test of this module, imported together (two jobs for the module)."""
    target = collection_settings().target
    module = f"{request.node.nodeid}::"
    plans: dict[str, ScenePlan] = {}
    for item in request.session.items:
        if not item.nodeid.startswith(module):
            continue
        if "pricelist" in item.name and not target.is_emulator:
            continue  # not sent to a tenant: no scene needed
        label = (
            SHARED_SCENE if item.name.startswith("test_company_write_on_an_absent_company") else item.nodeid
        )
        plans.setdefault(label, plan_for(item.name, label))
    built = build_scenes(norce, run_namespace, norce_seed, list(plans.values()), target.reference)
    return Scenes(norce, run_namespace, norce_seed, built)


def requires(kind: str) -> None:
    """Not applicable where the target's profile names no codes of `kind` (1.1 cannot list them)."""
    reason = collection_settings().target.reference.missing(kind)
    if reason is not None:
        pytest.skip(reason)


def emulator_only() -> None:
    if not collection_settings().target.is_emulator:
        pytest.skip(NOT_ON_A_TENANT)


@dataclass(frozen=True)
class Bystanders:
    """What no write of a test names, as read before the write: company B, company C, and C's customers
    (Z) with their own members and relations (ListCustomerByCompany3)."""

    other_company: Any
    bystander_company: Any
    bystander_customers: list[Any]

    @classmethod
    def read(cls, reads: Reads, scene: Scene) -> Bystanders:
        return cls(
            stable(reads.company(scene.other_company)),
            stable(reads.company(scene.bystander_company)),
            sorted(map(customer_state, reads.customers_of(scene.bystander_company)), key=str),
        )

    def problems(self, reads: Reads, scene: Scene) -> list[str]:
        now = Bystanders.read(reads, scene)
        return [
            f"{name} changed: {before!r} -> {after!r}"
            for name, before, after in (
                ("company B", self.other_company, now.other_company),
                ("bystander company C", self.bystander_company, now.bystander_company),
                ("C's customers (Z)", self.bystander_customers, now.bystander_customers),
            )
            if before != after
        ]


# -- the company and its customers ------------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["InsertCompanyCustomer", "InsertCompanyCustomer2"])
@pytest.mark.parametrize("accept", ACCEPTS)
def test_insert_company_customer(
    request: pytest.FixtureRequest,
    norce: NorceClient,
    scenes: Scenes,
    run_namespace: RunNamespace,
    norce_seed: int,
    operation: str,
    accept: str,
) -> None:
    """Creates the customer and relates it to that company only; A's other customers stay; nothing else
    changes. InsertCompanyCustomer2's password is the new account's (LoginPost logs in with it)."""
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    before_customers = reads.customer_ids_of(scene.company)
    x_before, bystanders = customer_state(reads.customer(scene.customer)), Bystanders.read(reads, scene)
    email = run_namespace.email("icc")
    body: dict[str, Any] = {
        "Code": run_namespace.code("icc"),
        "Email": email,
        "FirstName": "Ny",
        "LastName": "Kund",
    }
    params: dict[str, Any] = {"companyId": scene.company, "updatedBy": actor()}
    password = "Company-Pass-1"
    if operation == "InsertCompanyCustomer2":
        body["Account"] = {"LoginName": email}
        params["password"] = password
    written = write(norce, operation, accept, norce_seed, params=params, body=body)
    if written is None:
        return
    answered = [c for c in written.data or [] if isinstance(c, dict) and c.get("Code") == body["Code"]]
    written.effect(bool(answered), f"the answer does not list the new customer {body['Code']}")
    created = reads.customers_of(scene.company)
    new = [c for c in created if c.get("Code") == body["Code"]]
    if not written.effect(len(new) == 1, f"{body['Code']} is not a customer of company A: {created}"):
        return
    its_companies = company_ids(reads.customer(new[0]["Id"]))
    written.effect(
        its_companies == [scene.company], f"the new customer's companies are not A alone: {its_companies}"
    )
    after_customers = sorted(c["Id"] for c in created if c.get("Code") != body["Code"])
    written.untouched(
        after_customers == before_customers, f"A's customers {before_customers} -> {after_customers}"
    )
    x_after = customer_state(reads.customer(scene.customer))
    written.untouched(x_after == x_before, f"customer X changed: {x_before} -> {x_after}")
    written.untouched(not (found := bystanders.problems(reads, scene)), f"{found}")
    if operation == "InsertCompanyCustomer2":
        login = norce.call("LoginPost", json={"LoginName": email, "Password": password})
        context = explain(norce, login, operation="LoginPost", seed=norce_seed)
        logged_in = login.status_code == 200 and (login.json() or {}).get("Id") == new[0]["Id"]
        written.effect(
            logged_in, f"LoginPost with the password sent does not log the new customer in{context}"
        )


@pytest.mark.parametrize("accept", ACCEPTS)
def test_delete_company_customer(
    request: pytest.FixtureRequest, norce: NorceClient, scenes: Scenes, norce_seed: int, accept: str
) -> None:
    """F-CS-DELETECOMPANYCUSTOMER: removes the relation only; the customer stays (as it was, related to its
    other company B); A's other customer Y stays; empty answer."""
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    x_before = reads.customer(scene.customer)
    y_before, bystanders = customer_state(reads.customer(scene.co_customer)), Bystanders.read(reads, scene)
    params = {"companyId": scene.company, "customerId": scene.customer}
    written = write(norce, "DeleteCompanyCustomer", accept, norce_seed, params=params)
    if written is None:
        return
    customers = reads.customer_ids_of(scene.company)
    written.effect(scene.customer not in customers, f"X is still a customer of A: {customers}")
    others = [c for c in customers if c != scene.customer]
    written.untouched(others == [scene.co_customer], f"A's other customers are {others}, not Y alone")
    x_after = reads.customer(scene.customer)
    written.untouched(
        without(x_after, "Companies") == without(x_before, "Companies"),
        f"the customer changed: {without(x_before, 'Companies')} -> {without(x_after, 'Companies')}",
    )
    written.untouched(company_ids(x_after) == [scene.other_company], f"X's companies: {company_ids(x_after)}")
    y_after = customer_state(reads.customer(scene.co_customer))
    written.untouched(y_after == y_before, f"customer Y changed: {y_before} -> {y_after}")
    written.untouched(not (found := bystanders.problems(reads, scene)), f"{found}")


@pytest.mark.parametrize("accept", ACCEPTS)
def test_set_default_company(
    request: pytest.FixtureRequest, norce: NorceClient, scenes: Scenes, norce_seed: int, accept: str
) -> None:
    """That company becomes the first of Customer.Companies ("the first is the default company", §2C); the
    customer keeps its companies and members; the companies themselves do not change."""
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    x_before = customer_state(reads.customer(scene.customer))
    assert x_before["Companies"][:1] == [scene.other_company], f"set-up: B is not X's default: {x_before}"
    a_before, bystanders = stable(reads.company(scene.company)), Bystanders.read(reads, scene)
    body = as_json(norce, "GetCustomer", norce_seed, id=scene.customer, includeCompanies="true")
    params = {"companyId": scene.company, "updatedBy": actor()}
    written = write(norce, "SetDefaultCompany", accept, norce_seed, params=params, body=body)
    if written is None:
        return
    default = "CS-DEFAULT-COMPANY"
    answered = company_ids(written.data)
    written.effect(answered[:1] == [scene.company], f"the answer's companies {answered}", judgement=default)
    x_after = customer_state(reads.customer(scene.customer))
    written.effect(x_after["Companies"][:1] == [scene.company], f"X's companies {x_after}", judgement=default)
    written.untouched(
        sorted(x_after["Companies"]) == sorted(x_before["Companies"]),
        f"X's companies {x_before['Companies']} -> {x_after['Companies']}",
    )
    own_before, own_after = ({k: v for k, v in c.items() if k != "Companies"} for c in (x_before, x_after))
    written.untouched(own_after == own_before, f"customer X changed: {own_before} -> {own_after}")
    a_after = stable(reads.company(scene.company))
    written.untouched(a_after == a_before, f"company A changed: {a_before} -> {a_after}")
    written.untouched(not (found := bystanders.problems(reads, scene)), f"{found}")


@pytest.mark.parametrize("accept", ACCEPTS)
def test_update_company(
    request: pytest.FixtureRequest,
    norce: NorceClient,
    scenes: Scenes,
    run_namespace: RunNamespace,
    norce_seed: int,
    accept: str,
) -> None:
    """Updates the company the body names (A, sent as read with a new Name and Phone) and nothing else: its
    addresses, methods and other members stay, B and C stay. PricelistIds is read-only (§2C): sending it
    empty changes nothing (CS-WRITES-UNTOUCHED, documented)."""
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    a_before, bystanders = reads.company(scene.company), Bystanders.read(reads, scene)
    x_before = customer_state(reads.customer(scene.customer))
    name, phone = run_namespace.code("renamed"), "+46 8 765 43 21"
    body = as_json(norce, "GetCompany", norce_seed, id=scene.company) | {"Name": name, "Phone": phone}
    body["PricelistIds"] = []
    params = {"customerId": scene.customer, "updatedBy": actor()}
    written = write(norce, "UpdateCompany", accept, norce_seed, params=params, body=body)
    if written is None:
        return
    a_after = reads.company(scene.company)
    written.untouched(
        ids_of(a_after, "PricelistIds") == ids_of(a_before, "PricelistIds"),
        f"the read-only PricelistIds {ids_of(a_before, 'PricelistIds')} -> {ids_of(a_after, 'PricelistIds')}",
        judgement="CS-WRITES-UNTOUCHED",
    )
    written.effect(
        (a_after.get("Name"), a_after.get("Phone")) == (name, phone),
        f"Name, Phone are {a_after.get('Name')!r}, {a_after.get('Phone')!r}, not {name!r}, {phone!r}",
    )
    kept_before, kept_after = (without(c, "Name", "Phone", "PricelistIds") for c in (a_before, a_after))
    written.untouched(kept_after == kept_before, f"company A's other members: {kept_before} -> {kept_after}")
    x_after = customer_state(reads.customer(scene.customer))
    written.untouched(x_after == x_before, f"customer X changed: {x_before} -> {x_after}")
    written.untouched(not (found := bystanders.problems(reads, scene)), f"{found}")


@pytest.mark.parametrize("accept", ACCEPTS)
def test_inactivate_company(
    request: pytest.FixtureRequest, norce: NorceClient, scenes: Scenes, norce_seed: int, accept: str
) -> None:
    """Empty answer; the company's customers stay as they were (active), and so do B, C and Z. The 1.1
    Company has no IsActive member, so the inactivation itself cannot be read back through 1.1."""
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    before = {c: without(reads.customer(c), "Companies") for c in (scene.customer, scene.co_customer)}
    bystanders = Bystanders.read(reads, scene)
    params = {"companyId": scene.company, "inactivatedBy": actor()}
    written = write(norce, "InactivateCompany", accept, norce_seed, params=params)
    if written is None:
        return
    after = {c: without(reads.customer(c), "Companies") for c in (scene.customer, scene.co_customer)}
    written.untouched(after == before, f"A's customers changed: {before} -> {after}")
    written.untouched(not (found := bystanders.problems(reads, scene)), f"{found}")


# -- delivery addresses -----------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ACCEPTS)
def test_insert_company_delivery_address(
    request: pytest.FixtureRequest,
    norce: NorceClient,
    scenes: Scenes,
    run_namespace: RunNamespace,
    norce_seed: int,
    accept: str,
) -> None:
    """Adds the address to the company named by companyId (A, not X's default company B); A's addresses and
    X's own addresses stay."""
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    a_before, bystanders = reads.company(scene.company), Bystanders.read(reads, scene)
    x_before = customer_state(reads.customer(scene.customer))
    line1 = run_namespace.code("Lilla vägen")
    address = {"Line1": line1, "Zip": "211 20", "City": "Lund", "Country": "SE"}
    params = {"companyId": scene.company, "customerId": scene.customer, "updatedBy": actor()}
    written = write(norce, "InsertCompanyDeliveryAddress", accept, norce_seed, params=params, body=address)
    if written is None:
        return
    old, now = addresses(a_before), addresses(reads.company(scene.company))
    added = [a for key, a in now.items() if key not in old]
    written.effect(
        len(added) == 1 and added[0].get("Line1") == line1,
        f"A's new addresses are {added}, not one {address}",
    )
    kept = {key: a for key, a in now.items() if key in old}
    written.untouched(kept == old, f"A's other addresses: {old} -> {kept}")
    a_after = reads.company(scene.company)
    written.untouched(
        without(a_after, "DeliveryAddresses") == without(a_before, "DeliveryAddresses"),
        "company A's other members changed",
    )
    x_after = customer_state(reads.customer(scene.customer))
    written.untouched(x_after == x_before, f"customer X changed: {x_before} -> {x_after}")
    written.untouched(not (found := bystanders.problems(reads, scene)), f"{found}")


@pytest.mark.parametrize("accept", ACCEPTS)
def test_update_company_delivery_address(
    request: pytest.FixtureRequest, norce: NorceClient, scenes: Scenes, norce_seed: int, accept: str
) -> None:
    """F-CS-UPDATECOMPANYDELIVERYADDRESS: the address whose valid Id the body names (A's first, sent as read
    with a new Line1 and City) is updated; A's other address and everything else stays."""
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    a_before, bystanders = reads.company(scene.company), Bystanders.read(reads, scene)
    x_before = customer_state(reads.customer(scene.customer))
    company = as_json(norce, "GetCompany", norce_seed, id=scene.company)
    named = dict(company["DeliveryAddresses"][0]) | {"Line1": "Nya gatan 7", "City": "Ystad"}
    params = {"customerId": scene.customer, "updatedBy": actor()}
    written = write(norce, "UpdateCompanyDeliveryAddress", accept, norce_seed, params=params, body=named)
    if written is None:
        return
    old, now = addresses(a_before), addresses(reads.company(scene.company))
    changed = now.get(named["Id"]) or {}
    written.effect(
        (changed.get("Line1"), changed.get("City")) == ("Nya gatan 7", "Ystad"),
        f"address {named['Id']} is {changed}",
    )
    expected = without(old[named["Id"]], "Line1", "City")
    written.untouched(
        without(changed, "Line1", "City") == expected, f"its other members: {expected} -> {changed}"
    )
    others_before = {key: a for key, a in old.items() if key != named["Id"]}
    others_after = {key: a for key, a in now.items() if key != named["Id"]}
    written.untouched(
        others_after == others_before, f"A's other addresses: {others_before} -> {others_after}"
    )
    x_after = customer_state(reads.customer(scene.customer))
    written.untouched(x_after == x_before, f"customer X changed: {x_before} -> {x_after}")
    written.untouched(not (found := bystanders.problems(reads, scene)), f"{found}")


@pytest.mark.parametrize("accept", ACCEPTS)
def test_delete_company_delivery_address(
    request: pytest.FixtureRequest, norce: NorceClient, scenes: Scenes, norce_seed: int, accept: str
) -> None:
    """F-CS-DELETECOMPANYDELIVERYADDRESS: that delivery address of the customer's company is gone; A's other
    address, X's own addresses, B and C stay; the answer is the Customer."""
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    a_before, bystanders = reads.company(scene.company), Bystanders.read(reads, scene)
    x_before = customer_state(reads.customer(scene.customer))
    old = addresses(a_before)
    named = next(iter(old))
    params = {"addressId": named, "customerId": scene.customer}
    written = write(norce, "DeleteCompanyDeliveryAddress", accept, norce_seed, params=params)
    if written is None:
        return
    answered = written.data.get("Id") if isinstance(written.data, dict) else None
    written.effect(answered == scene.customer, f"the answer is not the Customer {scene.customer}: {answered}")
    now = addresses(reads.company(scene.company))
    written.effect(named not in now, f"address {named} is still A's: {now}")
    others = {key: a for key, a in old.items() if key != named}
    kept = {key: a for key, a in now.items() if key != named}
    written.untouched(kept == others, f"A's other addresses: {others} -> {kept}")
    x_after = customer_state(reads.customer(scene.customer))
    written.untouched(x_after == x_before, f"customer X changed: {x_before} -> {x_after}")
    written.untouched(not (found := bystanders.problems(reads, scene)), f"{found}")


# -- delivery and payment methods -------------------------------------------------------------------------


def _method_write(
    norce: NorceClient,
    reads: Reads,
    scene: Scene,
    operation: str,
    member: str,
    method_id: int,
    *,
    inserted: bool,
    extra: dict[str, Any] | None = None,
) -> Written | None:
    """The method is added to (removed from) A's ids, in the answer and in GetCompany; A's other methods and
    members, and B, C, stay. The write, or None when it did not answer 200 (a recorded deviation)."""
    a_before, bystanders = reads.company(scene.company), Bystanders.read(reads, scene)
    params = {"methodId": method_id, "companyId": scene.company, **(extra or {})}
    written = write(norce, operation, reads.accept, reads.seed, params=params)
    if written is None:
        return None
    answered, a_after = ids_of(written.data, member), reads.company(scene.company)
    now, old = ids_of(a_after, member), ids_of(a_before, member)
    verb = "added to" if inserted else "removed from"
    written.effect(
        (method_id in answered) == inserted, f"{method_id} not {verb} the answer's {member} {answered}"
    )
    written.effect((method_id in now) == inserted, f"{method_id} not {verb} A's {member}: {old} -> {now}")
    others_before = sorted(m for m in old if m != method_id)
    others_after = sorted(m for m in now if m != method_id)
    written.untouched(others_after == others_before, f"A's other {member}: {others_before} -> {others_after}")
    kept_before, kept_after = without(a_before, member), without(a_after, member)
    written.untouched(kept_after == kept_before, f"company A's other members: {kept_before} -> {kept_after}")
    written.untouched(not (found := bystanders.problems(reads, scene)), f"{found}")
    return written


@pytest.mark.parametrize("accept", ACCEPTS)
def test_insert_company_delivery_method(
    request: pytest.FixtureRequest, norce: NorceClient, scenes: Scenes, norce_seed: int, accept: str
) -> None:
    """F-CS-INSERTCOMPANYDELIVERYMETHOD: the method is added (DeliveryMethodIds); the others stay."""
    requires("delivery-methods")
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    method = scene.reference.delivery_ids[scene.reference.delivery[0]]
    extra = {"createdBy": actor()}
    _method_write(
        norce,
        reads,
        scene,
        "InsertCompanyDeliveryMethod",
        "DeliveryMethodIds",
        method,
        inserted=True,
        extra=extra,
    )


@pytest.mark.parametrize("accept", ACCEPTS)
def test_delete_company_delivery_method(
    request: pytest.FixtureRequest, norce: NorceClient, scenes: Scenes, norce_seed: int, accept: str
) -> None:
    """F-CS-DELETECOMPANYDELIVERYMETHOD: the method is removed; the others stay."""
    requires("delivery-methods")
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    method = scene.reference.delivery_ids[scene.reference.delivery[0]]
    _method_write(
        norce, reads, scene, "DeleteCompanyDeliveryMethod", "DeliveryMethodIds", method, inserted=False
    )


@pytest.mark.parametrize("operation", ["InsertCompanyPaymentMethod", "InsertCompanyPaymentMethod2"])
@pytest.mark.parametrize("accept", ACCEPTS)
def test_insert_company_payment_method(
    request: pytest.FixtureRequest,
    norce: NorceClient,
    scenes: Scenes,
    run_namespace: RunNamespace,
    norce_seed: int,
    operation: str,
    accept: str,
) -> None:
    """The method is added (PaymentMethodIds); the others stay. F-CS-INSERTCOMPANYPAYMENTMETHOD2: with its
    invoiceCaptureSettingsCode, read back by GetCompanyPaymentMethod."""
    requires("payment-methods")
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    code = scene.reference.payment[0]
    method = scene.reference.payment_ids[code]
    extra: dict[str, Any] = {"createdBy": actor()}
    capture = run_namespace.code("ics")
    if operation == "InsertCompanyPaymentMethod2":
        extra["invoiceCaptureSettingsCode"] = capture
    written = _method_write(
        norce, reads, scene, operation, "PaymentMethodIds", method, inserted=True, extra=extra
    )
    if written is None or operation != "InsertCompanyPaymentMethod2":
        return
    found = reads.get("GetCompanyPaymentMethod", paymentMethodId=method, companyId=scene.company)
    read_back = found if isinstance(found, dict) else {}
    written.effect(
        (read_back.get("PaymentMethodCode"), read_back.get("InvoiceCaptureSettingsCode")) == (code, capture),
        f"GetCompanyPaymentMethod answers {found!r}, not {code} with invoiceCaptureSettingsCode {capture}",
    )


@pytest.mark.parametrize("accept", ACCEPTS)
def test_delete_company_payment_method(
    request: pytest.FixtureRequest, norce: NorceClient, scenes: Scenes, norce_seed: int, accept: str
) -> None:
    """The method is removed (PaymentMethodIds); the others stay."""
    requires("payment-methods")
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    method = scene.reference.payment_ids[scene.reference.payment[0]]
    _method_write(
        norce, reads, scene, "DeleteCompanyPaymentMethod", "PaymentMethodIds", method, inserted=False
    )


# -- discounts --------------------------------------------------------------------------------------------


def _discount(ns: RunNamespace, percentage: float) -> dict[str, Any]:
    """A category discount (CompanyDiscount: TypeId, Value, Discount, PriceListTypeSeed)."""
    return {"TypeId": 1, "Value": ns.code("cat"), "Discount": percentage, "PriceListTypeSeed": "1"}


def _key(discount: dict[str, Any]) -> tuple[Any, Any]:
    return discount["TypeId"], discount["Value"]


def _given_discounts(
    norce: NorceClient, reads: Reads, scene: Scene, ns: RunNamespace
) -> tuple[list[dict[str, Any]], bool]:
    """Two discounts on A and one on C, written with UpsertCompanyDiscounts (its own answer judged)."""
    on_a = [_discount(ns, 10), _discount(ns, 20)]
    for company, entries in ((scene.company, on_a), (scene.bystander_company, [_discount(ns, 30)])):
        params = {"companyId": company, "updatedBy": actor()}
        if (
            write(norce, "UpsertCompanyDiscounts", reads.accept, reads.seed, params=params, body=entries)
            is None
        ):
            return on_a, False
    return on_a, True


@pytest.mark.parametrize("accept", ACCEPTS)
def test_upsert_company_discounts(
    request: pytest.FixtureRequest,
    norce: NorceClient,
    scenes: Scenes,
    run_namespace: RunNamespace,
    norce_seed: int,
    accept: str,
) -> None:
    """A discount sent again (same TypeId and Value) is updated, a new one is added; A's discount not sent
    stays, and C's discounts stay (ListCompanyDiscounts)."""
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    given, ok = _given_discounts(norce, reads, scene, run_namespace)
    if not ok:
        return
    a_before, c_before = reads.discounts(scene.company), reads.discounts(scene.bystander_company)
    changed, added = given[0] | {"Discount": 15}, _discount(run_namespace, 5)
    params = {"companyId": scene.company, "updatedBy": actor()}
    written = write(norce, "UpsertCompanyDiscounts", accept, norce_seed, params=params, body=[changed, added])
    if written is None:
        return
    a_after = reads.discounts(scene.company)
    for sent in (changed, added):
        got = a_after.get(_key(sent)) or {}
        written.effect(got.get("Discount") == sent["Discount"], f"discount {_key(sent)} is {got}, not {sent}")
    kept = _key(given[1])
    written.untouched(
        a_after.get(kept) == a_before.get(kept), f"A's discount not sent: {a_before} -> {a_after}"
    )
    written.untouched(len(a_after) == len(a_before) + 1, f"A's discounts {list(a_before)} -> {list(a_after)}")
    c_after = reads.discounts(scene.bystander_company)
    written.untouched(c_after == c_before, f"C's discounts changed: {c_before} -> {c_after}")


@pytest.mark.parametrize("accept", ACCEPTS)
def test_delete_company_discount(
    request: pytest.FixtureRequest,
    norce: NorceClient,
    scenes: Scenes,
    run_namespace: RunNamespace,
    norce_seed: int,
    accept: str,
) -> None:
    """The discount the body names is gone; A's other discount and C's discounts stay; empty answer."""
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    given, ok = _given_discounts(norce, reads, scene, run_namespace)
    if not ok:
        return
    a_before, c_before = reads.discounts(scene.company), reads.discounts(scene.bystander_company)
    params = {"companyId": scene.company}
    written = write(norce, "DeleteCompanyDiscount", accept, norce_seed, params=params, body=given[0])
    if written is None:
        return
    a_after = reads.discounts(scene.company)
    written.effect(_key(given[0]) not in a_after, f"discount {_key(given[0])} is still A's: {a_after}")
    others = {key: d for key, d in a_before.items() if key != _key(given[0])}
    written.untouched(a_after == others, f"A's other discounts: {others} -> {a_after}")
    c_after = reads.discounts(scene.bystander_company)
    written.untouched(c_after == c_before, f"C's discounts changed: {c_before} -> {c_after}")


# -- price lists (embedded emulator only) -----------------------------------------------------------------


def _new_pricelist(ns: RunNamespace) -> dict[str, Any]:
    """A list no one has: no Id, no PriceRule (the default rule applies)."""
    code = ns.code("npl")
    return {"Name": code, "Description": "Ny prislista", "Agreement": code, "Type": 0, "IsActive": True}


@pytest.mark.parametrize("operation", ["InsertCompanyPricelist", "InsertCompanyPricelist2"])
@pytest.mark.parametrize("accept", ACCEPTS)
def test_insert_company_pricelist(
    request: pytest.FixtureRequest,
    norce: NorceClient,
    scenes: Scenes,
    run_namespace: RunNamespace,
    norce_seed: int,
    operation: str,
    accept: str,
) -> None:
    """F-CS-INSERTCOMPANYPRICELIST2: an existing price list (C's, sent as read) is connected to A, not
    created again; a new one is created with the default PriceRule 7 (F-2C-PRICERULE); A's lists stay, and
    C's. InsertCompanyPricelist is its WSDL sibling (F-CS-NUMBERED-SIBLINGS)."""
    emulator_only()
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    a_before, c_before = reads.pricelists(scene.company), reads.pricelists(scene.bystander_company)
    existing = pricelists_as_json(norce, norce_seed, scene.bystander_company)[0]
    params = {"companyId": scene.company, "createdBy": actor()}
    written = write(norce, operation, accept, norce_seed, params=params, body=existing)
    if written is None:
        return
    a_after = reads.pricelists(scene.company)
    written.effect(existing["Id"] in a_after, f"C's list {existing['Id']} is not A's: {list(a_after)}")
    written.effect(len(a_after) == len(a_before) + 1, f"A's lists {list(a_before)} -> {list(a_after)}")
    written.untouched(
        all(a_after.get(key) == p for key, p in a_before.items()), f"A's lists: {a_before} -> {a_after}"
    )
    new = _new_pricelist(run_namespace)
    created = write(norce, operation, accept, norce_seed, params=params, body=new)
    if created is None:
        return
    made = [p for p in reads.pricelists(scene.company).values() if p.get("Name") == new["Name"]]
    if not created.effect(len(made) == 1, f"no list {new['Name']} on A: {made}"):
        return
    rule = (made[0].get("PriceRule") or {}).get("RuleId")
    created.effect(rule == 7, f"the new list's PriceRule.RuleId is {rule!r}, not the default 7")
    c_after = reads.pricelists(scene.bystander_company)
    created.untouched(c_after == c_before, f"C's lists changed: {c_before} -> {c_after}")


def pricelists_as_json(norce: NorceClient, seed: int, company_id: int) -> list[dict[str, Any]]:
    response = norce.call("ListCompanyPricelists", params={"companyId": company_id})
    assert response.status_code == 200, explain(norce, response, operation="ListCompanyPricelists", seed=seed)
    lists = [p for p in response.json() or [] if isinstance(p, dict)]
    assert lists, f"set-up: company {company_id} has no price list"
    return lists


@pytest.mark.parametrize("operation", ["UpdateCompanyPricelist", "UpdateCompanyPricelist2"])
@pytest.mark.parametrize("accept", ACCEPTS)
def test_update_company_pricelist(
    request: pytest.FixtureRequest,
    norce: NorceClient,
    scenes: Scenes,
    run_namespace: RunNamespace,
    norce_seed: int,
    operation: str,
    accept: str,
) -> None:
    """F-CS-UPDATECOMPANYPRICELIST2: a list that does not exist is created; F-2C-PRICELIST: IsActive false
    deletes the list (from A); A's other list and C's lists stay."""
    emulator_only()
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    params = {"companyId": scene.company, "updatedBy": actor()}
    new = _new_pricelist(run_namespace)
    created = write(norce, operation, accept, norce_seed, params=params, body=new)
    if created is None:
        return
    made = [p for p in reads.pricelists(scene.company).values() if p.get("Name") == new["Name"]]
    created.effect(len(made) == 1, f"no list {new['Name']} on A: {made}")
    a_before, c_before = reads.pricelists(scene.company), reads.pricelists(scene.bystander_company)
    named = pricelists_as_json(norce, norce_seed, scene.company)[0] | {"IsActive": False}
    written = write(norce, operation, accept, norce_seed, params=params, body=named)
    if written is None:
        return
    a_after = reads.pricelists(scene.company)
    written.effect(
        named["Id"] not in a_after, f"list {named['Id']} is still A's: {list(a_after)}", judgement="CS-WRITES"
    )
    others = {key: p for key, p in a_before.items() if key != named["Id"]}
    written.untouched(a_after == others, f"A's other lists: {others} -> {a_after}")
    c_after = reads.pricelists(scene.bystander_company)
    written.untouched(c_after == c_before, f"C's lists changed: {c_before} -> {c_after}")


@pytest.mark.parametrize("accept", ACCEPTS)
def test_delete_company_pricelist(
    request: pytest.FixtureRequest, norce: NorceClient, scenes: Scenes, norce_seed: int, accept: str
) -> None:
    """The list is no longer A's; A's other list and C's lists stay."""
    emulator_only()
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    a_before, c_before = reads.pricelists(scene.company), reads.pricelists(scene.bystander_company)
    named = next(iter(a_before))
    params = {"companyId": scene.company, "pricelistId": named, "updatedBy": actor()}
    written = write(norce, "DeleteCompanyPricelist", accept, norce_seed, params=params)
    if written is None:
        return
    a_after = reads.pricelists(scene.company)
    written.effect(named not in a_after, f"list {named} is still A's: {list(a_after)}")
    others = {key: p for key, p in a_before.items() if key != named}
    written.untouched(a_after == others, f"A's other lists: {others} -> {a_after}")
    c_after = reads.pricelists(scene.bystander_company)
    written.untouched(c_after == c_before, f"C's lists changed: {c_before} -> {c_after}")


def _item(ns: RunNamespace, pricelist_id: int, price: float) -> dict[str, Any]:
    return {"PartNo": ns.code("part"), "PricelistId": pricelist_id, "Price": price, "IsActive": True}


@pytest.mark.parametrize("operation", ["InsertPricelistItem", "UpdatePricelistItem"])
@pytest.mark.parametrize("accept", ACCEPTS)
def test_pricelist_item(
    request: pytest.FixtureRequest,
    norce: NorceClient,
    scenes: Scenes,
    run_namespace: RunNamespace,
    norce_seed: int,
    operation: str,
    accept: str,
) -> None:
    """F-2C-PRICELISTITEM: GetPricelistItem answers the price InsertPricelistItem wrote, or the new price
    UpdatePricelistItem wrote; another item of the same list stays."""
    emulator_only()
    scene, reads = scenes.of(request), Reads(norce, accept, norce_seed)
    pricelist = next(iter(reads.pricelists(scene.company)))
    other = _item(run_namespace, pricelist, 10)
    item = _item(run_namespace, pricelist, 100)
    given = [other] if operation == "InsertPricelistItem" else [other, item]
    for sent in given:
        if (
            write(norce, "InsertPricelistItem", accept, norce_seed, params={"createdBy": actor()}, body=sent)
            is None
        ):
            return
    other_before = stable(reads.get("GetPricelistItem", partNo=other["PartNo"], pricelistId=pricelist))
    sent = item | {"Price": 80.5} if operation == "UpdatePricelistItem" else item
    actor_param = "updatedBy" if operation == "UpdatePricelistItem" else "createdBy"
    written = write(norce, operation, accept, norce_seed, params={actor_param: actor()}, body=sent)
    if written is None:
        return
    found = reads.get("GetPricelistItem", partNo=item["PartNo"], pricelistId=pricelist)
    price = found.get("Price") if isinstance(found, dict) else None
    written.effect(
        price == sent["Price"], f"GetPricelistItem answers {found!r}, not the price {sent['Price']}"
    )
    other_after = stable(reads.get("GetPricelistItem", partNo=other["PartNo"], pricelistId=pricelist))
    written.untouched(other_after == other_before, f"another item changed: {other_before} -> {other_after}")


# -- inferred keys ----------------------------------------------------------------------------------------

ABSENT_COMPANY_WRITES = [
    "DeleteCompanyCustomer",
    "DeleteCompanyDeliveryMethod",
    "DeleteCompanyDiscount",
    "DeleteCompanyPaymentMethod",
    "InactivateCompany",
    "InsertCompanyCustomer",
    "InsertCompanyCustomer2",
    "InsertCompanyDeliveryAddress",
    "InsertCompanyDeliveryMethod",
    "InsertCompanyPaymentMethod",
    "SetDefaultCompany",
    "UpsertCompanyDiscounts",
    "DeleteCompanyPricelist",
    "InsertCompanyPricelist",
    "InsertCompanyPricelist2",
    "UpdateCompanyPricelist",
    "UpdateCompanyPricelist2",
]
assert all(inferred_company_missing(op) for op in ABSENT_COMPANY_WRITES)


def absent_company_request(
    operation: str, scene: Scene, ns: RunNamespace, norce: NorceClient, seed: int
) -> tuple[dict[str, Any], Any]:
    """The operation's required parameters with companyId absent and every other id the scene's, and the
    body it documents (run-owned)."""
    params: dict[str, Any] = {"companyId": ABSENT_ID}
    body: Any = None
    if operation in ("DeleteCompanyCustomer", "InsertCompanyDeliveryAddress"):
        params["customerId"] = scene.customer
    if "DeliveryMethod" in operation:
        requires("delivery-methods")
        params["methodId"] = scene.reference.delivery_ids[scene.reference.delivery[0]]
    if "PaymentMethod" in operation:
        requires("payment-methods")
        params["methodId"] = scene.reference.payment_ids[scene.reference.payment[0]]
    if operation in ("InactivateCompany",):
        params["inactivatedBy"] = actor()
    if operation in ("InsertCompanyDeliveryAddress", "SetDefaultCompany"):
        params["updatedBy"] = actor()
    if operation == "InsertCompanyDeliveryAddress":
        body = {"Line1": "Storgatan 1", "Zip": "211 40", "City": "Malmö", "Country": "SE"}
    if operation.startswith("InsertCompanyCustomer"):
        body = {
            "Code": ns.code("absent"),
            "Email": ns.email("absent"),
            "FirstName": "Ingen",
            "LastName": "Alls",
        }
    if operation == "SetDefaultCompany":
        body = as_json(norce, "GetCustomer", seed, id=scene.customer)
    if "Discount" in operation:
        body = [_discount(ns, 10)] if operation.startswith("Upsert") else _discount(ns, 10)
    if "Pricelist" in operation:
        emulator_only()
        body = _new_pricelist(ns)
    if operation == "DeleteCompanyPricelist":
        params["pricelistId"] = pricelists_as_json(norce, seed, scene.company)[0]["Id"]
    return params, body


@pytest.mark.parametrize("operation", ABSENT_COMPANY_WRITES)
@pytest.mark.parametrize("accept", ACCEPTS)
def test_company_write_on_an_absent_company(
    request: pytest.FixtureRequest,
    norce: NorceClient,
    scenes: Scenes,
    run_namespace: RunNamespace,
    norce_seed: int,
    operation: str,
    accept: str,
) -> None:
    """F-KEY-INFERRED: a company write that takes companyId answers 400 CompanyMissing for a company that
    does not exist (inferred from InsertCompanyPaymentMethod2's documented key: CS-ERROR-KEYS-INFERRED)."""
    scene = scenes.of(request, SHARED_SCENE)
    params, body = absent_company_request(operation, scene, run_namespace, norce, norce_seed)
    response = norce.call(operation, params=params, json=body, accept=accept)
    context = explain(norce, response, operation=operation, seed=norce_seed)
    judge("not_a_server_error", response.status_code < 500, f"{operation} on an absent company{context}")
    keys = error_keys_of(operation, response) if response.status_code == 400 else None
    judge(
        "CS-ERROR-KEYS-INFERRED",
        keys == ["CompanyMissing"],
        f"{operation} on an absent company: expected 400 CompanyMissing, got keys {keys}{context}",
        operation=operation,
        media_type=accept,
    )
