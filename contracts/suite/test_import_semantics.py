"""End-to-end import semantics: import through Connect 4.0, wait for the job, read back through Customer
Service 1.1, and compare with what the header said should change.

Every expectation is quoted from docs/import-semantics.md (and docs/norce-facts.md §3 and §4), never from a
server. All data is created under the run namespace (codes and e-mails start with the run prefix) and recorded
in the ledger by the client.
"""

from __future__ import annotations

from typing import Any

import pytest

from contracts.oracle.strategies.requests import encode_body
from contracts.reports.recorder import register_secret
from contracts.reports.verdicts import judge
from contracts.suite.flows import (
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
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

pytestmark = [pytest.mark.contract, pytest.mark.writes]

INSERT_FIELDS = ("Code", "FirstName", "LastName", "EmailAddress")
IMPORT = "ImportCustomers"


def new_customer(ns: RunNamespace, **extra: Any) -> dict[str, Any]:
    return {
        "Code": ns.code("cust"),
        "FirstName": "Anna",
        "LastName": "Berg",
        "EmailAddress": ns.email("cust"),
        **extra,
    }


def new_companies(ns: RunNamespace, count: int) -> tuple[Import, list[str]]:
    """An import of `count` new companies, and their codes."""
    codes = [ns.code("co") for _ in range(count)]
    items = [
        {"ApplicationKey": application_key(), "Code": c, "Name": f"Co {c}", "OrganizationNo": ns.code("org")}
        for c in codes
    ]
    return Import("ImportCompanies", items, company_header("Code", "Name", "OrganizationNo")), codes


def create_companies(norce: NorceClient, ns: RunNamespace, seed: int, count: int) -> list[str]:
    companies, codes = new_companies(ns, count)
    outcome = run_imports(norce, [companies], seed=seed)[0]
    assert_job_counts(outcome, total=count, inserts=count, updates=0, fails=0)
    return codes


def company_codes(customer: dict[str, Any]) -> set[str]:
    return {c.get("Code") for c in customer.get("Companies") or []}


MAX_BODY_BYTES = 10 * 1024 * 1024  # docs/import-semantics.md Request 8


def test_unparseable_and_oversized_bodies_import_nothing(norce: NorceClient, norce_seed: int) -> None:
    """An unparseable body and one over 10 MiB import nothing: no 5xx, and a 4xx or a job that writes nothing
    (IMP-NO-WRITE-ON-REJECT, documented). Our answers, 400 BodyMalformed and 413 PayloadTooLarge
    (docs/import-semantics.md Request 6 and 8), are IMP-BODY-FORM: Norce documents neither."""
    header = serialize(customer_header(*INSERT_FIELDS))
    cases = [
        (b'[{"Code": "unterminated', 400, "BodyMalformed"),
        (b"[" + b" " * MAX_BODY_BYTES + b"]", 413, "PayloadTooLarge"),
    ]
    for body, status, key in cases:
        response = norce.import_customers(body, header)
        context = explain(norce, response, operation="ImportCustomers", seed=norce_seed)
        judge("not_a_server_error", response.status_code < 500, f"{len(body)}-byte body{context}")
        wrote = False
        if 200 <= response.status_code < 300:
            job = norce.wait_for_job(int(response.json()["JobId"]))
            wrote = bool(job.get("Inserts") or job.get("Updates"))
        judge("IMP-NO-WRITE-ON-REJECT", not wrote, f"{len(body)}-byte body wrote items{context}")
        form = response.status_code == status and error_keys(response)[:1] == [key]
        judge("IMP-BODY-FORM", form, f"{len(body)}-byte body: expected {status} {key}{context}")


def test_non_ascii_names_long_codes_and_xml_bom_are_imported(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> None:
    """Valid inputs a server must not crash on: non-ASCII names are stored as sent, a long Code is a normal
    item (the docs set no limit; it may fail, but as a counted item), an XML body may start with a BOM."""
    accented = new_customer(run_namespace, FirstName="Åsa Ödmark", LastName="Łukasz-Ñuñez")
    long_code = new_customer(run_namespace, Code=run_namespace.code("long") + "x" * 300)
    bom_item = new_customer(run_namespace)
    bom_body = b"\xef\xbb\xbf" + encode_body("ImportCustomers", [bom_item], XML)
    header = customer_header(*INSERT_FIELDS)
    accented_outcome, long_outcome, bom_outcome = run_imports(  # independent: their jobs run side by side
        norce,
        [
            Import(IMPORT, [accented], header),
            Import(IMPORT, [long_code], header),
            Import(IMPORT, bom_body, serialize(header, "xml"), XML),
        ],
        seed=norce_seed,
    )

    assert_job_counts(accented_outcome, total=1, inserts=1, updates=0, fails=0)
    stored = customer_by_code(norce, accented["Code"], seed=norce_seed)
    assert (stored["FirstName"], stored["LastName"]) == (accented["FirstName"], accented["LastName"])
    # A query parameter the operation does not declare is a client's input too: never a server error.
    extra = norce.call("GetCustomerByCode", params={"code": accented["Code"], "notDeclared": "1"})
    assert extra.status_code < 500, (
        f"undeclared query parameter{explain(norce, extra, operation='GetCustomerByCode', seed=norce_seed)}"
    )

    job = long_outcome.job
    assert (job["Totals"], job["Inserts"] + job["Updates"] + job["Fail"]) == (1, 1), f"long Code: {job}"

    assert_job_counts(bom_outcome, total=1, inserts=1, updates=0, fails=0)


def test_insert_counts_validation_failures_and_reads_back(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> None:
    """NrOfItemsInTotal = items sent; an item without identity fails initial validation and is logged;
    Totals = Inserts + Updates + Fail; every valid item exists afterwards with the values sent."""
    valid = [new_customer(run_namespace) for _ in range(3)]
    no_identity = {"FirstName": "Nobody", "LastName": "Known"}
    outcome = run_import(
        norce, "ImportCustomers", [*valid, no_identity], customer_header(*INSERT_FIELDS), seed=norce_seed
    )
    assert_job_counts(outcome, total=4, inserts=3, updates=0, fails=1, validation_failures=1)
    rows = [row.get("ImportedRow") for row in outcome.log_rows(3)]
    judge("IMP-LOG-LAYOUT", rows == ["3"], f"Error row must name item 3: {outcome.log}", operation=IMPORT)
    for item in valid:
        customer = customer_by_code(norce, item["Code"], seed=norce_seed)
        assert customer is not None, f"{item['Code']} was imported but GetCustomerByCode answers null"
        observed = {k: customer.get(k) for k in ("Code", "FirstName", "LastName", "Email", "IsActive")}
        expected = {
            **{k: item[k] for k in ("Code", "FirstName", "LastName")},
            "Email": item["EmailAddress"],
            "IsActive": True,
        }
        assert observed == expected, "new customers get the values sent and IsActive = true"


def test_update_writes_only_listed_fields(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> None:
    """Only listed fields are written; a listed field absent leaves the value; a listed null clears it."""
    item = new_customer(run_namespace, PhoneNumber="+46700000001", CellPhoneNumber="+46700000002")
    run_import(
        norce,
        "ImportCustomers",
        [item],
        customer_header(*INSERT_FIELDS, "PhoneNumber", "CellPhoneNumber"),
        seed=norce_seed,
    )
    update = {"Code": item["Code"], "FirstName": "Changed", "LastName": "NotListed", "PhoneNumber": None}
    header = customer_header("Code", "FirstName", "PhoneNumber", "CellPhoneNumber")  # LastName unlisted
    outcome = run_import(norce, "ImportCustomers", [update], header, seed=norce_seed)
    assert_job_counts(outcome, total=1, inserts=0, updates=1, fails=0)
    customer = customer_by_code(norce, item["Code"], seed=norce_seed)
    observed = {k: customer.get(k) for k in ("FirstName", "LastName", "Email", "CellPhone")}
    expected = {
        "FirstName": "Changed",
        "LastName": "Berg",
        "Email": item["EmailAddress"],
        "CellPhone": "+46700000002",
    }
    assert observed == expected, "only listed fields are written; a listed field left out keeps its value"
    judge(
        "IMP-NULL-CLEARS",
        customer.get("Phone") is None,
        f"Phone after a listed null: {customer.get('Phone')!r}",
    )


def test_insert_without_required_fields_fails_in_processing(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> None:
    """An insert needs Code, FirstName, LastName, EmailAddress listed and present: otherwise Fail+1, an
    Error log row, StatusId 4 when every item failed, and nothing is created."""
    item = new_customer(run_namespace)
    outcome = run_import(
        norce, "ImportCustomers", [item], customer_header("Code", "FirstName", "LastName"), seed=norce_seed
    )
    assert_job_counts(outcome, total=1, inserts=0, updates=0, fails=1)
    assert customer_by_code(norce, item["Code"], seed=norce_seed) is None


@pytest.mark.parametrize("missing", ["FirstName", "LastName"])
def test_insert_missing_a_required_name_fails(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, missing: str
) -> None:
    """An insert needs FirstName and LastName present and non-empty even when they are listed: an item
    without one fails in processing (Fail+1, an Error row, StatusId 4) and creates nothing."""
    item = {k: v for k, v in new_customer(run_namespace).items() if k != missing}
    outcome = run_import(norce, "ImportCustomers", [item], customer_header(*INSERT_FIELDS), seed=norce_seed)
    assert_job_counts(outcome, total=1, inserts=0, updates=0, fails=1)
    assert customer_by_code(norce, item["Code"], seed=norce_seed) is None


def test_first_is_primary_company_wins(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> None:
    """Only the first company with IsPrimary: true becomes primary; includeCompanies=false returns just it."""
    first, second, third = create_companies(norce, run_namespace, norce_seed, 3)
    companies = [{"Code": first}, {"Code": second, "IsPrimary": True}, {"Code": third, "IsPrimary": True}]
    item = new_customer(run_namespace, Companies=companies)
    outcome = run_import(
        norce, "ImportCustomers", [item], customer_header(*INSERT_FIELDS, "Companies"), seed=norce_seed
    )
    assert_job_counts(outcome, total=1, inserts=1, updates=0, fails=0)
    primary_only = customer_by_code(norce, item["Code"], seed=norce_seed, include_companies=False)
    assert company_codes(primary_only) == {second}, f"primary company: {primary_only.get('Companies')}"


def test_empty_import_is_a_job_with_zero_items(norce: NorceClient, norce_seed: int) -> None:
    """An empty array is accepted as a job of no items (ours: IMP-EMPTY-BODY); it never writes anything."""
    header = serialize(customer_header(*INSERT_FIELDS))
    response = norce.import_customers([], header)
    context = explain(norce, response, operation="ImportCustomers", seed=norce_seed)
    judge("not_a_server_error", response.status_code < 500, f"an empty array{context}")
    if not judge("IMP-EMPTY-BODY", response.status_code == 200, f"an empty array was refused{context}"):
        return
    outcome = run_import(norce, "ImportCustomers", [], customer_header(*INSERT_FIELDS), seed=norce_seed)
    assert_job_counts(outcome, total=0, inserts=0, updates=0, fails=0)


def test_xml_body_and_xml_header_import(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> None:
    """The same semantics with an XML body (ArrayOfCustomer) and the DataContract XML header."""
    item = new_customer(run_namespace)
    header = customer_header(*INSERT_FIELDS)
    body = encode_body("ImportCustomers", [item], XML)
    outcome = run_import(
        norce, "ImportCustomers", body, serialize(header, "xml"), seed=norce_seed, media_type=XML
    )
    assert_job_counts(outcome, total=1, inserts=1, updates=0, fails=0)
    assert customer_by_code(norce, item["Code"], seed=norce_seed)["FirstName"] == item["FirstName"]


def _selected_flag_ids(customer: dict[str, Any]) -> set[int]:
    return {f["Id"] for f in customer.get("Flags") or [] if f.get("IsSelected", True)}


@pytest.mark.parametrize("preserve", [True, False], ids=["PreserveFlags", "replace"])
def test_preserve_flags(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, preserve: bool
) -> None:
    """Without PreserveFlags the sent set replaces the existing flags; with it, flags not sent stay."""
    item = new_customer(
        run_namespace, Flags=[{"Code": run_namespace.code("flag")}, {"Code": run_namespace.code("flag")}]
    )
    run_import(norce, "ImportCustomers", [item], customer_header(*INSERT_FIELDS, "Flags"), seed=norce_seed)
    before = _selected_flag_ids(customer_by_code(norce, item["Code"], seed=norce_seed))
    assert len(before) == 2, "both imported flags are set"
    fields = ("Code", "Flags", "PreserveFlags") if preserve else ("Code", "Flags")
    update = {"Code": item["Code"], "Flags": [{"Code": run_namespace.code("flag")}]}
    run_import(norce, "ImportCustomers", [update], customer_header(*fields), seed=norce_seed)
    after = _selected_flag_ids(customer_by_code(norce, item["Code"], seed=norce_seed))
    if preserve:
        assert before < after and len(after) == 3, f"PreserveFlags keeps flags not sent: {before} -> {after}"
    else:
        assert len(after) == 1 and not (after & before), (
            f"the sent set replaces the flags: {before} -> {after}"
        )


@pytest.mark.job_chain(3)  # three imports, each needing the one before
@pytest.mark.parametrize("delta", [True, False], ids=["IsCompanyListDelta", "full-list"])
def test_company_list_delta(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, delta: bool
) -> None:
    """IsCompanyListDelta false (default): relations not in the list are removed; true: only added."""
    first, second, third = create_companies(norce, run_namespace, norce_seed, 3)
    item = new_customer(run_namespace, Companies=[{"Code": first}, {"Code": second}])
    run_import(
        norce, "ImportCustomers", [item], customer_header(*INSERT_FIELDS, "Companies"), seed=norce_seed
    )
    assert company_codes(customer_by_code(norce, item["Code"], seed=norce_seed, include_companies=True)) == {
        first,
        second,
    }
    update = {"Code": item["Code"], "Companies": [{"Code": third}], "IsCompanyListDelta": delta}
    run_import(norce, "ImportCustomers", [update], customer_header("Code", "Companies"), seed=norce_seed)
    after = company_codes(customer_by_code(norce, item["Code"], seed=norce_seed, include_companies=True))
    assert after == ({first, second, third} if delta else {third})


@pytest.mark.job_chain(3)  # three imports, each needing the one before
@pytest.mark.parametrize("delta", [True, False], ids=["IsCustomerListDelta", "full-list"])
def test_customer_list_delta(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, delta: bool
) -> None:
    """Company.Customers with IsCustomerListDelta false removes customers not listed; true only adds."""
    customers = [new_customer(run_namespace) for _ in range(3)]
    new_company, (code,) = new_companies(run_namespace, 1)
    customers_outcome, company_outcome = run_imports(  # independent: their jobs run side by side
        norce, [Import(IMPORT, customers, customer_header(*INSERT_FIELDS)), new_company], seed=norce_seed
    )
    assert_job_counts(customers_outcome, total=3, inserts=3, updates=0, fails=0)
    assert_job_counts(company_outcome, total=1, inserts=1, updates=0, fails=0)
    header = company_header("Code", "Customers", customers=("Code",))
    first = {
        "ApplicationKey": application_key(),
        "Code": code,
        "Customers": [{"Code": c["Code"]} for c in customers[:2]],
    }
    run_import(norce, "ImportCompanies", [first], header, seed=norce_seed)
    second = {**first, "Customers": [{"Code": customers[2]["Code"]}], "IsCustomerListDelta": delta}
    run_import(norce, "ImportCompanies", [second], header, seed=norce_seed)
    company = company_by_code(norce, code, seed=norce_seed)
    members = read(norce, "ListCustomerByCompany", seed=norce_seed, id=company["Id"])
    expected = {c["Code"] for c in customers} if delta else {customers[2]["Code"]}
    assert {c["Code"] for c in members} == expected


def test_matching_by_email_without_search_only_by_code(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> None:
    """Without SearchOnlyByCode an item with only EmailAddress matches the existing customer (update), and a
    new Code with an existing e-mail cannot be inserted (duplicate e-mail)."""
    existing = new_customer(run_namespace)
    run_import(norce, "ImportCustomers", [existing], customer_header(*INSERT_FIELDS), seed=norce_seed)
    by_email = {"EmailAddress": existing["EmailAddress"], "FirstName": "MatchedByEmail"}
    duplicate = new_customer(run_namespace, EmailAddress=existing["EmailAddress"])
    matched, refused = run_imports(  # both depend only on `existing`: their jobs run side by side
        norce,
        [
            Import(IMPORT, [by_email], customer_header("EmailAddress", "FirstName")),
            Import(IMPORT, [duplicate], customer_header(*INSERT_FIELDS)),
        ],
        seed=norce_seed,
    )
    assert_job_counts(matched, total=1, inserts=0, updates=1, fails=0)
    assert customer_by_code(norce, existing["Code"], seed=norce_seed)["FirstName"] == "MatchedByEmail"
    assert_job_counts(refused, total=1, inserts=0, updates=0, fails=1)
    assert customer_by_code(norce, duplicate["Code"], seed=norce_seed) is None


def test_search_only_by_code(norce: NorceClient, run_namespace: RunNamespace, norce_seed: int) -> None:
    """With SearchOnlyByCode a duplicate e-mail is allowed, and EmailAddress alone is no identity."""
    existing = new_customer(run_namespace)
    run_import(norce, "ImportCustomers", [existing], customer_header(*INSERT_FIELDS), seed=norce_seed)
    header = customer_header(*INSERT_FIELDS, "SearchOnlyByCode")
    duplicate = new_customer(run_namespace, EmailAddress=existing["EmailAddress"])
    only_email = {"EmailAddress": existing["EmailAddress"], "FirstName": "X", "LastName": "Y"}
    allowed, no_identity = run_imports(  # both depend only on `existing`: their jobs run side by side
        norce, [Import(IMPORT, [duplicate], header), Import(IMPORT, [only_email], header)], seed=norce_seed
    )
    assert_job_counts(allowed, total=1, inserts=1, updates=0, fails=0)
    assert customer_by_code(norce, duplicate["Code"], seed=norce_seed)["Email"] == existing["EmailAddress"]
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
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> None:
    """PasswordCreateOnly, StatusCreateOnly and RolesCreateOnly apply when the account is created only."""
    login_name = run_namespace.email("login")
    header = customer_header(
        *INSERT_FIELDS, "Accounts", accounts=("PasswordCreateOnly", "StatusCreateOnly", "RolesCreateOnly")
    )
    created = _account_item(run_namespace, login_name, "First-Pass-1", 1, "User")
    run_import(norce, "ImportCustomers", [created], header, seed=norce_seed)
    roles = _role_ids(norce, norce_seed)
    first = customer_by_code(norce, created["Code"], seed=norce_seed)
    assert first["Account"]["LoginName"] == login_name and first["Account"]["IsActive"] is True
    assert first["Account"]["Roles"] == [roles["User"]]
    again = {
        **_account_item(run_namespace, login_name, "Second-Pass-2", 2, "Administrator"),
        "Code": created["Code"],
    }
    run_import(norce, "ImportCustomers", [again], header, seed=norce_seed)
    account = customer_by_code(norce, created["Code"], seed=norce_seed)["Account"]
    assert (account["IsActive"], account["Roles"]) == (True, [roles["User"]]), (
        "create-only fields changed on update"
    )
    ok = login(norce, login_name, "First-Pass-1")
    assert ok.status_code == 200 and ok.json()["Code"] == created["Code"], explain(
        norce, ok, operation="LoginPost", seed=norce_seed
    )
    wrong = login(norce, login_name, "Second-Pass-2")
    assert wrong.status_code == 400 and error_keys(wrong) == ["LoginFailed"], explain(
        norce, wrong, operation="LoginPost", seed=norce_seed
    )


def test_status_and_roles_always_update(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> None:
    """Status (1) and Roles (3) apply on every import; without PasswordCreateOnly no password is set."""
    login_name = run_namespace.email("login")
    header = customer_header(*INSERT_FIELDS, "Accounts", accounts=("Status", "Roles"))
    created = _account_item(run_namespace, login_name, "Never-Set-1", 1, "User")
    run_import(norce, "ImportCustomers", [created], header, seed=norce_seed)
    roles = _role_ids(norce, norce_seed)
    again = {
        **_account_item(run_namespace, login_name, "Never-Set-1", 2, "Administrator"),
        "Code": created["Code"],
    }
    run_import(norce, "ImportCustomers", [again], header, seed=norce_seed)
    account = customer_by_code(norce, created["Code"], seed=norce_seed)["Account"]
    assert (account["IsActive"], account["Roles"]) == (False, [roles["Administrator"]])
    refused = login(norce, login_name, "Never-Set-1")
    assert refused.status_code == 400 and error_keys(refused) == ["LoginFailed"], explain(
        norce, refused, operation="LoginPost", seed=norce_seed
    )


def test_update_account_status(norce: NorceClient, run_namespace: RunNamespace, norce_seed: int) -> None:
    """UpdateAccountStatus sets the customer's account IsActive (and returns the Customer)."""
    header = customer_header(*INSERT_FIELDS, "Accounts", accounts=("PasswordCreateOnly", "Status"))
    created = _account_item(run_namespace, run_namespace.email("login"), "Pass-Word-3", 1, "User")
    run_import(norce, "ImportCustomers", [created], header, seed=norce_seed)
    customer_id = customer_by_code(norce, created["Code"], seed=norce_seed)["Id"]
    for active in (False, True):
        params = {"customerId": customer_id, "isActive": str(active).lower(), "updatedBy": 1}
        response = norce.call("UpdateAccountStatus", params=params)
        assert response.status_code == 200, explain(
            norce, response, operation="UpdateAccountStatus", seed=norce_seed
        )
        assert response.json()["Account"]["IsActive"] is active
        assert customer_by_code(norce, created["Code"], seed=norce_seed)["Account"]["IsActive"] is active
