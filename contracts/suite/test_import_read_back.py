"""Read back everything an import writes (IMP-READ-BACK): a fully populated ImportCustomers / ImportCompanies
item, sent as a JSON and as an XML body, must come back through Customer Service 1.1 in JSON and in XML.

The item sets every member 1.1 can show: each list with two entries (one Account: 1.1 shows one), every
string at the maxLength 1.1 documents for the member that shows it (docs/norce-facts.md §2C; none exceeds a
documented Connect limit, §2A Address), and non-ASCII text (Swedish, other accented Latin, CJK) in names,
address lines, cities and info values. The header lists exactly the fields the item sets. What is compared,
and what 1.1 cannot show, is the field mapping in `contracts/oracle/read_back.py` (docs/norce-facts.md §2C).

Reference data the item names must exist on the target. Account roles and info types are discovered with
ListAccountRoles and List{Customer,Company}InfoTypes (IdValue carries the Code). Flags, price lists, delivery
and payment methods cannot be: no 1.1 read carries their codes (CustomerFlag is Id, Name, Description,
SortOrder, Group; 1.1 has no list of price lists or methods). So on a tenant the item names the codes its
configuration gives (`Target.reference`: flag-codes, pricelist-codes, delivery-method-codes,
payment-method-codes), and on the embedded emulator fresh run-owned codes, which it registers on first use
(docs/import-semantics.md "Code collections", ours). A list whose codes are not configured is left out, since
a code the tenant lacks would fail the item for a reason the docs do not give. What is left out, and why, is
recorded as the test's junit property `left_out`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from contracts.oracle.enums import company_fields, customer_fields
from contracts.oracle.header import CustomerHeader
from contracts.oracle.read_back import (
    Lookups,
    company_read_back_problems,
    customer_read_back_problems,
    payment_method_problems,
    related_customer_problems,
)
from contracts.oracle.strategies.requests import encode_body
from contracts.reports.recorder import short_media_type
from contracts.reports.verdicts import judge
from contracts.suite.flows import (
    JSON,
    XML,
    Import,
    ImportOutcome,
    application_key,
    assert_job_counts,
    company_by_code,
    company_header,
    customer_header,
    read_conforming,
    run_import,
    run_imports,
    serialize,
)
from contracts.suite.reference import record_left_out, reference_codes
from contracts.transport.client import NorceClient
from contracts.transport.namespace import EMAIL_DOMAIN, RunNamespace

pytestmark = [pytest.mark.contract, pytest.mark.writes]

CUSTOMERS, COMPANIES = "ImportCustomers", "ImportCompanies"
READ_TYPES = (JSON, XML)

# The longest e-mail address RFC 5321 allows (254) is one short of 1.1's documented Email maxLength (255).
LONGEST_EMAIL, LONGEST_LOCAL_PART, LONGEST_DNS_LABEL = 254, 64, 63
DASH = "\N{EN DASH}"  # non-ASCII punctuation, as in Swedish addresses and company names


# -- values ------------------------------------------------------------------------------------------------


def sized(text: str, length: int) -> str:
    """`text` repeated and cut to exactly `length` characters, never ending in a space (a server may trim)."""
    repeated = (text * (length // len(text) + 1))[:length]
    return repeated[:-1] + "." if repeated.endswith(" ") else repeated


def padded(identity: str, length: int) -> str:
    """A run-owned code lengthened to exactly `length` characters; it keeps the run prefix and its counter."""
    assert len(identity) < length, f"{identity!r} is already {len(identity)} characters"
    return f"{identity}-".ljust(length, "x")


def longest_email(ns: RunNamespace, label: str) -> str:
    """A run-owned address of LONGEST_EMAIL characters: a 64-character local part, 63-character labels."""
    local = padded(ns.code(label), LONGEST_LOCAL_PART)
    labels_length = LONGEST_EMAIL - len(local) - len(f"@.{EMAIL_DOMAIN}")
    labels = ".".join(["d" * LONGEST_DNS_LABEL] * 4)[:labels_length]
    assert not labels.endswith(".") and max(map(len, labels.split("."))) <= LONGEST_DNS_LABEL
    return f"{local}@{labels}.{EMAIL_DOMAIN}"


def address(ns: RunNamespace, n: int, *, invoice: bool) -> dict[str, Any]:
    """Every Address member 1.1 shows, at its 1.1 maxLength; GLN on invoice and the shipping phone on delivery
    addresses only, where 1.1 documents them. Code is Connect's alone (not read back)."""
    members = {
        "Code": padded(ns.code("adr"), 50),
        "CareOf": sized(f"c/o Åke Östlund-Ærø {n} ", 100),
        "AddressLine1": sized(f"Storgatan {n}, Bjärred {DASH} Île-de-France {DASH} 東京都渋谷区 ", 255),
        "AddressLine2": sized(f"Trappuppgång {n}B, lägenhet 1102, Łódź, Ñuñoa ", 255),
        "ZipCode": sized(f"SE-211 4{n} ", 50),
        "City": sized(f"Malmö {n} {DASH} Göteborg {DASH} Zürich {DASH} 大阪 ", 50),
        "Region": sized(f"Skåne län {n} {DASH} Västra Götaland ", 50),
        "CountryCode": "SE",  # ISO code (docs/norce-facts.md §2A Address); Sweden is Norce's home market
    }
    if invoice:
        members["Gln"] = sized(f"735005385001{n}", 50)
    else:
        members["ShippingPhoneNumber"] = sized(f"+46 (0)40-123 45 6{n} ", 50)
    return members


