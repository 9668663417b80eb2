"""The generated fault families (emulator/fact_faults/families.py) are real, and each breaks what its fact
says.

One emulator (jobs run at once), its faults switched by the admin call. For every member of every family:
- operations: the operation answers 404, and nothing else does;
- answer members: the answers that carry the member break the documented schema view (SCHEMA-DOCUMENTED) or,
  for a null collection, CS-EMPTY-COLLECTION, and not without the fault;
- XML names: the 1.1 XML answer breaks the XSD (XSD-CUSTOMER-SERVICE), and not without the fault;
- header fields and import members: an item that sets every member 1.1 can show no longer reads back as the
  docs map it (contracts/oracle/read_back.py, IMP-READ-BACK), and does without the fault.
A few members per family are also checked to break only their own part of the answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from contracts.oracle.enums import account_fields, company_fields, customer_fields
from contracts.oracle.header import CustomerHeader, to_json
from contracts.oracle.read_back import (
    Lookups,
    company_read_back_problems,
    customer_read_back_problems,
    payment_method_problems,
    related_customer_problems,
)
from contracts.oracle.response_checks import empty_collection_problems, xsd_problems
from contracts.oracle.schema_views import DOCUMENTED, schema_problems
from emulator.fact_faults import families
from tests.unit.emulator_http.support import CONNECT, CUSTOMER, auth_headers, make_client

JSON, XML = "application/json", "application/xml"
Client = Any
_codes = itertools.count(1)


class Emulator:
    """One emulator with a related company, customer and parent, faults switched on one at a time."""

    def __init__(self) -> None:
        self.client = make_client(job_timing="immediate")
        self.headers = auth_headers(self.client)
        self.roles = self.codes("ListAccountRoles")
        self.customer_info = self.codes("ListCustomerInfoTypes")
        self.company_info = self.codes("ListCompanyInfoTypes")
        self.imports(
            "ImportCompanies",
            [company_item("REL-CO"), company_item("PARENT")],
            company_header("Code", "Name", "OrganizationNo"),
        )
        self.imports(
            "ImportCustomers",
            [
                {
                    "Code": code,
                    "EmailAddress": f"{code.lower()}@example.com",
                    "FirstName": "R",
                    "LastName": "C",
                }
                for code in ("REL-CU", "REL-CU2")
            ],
            customer_header("Code", "EmailAddress", "FirstName", "LastName"),
        )
        self.parent_id = self.get("GetCompanyByCode", code="PARENT")["Id"]
        self.customer_id = self.get("GetCustomerByCode", code="REL-CU")["Id"]

    def codes(self, operation: str) -> dict[str, int]:
        return {e["Code"]: e["Id"] for e in self.get(operation)[:2]}

    def switch(self, *names: str) -> None:
        answer = self.client.post("/_emulator/faults", json={"enabled": list(names)})
        assert answer.status_code == 200, answer.text

    def call(
        self, operation: str, accept: str = JSON, method: str = "GET", json: Any = None, **params: Any
    ) -> Any:
        headers = {**self.headers, "Accept": accept}
        if method == "GET":
            return self.client.get(f"{CUSTOMER}/{operation}", params=params, headers=headers)
        return self.client.post(f"{CUSTOMER}/{operation}", params=params, json=json, headers=headers)

    def get(self, operation: str, **params: Any) -> Any:
        answer = self.call(operation, **params)
        assert answer.status_code == 200, f"{operation}: {answer.status_code} {answer.text[:300]}"
        return answer.json()

    def imports(self, operation: str, items: list[dict[str, Any]], header: CustomerHeader) -> None:
        sent = {**self.headers, "X-StormConnect-Header": to_json(header)}
        answer = self.client.post(f"{CONNECT}/Customer/{operation}", json=items, headers=sent)
        assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    yield Emulator()


def customer_header(*names: str, accounts: tuple[str, ...] = ()) -> CustomerHeader:
    values = tuple(customer_fields().value_of(n) or 0 for n in names)
    account_values = tuple(account_fields().value_of(n) or 0 for n in accounts) or None
    return CustomerHeader(1, customer_fields=values, account_fields=account_values)


def company_header(*names: str) -> CustomerHeader:
    values = tuple(company_fields().value_of(n) or 0 for n in names)
    customers = (customer_fields().value_of("Code") or 0,) if "Customers" in names else None
    return CustomerHeader(1, company_fields=values, customer_fields=customers)


def company_item(code: str) -> dict[str, Any]:
    return {"Code": code, "Name": f"{code} AB", "OrganizationNo": f"org-{code}"}


def address(n: int, invoice: bool) -> dict[str, Any]:
    sent = {
        "CareOf": f"c/o Åke {n}",
        "AddressLine1": f"Storgatan {n}",
        "AddressLine2": f"Trappa {n}",
        "ZipCode": f"211 4{n}",
        "City": "Malmö",
        "Region": "Skåne",
        "CountryCode": "SE",
    }
    sent["Gln" if invoice else "ShippingPhoneNumber"] = f"73500538500{n}"
    return sent


# --- items that set every member 1.1 can show (contracts/suite/test_import_read_back.py, in small) ----------
def full_customer(emulator: Emulator) -> tuple[dict[str, Any], CustomerHeader]:
    code = f"CU{next(_codes)}"
    item = {
        "Code": code,
        "EmailAddress": f"{code.lower()}@example.com",
        "SocialSecurityNumber": "19121212-1212",
        "FirstName": "Åsa-Märta",
        "LastName": "Öberg",
        "PhoneNumber": "+46 70 123 45 67",
        "CellPhoneNumber": "+46 73 765 43 21",
        "CrmId": f"crm-{code}",
        "IsActive": False,  # the default is true: a field not written reads back as true
        "InvoiceAddress": address(0, invoice=True),
        "DeliveryAddresses": [address(1, invoice=False), address(2, invoice=False)],
        "Accounts": [
            {
                "LoginName": f"{code.lower()}@example.com",
                "Status": 2,  # inactive: a status not written reads back as the default (active)
                "Roles": [{"Code": role} for role in emulator.roles],
            }
        ],
        "AdditionalInfo": [{"Code": c, "Value": f"värde {n}"} for n, c in enumerate(emulator.customer_info)],
        "Flags": [{"Code": f"{code}-F1"}, {"Code": f"{code}-F2"}],
        "PriceLists": [{"Code": f"{code}-P1"}, {"Code": f"{code}-P2"}],
        "Companies": [{"Code": "REL-CO"}, {"Code": "PARENT"}],
    }
    fields = [name for name in item if customer_fields().value_of(name) is not None]
    return item, customer_header(*fields, accounts=("Status", "Roles"))


def full_company(emulator: Emulator) -> tuple[dict[str, Any], CustomerHeader]:
    code = f"CO{next(_codes)}"
    item = {
        **company_item(code),
        "EmailAddress": f"{code.lower()}@example.com",
        "PhoneNumber": "+46 8 123 456 78",
        "VatNo": f"SE{next(_codes):012d}",
        "ParentCompanyCode": "PARENT",
        "InvoiceAddress": address(0, invoice=True),
        "DeliveryAddresses": [address(1, invoice=False), address(2, invoice=False)],
        "AdditionalInfo": [{"Code": c, "Value": f"värde {n}"} for n, c in enumerate(emulator.company_info)],
        "Customers": [{"Code": "REL-CU"}, {"Code": "REL-CU2"}],
        "Flags": [{"Code": f"{code}-F1"}, {"Code": f"{code}-F2"}],
        "PriceLists": [{"Code": f"{code}-P1"}, {"Code": f"{code}-P2"}],
        "DeliveryMethods": [{"Code": f"{code}-D1"}, {"Code": f"{code}-D2"}],
        "PaymentMethods": [
            {"Code": f"{code}-M1", "InvoiceCaptureSettingsCode": "ics-1"},
            {"Code": f"{code}-M2", "InvoiceCaptureSettingsCode": "ics-2"},
        ],
        "Discounts": [
            {"Type": 1, "ValueCode": "cat-1", "DiscountPercentage": 5.0},
            {"Type": 2, "ValueCode": "class-2", "DiscountPercentage": 7.5},
        ],
    }
    fields = [name for name in item if company_fields().value_of(name) is not None]
    return item, company_header(*fields)


def discount_problems(item: dict[str, Any], read: list[Any]) -> list[str]:
    """Discounts read back through ListCompanyDiscounts (TypeId, Value, Discount): not in read_back.py."""
    sent = sorted((d["Type"], d["ValueCode"], d["DiscountPercentage"]) for d in item["Discounts"])
    got = sorted((d.get("TypeId"), d.get("Value"), d.get("Discount")) for d in read)
    return [] if sent == got else [f"Discounts: sent {sent}, read {got}"]


def read_back_problems(emulator: Emulator, operation: str) -> list[str]:
    """Import one full item (the faults switched on now apply), then what reads back otherwise than sent."""
    if operation == "ImportCustomers":
        item, header = full_customer(emulator)
        emulator.imports(operation, [item], header)
        lookups = Lookups(role_ids=emulator.roles, info_type_ids=emulator.customer_info)
        read = emulator.get("GetCustomerByCode", code=item["Code"])
        if not isinstance(read, dict):
            return [f"no customer {item['Code']}"]
        return customer_read_back_problems(item, header, read, lookups)
    item, header = full_company(emulator)
    emulator.imports(operation, [item], header)
    lookups = Lookups(info_type_ids=emulator.company_info, company_ids={"PARENT": emulator.parent_id})
    read = emulator.get("GetCompanyByCode", code=item["Code"])
    if not isinstance(read, dict):
        return [f"no company {item['Code']}"]
    members = emulator.get("ListCustomerByCompany3", id=read["Id"], showInactive="true")
    methods = [
        emulator.get("GetCompanyPaymentMethod", paymentMethodId=m, companyId=read["Id"])
        for m in read.get("PaymentMethodIds") or []
    ]
    return [
        *company_read_back_problems(item, header, read, lookups),
        *related_customer_problems(item, header, members),
        *payment_method_problems(item, header, methods),
        *discount_problems(item, emulator.get("ListCompanyDiscounts", companyId=read["Id"])),
    ]


# --- family 1: operations -----------------------------------------------------------------------------------
def operation_status(emulator: Emulator, operation: str) -> int:
    """The status of a bare call (no parameters): a refusal of the request, or 404 when the route is gone."""
    method = (
        "GET"
        if operation.startswith(("Get", "List", "Search", "Login")) and operation != "LoginPost"
        else "POST"
    )
    return int(emulator.call(operation, method=method).status_code)


def test_every_missing_operation_fault_takes_its_operation_and_no_other(emulator: Emulator) -> None:
    assert {operation_status(emulator, op) for op in families.customer_service_operations()} & {404} == set()
    for operation in families.customer_service_operations():
        emulator.switch(families.missing_operation_fault(operation))
        assert operation_status(emulator, operation) == 404, operation
    for operation, neighbour in (("GetCustomer", "GetCustomerByCode"), ("LoginPost", "Login")):
        emulator.switch(families.missing_operation_fault(operation))
        assert operation_status(emulator, neighbour) != 404, f"{operation} took {neighbour} too"
        assert emulator.call("ListAccountRoles").status_code == 200
    emulator.switch()


# --- family 2: answer members -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def populated(emulator: Emulator) -> dict[str, Any]:
    """A customer and a company that carry every member the member faults bend."""
    customer, header = full_customer(emulator)
    emulator.imports("ImportCustomers", [customer], header)
    company, header = full_company(emulator)
    emulator.imports("ImportCompanies", [company], header)
    read = emulator.get("GetCompanyByCode", code=company["Code"])
    return {
        "customer": customer["Code"],
        "company": company["Code"],
        "company_id": read["Id"],
        "pricelist_id": read["PricelistIds"][0],
        "payment_method_id": read["PaymentMethodIds"][0],
    }


def member_reads(populated: dict[str, Any]) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """component -> the reads whose answer carries it (operation, parameters)."""
    customer = [("GetCustomerByCode", {"code": populated["customer"]})]
    company_id = populated["company_id"]
    pricelists = [("ListCompanyPricelists", {"companyId": company_id})]
    return {
        "Customer": customer,
        "Account": customer,
        "Address": customer,
        "Company": [("GetCompanyByCode", {"code": populated["company"]})],
        "CustomerFlag": [("ListCustomerFlags", {})],
        "IdNameDescription": [("ListPriceRules", {})],
        "AgreementAccount": [("GetAgreementAccount", {"id": populated["pricelist_id"]})],
        "Pricelist": pricelists,
        "PricelistPriceRule": pricelists,
        "CompanyDiscount": [("ListCompanyDiscounts", {"companyId": company_id})],
        "CompanyPaymentMethod": [
            (
                "GetCompanyPaymentMethod",
                {"companyId": company_id, "paymentMethodId": populated["payment_method_id"]},
            )
        ],
        "*": customer,
    }


def answer(
    emulator: Emulator, populated: dict[str, Any], row: families.MemberFault
) -> list[tuple[str, int, Any]]:
    """(operation, status, decoded JSON) of the answers that carry the row's component."""
    if row.component == "ErrorMessage":
        wrong = emulator.call(
            "LoginPost", method="POST", json={"LoginName": "nobody@example.com", "Password": "x"}
        )
        return [("LoginPost", wrong.status_code, wrong.json())]
    if row.component == "JobDto":
        header = {**emulator.headers, "X-StormConnect-Header": to_json(customer_header("Code"))}
        job = emulator.client.post(
            f"{CONNECT}/Customer/ImportCustomers", json=[{"Code": "REL-CU"}], headers=header
        )
        found = emulator.client.get(
            f"{CONNECT}/Job/Get", params={"id": job.json()["JobId"]}, headers=emulator.headers
        )
        return [("JobGet", found.status_code, found.json())]
    if row.component == "PricelistItem":  # the emulator echoes price-list items (README: not stored)
        item = {"PartNo": "P-1", "PricelistId": populated["pricelist_id"], "Price": 10.0, "IsActive": True}
        echoed = emulator.call("InsertPricelistItem", method="POST", json=item)
        return [("InsertPricelistItem", echoed.status_code, echoed.json())]
    found = []
    for operation, params in member_reads(populated)[row.component]:
        response = emulator.call(operation, **params)
        found.append((operation, response.status_code, response.json()))
    return found


