"""1.1 UpdateCompany keeps what it does not change: an address the body sends back with its Id is that
address, updated in place, so the Id a client holds stays valid (UpdateCompanyDeliveryAddress takes it)."""

from __future__ import annotations

from emulator.domain.customer_service import CustomerService
from emulator.domain.store import Store
from emulator.faults import Faults


def test_update_company_keeps_the_ids_of_the_addresses_it_sends_back() -> None:
    cs = CustomerService(Store(), Faults())
    company = {
        "Code": "CO1",
        "Name": "N",
        "OrgNo": "1",
        "DeliveryAddresses": [{"Line1": "A"}, {"Line1": "B"}],
    }
    created = cs.customers.CreateCustomer3(
        body={"Code": "C1", "Email": "c1@example.com", "Companies": [company]}
    )
    assert created is not None
    sent = created["Companies"][0]
    before = [a["Id"] for a in sent["DeliveryAddresses"]]
    renamed = sent["DeliveryAddresses"][1] | {"Line1": "B2"}
    body = sent | {"Name": "N2", "DeliveryAddresses": [sent["DeliveryAddresses"][0], renamed, {"Line1": "C"}]}
    cs.companies.UpdateCompany(created["Id"], body=body)
    after = cs.companies.GetCompany(sent["Id"])
    assert after is not None and after["Name"] == "N2"
    lines = [(a["Id"], a["Line1"]) for a in after["DeliveryAddresses"]]
    assert lines[:2] == [(before[0], "A"), (before[1], "B2")]
    assert lines[2][1] == "C" and lines[2][0] not in before
