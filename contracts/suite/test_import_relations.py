"""What a company or customer import links to (docs/norce-facts.md §2A Company and Customer, §4.1 "Matching"):
ParentCompanyCode sets the parent when that company exists; Company.Customers and Customer.Companies name
entities that must already exist, each by the first present of its identifiers, and a relation to one that
does not exist creates nothing; UseInvoiceAddressAsDeliveryAddress makes the invoice address the delivery
address. Read back through Customer Service 1.1; every test runs with a JSON and with an XML body.
"""

from __future__ import annotations

from typing import Any

import pytest

from contracts.oracle.read_back import address_differences
from contracts.reports.verdicts import judge
from contracts.suite.entities import (
    COMPANIES,
    COMPANY_INSERT_FIELDS,
    CUSTOMERS,
    INSERT_FIELDS,
    new_company,
    new_customer,
)
from contracts.suite.flows import (
    BODY_IDS,
    BODY_TYPES,
    Import,
    assert_job_counts,
    company_by_code,
    company_header,
    customer_by_code,
    customer_header,
    read,
    run_import,
    run_imports,
)
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

pytestmark = [
    pytest.mark.contract,
    pytest.mark.writes,
    pytest.mark.parametrize("body", BODY_TYPES, ids=BODY_IDS),
]


def codes_of(entities: Any) -> set[str]:
    return {str(e.get("Code")) for e in entities or [] if isinstance(e, dict)}


