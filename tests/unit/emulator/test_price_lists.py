"""1.1 price lists in the emulator: a new list's default PriceRule 7 (docs/norce-facts.md §1C
InsertCompanyPricelist2), and the price of a part number written by InsertPricelistItem / UpdatePricelistItem
and read by GetPricelistItem (WSDL: the write changes what the read answers)."""

from __future__ import annotations

from typing import Any

from emulator.domain.customer_service import CustomerService
from emulator.domain.store import Store
from emulator.faults import Faults


def service() -> tuple[CustomerService, int]:
    """A service with one company (made by a 1.1 write, so no import job is needed)."""
    cs = CustomerService(Store(), Faults())
    body = {
        "Code": "C1",
        "Email": "c1@example.com",
        "Companies": [{"Code": "CO1", "Name": "N", "OrgNo": "1"}],
    }
    created = cs.customers.CreateCustomer3(body=body)
    assert created is not None
    return cs, int(created["Companies"][0]["Id"])


def test_a_new_list_gets_price_rule_7_unless_the_body_names_one() -> None:
    cs, company_id = service()
    cs.price_lists.InsertCompanyPricelist2(company_id, body={"Name": "Plain", "Agreement": "PLAIN"})
    ruled = {"Name": "Ruled", "Agreement": "RULED", "PriceRule": {"RuleId": 3, "Value": 12.5}}
    lists = cs.price_lists.InsertCompanyPricelist2(company_id, body=ruled)
    rules = {entry["Agreement"]: entry["PriceRule"] for entry in lists}
    assert rules == {"PLAIN": {"RuleId": 7, "Value": None}, "RULED": {"RuleId": 3, "Value": 12.5}}


def test_an_existing_list_is_connected_not_created_again() -> None:
    cs, company_id = service()
    first = cs.price_lists.InsertCompanyPricelist2(company_id, body={"Name": "L", "Agreement": "L"})[0]
    cs.price_lists.DeleteCompanyPricelist(company_id, first["Id"])
    again = cs.price_lists.InsertCompanyPricelist2(company_id, body={"Id": first["Id"]})
    assert [entry["Id"] for entry in again] == [first["Id"]]


def test_pricelist_items_are_stored_and_updated() -> None:
    cs, company_id = service()
    pricelist_id = cs.price_lists.InsertCompanyPricelist2(company_id, body={"Name": "L", "Agreement": "L"})[
        0
    ]["Id"]
    item: dict[str, Any] = {"PartNo": "P-1", "PricelistId": pricelist_id, "Price": 100, "IsActive": True}
    assert cs.price_lists.GetPricelistItem("P-1", pricelist_id) is None
    cs.price_lists.InsertPricelistItem(body=item)
    cs.price_lists.InsertPricelistItem(body={**item, "PartNo": "P-2", "Price": 5})
    stored = cs.price_lists.GetPricelistItem("P-1", pricelist_id)
    assert stored is not None and stored["Price"] == 100 and stored["PartNo"] == "P-1"
    cs.price_lists.UpdatePricelistItem(body={**item, "Price": 80.5, "PriceRecommended": 99})
    updated = cs.price_lists.GetPricelistItem("P-1", pricelist_id)
    assert updated is not None and (updated["Price"], updated["PriceRecommended"]) == (80.5, 99)
    other = cs.price_lists.GetPricelistItem("P-2", pricelist_id)
    assert other is not None and other["Price"] == 5
    assert cs.price_lists.GetPricelistItem("P-1", pricelist_id + 1000) is None
