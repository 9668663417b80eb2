"""Customer Service 1.1 customer writes in the domain: what UpdateCustomer does with the companies and the
account of its body (docs/norce-facts.md §1C UpdateCustomer), and what RegisterCustomer3 keeps."""

from __future__ import annotations

from typing import Any

from emulator.domain.customer_service import CustomerService
from emulator.domain.store import Store
from emulator.faults import Faults


def created(service: CustomerService, **body: Any) -> dict[str, Any]:
    customer = {"Code": "C1", "Email": "c1@example.com", "FirstName": "A", "LastName": "B"} | body
    answer = service.customers.CreateCustomer3(body=customer, password="Pass-1")
    assert answer is not None
    return answer


def test_update_customer_updates_a_company_with_id_and_creates_one_without() -> None:
    """'A Company without Id is treated as new, with Id as an update' (nc-v1_1 UpdateCustomer)."""
    service = CustomerService(Store(), Faults())
    customer = created(service, Companies=[{"Code": "CO1", "Name": "Old name", "OrgNo": "1"}])
    company = customer["Companies"][0]
    companies = [{**company, "Name": "New name"}, {"Code": "CO2", "Name": "Added", "OrgNo": "2"}]
    answer = service.customers.UpdateCustomer(body={**customer, "Companies": companies})
    assert answer is not None
    assert {c["Code"]: c["Name"] for c in answer["Companies"]} == {"CO1": "New name", "CO2": "Added"}
    stored = service.companies.GetCompany(id=company["Id"])
    assert stored is not None and stored["Name"] == "New name" and stored["OrgNo"] == "1"


def test_update_customer_creates_the_account_of_its_body() -> None:
    """'An Account in the body is created' (nc-v1_1 UpdateCustomer)."""
    service = CustomerService(Store(), Faults())
    customer = created(service)
    assert customer["Account"] is None
    answer = service.customers.UpdateCustomer(body={**customer, "Account": {"LoginName": "c1@example.com"}})
    assert answer is not None and answer["Account"]["LoginName"] == "c1@example.com"


def test_create_customer3_relates_an_existing_company_and_leaves_it_as_it_is() -> None:
    """CreateCustomer3 with an existing company ('existing companies are fine'): related, not changed."""
    service = CustomerService(Store(), Faults())
    first = created(service, Companies=[{"Code": "CO1", "Name": "Kept", "OrgNo": "1"}])
    company = first["Companies"][0]
    second = created(service, Code="C2", Email="c2@example.com", Companies=[{**company, "Name": "Ignored"}])
    assert [c["Id"] for c in second["Companies"]] == [company["Id"]]
    stored = service.companies.GetCompany(id=company["Id"])
    assert stored is not None and stored["Name"] == "Kept"


def test_register_customer3_updates_the_customer_with_that_email_and_keeps_the_rest() -> None:
    """Matched by e-mail; parts not passed stay (NOA: RegisterCustomer3)."""
    service = CustomerService(Store(), Faults())
    address = {"Line1": "Street 1", "City": "Lund"}
    customer = created(service, DeliveryAddresses=[address], InvoiceAddress=address)
    answer = service.customers.RegisterCustomer3(body={"Email": "c1@example.com", "FirstName": "Z"})
    assert answer is not None and answer["Id"] == customer["Id"] and answer["FirstName"] == "Z"
    for part in ("Code", "DeliveryAddresses", "InvoiceAddress", "Companies", "Account"):
        assert answer[part] == customer[part], part