def info(codes: list[str]) -> list[dict[str, Any]]:
    return [
        {"Code": code, "Value": f"Värde {n}: Ærøskøbing, Łódź, São Paulo, 東京 {DASH} ok"}
        for n, code in enumerate(codes)
    ]


# -- what the target offers, and what the item relates to -------------------------------------------------


@dataclass(frozen=True)
class Related:
    """Run-owned entities the items relate to: companies for Customer.Companies, customers for
    Company.Customers, and a parent for Company.ParentCompanyCode (with its 1.1 Id)."""

    company_codes: list[str]
    customer_codes: list[str]
    parent_code: str
    parent_id: int


@pytest.fixture(scope="module")
def related(norce: NorceClient, run_namespace: RunNamespace, norce_seed: int) -> Related:
    """Made once per module: they must exist before an item names them (docs/norce-facts.md §2A)."""
    ns = run_namespace
    companies = [
        {
            "ApplicationKey": application_key(),
            "Code": ns.code("rbrel"),
            "Name": "Relation AB",
            "OrganizationNo": ns.code("org"),
        }
        for _ in range(3)
    ]
    customers = [
        {"Code": ns.code("rbrel"), "FirstName": "Rel", "LastName": "Ation", "EmailAddress": ns.email("rbrel")}
        for _ in range(2)
    ]
    made_companies, made_customers = run_imports(  # independent: their jobs run side by side
        norce,
        [
            Import(COMPANIES, companies, company_header("Code", "Name", "OrganizationNo")),
            Import(CUSTOMERS, customers, customer_header("Code", "FirstName", "LastName", "EmailAddress")),
        ],
        seed=norce_seed,
    )
    assert_job_counts(made_companies, total=3, inserts=3, updates=0, fails=0)
    assert_job_counts(made_customers, total=2, inserts=2, updates=0, fails=0)
    parent = company_by_code(norce, companies[2]["Code"], seed=norce_seed)
    assert isinstance(parent, dict), f"company {companies[2]['Code']} was imported but reads as {parent!r}"
    return Related(
        company_codes=[c["Code"] for c in companies[:2]],
        customer_codes=[c["Code"] for c in customers],
        parent_code=companies[2]["Code"],
        parent_id=parent["Id"],
    )


@dataclass
class Offer:
    """Codes the item may name on this target, their 1.1 ids, and what had to be left out (with why)."""

    lookups: Lookups
    roles: list[str] = field(default_factory=list)
    info_types: list[str] = field(default_factory=list)
    coded: dict[str, list[str]] = field(default_factory=dict)  # member -> reference codes it names
    left_out: list[str] = field(default_factory=list)


def discovered(norce: NorceClient, operation_id: str, seed: int) -> dict[str, int]:
    """Code -> Id of the first two IdValue entries a reference list offers (in JSON: it is setup)."""
    entries = read_conforming(norce, operation_id, seed=seed, accept=JSON) or []
    found = {e["Code"]: e["Id"] for e in entries if isinstance(e, dict) and e.get("Code") and "Id" in e}
    return dict(list(found.items())[:2])


# Member -> the kind of tenant reference data its entries name (contracts/transport/target.py ReferenceCodes).
CODED_LISTS = {
    CUSTOMERS: (("Flags", "customer-flags"), ("PriceLists", "pricelists")),
    COMPANIES: (
        ("Flags", "company-flags"),
        ("PriceLists", "pricelists"),
        ("DeliveryMethods", "delivery-methods"),
        ("PaymentMethods", "payment-methods"),
    ),
}


