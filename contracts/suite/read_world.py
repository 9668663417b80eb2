"""The run-owned customers and companies the 1.1 lookup tests read (test_customer_service_reads.py).

Made by two rounds of imports (docs/norce-facts.md §1A): first a parent company P and three customers, then
two companies X and Y that share one OrgNo under two Names (SearchOnlyByCode allows the shared OrgNo, §3),
with P as their parent and the customers related to them. Every value that tells them apart is known here,
so each lookup knows what it must find and what it must leave out:

- A: active, an account (login name other than its e-mail, a password, role R1), SSN S, an info value, the
  search token in LastName; related to X and Y;
- B: active, an account with role R2 when the tenant has a second role (else none), another SSN, the search
  token; related to X;
- C: inactive, SSN S, the same info value as A, the search token; related to X.

The reference data they use comes from the tenant's own lists (ListAccountRoles, ListCustomerInfoTypes,
ListCompanyInfoTypes) or its configured payment-method codes; what a tenant does not offer is left out, and
said so (`World.left_out`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from contracts.suite.conftest import collection_settings
from contracts.suite.flows import (
    JSON,
    Import,
    application_key,
    assert_job_counts,
    company_by_code,
    company_header,
    customer_by_code,
    customer_header,
    read_conforming,
    run_imports,
)
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

PASSWORD = "Reads-Pass-1"


@dataclass(frozen=True)
class Reference:
    """Codes and ids the tenant offers (None where it offers none)."""

    roles: list[tuple[str, int]]  # (Code, Id) of ListAccountRoles
    customer_info: str | None  # a Code of ListCustomerInfoTypes
    company_info: str | None  # a Code of ListCompanyInfoTypes
    payment_method: str | None  # a payment-method code the tenant has (configured, or run-owned)
    left_out: list[str]


@dataclass
class World:
    """What the imports made, and what was read back of it (JSON, 1.1)."""

    customers: dict[str, dict[str, Any]]  # "A", "B", "C" -> Customer
    companies: dict[str, dict[str, Any]]  # "P", "X", "Y" -> Company
    emails: dict[str, str]
    login_names: dict[str, str]
    ssn: str
    info_value: str
    company_info_value: str
    token: str
    org_no: str
    reference: Reference
    left_out: list[str] = field(default_factory=list)

    def code(self, name: str) -> str:
        entity = self.customers.get(name) or self.companies[name]
        return str(entity["Code"])

    def id(self, name: str) -> int:
        entity = self.customers.get(name) or self.companies[name]
        return int(entity["Id"])

    def named(self, codes: list[str]) -> set[str]:
        """The world's names (A, X, ...) of the entities with these codes; anything else is not ours."""
        by_code = {str(e["Code"]): name for name, e in {**self.customers, **self.companies}.items()}
        return {by_code[code] for code in codes if code in by_code}

    @property
    def role(self) -> tuple[str, int] | None:
        """R1, A's role (None when the tenant lists no role)."""
        return self.reference.roles[0] if self.reference.roles else None


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def reference(norce: NorceClient, seed: int, ns: RunNamespace) -> Reference:
    left_out: list[str] = []

    def coded(operation: str) -> list[tuple[str, int]]:
        items = read_conforming(norce, operation, seed=seed, accept=JSON) or []
        return [(str(i["Code"]), int(i["Id"])) for i in items if isinstance(i, dict) and i.get("Code")]

    roles = coded("ListAccountRoles")[:2]
    customer_info = next(iter(coded("ListCustomerInfoTypes")), None)
    company_info = next(iter(coded("ListCompanyInfoTypes")), None)
    if not roles:
        left_out.append("accountRoleId: ListAccountRoles offers no role with a Code")
    if customer_info is None:
        left_out.append("ListCustomerByInfoType/2: ListCustomerInfoTypes offers no info type with a Code")
    if company_info is None:
        left_out.append("ListCompanyByInfoType: ListCompanyInfoTypes offers no info type with a Code")
    codes = collection_settings().target.reference
    missing = codes.missing("payment-methods")
    payment = None if missing else (ns.code("pay") if codes.run_owned else codes.codes("payment-methods")[0])
    if missing:
        left_out.append(f"GetCompanyPaymentMethod of a run-owned company: {missing}")
    return Reference(
        roles,
        customer_info[0] if customer_info else None,
        company_info[0] if company_info else None,
        payment,
        left_out,
    )


def org_number(ns: RunNamespace, seed: int) -> str:
    """A run-owned OrgNo with ten digits of its own: its digits alone name only this run's companies."""
    return ns.code(f"org-{random.Random(f'reads-org:{seed}').randrange(10**9, 10**10)}")


