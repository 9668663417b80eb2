"""OrgNo + Name is unique (docs/norce-facts.md §2C Company; §1C ListCompaniesByOrgNo: "OrgNo alone is not
unique; OrgNo + Name is"): no write, import or 1.1, makes two companies share both."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.domain.connect import ConnectService
from emulator.domain.customer_service import CustomerService
from emulator.domain.errors import BusinessError
from emulator.faults import Faults

from .test_imports import Emulator, counters, firm

ORG_NO = "556677-8899"
SEARCH_ONLY_BY_CODE = [2, 3, 4, 20]  # Code, OrganizationNo, Name, SearchOnlyByCode: a shared OrgNo is allowed


def emulator(*faults: str) -> Emulator:
    emu = Emulator()
    emu.service = ConnectService(emu.store, Faults(faults), timing="immediate")
    return emu


def customer(code: str, *companies: dict[str, Any]) -> dict[str, Any]:
    return {"Code": code, "Email": f"{code}@example.com", "Companies": list(companies)}


def test_an_import_may_share_an_org_no_but_not_org_no_and_name() -> None:
    emu = emulator()
    items = [firm(code, Name=name, OrganizationNo=ORG_NO) for code, name in (("A", "Acme"), ("B", "Acme 2"))]
    result = emu.companies(
        [*items, firm("C", Name="Acme", OrganizationNo=ORG_NO)], fields=SEARCH_ONLY_BY_CODE
    )
    assert counters(result)[1:4] == (2, 0, 1)  # A and B inserted, C refused
    assert emu.company("C") is None
    assert "OrgNo + Name is unique" in result["log"][-1]["Message"]
    # Renaming B to A's name is refused too; another name is fine.
    assert counters(emu.companies([{"Code": "B", "Name": "Acme"}], fields=[2, 4]))[3] == 1
    assert counters(emu.companies([{"Code": "B", "Name": "Acme 3"}], fields=[2, 4]))[2] == 1
    assert sorted(str(c.name) for c in emu.store.find_companies_by_org_no(ORG_NO)) == ["Acme", "Acme 3"]


def test_customer_service_writes_refuse_a_shared_org_no_and_name() -> None:
    emu = emulator()
    service = CustomerService(emu.store, Faults())
    emu.companies([firm("A", Name="Acme", OrganizationNo=ORG_NO)], fields=SEARCH_ONLY_BY_CODE)
    body = customer("c1", {"Code": "X", "Name": "Acme", "OrgNo": ORG_NO})
    with pytest.raises(BusinessError) as refused:
        service.operation("CreateCustomer3")(body=body)
    assert refused.value.key == "OrgNoAndNameExists"
    assert emu.customer("c1") is None and emu.company("X") is None  # the refused request changed nothing
    created = service.operation("CreateCustomer3")(body=customer("c1", {"Code": "X", "Name": "Acme"}))
    company_id = emu.company("X").id
    update = service.operation("UpdateCompany")
    with pytest.raises(BusinessError):
        update(customer_id=created["Id"], body={"Id": company_id, "OrgNo": ORG_NO})
    assert emu.company("X").organization_no is None
    # Companies without an OrgNo share nothing: a second "Acme" without one is fine.
    service.operation("CreateCustomer3")(body=customer("c2", {"Code": "Y", "Name": "Acme"}))
    assert emu.company("Y") is not None


def test_the_fault_lets_a_company_take_another_ones_org_no_and_name() -> None:
    emu = emulator("cs-company-org-no-name-duplicated")
    items = [firm(code, Name="Acme", OrganizationNo=ORG_NO) for code in ("A", "C")]
    assert counters(emu.companies(items, fields=SEARCH_ONLY_BY_CODE))[1] == 2