def offer(norce: NorceClient, ns: RunNamespace, seed: int, operation: str, related: Related) -> Offer:
    info_list = "ListCustomerInfoTypes" if operation == CUSTOMERS else "ListCompanyInfoTypes"
    info_ids = discovered(norce, info_list, seed)
    role_ids = discovered(norce, "ListAccountRoles", seed) if operation == CUSTOMERS else {}
    parent = {related.parent_code: related.parent_id}
    lookups = Lookups(role_ids=role_ids, info_type_ids=info_ids, company_ids=parent)
    result = Offer(lookups, list(role_ids), list(info_ids))
    if not info_ids:
        result.left_out.append(f"AdditionalInfo: {info_list} offers no info type with a Code")
    if operation == CUSTOMERS and not role_ids:
        result.left_out.append("Accounts[].Roles: ListAccountRoles offers no role with a Code")
    run_owned = norce.target.reference.run_owned
    for member, kind in CODED_LISTS[operation]:
        found = reference_codes(norce, ns, kind, 2, at_least=1)  # two entries where the target has two
        if found.missing is not None:
            result.left_out.append(f"{member}: {found.missing}")
        else:  # run-owned codes at 1.1's 50-character maxLength; a tenant's as they are
            result.coded[member] = [padded(code, 50) if run_owned else code for code in found.codes]
    return result


# -- the items ---------------------------------------------------------------------------------------------


def account(login_name: str, roles: list[str]) -> dict[str, Any]:
    """An active account (Status 1) with the roles the target offers, if any."""
    sent: dict[str, Any] = {"ApplicationKey": application_key(), "LoginName": login_name, "Status": 1}
    if roles:
        sent["Roles"] = [{"Code": code} for code in roles]
    return sent


def populated_customer(ns: RunNamespace, offered: Offer, related: Related) -> dict[str, Any]:
    email = longest_email(ns, "rbcust")
    item: dict[str, Any] = {
        "Type": 1,
        "Code": padded(ns.code("rbcust"), 50),
        "EmailAddress": email,
        "SocialSecurityNumber": sized("19121212-1212 ", 50),
        "Title": "Fru",  # Connect's alone, like MiddleName and Type: sent, not read back
        "FirstName": sized("Åsa-Märta Øvergård ", 50),
        "MiddleName": "Ærøskøbing",
        "LastName": sized("Öberg-Ñúñez 山田 ", 50),
        "PhoneNumber": sized("+46 (0)70-123 45 67 ", 50),
        "CellPhoneNumber": sized("+46 (0)73-765 43 21 ", 50),
        "CrmId": padded(ns.code("crm"), 50),
        "IsActive": True,
        "InvoiceAddress": address(ns, 0, invoice=True),
        "DeliveryAddresses": [address(ns, n, invoice=False) for n in (1, 2)],
        # One account: 1.1 shows one, and which of several it would show is not documented. Its LoginName is
        # the e-mail, which 1.1 says the application keeps LoginName in step with.
        "Accounts": [account(email, offered.roles)],
        "Companies": [{"Code": code} for code in related.company_codes],
    }
    if offered.info_types:
        item["AdditionalInfo"] = info(offered.info_types)
    for member, codes in offered.coded.items():
        item[member] = [{"Code": code} for code in codes]
    return item


def populated_company(ns: RunNamespace, offered: Offer, related: Related) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ApplicationKey": application_key(),
        "Code": padded(ns.code("rbco"), 50),
        "Name": sized(f"Ångström & Söner Bygg AB {DASH} 東京支店 {DASH} Zürich ", 100),
        "OrganizationNo": padded(ns.code("org"), 50),
        "EmailAddress": ns.email("rbco"),  # 1.1 documents no length for Company.Email or VatNo (Q16)
        "VatNo": "SE556677889901",
        "PhoneNumber": sized("+46 (0)8-123 456 78 ", 50),
        "ParentCompanyCode": related.parent_code,
        "IsActive": True,  # 1.1 Company has no IsActive: sent, not read back
        "InvoiceAddress": address(ns, 0, invoice=True),
        "DeliveryAddresses": [address(ns, n, invoice=False) for n in (1, 2)],
        "Customers": [{"Code": code} for code in related.customer_codes],
    }
    if offered.info_types:
        item["AdditionalInfo"] = info(offered.info_types)
    for member, codes in offered.coded.items():
        item[member] = [{"Code": code} for code in codes]
    if "PaymentMethods" in item:
        for method in item["PaymentMethods"]:
            method["InvoiceCaptureSettingsCode"] = ns.code("ics")
    return item


