"""Customer Service 1.1 customer and account writes: what each one changes, and what it leaves alone.

Every test makes run-owned customers, performs one write in JSON or XML (the `accept` of its answer; request
bodies are JSON, as documented), judges the answer, and reads back, in the same type, the effect the docs give
the write and what the write must not touch: the members it did not name, the other customers of the run (a
customer of the same company where that matters, and the module's *bystander*, imported through Connect with
its company), and their relations and addresses.

Judgements by the operation's evidence (`x-norce-evidence` in openapi/customer-service-1.1.yaml, read by
`cs_entities.write_judgements`): CS-OPERATION / CS-WRITES / CS-WRITES-UNTOUCHED for the documented
operations, their -WSDL twins (recommended) for those known only from the WSDL, whose effect is inferred from
their name. CS-NO-ENTITY-ANSWER for the operations documented with an empty answer. Where a fact of its own
decides (PricelistIds is read-only, RegisterCustomer3's password, LoginPost's key), its judgement is used
whatever the operation's evidence.

Sources: docs/norce-facts.md §1C (operation table, "confirmed details per operation", known error keys),
§2C Customer (PricelistIds read-only), Q5 (no-entity forms); the facts in openapi/facts.yaml named per test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from contracts.reports.verdicts import judge
from contracts.suite.cs_entities import (
    ABSENT_ID,
    Read,
    address,
    differences,
    entity_answer,
    found_nothing,
    judge_business_error,
    logged_in_as,
    login,
    no_entity_answer,
    read_company,
    read_customer,
    read_entity,
    without_ids,
    write_judgements,
)
from contracts.suite.flows import (
    JSON,
    XML,
    account_id,
    answers_no_entity,
    application_key,
    assert_conforms,
    company_header,
    customer_header,
    explain,
    run_import,
)
from contracts.transport.client import NorceClient
from contracts.transport.ledger import Ledger
from contracts.transport.namespace import RunNamespace

pytestmark = [pytest.mark.contract, pytest.mark.writes]

ACCEPTS = [JSON, XML]
PASSWORD = "Subject-Pass-1"  # the run's customers are run-owned: a fixed password reveals nothing


# -- the module's world: a company and a bystander customer of it, imported through Connect ----------------


@dataclass(frozen=True)
class World:
    company_id: int
    company_code: str
    company: dict[str, Any]  # as GetCompany answers it in JSON: sent whole wherever a body names it
    bystander_id: int
    flag_id: int | None  # the first customer flag and info type the target lists, if any
    info_id: int | None
    pricelist_code: str | None  # a price list an import may name on this target, if any


def connect_address(ns: RunNamespace, label: str) -> dict[str, Any]:
    return {
        "AddressLine1": f"{label} road 2",
        "ZipCode": ns.code("zip")[-12:],
        "City": "Lund",
        "CountryCode": "SE",
    }


def first_id(norce: NorceClient, operation_id: str, seed: int) -> int | None:
    items = assert_conforms(norce, norce.call(operation_id), operation_id, JSON, seed) or []
    return next((i["Id"] for i in items if isinstance(i, dict) and isinstance(i.get("Id"), int)), None)


def pricelist_code(norce: NorceClient, ns: RunNamespace) -> str | None:
    """A price list code an import may name: any run-owned one where the target registers codes on use (the
    embedded emulator), else the first the target's reference data names (none: None)."""
    reference = norce.target.reference
    if reference.run_owned:
        return ns.code("pl")
    codes = reference.codes("pricelists")
    return codes[0] if codes else None


@pytest.fixture(scope="module")
def world(norce: NorceClient, run_namespace: RunNamespace, norce_seed: int) -> World:
    ns = run_namespace
    company_code = ns.code("cw-co")
    company = {
        "ApplicationKey": application_key(),
        "Code": company_code,
        "Name": "Bystander AB",
        "OrganizationNo": ns.code("org"),
    }
    run_import(
        norce, "ImportCompanies", [company], company_header("Code", "Name", "OrganizationNo"), seed=norce_seed
    )
    email = ns.email("cw-by")
    bystander = {
        "Code": ns.code("cw-by"),
        "EmailAddress": email,
        "FirstName": "By",
        "LastName": "Stander",
        "PhoneNumber": "+46 46 123 45 67",
        "InvoiceAddress": connect_address(ns, "bystander invoice"),
        "DeliveryAddresses": [connect_address(ns, "bystander delivery")],
        "Accounts": [{"ApplicationKey": application_key(), "LoginName": email, "Status": 1}],
        "Companies": [{"Code": company_code}],
    }
    members = ("Code", "EmailAddress", "FirstName", "LastName", "PhoneNumber", "InvoiceAddress")
    header = customer_header(*members, "DeliveryAddresses", "Accounts", "Companies", accounts=("Status",))
    run_import(norce, "ImportCustomers", [bystander], header, seed=norce_seed)
    read = read_entity(norce, "GetCompanyByCode", accept=JSON, seed=norce_seed, code=company_code)
    customer = read_entity(norce, "GetCustomerByCode", accept=JSON, seed=norce_seed, code=bystander["Code"])
    return World(
        company_id=read.data["Id"],
        company_code=company_code,
        company=read.data,
        bystander_id=customer.data["Id"],
        flag_id=first_id(norce, "ListCustomerFlags", norce_seed),
        info_id=first_id(norce, "ListCustomerInfoTypes", norce_seed),
        pricelist_code=pricelist_code(norce, ns),
    )


@dataclass(frozen=True)
class Bystanders:
    """The bystander customer and its company, as read before a write."""

    customer: dict[str, Any]
    company: dict[str, Any]


def bystanders(norce: NorceClient, world: World, accept: str, seed: int) -> Bystanders:
    customer = read_customer(norce, world.bystander_id, accept=accept, seed=seed)
    company = read_company(norce, world.company_id, accept=accept, seed=seed)
    return Bystanders(customer.data, company.data)