def _account(login_name: str, role: tuple[str, int] | None) -> dict[str, Any]:
    account: dict[str, Any] = {
        "ApplicationKey": application_key(),
        "LoginName": login_name,
        "Password": PASSWORD,
    }
    if role is not None:
        account["Roles"] = [{"Code": role[0]}]
    return account


def build(norce: NorceClient, ns: RunNamespace, seed: int) -> World:
    ref = reference(norce, seed, ns)
    token, ssn = ns.code("token"), ns.code("ssn")
    info_value, company_info_value = ns.code("info"), ns.code("coinfo")
    org_no = org_number(ns, seed)
    emails = {name: ns.email(f"reads-{name.lower()}") for name in "ABC"}
    login_names = {"A": ns.email("reads-login-a"), "B": ns.email("reads-login-b")}
    people: dict[str, dict[str, Any]] = {}
    for name in "ABC":
        people[name] = {
            "Code": ns.code(f"reads-{name.lower()}"),
            "FirstName": f"Reader{name}",
            "LastName": token,
            "EmailAddress": emails[name],
            "SocialSecurityNumber": ssn if name in "AC" else ns.code("ssn"),
            "IsActive": name != "C",
        }
        if ref.customer_info and name in "AC":
            people[name]["AdditionalInfo"] = [{"Code": ref.customer_info, "Value": info_value}]
    people["A"]["Accounts"] = [_account(login_names["A"], ref.roles[0] if ref.roles else None)]
    if len(ref.roles) > 1:
        people["B"]["Accounts"] = [_account(login_names["B"], ref.roles[1])]
    customer_fields = ["Code", "FirstName", "LastName", "EmailAddress", "SocialSecurityNumber", "IsActive"]
    customer_fields += ["Accounts"] + (["AdditionalInfo"] if ref.customer_info else [])
    accounts = ("PasswordCreateOnly", "Roles") if ref.roles else ("PasswordCreateOnly",)
    parent = {"ApplicationKey": application_key(), "Code": ns.code("reads-p"), "Name": "Reads Parent AB"}
    parent["OrganizationNo"] = ns.code("org")
    made_parent, made_people = run_imports(
        norce,
        [
            Import("ImportCompanies", [parent], company_header("Code", "Name", "OrganizationNo")),
            Import(
                "ImportCustomers", list(people.values()), customer_header(*customer_fields, accounts=accounts)
            ),
        ],
        seed=seed,
    )
    assert_job_counts(made_parent, total=1, inserts=1, updates=0, fails=0)
    assert_job_counts(made_people, total=3, inserts=3, updates=0, fails=0)

    firms = {name: _company(ns, name, org_no, parent["Code"]) for name in "XY"}
    firms["X"]["Customers"] = [{"Code": people[name]["Code"]} for name in "ABC"]
    firms["Y"]["Customers"] = [{"Code": people["A"]["Code"]}]
    company_fields = ["Code", "Name", "OrganizationNo", "ParentCompanyCode", "Customers", "SearchOnlyByCode"]
    if ref.company_info:
        firms["X"]["AdditionalInfo"] = [{"Code": ref.company_info, "Value": company_info_value}]
        company_fields.append("AdditionalInfo")
    if ref.payment_method:
        firms["X"]["PaymentMethods"] = [{"Code": ref.payment_method}]
        company_fields.append("PaymentMethods")
    (made_firms,) = run_imports(
        norce,
        [
            Import(
                "ImportCompanies", list(firms.values()), company_header(*company_fields, customers=("Code",))
            )
        ],
        seed=seed,
    )
    assert_job_counts(made_firms, total=2, inserts=2, updates=0, fails=0)

    customers = {name: customer_by_code(norce, item["Code"], seed=seed) for name, item in people.items()}
    companies = {"P": company_by_code(norce, parent["Code"], seed=seed)}
    companies |= {name: company_by_code(norce, item["Code"], seed=seed) for name, item in firms.items()}
    for name, entity in {**customers, **companies}.items():
        assert isinstance(entity, dict) and isinstance(entity.get("Id"), int), (
            f"{name} was imported, reads {entity!r}"
        )
    return World(
        customers,
        companies,
        emails,
        login_names,
        ssn,
        info_value,
        company_info_value,
        token,
        org_no,
        ref,
        list(ref.left_out),
    )


def _company(ns: RunNamespace, name: str, org_no: str, parent_code: str) -> dict[str, Any]:
    return {
        "ApplicationKey": application_key(),
        "Code": ns.code(f"reads-{name.lower()}"),
        "Name": f"Reads {name} AB",
        "OrganizationNo": org_no,
        "ParentCompanyCode": parent_code,
    }
