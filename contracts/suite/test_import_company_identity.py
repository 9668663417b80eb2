"""How ImportCompanies finds and creates companies (docs/norce-facts.md §4.1 "Matching" and "Insert or
update"; docs/import-semantics.md "Processing"): an item is matched by the first present of Id → Code →
OrganizationNo, and a new company needs Code, Name and OrganizationNo. Both are documented (IMP-MATCHING,
IMP-INSERT-REQUIRED).

Every company is created under the run namespace (codes and organisation numbers carry the run prefix), and
every test runs with a JSON and with an XML body (DataContract XML, the header in its XML form).
"""

from __future__ import annotations

from typing import Any

import pytest

from contracts.reports.verdicts import judge
from contracts.suite.flows import (
    BODY_IDS,
    BODY_TYPES,
    Import,
    application_key,
    assert_job_counts,
    company_by_code,
    company_header,
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

IMPORT = "ImportCompanies"
INSERT_FIELDS = ("Code", "Name", "OrganizationNo")


def new_company(ns: RunNamespace) -> dict[str, Any]:
    code = ns.code("co")
    return {
        "ApplicationKey": application_key(),
        "Code": code,
        "Name": f"Co {code}",
        "OrganizationNo": ns.code("org"),
    }


def name_of(norce: NorceClient, code: str, seed: int) -> Any:
    return (company_by_code(norce, code, seed=seed) or {}).get("Name")


@pytest.mark.job_chain(2)  # the updates need the companies
def test_a_company_is_matched_by_code_before_its_org_no(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """An item carrying one company's Code and another's OrganizationNo updates the company its Code names
    (Code comes before OrganizationNo); an item with only an OrganizationNo updates the company that has it.
    Each is one update (IMP-COUNTS: ImportCompanies "inserts or updates companies")."""
    first, second = new_company(run_namespace), new_company(run_namespace)
    made = run_import(
        norce, IMPORT, [first, second], company_header(*INSERT_FIELDS), seed=norce_seed, media_type=body
    )
    assert_job_counts(made, total=2, inserts=2, updates=0, fails=0)
    by_code = {"Code": first["Code"], "OrganizationNo": second["OrganizationNo"], "Name": "Matched by Code"}
    by_org_no = {"OrganizationNo": second["OrganizationNo"], "Name": "Matched by OrganizationNo"}
    code_first, org_no_only = run_imports(  # each touches one company: their jobs run side by side
        norce,
        [
            Import(IMPORT, [by_code], company_header("Code", "Name"), body),
            Import(IMPORT, [by_org_no], company_header("OrganizationNo", "Name"), body),
        ],
        seed=norce_seed,
    )
    assert_job_counts(code_first, total=1, inserts=0, updates=1, fails=0)
    assert_job_counts(org_no_only, total=1, inserts=0, updates=1, fails=0)
    names = {code: name_of(norce, code, norce_seed) for code in (first["Code"], second["Code"])}
    expected = {first["Code"]: by_code["Name"], second["Code"]: by_org_no["Name"]}
    judge(
        "IMP-MATCHING",
        names == expected,
        f"Id → Code → OrganizationNo: expected the names {expected}, read {names}",
        operation=IMPORT,
        media_type=body,
    )


@pytest.mark.parametrize("missing", ["Name", "OrganizationNo"])
def test_a_company_insert_without_a_required_member_fails(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, missing: str, body: str
) -> None:
    """A new company needs Code, Name and OrganizationNo: an item with a new Code that lacks one of the others
    (all three listed) creates nothing and counts as failed."""
    item = {k: v for k, v in new_company(run_namespace).items() if k != missing}
    outcome = run_import(
        norce, IMPORT, [item], company_header(*INSERT_FIELDS), seed=norce_seed, media_type=body
    )
    created = company_by_code(norce, item["Code"], seed=norce_seed)
    judge(
        "IMP-INSERT-REQUIRED",
        created is None,
        f"a company without {missing} was created: {created}",
        operation=IMPORT,
        media_type=body,
    )
    assert_job_counts(outcome, total=1, inserts=0, updates=0, fails=1)