def judge_bystanders_kept(
    norce: NorceClient, world: World, before: Bystanders, operation_id: str, accept: str, seed: int
) -> None:
    """The write named neither the bystander nor its company: both read as before (the untouched judgement
    of the operation)."""
    judgement = write_judgements(operation_id).untouched
    after_customer = read_customer(norce, world.bystander_id, accept=accept, seed=seed)
    after_company = read_company(norce, world.company_id, accept=accept, seed=seed)
    for what, old, new in (
        ("bystander customer", before.customer, after_customer),
        ("bystander's company", before.company, after_company),
    ):
        changed = differences(old, new.data)
        judge(
            judgement,
            not changed,
            f"{operation_id} changed the {what}, which it does not name: {changed}{new.context}",
            operation=operation_id,
            media_type=accept,
        )


# -- the customers a test writes to ------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    id: int
    code: str
    email: str  # also the account's LoginName


MakeSubject = Callable[..., Subject]


@pytest.fixture
def make_subject(
    norce: NorceClient, run_namespace: RunNamespace, ledger: Ledger, norce_seed: int, world: World
) -> MakeSubject:
    """`make_subject(label, account=True)`: a customer made with CreateCustomer3, in JSON, with two delivery
    addresses, an invoice address, an account (LoginName = e-mail, password PASSWORD), the world's company,
    and the first flag and info type the target lists."""
    ns = run_namespace

    def make(label: str, *, account: bool = True) -> Subject:
        code, email = ns.code(label), ns.email(label)
        body: dict[str, Any] = {
            "Code": code,
            "Email": email,
            "FirstName": "Subject",
            "LastName": label.title(),
            "Phone": "+46 8 123 45 67",
            "CellPhone": "+46 70 123 45 67",
            "InvoiceAddress": address(ns, f"{label} invoice"),
            "DeliveryAddresses": [address(ns, f"{label} delivery {n}") for n in (1, 2)],
            "Companies": [world.company],
        }
        if account:
            body["Account"] = {"LoginName": email}
        if world.flag_id is not None:
            body["Flags"] = [{"Id": world.flag_id, "IsSelected": True}]
        if world.info_id is not None:
            body["Info"] = [{"Id": world.info_id, "Value": f"{label} info"}]
        ledger.record_relation(company_code=world.company_code, customer_code=code)
        params = {"password": PASSWORD, "doSendMail": "false", "createdBy": str(account_id())}
        created = norce.call("CreateCustomer3", params=params, json=body)
        data = assert_conforms(norce, created, "CreateCustomer3", JSON, norce_seed)
        context = explain(norce, created, operation="CreateCustomer3", seed=norce_seed)
        assert isinstance(data, dict) and isinstance(data.get("Id"), int), f"set-up: no customer{context}"
        return Subject(data["Id"], code, email)

    return make


def sans_account_status(customer: dict[str, Any]) -> dict[str, Any]:
    """The customer without what a customer's (in)activation may carry over to its account."""
    account = customer.get("Account")
    if not isinstance(account, dict):
        return customer
    return {**customer, "Account": {k: v for k, v in account.items() if k != "IsActive"}}


def stored_problems(sent: dict[str, Any], read: dict[str, Any], company_id: int) -> list[str]:
    """What a create was sent and a read does not show (docs/norce-facts.md §2C member names)."""
    problems = []

    def same(path: str, expected: Any, actual: Any) -> None:
        if expected != actual:
            problems.append(f"{path}: sent {expected!r}, read {actual!r}")

    for member in ("Code", "Email", "FirstName", "LastName", "Phone", "CellPhone"):
        same(member, sent[member], read.get(member))
    for member in ("Line1", "Zip", "City"):
        same(
            f"InvoiceAddress.{member}",
            sent["InvoiceAddress"][member],
            (read.get("InvoiceAddress") or {}).get(member),
        )
        same(
            f"DeliveryAddresses[].{member}",
            [a[member] for a in sent["DeliveryAddresses"]],
            [a.get(member) for a in read.get("DeliveryAddresses") or []],
        )
    same("Account.LoginName", sent["Account"]["LoginName"], (read.get("Account") or {}).get("LoginName"))
    company_ids = [c.get("Id") for c in read.get("Companies") or []]
    if company_id not in company_ids:
        problems.append(f"Companies: the existing company {company_id} sent, read {company_ids}")
    for flag in sent.get("Flags", []):
        same("Flags[].Id", [flag["Id"]], [f.get("Id") for f in read.get("Flags") or []])
    for info in sent.get("Info", []):
        same(
            "Info[].(Id, Value)",
            [(info["Id"], info["Value"])],
            [(i.get("Id"), i.get("Value")) for i in read.get("Info") or []],
        )
    return problems


# -- CreateCustomer, CreateCustomer2, CreateCustomer3 ------------------------------------------------------