def header_for(operation: str, item: dict[str, Any]) -> CustomerHeader:
    """Exactly the fields the item sets (Type and the nested lists' own members have no field)."""
    if operation == CUSTOMERS:
        fields = [name for name in item if customer_fields().value_of(name) is not None]
        roles = ("Roles",) if any("Roles" in account for account in item["Accounts"]) else ()
        return customer_header(*fields, accounts=("Status", *roles))
    fields = [name for name in item if company_fields().value_of(name) is not None]
    return company_header(*fields, customers=("Code",))


# -- the test ----------------------------------------------------------------------------------------------


def read_customer_problems(
    norce: NorceClient, item: dict[str, Any], header: CustomerHeader, lookups: Lookups, accept: str, seed: int
) -> list[str]:
    customer = read_conforming(
        norce, "GetCustomerByCode", seed=seed, accept=accept, code=item["Code"], includeCompanies="true"
    )
    if not isinstance(customer, dict):
        return [f"GetCustomerByCode answers {customer!r} for the imported customer"]
    return customer_read_back_problems(item, header, customer, lookups)


def read_company_problems(
    norce: NorceClient, item: dict[str, Any], header: CustomerHeader, lookups: Lookups, accept: str, seed: int
) -> list[str]:
    company = read_conforming(norce, "GetCompanyByCode", seed=seed, accept=accept, code=item["Code"])
    if not isinstance(company, dict):
        return [f"GetCompanyByCode answers {company!r} for the imported company"]
    members = read_conforming(
        norce, "ListCustomerByCompany3", seed=seed, accept=accept, id=company["Id"], showInactive="true"
    )
    methods = [
        read_conforming(
            norce,
            "GetCompanyPaymentMethod",
            seed=seed,
            accept=accept,
            paymentMethodId=method_id,
            companyId=company["Id"],
        )
        for method_id in company.get("PaymentMethodIds") or []
    ]
    return [
        *company_read_back_problems(item, header, company, lookups),
        *related_customer_problems(item, header, members or []),
        *payment_method_problems(item, header, methods),
    ]


ENTITIES = {
    CUSTOMERS: (populated_customer, read_customer_problems),
    COMPANIES: (populated_company, read_company_problems),
}


def import_one(
    norce: NorceClient,
    operation: str,
    item: dict[str, Any],
    header: CustomerHeader,
    body_type: str,
    seed: int,
) -> ImportOutcome:
    """The item as a JSON array, or as DataContract XML (`ArrayOf...`) with the header in its XML form."""
    if body_type == XML:
        body = encode_body(operation, [item], XML)
        return run_import(norce, operation, body, serialize(header, "xml"), seed=seed, media_type=XML)
    return run_import(norce, operation, [item], header, seed=seed)


@pytest.mark.parametrize("body_type", [JSON, XML], ids=["json-body", "xml-body"])
@pytest.mark.parametrize("operation", [CUSTOMERS, COMPANIES])
def test_everything_imported_reads_back(
    norce: NorceClient,
    run_namespace: RunNamespace,
    norce_seed: int,
    related: Related,
    request: pytest.FixtureRequest,
    operation: str,
    body_type: str,
) -> None:
    """One fully populated item is imported (the job counts one insert), then every member the header lists
    reads back, in a JSON and in an XML answer, as docs/norce-facts.md §2C maps it."""
    offered = offer(norce, run_namespace, norce_seed, operation, related)
    record_left_out(request, offered.left_out)
    populated, read_problems = ENTITIES[operation]
    item = populated(run_namespace, offered, related)
    header = header_for(operation, item)
    outcome = import_one(norce, operation, item, header, body_type, norce_seed)
    assert_job_counts(outcome, total=1, inserts=1, updates=0, fails=0)
    problems = [
        f"{short_media_type(accept)} read: {problem}"
        for accept in READ_TYPES
        for problem in read_problems(norce, item, header, offered.lookups, accept, norce_seed)
    ]
    judge(
        "IMP-READ-BACK",
        not problems,
        f"{operation} item {item['Code']} ({short_media_type(body_type)} body, seed={norce_seed}):\n  "
        + "\n  ".join(problems),
        operation=operation,
        media_type=body_type,
    )
