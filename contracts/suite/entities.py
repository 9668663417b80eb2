"""New run-owned import items and their headers, for either import: a customer or a company with what an
insert needs (docs/norce-facts.md §4.1 "Insert or update"), the header listing those fields, and the 1.1 read
of the entity by its code.
"""

from __future__ import annotations

from typing import Any

from contracts.oracle.header import CustomerHeader
from contracts.suite.flows import (
    application_key,
    company_by_code,
    company_header,
    customer_by_code,
    customer_header,
)
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

CUSTOMERS, COMPANIES = "ImportCustomers", "ImportCompanies"
OPERATIONS = (CUSTOMERS, COMPANIES)
INSERT_FIELDS = ("Code", "FirstName", "LastName", "EmailAddress")
COMPANY_INSERT_FIELDS = ("Code", "Name", "OrganizationNo")
# The flags of each kind of entity (tenant reference data, contracts/transport/target.py ReferenceCodes).
FLAG_KINDS = {CUSTOMERS: "customer-flags", COMPANIES: "company-flags"}
# The 1.1 read that answers the entity by its code.
READS = {CUSTOMERS: "GetCustomerByCode", COMPANIES: "GetCompanyByCode"}


def new_customer(ns: RunNamespace, **extra: Any) -> dict[str, Any]:
    return {
        "Code": ns.code("cust"),
        "FirstName": "Anna",
        "LastName": "Berg",
        "EmailAddress": ns.email("cust"),
        **extra,
    }


def new_company(ns: RunNamespace, **extra: Any) -> dict[str, Any]:
    code = ns.code("co")
    return {
        "ApplicationKey": application_key(),
        "Code": code,
        "Name": f"Co {code}",
        "OrganizationNo": ns.code("org"),
        **extra,
    }


def new_entity(operation: str, ns: RunNamespace, **extra: Any) -> dict[str, Any]:
    return new_customer(ns, **extra) if operation == CUSTOMERS else new_company(ns, **extra)


def update_of(operation: str, item: dict[str, Any], **members: Any) -> dict[str, Any]:
    """An update of `item`, matched by its Code (a company also carries its ApplicationKey)."""
    identity = {"Code": item["Code"]}
    if operation == COMPANIES:
        identity["ApplicationKey"] = item["ApplicationKey"]
    return {**identity, **members}


def insert_header(operation: str, *fields: str, **lists: Any) -> CustomerHeader:
    """The header of an insert: the fields an insert needs, and `fields`."""
    if operation == CUSTOMERS:
        return customer_header(*INSERT_FIELDS, *fields, **lists)
    return company_header(*COMPANY_INSERT_FIELDS, *fields, **lists)


def update_header(operation: str, *fields: str, **lists: Any) -> CustomerHeader:
    """The header of an update matched by Code: Code and `fields`."""
    header = customer_header if operation == CUSTOMERS else company_header
    return header("Code", *fields, **lists)


def entity_by_code(client: NorceClient, operation: str, code: str, *, seed: int) -> dict[str, Any] | None:
    """The 1.1 Customer (with all its companies) or Company with that code; None when there is none."""
    if operation == CUSTOMERS:
        found = customer_by_code(client, code, seed=seed, include_companies=True)
    else:
        found = company_by_code(client, code, seed=seed)
    return found if isinstance(found, dict) else None


def selected_flag_ids(entity: dict[str, Any] | None) -> set[int]:
    """The ids of the 1.1 flags set on an entity (a 1.1 Flag carries no code: Id, Name, Group, IsSelected)."""
    flags = (entity or {}).get("Flags") or []
    return {f["Id"] for f in flags if isinstance(f, dict) and f.get("IsSelected", True) is not False}