CREATE_PARAMS = {
    "CreateCustomer": (),  # it calls CreateCustomer3 with an empty password (docs/norce-facts.md §1C)
    "CreateCustomer2": ("password",),
    "CreateCustomer3": ("password", "doSendMail"),
}


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("operation_id", list(CREATE_PARAMS))
def test_create_customer_stores_what_it_was_sent(
    norce: NorceClient,
    run_namespace: RunNamespace,
    ledger: Ledger,
    norce_seed: int,
    world: World,
    operation_id: str,
    accept: str,
) -> None:
    """A create stores the customer it was sent, with its Account and an existing company
    (F-CS-CREATECUSTOMER3; CreateCustomer delegates to CreateCustomer3: F-CS-CREATECUSTOMER-DELEGATES), and
    with a password its account logs in; the existing company and the bystander stay as they were."""
    ns, judgements = run_namespace, write_judgements(operation_id)
    before = bystanders(norce, world, accept, norce_seed)
    code, email = ns.code("create"), ns.email("create")
    sent: dict[str, Any] = {
        "Code": code,
        "Email": email,
        "FirstName": "Created",
        "LastName": "Customer",
        "Phone": "+46 8 111 22 33",
        "CellPhone": "+46 70 111 22 33",
        "InvoiceAddress": address(ns, "create invoice"),
        "DeliveryAddresses": [address(ns, "create delivery")],
        "Account": {"LoginName": email},
        "Companies": [world.company],  # an existing company, sent as it reads
    }
    if world.flag_id is not None:
        sent["Flags"] = [{"Id": world.flag_id, "IsSelected": True}]
    if world.info_id is not None:
        sent["Info"] = [{"Id": world.info_id, "Value": "created info"}]
    ledger.record_relation(company_code=world.company_code, customer_code=code)
    values = {"password": PASSWORD, "doSendMail": "false"}
    params = {"createdBy": str(account_id())} | {name: values[name] for name in CREATE_PARAMS[operation_id]}
    response = norce.call(operation_id, params=params, json=sent, accept=accept)
    answer = entity_answer(norce, response, operation_id, accept, norce_seed)
    if answer is None:
        return
    context = explain(norce, response, operation=operation_id, seed=norce_seed)
    customer_id = answer.get("Id") if isinstance(answer, dict) else None
    if not judge(judgements.writes, isinstance(customer_id, int), f"{operation_id}: no Customer.Id{context}"):
        return
    assert isinstance(customer_id, int)
    read = read_customer(norce, customer_id, accept=accept, seed=norce_seed)
    problems = stored_problems(sent, read.data, world.company_id)
    judge(
        judgements.writes,
        not problems,
        f"{operation_id}: GetCustomer of the answer's Id does not show what was sent: {problems}"
        f"{read.context}",
        operation=operation_id,
        media_type=accept,
    )
    by_code = read_entity(norce, "GetCustomerByCode", accept=accept, seed=norce_seed, code=code)
    judge(
        judgements.writes,
        by_code.data.get("Id") == customer_id,
        f"{operation_id}: GetCustomerByCode finds another customer than the answer's {customer_id}"
        f"{by_code.context}",
        operation=operation_id,
    )
    if "password" in params:  # created with an Account and a password: it logs in (docs/norce-facts.md §1C)
        answered = login(norce, email, PASSWORD, accept)
        judge(
            judgements.writes,
            logged_in_as(answered, customer_id),
            f"{operation_id} with an Account and a password: LoginPost does not log in as the customer"
            f"{explain(norce, answered, operation='LoginPost', seed=norce_seed)}",
            operation=operation_id,
        )
    judge_bystanders_kept(norce, world, before, operation_id, accept, norce_seed)


# -- UpdateCustomer, UpdateCustomer2, UpdateCustomer3 ------------------------------------------------------


def import_update_subject(
    norce: NorceClient, ns: RunNamespace, world: World, seed: int
) -> tuple[str, str, str]:
    """A customer without an account, imported through Connect with its own company and, where the target
    has one, a price list (no 1.1 write sets PricelistIds: read-only); its code, e-mail and company code."""
    company_code = ns.code("upd-co")
    company = {
        "ApplicationKey": application_key(),
        "Code": company_code,
        "Name": "Own AB",
        "OrganizationNo": ns.code("org"),
    }
    run_import(
        norce, "ImportCompanies", [company], company_header("Code", "Name", "OrganizationNo"), seed=seed
    )
    code, email = ns.code("upd"), ns.email("upd")
    item: dict[str, Any] = {
        "Code": code,
        "EmailAddress": email,
        "FirstName": "Before",
        "LastName": "Update",
        "PhoneNumber": "+46 8 222 33 44",
        "CellPhoneNumber": "+46 70 222 33 44",
        "InvoiceAddress": connect_address(ns, "update invoice"),
        "DeliveryAddresses": [connect_address(ns, f"update delivery {n}") for n in (1, 2)],
        "Companies": [{"Code": company_code}],
    }
    members = ["Code", "EmailAddress", "FirstName", "LastName", "PhoneNumber", "CellPhoneNumber"]
    members += ["InvoiceAddress", "DeliveryAddresses", "Companies"]
    if world.pricelist_code is not None:
        item["PriceLists"] = [{"Code": world.pricelist_code}]
        members.append("PriceLists")
    run_import(norce, "ImportCustomers", [item], customer_header(*members), seed=seed)
    return code, email, company_code


