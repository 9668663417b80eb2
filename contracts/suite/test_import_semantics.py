"""End-to-end import semantics: import through Connect 4.0, wait for the job, read back through Customer
Service 1.1, and compare with what the header said should change.

Every expectation is quoted from docs/import-semantics.md (and docs/norce-facts.md §3 and §4), never from a
server. All data is created under the run namespace (codes and e-mails start with the run prefix) and recorded
in the ledger by the client. Every test runs with a JSON body and with an XML body (DataContract XML and the
header in its XML form), so a mapping that loses a member in one body type only is caught.
"""

from __future__ import annotations

from typing import Any

import pytest

from contracts.oracle.strategies.requests import encode_body
from contracts.reports.recorder import register_secret
from contracts.reports.verdicts import judge
from contracts.suite.entities import (
    FLAG_KINDS,
    INSERT_FIELDS,
    OPERATIONS,
    entity_by_code,
    insert_header,
    new_customer,
    new_entity,
    selected_flag_ids,
    update_header,
    update_of,
)
from contracts.suite.flows import (
    BODY_IDS,
    BODY_TYPES,
    XML,
    Import,
    application_key,
    assert_job_counts,
    company_by_code,
    company_header,
    customer_by_code,
    customer_header,
    error_keys,
    explain,
    read,
    run_import,
    run_imports,
    serialize,
)
from contracts.suite.reference import require_codes
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

pytestmark = [
    pytest.mark.contract,
    pytest.mark.writes,
    pytest.mark.parametrize("body", BODY_TYPES, ids=BODY_IDS),
]

IMPORT = "ImportCustomers"


def new_companies(ns: RunNamespace, count: int, body: str) -> tuple[Import, list[str]]:
    """An import of `count` new companies, and their codes."""
    codes = [ns.code("co") for _ in range(count)]
    items = [
        {"ApplicationKey": application_key(), "Code": c, "Name": f"Co {c}", "OrganizationNo": ns.code("org")}
        for c in codes
    ]
    return Import("ImportCompanies", items, company_header("Code", "Name", "OrganizationNo"), body), codes


def create_companies(norce: NorceClient, ns: RunNamespace, seed: int, count: int, body: str) -> list[str]:
    companies, codes = new_companies(ns, count, body)
    outcome = run_imports(norce, [companies], seed=seed)[0]
    assert_job_counts(outcome, total=count, inserts=count, updates=0, fails=0)
    return codes


def company_codes(customer: dict[str, Any]) -> set[str]:
    return {c.get("Code") for c in customer.get("Companies") or []}


MAX_BODY_BYTES = 10 * 1024 * 1024  # docs/import-semantics.md Request 8
XML_ROOT = b'<ArrayOfCustomer xmlns="Enferno.Services.StormConnect.Contracts.Customer.Models">'


def rejected_bodies(body: str) -> list[tuple[bytes, int, str]]:
    """(body, our status, our key): one that cannot be parsed, one over 10 MiB, in the body type."""
    if body == XML:
        return [
            (XML_ROOT + b"<Customer><Code>unterminated", 400, "BodyMalformed"),
            (XML_ROOT + b" " * MAX_BODY_BYTES + b"</ArrayOfCustomer>", 413, "PayloadTooLarge"),
        ]
    return [
        (b'[{"Code": "unterminated', 400, "BodyMalformed"),
        (b"[" + b" " * MAX_BODY_BYTES + b"]", 413, "PayloadTooLarge"),
    ]


def test_unparseable_and_oversized_bodies_import_nothing(
    norce: NorceClient, norce_seed: int, body: str
) -> None:
    """An unparseable body and one over 10 MiB import nothing: no 5xx, and a 4xx or a job that writes nothing
    (IMP-NO-WRITE-ON-REJECT, documented). Our answers, 400 BodyMalformed and 413 PayloadTooLarge
    (docs/import-semantics.md Request 6 and 8), are IMP-BODY-FORM: Norce documents neither."""
    header = serialize(customer_header(*INSERT_FIELDS), "xml" if body == XML else "json")
    for content, status, key in rejected_bodies(body):
        response = norce.import_customers(content, header, body)
        context = explain(norce, response, operation="ImportCustomers", seed=norce_seed)
        judge("not_a_server_error", response.status_code < 500, f"{len(content)}-byte body{context}")
        wrote = False
        if 200 <= response.status_code < 300:
            job = norce.wait_for_job(int(response.json()["JobId"]))
            wrote = bool(job.get("Inserts") or job.get("Updates"))
        judge("IMP-NO-WRITE-ON-REJECT", not wrote, f"{len(content)}-byte body wrote items{context}")
        form = response.status_code == status and error_keys(response)[:1] == [key]
        judge("IMP-BODY-FORM", form, f"{len(content)}-byte body: expected {status} {key}{context}")