@pytest.mark.job_chain(2)  # the children need their parent
def test_parent_company_code_sets_the_parent_when_it_exists(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """ParentCompanyCode "sets the parent company, if that company exists" (docs/norce-facts.md §2A): the
    child reads back with the parent's Id as ParentId (§2C mapping) and ListCompaniesByParent lists it; a
    ParentCompanyCode naming no company sets no parent."""
    ns = run_namespace
    parent = new_company(ns)
    made = run_import(
        norce, COMPANIES, [parent], company_header(*COMPANY_INSERT_FIELDS), seed=norce_seed, media_type=body
    )
    assert_job_counts(made, total=1, inserts=1, updates=0, fails=0)
    parent_id = company_by_code(norce, parent["Code"], seed=norce_seed)["Id"]
    child = new_company(ns, ParentCompanyCode=parent["Code"])
    orphan = new_company(ns, ParentCompanyCode=ns.code("no-such-company"))
    header = company_header(*COMPANY_INSERT_FIELDS, "ParentCompanyCode")
    with_parent, _ = run_imports(  # apart: whether the orphan is written is not what is judged
        norce,
        [Import(COMPANIES, [child], header, body), Import(COMPANIES, [orphan], header, body)],
        seed=norce_seed,
    )
    assert_job_counts(with_parent, total=1, inserts=1, updates=0, fails=0)
    problems = []
    read_child = company_by_code(norce, child["Code"], seed=norce_seed) or {}
    if read_child.get("ParentId") != parent_id:
        problems.append(
            f"{child['Code']} reads ParentId {read_child.get('ParentId')!r}, not the parent's {parent_id}"
        )
    children = codes_of(read(norce, "ListCompaniesByParent", seed=norce_seed, parentId=parent_id))
    if children != {child["Code"]}:
        problems.append(f"ListCompaniesByParent({parent_id}) lists {sorted(children)}, not {child['Code']}")
    read_orphan = company_by_code(norce, orphan["Code"], seed=norce_seed)
    if read_orphan is not None and read_orphan.get("ParentId") is not None:
        problems.append(
            f"{orphan['Code']}, whose ParentCompanyCode names no company, "
            f"reads ParentId {read_orphan['ParentId']}"
        )
    judge(
        "IMP-PARENT-COMPANY",
        not problems,
        f"ImportCompanies (parent {parent['Code']}): " + "; ".join(problems),
        operation="GetCompanyByCode",
        media_type=body,
    )


@pytest.mark.job_chain(2)  # the relations need the entities they name
def test_relations_name_existing_entities_by_their_first_identifier(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """Company.Customers and Customer.Companies must already exist (docs/norce-facts.md §2A), each identified
    by the first present of Id, Code, EmailAddress (customers) or Id, Code, OrganizationNo (companies) (§4.1
    "Matching"): an entry naming one customer by Code and another by EmailAddress relates the first; an entry
    with EmailAddress (OrganizationNo) alone relates that one; an entry naming nothing that exists creates no
    customer (company). Ids are not sent: on a shared tenant an import names entities by the run's codes."""
    ns = run_namespace
    x, y = new_customer(ns), new_customer(ns)
    k, l_ = new_company(ns), new_company(ns)
    people, firms = run_imports(  # independent: their jobs run side by side
        norce,
        [
            Import(CUSTOMERS, [x, y], customer_header(*INSERT_FIELDS), body),
            Import(COMPANIES, [k, l_], company_header(*COMPANY_INSERT_FIELDS), body),
        ],
        seed=norce_seed,
    )
    assert_job_counts(people, total=2, inserts=2, updates=0, fails=0)
    assert_job_counts(firms, total=2, inserts=2, updates=0, fails=0)

    by_code = new_company(ns, Customers=[{"Code": x["Code"], "EmailAddress": y["EmailAddress"]}])
    by_email = new_company(ns, Customers=[{"EmailAddress": y["EmailAddress"]}])
    unknown_customer = new_customer(ns)
    to_nobody = new_company(ns, Customers=[unknown_customer])
    of_code = new_customer(ns, Companies=[{"Code": k["Code"], "OrganizationNo": l_["OrganizationNo"]}])
    of_org_no = new_customer(ns, Companies=[{"OrganizationNo": l_["OrganizationNo"]}])
    unknown_company = {"Code": ns.code("co"), "OrganizationNo": ns.code("org"), "Name": "Nobody AB"}
    of_nobody = new_customer(ns, Companies=[unknown_company])
    # No CustomerFieldsThatAreSet (optional, §3 rule 5): the entries relate customers, write nothing of them.
    company_relations = company_header(*COMPANY_INSERT_FIELDS, "Customers")
    customer_relations = customer_header(*INSERT_FIELDS, "Companies")
    companies, _, customers, _ = run_imports(  # the ones naming nothing apart: they may fail, or not
        norce,
        [
            Import(COMPANIES, [by_code, by_email], company_relations, body),
            Import(COMPANIES, [to_nobody], company_relations, body),
            Import(CUSTOMERS, [of_code, of_org_no], customer_relations, body),
            Import(CUSTOMERS, [of_nobody], customer_relations, body),
        ],
        seed=norce_seed,
    )
    assert_job_counts(companies, total=2, inserts=2, updates=0, fails=0)
    assert_job_counts(customers, total=2, inserts=2, updates=0, fails=0)

    customer_problems = []  # Company.Customers
    for company, expected, how in ((by_code, x, "Code before EmailAddress"), (by_email, y, "EmailAddress")):
        found = company_by_code(norce, company["Code"], seed=norce_seed) or {}
        listed = read(norce, "ListCustomerByCompany", seed=norce_seed, id=found.get("Id")) or []
        members = {(c.get("Code"), c.get("Email")) for c in listed if isinstance(c, dict)}
        if members != {(expected["Code"], expected["EmailAddress"])}:
            customer_problems.append(
                f"{company['Code']} names its customer by {how}: ListCustomerByCompany answers "
                f"{sorted(members, key=str)}, not {expected['Code']}"
            )
    if customer_by_code(norce, unknown_customer["Code"], seed=norce_seed) is not None:
        customer_problems.append(
            f"a relation of {to_nobody['Code']} to no customer created customer {unknown_customer['Code']}"
        )
    judge(
        "IMP-RELATIONS-EXIST",
        not customer_problems,
        "Company.Customers: " + "; ".join(customer_problems),
        operation=COMPANIES,
        media_type=body,
    )
    company_problems = []  # Customer.Companies
    for customer, expected, how in (
        (of_code, k, "Code before OrganizationNo"),
        (of_org_no, l_, "OrganizationNo"),
    ):
        found = customer_by_code(norce, customer["Code"], seed=norce_seed, include_companies=True) or {}
        related = codes_of(found.get("Companies"))
        if related != {expected["Code"]}:
            company_problems.append(
                f"{customer['Code']} names its company by {how}: Companies {sorted(related)}, "
                f"not {expected['Code']}"
            )
    if company_by_code(norce, unknown_company["Code"], seed=norce_seed) is not None:
        company_problems.append(
            f"a relation of {of_nobody['Code']} to no company created company {unknown_company['Code']}"
        )
    judge(
        "IMP-RELATIONS-EXIST",
        not company_problems,
        "Customer.Companies: " + "; ".join(company_problems),
        operation=CUSTOMERS,
        media_type=body,
    )


# An invoice address and a different delivery address (CountryCode: ISO, docs/norce-facts.md §2A Address).
INVOICE = {"AddressLine1": "Fakturavägen 1", "ZipCode": "211 20", "City": "Malmö", "CountryCode": "SE"}
DELIVERY = {"AddressLine1": "Lagergatan 9", "ZipCode": "411 04", "City": "Göteborg", "CountryCode": "SE"}


def test_invoice_address_used_as_delivery_address(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """A company imported with UseInvoiceAddressAsDeliveryAddress true, InvoiceAddress and DeliveryAddresses
    both listed ("active for the import", docs/norce-facts.md §4.1) reads back with the invoice address as its
    delivery address: "the delivery address becomes the invoice address" (§2A Company)."""
    company = new_company(
        run_namespace,
        InvoiceAddress=INVOICE,
        DeliveryAddresses=[DELIVERY],
        UseInvoiceAddressAsDeliveryAddress=True,
    )
    header = company_header(*COMPANY_INSERT_FIELDS, "InvoiceAddress", "DeliveryAddresses")
    outcome = run_import(norce, COMPANIES, [company], header, seed=norce_seed, media_type=body)
    assert_job_counts(outcome, total=1, inserts=1, updates=0, fails=0)
    company_id = company_by_code(norce, company["Code"], seed=norce_seed)["Id"]
    read_back = read(norce, "GetCompany", seed=norce_seed, id=company_id) or {}
    delivery = [a for a in read_back.get("DeliveryAddresses") or [] if isinstance(a, dict)]
    problems = [
        problem
        for index, address in enumerate(delivery)
        for problem in address_differences(f"DeliveryAddresses[{index}]", INVOICE, address)
    ]
    if not delivery:
        problems.append("no delivery address reads back")
    judge(
        "IMP-USE-INVOICE-AS-DELIVERY",
        not problems,
        f"GetCompany {company_id} ({company['Code']}): the delivery address is not the invoice address "
        f"{INVOICE}: " + "; ".join(problems),
        operation="ImportCompanies",
        media_type=body,
    )