SERVER_SET = ("Created", "Updated")


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("operation_id", ["UpdateCustomer", "UpdateCustomer2", "UpdateCustomer3"])
def test_update_customer_changes_what_it_names(
    norce: NorceClient,
    run_namespace: RunNamespace,
    ledger: Ledger,
    norce_seed: int,
    world: World,
    operation_id: str,
    accept: str,
) -> None:
    """The customer as it reads, sent back with new names, an Account, its company renamed (a Company with
    Id is an update) and a new company (without Id: created) (F-CS-UPDATECUSTOMER-ACCOUNT; UpdateCustomer
    delegates to UpdateCustomer3: F-CS-UPDATECUSTOMER-DELEGATES), and with PricelistIds other than its own:
    they stay, being read-only (F-2C-CUSTOMER-PRICELISTIDS). The rest of the customer, the bystander and its
    company stay as they were."""
    ns, judgements = run_namespace, write_judgements(operation_id)
    code, email, own_code = import_update_subject(norce, ns, world, norce_seed)
    current = read_entity(norce, "GetCustomerByCode", accept=JSON, seed=norce_seed, code=code).data
    customer_id = current["Id"]
    before = read_customer(norce, customer_id, accept=accept, seed=norce_seed).data
    others = bystanders(norce, world, accept, norce_seed)
    own = next(c for c in current["Companies"] if c.get("Code") == own_code)
    new_code = ns.code("upd-new")
    ledger.record_company(code=new_code)
    ledger.record_relation(company_code=new_code, customer_code=code)
    body = {
        # the customer as it reads, but the timestamps Norce sets (a client does not send them back)
        **{member: value for member, value in current.items() if member not in SERVER_SET},
        "FirstName": "After",
        "Phone": "+46 8 999 88 77",
        "Account": {"LoginName": email},
        "Companies": [
            {**own, "Name": "Renamed AB"},
            {"Code": new_code, "Name": "New AB", "OrgNo": ns.code("org")},
        ],
        # read-only: a list other than the customer's own (none it could gain where it has none)
        "PricelistIds": [] if current.get("PricelistIds") else [ABSENT_ID],
    }
    params: dict[str, Any] = {"updatedBy": account_id()}
    if operation_id != "UpdateCustomer":
        params["password"] = PASSWORD
    response = norce.call(operation_id, params=params, json=body, accept=accept)
    if entity_answer(norce, response, operation_id, accept, norce_seed) is None:
        return
    read = read_customer(norce, customer_id, accept=accept, seed=norce_seed)
    after = read.data
    companies = {c.get("Code"): c for c in after.get("Companies") or []}
    effects = []
    for member in ("FirstName", "Phone"):
        if after.get(member) != body[member]:
            effects.append(f"{member}: sent {body[member]!r}, read {after.get(member)!r}")
    if (after.get("Account") or {}).get("LoginName") != email:
        effects.append(f"Account: the body's Account was not created: {after.get('Account')!r}")
    if (companies.get(own_code) or {}).get("Name") != "Renamed AB":
        effects.append(f"Companies: {own_code} (sent with its Id) not updated: {companies.get(own_code)!r}")
    if not isinstance((companies.get(new_code) or {}).get("Id"), int):
        effects.append(f"Companies: {new_code} (sent without Id) not created: {sorted(map(str, companies))}")
    judge(
        judgements.writes,
        not effects,
        f"{operation_id}: the update is not read back: {effects}{read.context}",
        operation=operation_id,
        media_type=accept,
    )
    if "password" in params:
        answered = login(norce, email, PASSWORD, accept)
        judge(
            judgements.writes,
            logged_in_as(answered, customer_id),
            f"{operation_id} created an Account with a password, yet LoginPost does not log in"
            f"{explain(norce, answered, operation='LoginPost', seed=norce_seed)}",
            operation=operation_id,
        )
    judge(
        "CS-WRITES-UNTOUCHED",
        after.get("PricelistIds") == before.get("PricelistIds"),
        f"{operation_id}: PricelistIds is read-only, yet it changed from {before.get('PricelistIds')} to "
        f"{after.get('PricelistIds')} (sent {body['PricelistIds']}){read.context}",
        operation=operation_id,
        media_type=accept,
    )
    named = ("FirstName", "Phone", "Account", "Companies", "PricelistIds", "Updated")
    addresses = ("InvoiceAddress", "DeliveryAddresses")  # sent as they read: compared by content
    kept = differences(before, after, ignore=(*named, *addresses))
    kept += differences(
        {m: without_ids(before.get(m)) for m in addresses}, {m: without_ids(after.get(m)) for m in addresses}
    )
    renamed_before = next(c for c in before["Companies"] if c.get("Code") == own_code)
    kept += differences(renamed_before, companies.get(own_code) or {}, ignore=("Name",))
    judge(
        judgements.untouched,
        not kept,
        f"{operation_id} changed what it was sent unchanged: {kept}{read.context}",
        operation=operation_id,
        media_type=accept,
    )
    judge_bystanders_kept(norce, world, others, operation_id, accept, norce_seed)


# -- RegisterCustomer, RegisterCustomer2, RegisterCustomer3 ------------------------------------------------

REGISTER_PARTS = ("DeliveryAddresses", "InvoiceAddress", "Flags", "Companies", "Info", "Account")


def register_parts(customer: dict[str, Any]) -> dict[str, Any]:
    """The parts RegisterCustomer3 keeps when not passed, and the account; Account.Name left out, since it may
    follow the customer's names, which the body passes."""
    parts = {part: customer.get(part) for part in REGISTER_PARTS}
    if isinstance(parts["Account"], dict):
        parts["Account"] = {k: v for k, v in parts["Account"].items() if k != "Name"}
    return parts