def view_problems(answers: list[tuple[str, int, Any]], collection: bool) -> list[str]:
    check = (
        empty_collection_problems
        if collection
        else lambda op, status, media, data: schema_problems(op, status, media, data, DOCUMENTED)
    )
    return [problem for op, status, data in answers for problem in check(op, status, JSON, data)]


# json-members-camel-case is left out: the documented view allows missing and extra members, so a camelCase
# answer passes it (reported: the view would need to refuse a member that differs from a documented one only
# in case). test_camel_case_renames_every_member checks that the fault is real.
VIEWED = [row for row in families.MEMBER_FAULTS if row.mutation != "camel-case"]


@pytest.mark.parametrize("row", VIEWED, ids=[row.name for row in VIEWED])
def test_member_fault_breaks_the_view_of_its_judgement(
    emulator: Emulator, populated: dict[str, Any], row: families.MemberFault
) -> None:
    emulator.switch()
    assert view_problems(answer(emulator, populated, row), row.collection) == []
    emulator.switch(row.name)
    try:
        broken = view_problems(answer(emulator, populated, row), row.collection)
    finally:
        emulator.switch()
    assert broken, f"{row.name}: the answers of {row.component} still conform"
    members = row.members if row.members != ("*",) else ("Key",)
    assert all(any(member in problem for member in members) for problem in broken), broken