def test_non_ascii_names_long_codes_and_xml_bom_are_imported(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """Valid inputs a server must not crash on: non-ASCII names are stored as sent, a long Code is a normal
    item (the docs set no limit; it may fail, but as a counted item), an XML body may start with a BOM."""
    accented = new_customer(run_namespace, FirstName="Åsa Ödmark", LastName="Łukasz-Ñuñez")
    long_code = new_customer(run_namespace, Code=run_namespace.code("long") + "x" * 300)
    header = customer_header(*INSERT_FIELDS)
    imports = [Import(IMPORT, [accented], header, body), Import(IMPORT, [long_code], header, body)]
    bom_item = new_customer(run_namespace)
    if body == XML:  # a BOM before JSON may be refused (RFC 8259 §8.1); before XML it is the encoding's mark
        bom_body = b"\xef\xbb\xbf" + encode_body(IMPORT, [bom_item], XML)
        imports.append(Import(IMPORT, bom_body, serialize(header, "xml"), XML))
    outcomes = run_imports(norce, imports, seed=norce_seed)  # independent: their jobs run side by side

    assert_job_counts(outcomes[0], total=1, inserts=1, updates=0, fails=0)
    stored = customer_by_code(norce, accented["Code"], seed=norce_seed) or {}
    names = (stored.get("FirstName"), stored.get("LastName"))
    judge(
        "IMP-READ-BACK",
        names == (accented["FirstName"], accented["LastName"]),
        f"non-ASCII names sent {accented['FirstName']!r} {accented['LastName']!r}, read {names!r}",
        operation=IMPORT,
        media_type=body,
    )
    # A query parameter the operation does not declare is a client's input too: never a server error.
    extra = norce.call("GetCustomerByCode", params={"code": accented["Code"], "notDeclared": "1"})
    context = explain(norce, extra, operation="GetCustomerByCode", seed=norce_seed)
    judge("CS-EXTRA-PARAMETER", extra.status_code < 500, f"undeclared query parameter{context}")

    job = outcomes[1].job
    counted = (job["Totals"], job["Inserts"] + job["Updates"] + job["Fail"]) == (1, 1)
    judge("IMP-ROBUST", counted, f"a long Code is a counted item: {job}", operation=IMPORT, media_type=body)

    if body == XML:
        assert_job_counts(outcomes[2], total=1, inserts=1, updates=0, fails=0)


def test_insert_counts_validation_failures_and_reads_back(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """NrOfItemsInTotal = items sent; an item without identity fails initial validation and is logged;
    Totals = Inserts + Updates + Fail; every valid item exists afterwards with the values sent, active."""
    valid = [new_customer(run_namespace) for _ in range(3)]
    no_identity = {"FirstName": "Nobody", "LastName": "Known"}
    outcome = run_import(
        norce,
        IMPORT,
        [*valid, no_identity],
        customer_header(*INSERT_FIELDS),
        seed=norce_seed,
        media_type=body,
    )
    assert_job_counts(outcome, total=4, inserts=3, updates=0, fails=1, validation_failures=1)
    rows = [row.get("ImportedRow") for row in outcome.log_rows(3)]
    judge("IMP-LOG-LAYOUT", rows == ["3"], f"Error row must name item 3: {outcome.log}", operation=IMPORT)
    for item in valid:
        customer = customer_by_code(norce, item["Code"], seed=norce_seed)
        judge(
            "IMP-COUNTS",
            customer is not None,
            f"{item['Code']} was counted as inserted but GetCustomerByCode answers null",
            operation=IMPORT,
        )
        observed = {k: customer.get(k) for k in ("Code", "FirstName", "LastName", "Email")}
        expected = {**{k: item[k] for k in ("Code", "FirstName", "LastName")}, "Email": item["EmailAddress"]}
        judge(
            "IMP-READ-BACK",
            observed == expected,
            f"sent {expected}, read {observed}",
            operation=IMPORT,
            media_type=body,
        )
        judge(
            "IMP-DEFAULTS",
            customer.get("IsActive") is True,
            f"a new customer sent without IsActive reads IsActive {customer.get('IsActive')!r}",
            operation=IMPORT,
            media_type=body,
        )


def test_update_writes_only_listed_fields(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """Only listed fields are written; a listed field absent leaves the value; a listed null clears it."""
    item = new_customer(run_namespace, PhoneNumber="+46700000001", CellPhoneNumber="+46700000002")
    created = run_import(
        norce,
        IMPORT,
        [item],
        customer_header(*INSERT_FIELDS, "PhoneNumber", "CellPhoneNumber"),
        seed=norce_seed,
        media_type=body,
    )
    assert_job_counts(created, total=1, inserts=1, updates=0, fails=0)
    update = {"Code": item["Code"], "FirstName": "Changed", "LastName": "NotListed", "PhoneNumber": None}
    header = customer_header("Code", "FirstName", "PhoneNumber", "CellPhoneNumber")  # LastName unlisted
    outcome = run_import(norce, IMPORT, [update], header, seed=norce_seed, media_type=body)
    assert_job_counts(outcome, total=1, inserts=0, updates=1, fails=0)
    customer = customer_by_code(norce, item["Code"], seed=norce_seed)
    observed = {k: customer.get(k) for k in ("FirstName", "LastName", "Email")}
    expected = {"FirstName": "Changed", "LastName": "Berg", "Email": item["EmailAddress"]}
    judge(
        "IMP-LISTED-ONLY",
        observed == expected,
        f"a listed field is written, an unlisted one is not: expected {expected}, read {observed}",
        operation=IMPORT,
        media_type=body,
    )
    judge(
        "IMP-NULL-CLEARS",
        customer.get("CellPhone") == item["CellPhoneNumber"],
        f"CellPhone, listed but absent from the update: {customer.get('CellPhone')!r}",
        operation=IMPORT,
        media_type=body,
    )
    judge(
        "IMP-NULL-CLEARS",
        customer.get("Phone") is None,
        f"Phone after a listed null: {customer.get('Phone')!r}",
        operation=IMPORT,
        media_type=body,
    )


def test_insert_without_required_fields_fails_in_processing(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """An insert needs Code, FirstName, LastName, EmailAddress listed and present: otherwise Fail+1, an
    Error log row, StatusId 4 when every item failed, and nothing is created."""
    item = new_customer(run_namespace)
    header = customer_header("Code", "FirstName", "LastName")
    outcome = run_import(norce, IMPORT, [item], header, seed=norce_seed, media_type=body)
    # The documented effect first (nothing created), then the counters that report it.
    created = customer_by_code(norce, item["Code"], seed=norce_seed)
    judge("IMP-INSERT-REQUIRED", created is None, f"created: {created}", operation=IMPORT, media_type=body)
    assert_job_counts(outcome, total=1, inserts=0, updates=0, fails=1)


@pytest.mark.parametrize("missing", ["FirstName", "LastName"])
def test_insert_missing_a_required_name_fails(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, missing: str, body: str
) -> None:
    """An insert needs FirstName and LastName present and non-empty even when they are listed: an item
    without one fails in processing (Fail+1, an Error row, StatusId 4) and creates nothing."""
    item = {k: v for k, v in new_customer(run_namespace).items() if k != missing}
    outcome = run_import(
        norce, IMPORT, [item], customer_header(*INSERT_FIELDS), seed=norce_seed, media_type=body
    )
    # The documented effect first (nothing created), then the counters that report it.
    created = customer_by_code(norce, item["Code"], seed=norce_seed)
    judge("IMP-INSERT-REQUIRED", created is None, f"created: {created}", operation=IMPORT, media_type=body)
    assert_job_counts(outcome, total=1, inserts=0, updates=0, fails=1)


def test_first_is_primary_company_wins(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """Only the first company with IsPrimary: true becomes primary (IMP-PRIMARY-COMPANY):
    includeCompanies=false returns just it (Q15), and the full Customer.Companies lists it first, "the first
    is the default company" (CS-DEFAULT-COMPANY)."""
    first, second, third = create_companies(norce, run_namespace, norce_seed, 3, body)
    companies = [{"Code": first}, {"Code": second, "IsPrimary": True}, {"Code": third, "IsPrimary": True}]
    item = new_customer(run_namespace, Companies=companies)
    header = customer_header(*INSERT_FIELDS, "Companies")
    outcome = run_import(norce, IMPORT, [item], header, seed=norce_seed, media_type=body)
    assert_job_counts(outcome, total=1, inserts=1, updates=0, fails=0)
    primary_only = customer_by_code(norce, item["Code"], seed=norce_seed, include_companies=False)
    judge(
        "IMP-PRIMARY-COMPANY",
        company_codes(primary_only) == {second},
        f"the second company is the first sent as IsPrimary; includeCompanies=false answers "
        f"{sorted(company_codes(primary_only))} (sent {first}, {second}, {third})",
        operation=IMPORT,
        media_type=body,
    )
    every = customer_by_code(norce, item["Code"], seed=norce_seed, include_companies=True)
    listed = [c.get("Code") for c in every.get("Companies") or []]
    judge(
        "CS-DEFAULT-COMPANY",
        listed[:1] == [second],
        f"Customer.Companies {listed}: the primary (default) company {second} is not first",
        operation="GetCustomerByCode",
    )


def test_empty_import_is_a_job_with_zero_items(norce: NorceClient, norce_seed: int, body: str) -> None:
    """An empty list is accepted as a job of no items (ours: IMP-EMPTY-BODY); it never writes anything."""
    header = customer_header(*INSERT_FIELDS)
    empty = encode_body(IMPORT, [], body)
    response = norce.import_customers(empty, serialize(header, "xml" if body == XML else "json"), body)
    context = explain(norce, response, operation=IMPORT, seed=norce_seed)
    judge("not_a_server_error", response.status_code < 500, f"an empty list{context}")
    if not judge("IMP-EMPTY-BODY", response.status_code == 200, f"an empty list was refused{context}"):
        return
    outcome = run_import(norce, IMPORT, [], header, seed=norce_seed, media_type=body)
    assert_job_counts(outcome, total=0, inserts=0, updates=0, fails=0)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("preserve", [True, False], ids=["PreserveFlags", "replace"])
def test_preserve_flags(
    norce: NorceClient,
    run_namespace: RunNamespace,
    norce_seed: int,
    preserve: bool,
    operation: str,
    body: str,
) -> None:
    """Without PreserveFlags the sent set replaces the existing flags; with it, flags not sent stay
    (CustomerField 21 and CompanyField 22, docs/norce-facts.md §3 and §4.1 "Flags"). The flags are the
    target's (tenant reference data; run-owned codes on the embedded emulator)."""
    one, two, three = require_codes(norce, run_namespace, FLAG_KINDS[operation], 3)
    item = new_entity(operation, run_namespace, Flags=[{"Code": one}, {"Code": two}])
    created = run_import(
        norce, operation, [item], insert_header(operation, "Flags"), seed=norce_seed, media_type=body
    )
    assert_job_counts(created, total=1, inserts=1, updates=0, fails=0)
    before = selected_flag_ids(entity_by_code(norce, operation, item["Code"], seed=norce_seed))
    judge("IMP-READ-BACK", len(before) == 2, f"two flags imported, read {before}", operation=operation)
    fields = ("Flags", "PreserveFlags") if preserve else ("Flags",)
    update = update_of(operation, item, Flags=[{"Code": three}])
    run_import(
        norce, operation, [update], update_header(operation, *fields), seed=norce_seed, media_type=body
    )
    after = selected_flag_ids(entity_by_code(norce, operation, item["Code"], seed=norce_seed))
    if preserve:
        kept = before < after and len(after) == 3
        detail = f"PreserveFlags keeps the flags not sent: {sorted(before)} -> {sorted(after)}"
    else:
        kept = len(after) == 1 and not (after & before)
        detail = f"the sent set replaces the flags: {sorted(before)} -> {sorted(after)}"
    judge("IMP-FLAGS", kept, f"{operation}: {detail}", operation=operation, media_type=body)


@pytest.mark.job_chain(3)  # three imports, each needing the one before
@pytest.mark.parametrize("delta", [True, False], ids=["IsCompanyListDelta", "full-list"])
def test_company_list_delta(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, delta: bool, body: str
) -> None:
    """IsCompanyListDelta false (default): relations not in the list are removed; true: only added."""
    first, second, third = create_companies(norce, run_namespace, norce_seed, 3, body)
    item = new_customer(run_namespace, Companies=[{"Code": first}, {"Code": second}])
    header = customer_header(*INSERT_FIELDS, "Companies")
    run_import(norce, IMPORT, [item], header, seed=norce_seed, media_type=body)
    before = company_codes(customer_by_code(norce, item["Code"], seed=norce_seed, include_companies=True))
    judge(
        "IMP-READ-BACK", before == {first, second}, f"companies {before}", operation=IMPORT, media_type=body
    )
    update = {"Code": item["Code"], "Companies": [{"Code": third}], "IsCompanyListDelta": delta}
    header = customer_header("Code", "Companies")
    run_import(norce, IMPORT, [update], header, seed=norce_seed, media_type=body)
    after = company_codes(customer_by_code(norce, item["Code"], seed=norce_seed, include_companies=True))
    expected = {first, second, third} if delta else {third}
    judge(
        "IMP-LIST-DELTA",
        after == expected,
        f"IsCompanyListDelta {delta}: companies {sorted(before)} -> {sorted(after)}, "
        f"expected {sorted(expected)}",
        operation=IMPORT,
        media_type=body,
    )


@pytest.mark.job_chain(3)  # three imports, each needing the one before
@pytest.mark.parametrize(
    "delta", [True, False, None], ids=["IsCustomerListDelta", "full-list", "IsCustomerListDelta-left-out"]
)
def test_customer_list_delta(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, delta: bool | None, body: str
) -> None:
    """Company.Customers with IsCustomerListDelta false removes customers not listed; true only adds; left
    out, it is false (docs/norce-facts.md §2A Company: "Default false")."""
    customers = [new_customer(run_namespace) for _ in range(3)]
    new_company, (code,) = new_companies(run_namespace, 1, body)
    customers_outcome, company_outcome = run_imports(  # independent: their jobs run side by side
        norce,
        [Import(IMPORT, customers, customer_header(*INSERT_FIELDS), body), new_company],
        seed=norce_seed,
    )
    assert_job_counts(customers_outcome, total=3, inserts=3, updates=0, fails=0)
    assert_job_counts(company_outcome, total=1, inserts=1, updates=0, fails=0)
    header = company_header("Code", "Customers", customers=("Code",))
    first = {
        "ApplicationKey": application_key(),
        "Code": code,
        "Customers": [{"Code": c["Code"]} for c in customers[:2]],
    }
    run_import(norce, "ImportCompanies", [first], header, seed=norce_seed, media_type=body)
    second: dict[str, Any] = {**first, "Customers": [{"Code": customers[2]["Code"]}]}
    if delta is not None:
        second["IsCustomerListDelta"] = delta
    run_import(norce, "ImportCompanies", [second], header, seed=norce_seed, media_type=body)
    company = company_by_code(norce, code, seed=norce_seed)
    members = {c["Code"] for c in read(norce, "ListCustomerByCompany", seed=norce_seed, id=company["Id"])}
    expected = {c["Code"] for c in customers} if delta else {customers[2]["Code"]}
    judge(
        "IMP-LIST-DELTA",
        members == expected,
        f"IsCustomerListDelta {delta}: customers {sorted(members)}, expected {sorted(expected)}",
        operation="ImportCompanies",
        media_type=body,
    )


def test_matching_by_email_without_search_only_by_code(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """Without SearchOnlyByCode an item with only EmailAddress matches the existing customer (update), and a
    new Code with an existing e-mail cannot be inserted (duplicate e-mail)."""
    existing = new_customer(run_namespace)
    run_import(norce, IMPORT, [existing], customer_header(*INSERT_FIELDS), seed=norce_seed, media_type=body)
    by_email = {"EmailAddress": existing["EmailAddress"], "FirstName": "MatchedByEmail"}
    duplicate = new_customer(run_namespace, EmailAddress=existing["EmailAddress"])
    matched, refused = run_imports(  # both depend only on `existing`: their jobs run side by side
        norce,
        [
            Import(IMPORT, [by_email], customer_header("EmailAddress", "FirstName"), body),
            Import(IMPORT, [duplicate], customer_header(*INSERT_FIELDS), body),
        ],
        seed=norce_seed,
    )
    assert_job_counts(matched, total=1, inserts=0, updates=1, fails=0)
    name = customer_by_code(norce, existing["Code"], seed=norce_seed)["FirstName"]
    judge("IMP-MATCHING", name == "MatchedByEmail", f"FirstName {name!r}", operation=IMPORT, media_type=body)
    assert_job_counts(refused, total=1, inserts=0, updates=0, fails=1)
    created = customer_by_code(norce, duplicate["Code"], seed=norce_seed)
    judge("IMP-MATCHING", created is None, f"duplicate e-mail inserted: {created}", operation=IMPORT)


def test_search_only_by_code(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """With SearchOnlyByCode a duplicate e-mail is allowed, and EmailAddress alone is no identity."""
    existing = new_customer(run_namespace)
    run_import(norce, IMPORT, [existing], customer_header(*INSERT_FIELDS), seed=norce_seed, media_type=body)
    header = customer_header(*INSERT_FIELDS, "SearchOnlyByCode")
    duplicate = new_customer(run_namespace, EmailAddress=existing["EmailAddress"])
    only_email = {"EmailAddress": existing["EmailAddress"], "FirstName": "X", "LastName": "Y"}
    allowed, no_identity = run_imports(  # both depend only on `existing`: their jobs run side by side
        norce,
        [Import(IMPORT, [duplicate], header, body), Import(IMPORT, [only_email], header, body)],
        seed=norce_seed,
    )
    assert_job_counts(allowed, total=1, inserts=1, updates=0, fails=0)
    email = (customer_by_code(norce, duplicate["Code"], seed=norce_seed) or {}).get("Email")
    judge(
        "IMP-SEARCH-ONLY-BY-CODE",
        email == existing["EmailAddress"],
        f"a second customer with the same e-mail: Email {email!r}",
        operation=IMPORT,
        media_type=body,
    )
    assert_job_counts(no_identity, total=1, inserts=0, updates=0, fails=1, validation_failures=1)


def login(norce: NorceClient, login_name: str, password: str) -> Any:
    return norce.call("LoginPost", json={"LoginName": login_name, "Password": password})


def _account_item(ns: RunNamespace, login_name: str, password: str, status: int, role: str) -> dict[str, Any]:
    register_secret("test password", password)  # reports must never show it
    account = {
        "ApplicationKey": application_key(),
        "LoginName": login_name,
        "Password": password,
        "Status": status,
        "Roles": [{"Code": role}],
    }
    return new_customer(ns, Accounts=[account])


def _role_ids(norce: NorceClient, seed: int) -> dict[str, int]:
    return {r["Code"]: r["Id"] for r in read(norce, "ListAccountRoles", seed=seed)}


def test_create_only_account_fields_change_only_on_create(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """PasswordCreateOnly, StatusCreateOnly and RolesCreateOnly apply when the account is created only."""
    login_name = run_namespace.email("login")
    header = customer_header(
        *INSERT_FIELDS, "Accounts", accounts=("PasswordCreateOnly", "StatusCreateOnly", "RolesCreateOnly")
    )
    created = _account_item(run_namespace, login_name, "First-Pass-1", 1, "User")
    run_import(norce, IMPORT, [created], header, seed=norce_seed, media_type=body)
    roles = _role_ids(norce, norce_seed)
    first = customer_by_code(norce, created["Code"], seed=norce_seed)["Account"] or {}
    observed = (first.get("LoginName"), first.get("IsActive"), first.get("Roles"))
    judge(
        "IMP-ACCOUNTS",
        observed == (login_name, True, [roles["User"]]),
        f"the created account (LoginName, IsActive, Roles): {observed}",
        operation=IMPORT,
        media_type=body,
    )
    again = {
        **_account_item(run_namespace, login_name, "Second-Pass-2", 2, "Administrator"),
        "Code": created["Code"],
    }
    run_import(norce, IMPORT, [again], header, seed=norce_seed, media_type=body)
    account = customer_by_code(norce, created["Code"], seed=norce_seed)["Account"] or {}
    judge(
        "IMP-ACCOUNTS",
        (account.get("IsActive"), account.get("Roles")) == (True, [roles["User"]]),
        f"create-only status and roles changed on update: {account}",
        operation=IMPORT,
        media_type=body,
    )
    ok = login(norce, login_name, "First-Pass-1")
    judge(
        "IMP-ACCOUNTS",
        ok.status_code == 200 and ok.json()["Code"] == created["Code"],
        f"the password set on create no longer logs in"
        f"{explain(norce, ok, operation='LoginPost', seed=norce_seed)}",
        operation=IMPORT,
    )
    wrong = login(norce, login_name, "Second-Pass-2")
    judge(
        "IMP-ACCOUNTS",
        wrong.status_code == 400 and error_keys(wrong) == ["LoginFailed"],
        f"PasswordCreateOnly: the update's password logs in"
        f"{explain(norce, wrong, operation='LoginPost', seed=norce_seed)}",
        operation=IMPORT,
    )


def test_status_and_roles_always_update(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """Status (1) and Roles (3) apply on every import; without PasswordCreateOnly no password is set."""
    login_name = run_namespace.email("login")
    header = customer_header(*INSERT_FIELDS, "Accounts", accounts=("Status", "Roles"))
    created = _account_item(run_namespace, login_name, "Never-Set-1", 1, "User")
    run_import(norce, IMPORT, [created], header, seed=norce_seed, media_type=body)
    roles = _role_ids(norce, norce_seed)
    again = {
        **_account_item(run_namespace, login_name, "Never-Set-1", 2, "Administrator"),
        "Code": created["Code"],
    }
    run_import(norce, IMPORT, [again], header, seed=norce_seed, media_type=body)
    account = customer_by_code(norce, created["Code"], seed=norce_seed)["Account"] or {}
    judge(
        "IMP-ACCOUNTS",
        (account.get("IsActive"), account.get("Roles")) == (False, [roles["Administrator"]]),
        f"Status and Roles listed: the update's status 2 and role Administrator are written: {account}",
        operation=IMPORT,
        media_type=body,
    )
    refused = login(norce, login_name, "Never-Set-1")
    judge(
        "IMP-ACCOUNTS",
        refused.status_code == 400 and error_keys(refused) == ["LoginFailed"],
        f"a password was set without PasswordCreateOnly"
        f"{explain(norce, refused, operation='LoginPost', seed=norce_seed)}",
        operation=IMPORT,
    )


def test_update_account_status(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """UpdateAccountStatus sets the customer's account IsActive (and returns the Customer)."""
    header = customer_header(*INSERT_FIELDS, "Accounts", accounts=("PasswordCreateOnly", "Status"))
    created = _account_item(run_namespace, run_namespace.email("login"), "Pass-Word-3", 1, "User")
    run_import(norce, IMPORT, [created], header, seed=norce_seed, media_type=body)
    customer_id = customer_by_code(norce, created["Code"], seed=norce_seed)["Id"]
    for active in (False, True):
        params = {"customerId": customer_id, "isActive": str(active).lower(), "updatedBy": 1}
        response = norce.call("UpdateAccountStatus", params=params)
        assert response.status_code == 200, explain(
            norce, response, operation="UpdateAccountStatus", seed=norce_seed
        )
        answered = (response.json().get("Account") or {}).get("IsActive")
        read_back = (customer_by_code(norce, created["Code"], seed=norce_seed)["Account"] or {}).get(
            "IsActive"
        )
        judge(
            "CS-WRITES",
            answered is active and read_back is active,
            f"UpdateAccountStatus isActive={active}: answered {answered!r}, read back {read_back!r}",
            operation="UpdateAccountStatus",
        )