def register(
    norce: NorceClient, operation_id: str, body: dict[str, Any], password: str | None, accept: str
) -> Any:
    params: dict[str, Any] = {"updatedBy": account_id()}
    if password is not None and operation_id != "RegisterCustomer":
        params["password"] = password
    if operation_id == "RegisterCustomer3":
        params["doSendMail"] = "false"
    return norce.call(operation_id, params=params, json=body, accept=accept)


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("operation_id", ["RegisterCustomer", "RegisterCustomer2", "RegisterCustomer3"])
def test_register_customer_updates_the_customer_with_that_email(
    norce: NorceClient,
    run_namespace: RunNamespace,
    norce_seed: int,
    world: World,
    make_subject: MakeSubject,
    operation_id: str,
    accept: str,
) -> None:
    """RegisterCustomer3 (docs/norce-facts.md §1C): a body with an existing customer's e-mail (and no Code)
    updates that customer (F-CS-REGISTER-MATCHES-EMAIL); the parts it does not pass stay
    (F-CS-REGISTER-KEEPS-PARTS); a password changes only with the Account root data
    (F-CS-REGISTER-PASSWORD-CHANGE); a new e-mail creates a customer. Its WSDL siblings alike
    (F-CS-NUMBERED-SIBLINGS; RegisterCustomer takes no password)."""
    ns, judgements = run_namespace, write_judgements(operation_id)
    takes_password = operation_id != "RegisterCustomer"
    # RegisterCustomer3's password facts are documented (CS-LOGIN: which password logs in); its siblings' are
    # inferred
    password_judgement = "CS-LOGIN" if judgements.documented else judgements.writes
    subject = make_subject("reg")
    before = read_customer(norce, subject.id, accept=accept, seed=norce_seed).data
    others = bystanders(norce, world, accept, norce_seed)

    # 1. the subject's e-mail, without Code, parts or Account, with a new password
    sent = {"Email": subject.email, "FirstName": "Registered", "LastName": before.get("LastName")}
    response = register(norce, operation_id, sent, "Unsent-Pass-2", accept)
    answer = entity_answer(norce, response, operation_id, accept, norce_seed)
    if answer is None:
        return
    context = explain(norce, response, operation=operation_id, seed=norce_seed)
    answered_id = answer.get("Id") if isinstance(answer, dict) else None
    judge(
        judgements.writes,
        answered_id == subject.id,
        f"{operation_id}: customer {subject.id} has that e-mail, yet the answer is customer {answered_id}"
        f"{context}",
        operation=operation_id,
        media_type=accept,
    )
    read = read_customer(norce, subject.id, accept=accept, seed=norce_seed)
    judge(
        judgements.writes,
        read.data.get("FirstName") == "Registered",
        f"{operation_id}: the customer with that e-mail was not updated: FirstName "
        f"{read.data.get('FirstName')!r}{read.context}",
        operation=operation_id,
        media_type=accept,
    )
    kept = differences(register_parts(before), register_parts(read.data))
    judge(
        judgements.untouched,
        not kept,
        f"{operation_id} changed parts it was not passed: {kept}{read.context}",
        operation=operation_id,
        media_type=accept,
    )
    if takes_password:
        judge_password(
            norce, operation_id, subject, PASSWORD, "Unsent-Pass-2", password_judgement, accept, norce_seed
        )

        # 2. with the Account root data, the password changes
        account = before.get("Account") or {}
        root = {member: account.get(member) for member in ("Id", "Key", "LoginName", "Name", "IsActive")}
        response = register(
            norce, operation_id, {"Email": subject.email, "Account": root}, "Sent-Pass-3", accept
        )
        if entity_answer(norce, response, operation_id, accept, norce_seed) is not None:
            judge_password(
                norce, operation_id, subject, "Sent-Pass-3", PASSWORD, password_judgement, accept, norce_seed
            )

    # 3. a new e-mail: a new customer, as CreateCustomer
    code, email = ns.code("reg-new"), ns.email("reg-new")
    new = {"Code": code, "Email": email, "FirstName": "New", "LastName": "Registrant"}
    response = register(norce, operation_id, new, PASSWORD, accept)
    answer = entity_answer(norce, response, operation_id, accept, norce_seed)
    if answer is not None:
        created_id = answer.get("Id") if isinstance(answer, dict) else None
        found = read_entity(norce, "GetCustomerByEmail", accept=accept, seed=norce_seed, email=email)
        judge(
            judgements.writes,
            isinstance(created_id, int) and created_id != subject.id and found.data.get("Id") == created_id,
            f"{operation_id}: a new e-mail must create a customer: answered {created_id}, GetCustomerByEmail "
            f"finds {found.data.get('Id')}{found.context}",
            operation=operation_id,
            media_type=accept,
        )
    judge_bystanders_kept(norce, world, others, operation_id, accept, norce_seed)


def judge_password(
    norce: NorceClient,
    operation_id: str,
    subject: Subject,
    valid: str,
    invalid: str,
    judgement: str,
    accept: str,
    seed: int,
) -> None:
    """After the write, `valid` logs in and `invalid` is refused with LoginFailed."""
    right = login(norce, subject.email, valid, accept)
    judge(
        judgement,
        logged_in_as(right, subject.id),
        f"after {operation_id}: the password that should be valid does not log in"
        f"{explain(norce, right, operation='LoginPost', seed=seed)}",
        operation=operation_id,
        media_type=accept,
    )
    wrong = login(norce, subject.email, invalid, accept)
    refused = judge(
        judgement,
        wrong.status_code == 400,
        f"after {operation_id}: a password that should not be valid logs in"
        f"{explain(norce, wrong, operation='LoginPost', seed=seed)}",
        operation=operation_id,
        media_type=accept,
    )
    if refused:
        judge_business_error(
            norce,
            wrong,
            operation_id="LoginPost",
            key="LoginFailed",
            judgement="CS-ERROR-KEYS",
            accept=accept,
            seed=seed,
        )


# -- ActivateCustomer, InactivateCustomer -------------------------------------------------------------------