def test_camel_case_renames_every_member(emulator: Emulator, populated: dict[str, Any]) -> None:
    emulator.switch("json-members-camel-case")
    try:
        read = emulator.get("GetCustomerByCode", code=populated["customer"])
        refused = emulator.call(
            "LoginPost", method="POST", json={"LoginName": "x@example.com", "Password": "x"}
        )
        xml = emulator.call("GetCustomerByCode", accept=XML, code=populated["customer"])
    finally:
        emulator.switch()
    assert "code" in read and "Code" not in read and "loginName" in read["account"]
    assert refused.status_code == 400 and refused.json()["messages"][0]["key"] == "LoginFailed"
    assert xml_problems("GetCustomerByCode", xml) == []  # XML names are the XSD's, untouched


# --- family 3: XML names ------------------------------------------------------------------------------------
def xml_problems(operation: str, response: Any) -> list[str]:
    return xsd_problems(operation, response.status_code, XML, response.content)


def xml_reads(populated: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    customer = ("GetCustomerByCode", {"code": populated["customer"]})
    return {
        families.xml_item_fault("CompanyList"): customer,
        families.xml_item_fault("AddressList"): customer,
        families.xml_item_fault("FlagList"): customer,
        families.xml_item_fault("CustomerList"): ("ListCustomerByCompany3", {"id": populated["company_id"]}),
        families.xml_item_fault("IdValues"): ("ListAccountRoles", {}),
        families.xml_item_fault("IdNameDescriptions"): ("ListPriceRules", {}),
        families.xml_item_fault("CustomerFlags"): ("ListCustomerFlags", {}),
        families.xml_item_fault("CustomerPricelistList"): (
            "ListCompanyPricelists",
            {"companyId": populated["company_id"]},
        ),
        families.xml_item_fault("CompanyDiscountList"): (
            "ListCompanyDiscounts",
            {"companyId": populated["company_id"]},
        ),
        "xml-namespace-wrong-expose": ("ListAccountRoles", {}),
        "xml-namespace-wrong-arrays": ("GetCompanyByCode", {"code": populated["company"]}),
        families.XML_LIST_ROOT_FAULT: ("ListAccountRoles", {}),
    }


XML_FAULTS = [fault.name for fault in families.ENTRIES if fault.category == "xml"]


@pytest.mark.parametrize("name", XML_FAULTS)
def test_xml_fault_breaks_the_xsd(emulator: Emulator, populated: dict[str, Any], name: str) -> None:
    operation, params = xml_reads(populated)[name]
    emulator.switch()
    assert xml_problems(operation, emulator.call(operation, accept=XML, **params)) == []
    emulator.switch(name)
    try:
        broken = emulator.call(operation, accept=XML, **params)
        as_json = emulator.call(operation, **params)
    finally:
        emulator.switch()
    assert xml_problems(operation, broken), f"{name}: {broken.content[:300]!r}"
    assert schema_problems(operation, 200, JSON, as_json.json(), DOCUMENTED) == []  # JSON untouched


# --- families 4 and 5: header fields and import members -----------------------------------------------------
IMPORT_FAULTS = [f for f in families.ENTRIES if f.category == "import-semantics"]
# Switches and the password: they change what matches or who may log in, not a member read back.
SWITCHES = {
    families.header_field_fault("company", "SearchOnlyByCode"),
    families.header_field_fault("company", "PreserveFlags"),
    families.header_field_fault("customer", "PreserveFlags"),
    "import-password-always-updated",
}


def test_without_faults_everything_imported_reads_back(emulator: Emulator) -> None:
    emulator.switch()
    assert read_back_problems(emulator, "ImportCustomers") == []
    assert read_back_problems(emulator, "ImportCompanies") == []


@pytest.mark.parametrize("fault", [f for f in IMPORT_FAULTS if f.name not in SWITCHES], ids=lambda f: f.name)
def test_import_fault_no_longer_reads_back(emulator: Emulator, fault: Any) -> None:
    emulator.switch(fault.name)
    try:
        problems = {op: read_back_problems(emulator, op) for op in fault.operations}
    finally:
        emulator.switch()
    assert all(problems.values()), f"{fault.name}: reads back as sent through {fault.operations}"


# A few members per family break only their own part: the read-back problems name only their 1.1 member.
OWN_PART = {
    families.header_field_fault("customer", "FirstName"): ("ImportCustomers", ("FirstName",)),
    families.header_field_fault("company", "VatNo"): ("ImportCompanies", ("VatNo",)),
    families.header_field_fault("account", "Roles"): ("ImportCustomers", ("Account.Roles",)),
    "import-company-first-delivery-method-only": ("ImportCompanies", ("DeliveryMethodIds",)),
    "mapping-country-lost": ("ImportCustomers", ("InvoiceAddress.Country", "DeliveryAddresses[")),
    "import-customer-crm-id-halved": ("ImportCustomers", ("CrmId",)),
}


@pytest.mark.parametrize("name", sorted(OWN_PART))
def test_import_fault_breaks_only_its_member(emulator: Emulator, name: str) -> None:
    operation, paths = OWN_PART[name]
    emulator.switch(name)
    try:
        problems = read_back_problems(emulator, operation)
    finally:
        emulator.switch()
    assert problems and all(problem.startswith(paths) for problem in problems), problems


def second_import(emulator: Emulator, fault: str, operation: str, header_names: tuple[str, ...]) -> Any:
    """Flags after a second import that sends another flag with PreserveFlags listed."""
    emulator.switch(fault) if fault else emulator.switch()
    code = f"PF{next(_codes)}"
    first = {"Code": code, "Flags": [{"Code": f"{code}-A"}]}
    if operation == "ImportCustomers":
        first |= {"EmailAddress": f"{code.lower()}@example.com", "FirstName": "A", "LastName": "B"}
        header = customer_header("Code", "EmailAddress", "FirstName", "LastName", "Flags")
        again = customer_header("Code", *header_names)
        read = "GetCustomerByCode"
    else:
        first |= {"Name": code, "OrganizationNo": f"org-{code}"}
        header = company_header("Code", "Name", "OrganizationNo", "Flags")
        again = company_header("Code", *header_names)
        read = "GetCompanyByCode"
    emulator.imports(operation, [first], header)
    emulator.imports(operation, [{"Code": code, "Flags": [{"Code": f"{code}-B"}]}], again)
    flags = len(emulator.get(read, code=code)["Flags"])
    emulator.switch()
    return flags


@pytest.mark.parametrize("operation", ["ImportCustomers", "ImportCompanies"])
def test_preserve_flags_ignored(emulator: Emulator, operation: str) -> None:
    kind = "customer" if operation == "ImportCustomers" else "company"
    fault = families.header_field_fault(kind, "PreserveFlags")
    assert second_import(emulator, "", operation, ("Flags", "PreserveFlags")) == 2
    assert second_import(emulator, fault, operation, ("Flags", "PreserveFlags")) == 1


def test_company_search_only_by_code_ignored(emulator: Emulator) -> None:
    def duplicate_org_no_inserted(fault: str) -> bool:
        emulator.switch(fault) if fault else emulator.switch()
        first, second = f"SO{next(_codes)}", f"SO{next(_codes)}"
        items = [{"Code": first, "Name": first, "OrganizationNo": f"org-{first}"}]
        emulator.imports("ImportCompanies", items, company_header("Code", "Name", "OrganizationNo"))
        twin = [{"Code": second, "Name": second, "OrganizationNo": f"org-{first}"}]
        emulator.imports(
            "ImportCompanies", twin, company_header("Code", "Name", "OrganizationNo", "SearchOnlyByCode")
        )
        found = emulator.get("GetCompanyByCode", code=second) is not None
        emulator.switch()
        return found

    assert duplicate_org_no_inserted("")
    assert not duplicate_org_no_inserted(families.header_field_fault("company", "SearchOnlyByCode"))


def test_password_always_updated(emulator: Emulator) -> None:
    def new_password_works(fault: str) -> bool:
        emulator.switch(fault) if fault else emulator.switch()
        code = f"PW{next(_codes)}"
        login = f"{code.lower()}@example.com"
        person = {"Code": code, "EmailAddress": login, "FirstName": "A", "LastName": "B"}
        first = {**person, "Accounts": [{"LoginName": login, "Password": "First-pass-1"}]}
        fields = ("Code", "EmailAddress", "FirstName", "LastName", "Accounts")
        emulator.imports(
            "ImportCustomers", [first], customer_header(*fields, accounts=("PasswordCreateOnly",))
        )
        again = {"Code": code, "Accounts": [{"LoginName": login, "Password": "Second-pass-2", "Status": 1}]}
        emulator.imports(
            "ImportCustomers", [again], customer_header("Code", "Accounts", accounts=("Status",))
        )
        answer = emulator.call(
            "LoginPost", method="POST", json={"LoginName": login, "Password": "Second-pass-2"}
        )
        emulator.switch()
        return bool(answer.status_code == 200)

    assert not new_password_works("")
    assert new_password_works("import-password-always-updated")


# --- the remaining facts ------------------------------------------------------------------------------------
def connect_status(emulator: Emulator, path: str) -> int:
    return int(
        emulator.client.get(f"{CONNECT}/{path}", params={"id": 1}, headers=emulator.headers).status_code
    )


def import_answer(emulator: Emulator) -> Any:
    header = {**emulator.headers, "X-StormConnect-Header": to_json(customer_header("Code"))}
    return emulator.client.post(
        f"{CONNECT}/Customer/ImportCustomers", json=[{"Code": "REL-CU"}], headers=header
    )


def observe_remaining(emulator: Emulator) -> dict[str, Any]:
    """One projection of every answer the remaining faults bend."""
    anonymous = emulator.client.get(f"{CUSTOMER}/ListAccountRoles")
    created = emulator.call(
        "CreateCustomer3", method="POST", json={"Code": f"RM{next(_codes)}", "Email": "x@x.se"}
    )
    activated = emulator.call(
        "ActivateCustomer", method="POST", customerId=emulator.customer_id, activatedBy=1
    )
    login = emulator.call(
        "LoginPost", method="POST", json={"LoginName": "nobody@example.com", "Password": "x"}
    )
    imported = import_answer(emulator)
    jobs = emulator.client.get(f"{CONNECT}/Job/List", headers=emulator.headers)
    return {
        "roles": emulator.call("ListAccountRoles").status_code,
        "job-get": connect_status(emulator, "Job/Get"),
        "job-log": connect_status(emulator, "Job/GetLog"),
        "job-list": len(jobs.json()) > 0 if jobs.status_code == 200 else jobs.status_code,
        "import": (imported.status_code, imported.headers.get("content-type", "").split(";")[0]),
        "create": created.status_code,
        "login": login.status_code,
        "anonymous": anonymous.status_code,
        "activate": (activated.status_code, activated.content),
    }


REMAINING = {
    "cs-base-path-moved": {
        "roles": 404,
        "create": 404,
        "login": 404,
        "anonymous": 404,
        "activate": (404, None),
    },
    "connect-base-path-moved": {"job-get": 404, "job-log": 404, "job-list": 404, "import": (404, None)},
    "import-plural-paths-missing": {"import": (404, None)},
    "job-service-missing": {"job-get": 404, "job-log": 404, "job-list": 404},
    "job-list-empty": {"job-list": False},
    "import-answer-text-plain": {"import": (200, "text/plain")},
    "cs-success-returns-201": {"create": 201, "activate": (201, b"")},
    "cs-business-error-409": {"login": 409},
    "cs-auth-refusal-400": {"anonymous": 400},
    "cs-no-entity-answers-true": {"activate": (200, b"true")},
}


def test_every_remaining_fault_is_listed_here() -> None:
    assert (
        set(REMAINING)
        == set(families.WITHDRAWN_PATHS) | {f.name for f in families.ENTRIES if f.name in REMAINING}
        == {f.name for f in families._remaining_faults()}
    )


@pytest.mark.parametrize("name", sorted(REMAINING))
def test_remaining_fault_changes_its_answers_and_no_other(emulator: Emulator, name: str) -> None:
    emulator.switch()
    correct = observe_remaining(emulator)
    emulator.switch(name)
    try:
        faulty = observe_remaining(emulator)
    finally:
        emulator.switch()
    changed = {key for key in correct if correct[key] != faulty[key]}
    assert changed == set(REMAINING[name]), (correct, faulty)
    for key, expected in REMAINING[name].items():
        if isinstance(expected, tuple) and expected[1] is None:
            assert faulty[key][0] == expected[0], (key, faulty[key])
        else:
            assert faulty[key] == expected, (key, faulty[key])