def set_active(norce: NorceClient, customer_id: int, active: bool, accept: str) -> Any:
    operation_id, by = (
        ("ActivateCustomer", "activatedBy") if active else ("InactivateCustomer", "inactivatedBy")
    )
    return norce.call(operation_id, params={"customerId": customer_id, by: account_id()}, accept=accept)


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("active", [False, True], ids=["InactivateCustomer", "ActivateCustomer"])
def test_activation_changes_that_customer_only(
    norce: NorceClient, norce_seed: int, world: World, make_subject: MakeSubject, active: bool, accept: str
) -> None:
    """ActivateCustomer / InactivateCustomer (F-CS-ACTIVATECUSTOMER, F-CS-OP-InactivateCustomer): an empty
    answer; the customer's IsActive changes, nothing else of it (its account's status may follow it), and
    not another customer of its company (which starts in the same state), nor the bystander."""
    operation_id = "ActivateCustomer" if active else "InactivateCustomer"
    judgements = write_judgements(operation_id)
    subject, peer = make_subject("act"), make_subject("act-peer", account=False)
    if active:  # set-up: both start inactive
        for customer in (subject, peer):
            answered = set_active(norce, customer.id, False, JSON)
            context = explain(norce, answered, operation="InactivateCustomer", seed=norce_seed)
            assert answered.status_code in (200, 204), f"set-up{context}"
            read = read_customer(norce, customer.id, accept=JSON, seed=norce_seed)
            assert read.data.get("IsActive") is False, (
                f"set-up: customer {customer.id} stays active{read.context}"
            )
    before = read_customer(norce, subject.id, accept=accept, seed=norce_seed).data
    peer_before = read_customer(norce, peer.id, accept=accept, seed=norce_seed).data
    others = bystanders(norce, world, accept, norce_seed)
    response = set_active(norce, subject.id, active, accept)
    if not no_entity_answer(norce, response, operation_id, accept, norce_seed):
        return
    read = read_customer(norce, subject.id, accept=accept, seed=norce_seed)
    judge(
        judgements.writes,
        read.data.get("IsActive") is active,
        f"{operation_id}: Customer.IsActive is {read.data.get('IsActive')!r}{read.context}",
        operation=operation_id,
        media_type=accept,
    )
    changed = differences(
        sans_account_status(before), sans_account_status(read.data), ignore=("IsActive", "Updated")
    )
    judge(
        judgements.untouched,
        not changed,
        f"{operation_id} changed more of the customer than IsActive: {changed}{read.context}",
        operation=operation_id,
        media_type=accept,
    )
    peer_read = read_customer(norce, peer.id, accept=accept, seed=norce_seed)
    peer_changed = differences(peer_before, peer_read.data)
    judge(
        judgements.untouched,
        not peer_changed,
        f"{operation_id} of customer {subject.id} changed customer {peer.id} of the same company: "
        f"{peer_changed}{peer_read.context}",
        operation=operation_id,
        media_type=accept,
    )
    judge_bystanders_kept(norce, world, others, operation_id, accept, norce_seed)


# -- UpdateAccountStatus, ChangePassword, SendPasswordReminder ---------------------------------------------


@pytest.mark.parametrize("accept", ACCEPTS)
def test_update_account_status_sets_the_account_only(
    norce: NorceClient, norce_seed: int, world: World, make_subject: MakeSubject, accept: str
) -> None:
    """UpdateAccountStatus sets the account's IsActive, both ways, and answers the Customer showing it
    (F-CS-UPDATEACCOUNTSTATUS, F-2C-ACCOUNT); the customer's own IsActive and every other member stay."""
    operation_id = "UpdateAccountStatus"
    judgements = write_judgements(operation_id)
    subject = make_subject("acct")
    before = read_customer(norce, subject.id, accept=accept, seed=norce_seed).data
    others = bystanders(norce, world, accept, norce_seed)
    for active in (False, True):
        params = {"customerId": subject.id, "isActive": str(active).lower(), "updatedBy": account_id()}
        response = norce.call(operation_id, params=params, accept=accept)
        answer = entity_answer(norce, response, operation_id, accept, norce_seed)
        if answer is None:
            return
        context = explain(norce, response, operation=operation_id, seed=norce_seed)
        answered = ((answer if isinstance(answer, dict) else {}).get("Account") or {}).get("IsActive")
        judge(
            judgements.writes,
            answered is active,
            f"{operation_id} isActive={active}: the answer's Account.IsActive is {answered!r}{context}",
            operation=operation_id,
            media_type=accept,
        )
        read = read_customer(norce, subject.id, accept=accept, seed=norce_seed)
        status = (read.data.get("Account") or {}).get("IsActive")
        judge(
            judgements.writes,
            status is active,
            f"{operation_id} isActive={active}: Account.IsActive reads {status!r}{read.context}",
            operation=operation_id,
            media_type=accept,
        )
        changed = differences(
            sans_account_status(before), sans_account_status(read.data), ignore=("Updated",)
        )
        judge(
            judgements.untouched,
            not changed,
            f"{operation_id} isActive={active} changed more than the account's status: {changed}"
            f"{read.context}",
            operation=operation_id,
            media_type=accept,
        )
    judge_bystanders_kept(norce, world, others, operation_id, accept, norce_seed)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_change_password_replaces_the_password(
    norce: NorceClient, norce_seed: int, world: World, make_subject: MakeSubject, accept: str
) -> None:
    """ChangePassword (WSDL only, deprecated: F-CS-OP-ChangePassword): an empty answer; afterwards the new
    password logs in and the old one is refused with LoginFailed (LoginPost's documented key); nothing else
    of the customer changes."""
    operation_id = "ChangePassword"
    judgements = write_judgements(operation_id)
    subject = make_subject("pw")
    before = read_customer(norce, subject.id, accept=accept, seed=norce_seed).data
    others = bystanders(norce, world, accept, norce_seed)
    new = "Changed-Pass-4"
    params = {"loginName": subject.email, "oldPassword": PASSWORD, "newPassword1": new, "newPassword2": new}
    response = norce.call(operation_id, params=params, accept=accept)
    if not no_entity_answer(norce, response, operation_id, accept, norce_seed):
        return
    judge_password(norce, operation_id, subject, new, PASSWORD, judgements.writes, accept, norce_seed)
    read = read_customer(norce, subject.id, accept=accept, seed=norce_seed)
    changed = differences(before, read.data, ignore=("Updated",))
    judge(
        judgements.untouched,
        not changed,
        f"{operation_id} changed the customer: {changed}{read.context}",
        operation=operation_id,
        media_type=accept,
    )
    judge_bystanders_kept(norce, world, others, operation_id, accept, norce_seed)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_send_password_reminder(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, make_subject: MakeSubject, accept: str
) -> None:
    """SendPasswordReminder (F-CS-REMINDER-KEYS, F-KEY-LOGINFAILED): no account with that LoginName is 400
    LoginFailed; the run's own account gets the documented empty answer, with updatedBy and without it (a
    string actor is optional, and a default account is used: F-CS-ACTOR-PARAMS). The mail it may send is not
    observable (F-CS-REMINDER-MAIL)."""
    operation_id = "SendPasswordReminder"
    nobody = {"loginName": run_namespace.email("nobody"), "updatedBy": str(account_id())}
    unknown = norce.call(operation_id, params=nobody, accept=accept)
    judge_business_error(
        norce,
        unknown,
        operation_id=operation_id,
        key="LoginFailed",
        judgement="CS-ERROR-KEYS",
        accept=accept,
        seed=norce_seed,
    )
    subject = make_subject("remind")
    for params in (
        {"loginName": subject.email, "updatedBy": str(account_id())},
        {"loginName": subject.email},
    ):
        known = norce.call(operation_id, params=params, accept=accept)
        if not no_entity_answer(norce, known, operation_id, accept, norce_seed):
            return


@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_customer_created_without_an_account_cannot_log_in(
    norce: NorceClient, norce_seed: int, make_subject: MakeSubject, accept: str
) -> None:
    """A customer can log in only if it was created with an Account (docs/norce-facts.md §1C LoginPost:
    F-CS-LOGINPOST-NEEDS-ACCOUNT): CreateCustomer3 with a password but no Account makes a customer that
    LoginPost, with its e-mail and that password, does not log in (CS-LOGIN). Only the effect is judged: the
    docs give no key for this refusal."""
    subject = make_subject("no-account", account=False)
    answered = login(norce, subject.email, PASSWORD, accept)
    someone = answered.status_code == 200 and not answers_no_entity(answered)
    judge(
        "CS-LOGIN",
        not someone,
        f"LoginPost logged in customer {subject.id}, created by CreateCustomer3 without an Account"
        f"{explain(norce, answered, operation='LoginPost', seed=norce_seed)}",
        operation="LoginPost",
        media_type=accept,
    )


# -- InsertCustomerDeliveryAddress, UpdateCustomerDeliveryAddress, DeleteCustomerDeliveryAddress -----------


def same_address(sent: dict[str, Any], read: dict[str, Any]) -> bool:
    return all(read.get(member) == sent[member] for member in ("Line1", "Zip", "City"))


def judge_addresses(
    operation_id: str,
    before: dict[str, Any],
    read: Read,
    *,
    effect: list[str],
    kept_addresses: list[dict[str, Any]],
    accept: str,
) -> None:
    """The effect on the named address; the other delivery addresses, the invoice address and the rest of the
    customer as they were."""
    judgements = write_judgements(operation_id)
    judge(
        judgements.writes,
        not effect,
        f"{operation_id}: {effect}{read.context}",
        operation=operation_id,
        media_type=accept,
    )
    after = read.data
    kept_ids = {a.get("Id") for a in kept_addresses}
    kept = differences(before, after, ignore=("DeliveryAddresses", "Updated"))
    still = [a for a in after.get("DeliveryAddresses") or [] if a.get("Id") in kept_ids]
    if still != kept_addresses:
        kept.append(f"DeliveryAddresses not named: {kept_addresses} -> {still}")
    judge(
        judgements.untouched,
        not kept,
        f"{operation_id} changed what it does not name: {kept}{read.context}",
        operation=operation_id,
        media_type=accept,
    )


@pytest.mark.parametrize("accept", ACCEPTS)
def test_insert_customer_delivery_address_adds_one(
    norce: NorceClient,
    run_namespace: RunNamespace,
    norce_seed: int,
    world: World,
    make_subject: MakeSubject,
    accept: str,
) -> None:
    """InsertCustomerDeliveryAddress (WSDL: F-CS-OP-InsertCustomerDeliveryAddress) adds the address and
    answers the Customer; the customer's other addresses stay."""
    operation_id = "InsertCustomerDeliveryAddress"
    subject = make_subject("adr-ins")
    before = read_customer(norce, subject.id, accept=accept, seed=norce_seed).data
    others = bystanders(norce, world, accept, norce_seed)
    added = address(run_namespace, "inserted")
    params = {"customerId": subject.id, "updatedBy": account_id()}
    response = norce.call(operation_id, params=params, json=added, accept=accept)
    answer = entity_answer(norce, response, operation_id, accept, norce_seed)
    if answer is None:
        return
    read = read_customer(norce, subject.id, accept=accept, seed=norce_seed)
    old_ids = {a.get("Id") for a in before["DeliveryAddresses"]}
    new = [a for a in read.data.get("DeliveryAddresses") or [] if a.get("Id") not in old_ids]
    effect = (
        []
        if len(new) == 1 and same_address(added, new[0])
        else [f"expected one new address {added}, read {new}"]
    )
    in_answer = [a for a in (answer if isinstance(answer, dict) else {}).get("DeliveryAddresses") or []]
    if not any(same_address(added, a) for a in in_answer):
        effect.append("the answer's Customer does not show the new address")
    judge_addresses(
        operation_id, before, read, effect=effect, kept_addresses=before["DeliveryAddresses"], accept=accept
    )
    judge_bystanders_kept(norce, world, others, operation_id, accept, norce_seed)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_update_customer_delivery_address_changes_the_named_one(
    norce: NorceClient, norce_seed: int, world: World, make_subject: MakeSubject, accept: str
) -> None:
    """UpdateCustomerDeliveryAddress (WSDL: F-CS-OP-UpdateCustomerDeliveryAddress) writes the address whose
    Id the body carries (the second of two), and only that one."""
    operation_id = "UpdateCustomerDeliveryAddress"
    subject = make_subject("adr-upd")
    current = read_customer(norce, subject.id, accept=JSON, seed=norce_seed).data
    before = read_customer(norce, subject.id, accept=accept, seed=norce_seed).data
    others = bystanders(norce, world, accept, norce_seed)
    first, second = current["DeliveryAddresses"][:2]
    body = {**second, "Line1": "moved street 9"}  # the address as it reads, one member changed
    params = {"customerId": subject.id, "updatedBy": account_id()}
    response = norce.call(operation_id, params=params, json=body, accept=accept)
    if entity_answer(norce, response, operation_id, accept, norce_seed) is None:
        return
    read = read_customer(norce, subject.id, accept=accept, seed=norce_seed)
    written = next((a for a in read.data.get("DeliveryAddresses") or [] if a.get("Id") == second["Id"]), None)
    effect = (
        []
        if written is not None and same_address(body, written)
        else [f"address {second['Id']} reads {written}"]
    )
    unnamed = [a for a in before["DeliveryAddresses"] if a.get("Id") == first["Id"]]
    judge_addresses(operation_id, before, read, effect=effect, kept_addresses=unnamed, accept=accept)
    judge_bystanders_kept(norce, world, others, operation_id, accept, norce_seed)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_delete_customer_delivery_address_deletes_the_named_one(
    norce: NorceClient, norce_seed: int, world: World, make_subject: MakeSubject, accept: str
) -> None:
    """DeleteCustomerDeliveryAddress (WSDL: F-CS-OP-DeleteCustomerDeliveryAddress) removes the address it
    names (the first of two), and only that one."""
    operation_id = "DeleteCustomerDeliveryAddress"
    subject = make_subject("adr-del")
    before = read_customer(norce, subject.id, accept=accept, seed=norce_seed).data
    others = bystanders(norce, world, accept, norce_seed)
    named, unnamed = before["DeliveryAddresses"][0], before["DeliveryAddresses"][1:]
    params = {"addressId": named["Id"], "customerId": subject.id}
    response = norce.call(operation_id, params=params, accept=accept)
    if entity_answer(norce, response, operation_id, accept, norce_seed) is None:
        return
    read = read_customer(norce, subject.id, accept=accept, seed=norce_seed)
    left = [a.get("Id") for a in read.data.get("DeliveryAddresses") or []]
    effect = [f"address {named['Id']} is still there: {left}"] if named["Id"] in left else []
    judge_addresses(operation_id, before, read, effect=effect, kept_addresses=unnamed, accept=accept)
    judge_bystanders_kept(norce, world, others, operation_id, accept, norce_seed)


# -- GetExternalCustomerAddress, GetExternalCustomerAddress2 -----------------------------------------------


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("operation_id", ["GetExternalCustomerAddress", "GetExternalCustomerAddress2"])
def test_get_external_customer_address_stores_nothing(
    norce: NorceClient,
    run_namespace: RunNamespace,
    ledger: Ledger,
    norce_seed: int,
    world: World,
    operation_id: str,
    accept: str,
) -> None:
    """Customer in, Customer out (WSDL: F-CS-OP-GetExternalCustomerAddress[2]); a POST, but a lookup: no
    customer with the posted code, e-mail or SSN exists afterwards."""
    ns, judgements = run_namespace, write_judgements(operation_id)
    others = bystanders(norce, world, accept, norce_seed)
    code, email, ssn = ns.code("ext"), ns.email("ext"), ns.code("ssn")
    posted = {"Code": code, "Email": email, "SSN": ssn, "FirstName": "Ext", "LastName": "Ernal"}
    response = norce.call(operation_id, json=posted, accept=accept)
    answer = entity_answer(norce, response, operation_id, accept, norce_seed)
    if answer is None:
        return
    context = explain(norce, response, operation=operation_id, seed=norce_seed)
    judge(judgements.operation, isinstance(answer, dict), f"{operation_id}: expected a Customer{context}")
    lookups = {
        "GetCustomerByCode": {"code": code},
        "GetCustomerByEmail": {"email": email},
        "ListCustomerBySSN2": {"ssn": ssn, "showInactive": "true"},
    }
    found = [
        name for name, params in lookups.items() if not found_nothing(norce, name, seed=norce_seed, **params)
    ]
    if found:  # whatever it stored is the run's: cleanup removes it
        ledger.record_customer(code=code, email=email)
    judge(
        judgements.untouched,
        not found,
        f"{operation_id} is a lookup, yet afterwards {found} find the posted customer{context}",
        operation=operation_id,
        media_type=accept,
    )
    judge_bystanders_kept(norce, world, others, operation_id, accept, norce_seed)


# -- an absent customer: the inferred key ------------------------------------------------------------------

ACTOR = "<account id>"  # the run's account id (updatedBy, activatedBy, ...), filled in when the test runs
ABSENT_CUSTOMER_WRITES: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {
    "ActivateCustomer": ({"activatedBy": ACTOR}, None),
    "InactivateCustomer": ({"inactivatedBy": ACTOR}, None),
    "UpdateAccountStatus": ({"isActive": "true", "updatedBy": ACTOR}, None),
    "InsertCustomerDeliveryAddress": ({"updatedBy": ACTOR}, {"Line1": "nowhere 1", "City": "Nowhere"}),
    "UpdateCustomerDeliveryAddress": ({"updatedBy": ACTOR}, {"Id": ABSENT_ID, "Line1": "nowhere 1"}),
    "DeleteCustomerDeliveryAddress": ({"addressId": ABSENT_ID}, None),
}


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("operation_id", list(ABSENT_CUSTOMER_WRITES))
def test_customer_write_on_an_absent_customer_answers_customer_missing(
    norce: NorceClient, norce_seed: int, operation_id: str, accept: str
) -> None:
    """A customer write whose customerId names no customer answers 400 CustomerMissing, the key the docs give
    DeleteCompanyCustomer for it (F-KEY-INFERRED: inferred, recommended). The id is far above any real one."""
    named, body = ABSENT_CUSTOMER_WRITES[operation_id]
    params = {"customerId": ABSENT_ID} | {k: account_id() if v == ACTOR else v for k, v in named.items()}
    response = norce.call(operation_id, params=params, json=body, accept=accept)
    judge_business_error(
        norce,
        response,
        operation_id=operation_id,
        key="CustomerMissing",
        judgement="CS-ERROR-KEYS-INFERRED",
        accept=accept,
        seed=norce_seed,
    )
