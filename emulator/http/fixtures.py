"""The built-in seed data (admin `POST /_emulator/seed` with no body): two companies and three customers,
created through the 1.1 domain operations so they obey the same rules as any client's data."""

from __future__ import annotations

from typing import Any

from emulator.domain.customer_service import CustomerService

FIXTURE_PASSWORD = "Emulator-Passw0rd"


def load_fixture(service: CustomerService) -> dict[str, Any]:
    customers = service.customers
    anna = customers.CreateCustomer3(
        body={
            "Code": "FX-C-1",
            "Email": "anna@example.com",
            "FirstName": "Anna",
            "LastName": "Svensson",
            "Account": {"LoginName": "anna@example.com"},
            "Companies": [{"Code": "FX-CO-1", "Name": "Fixture AB", "OrgNo": "556000-0001"}],
        },
        password=FIXTURE_PASSWORD,
    )
    assert anna is not None
    company_id = anna["Companies"][0]["Id"]
    bo = customers.CreateCustomer3(
        body={
            "Code": "FX-C-2",
            "Email": "bo@example.com",
            "FirstName": "Bo",
            "LastName": "Ek",
            "Account": {"LoginName": "bo@example.com"},
            "Companies": [{"Id": company_id}],
        },
        password=FIXTURE_PASSWORD,
    )
    cleo = customers.CreateCustomer3(
        body={
            "Code": "FX-C-3",
            "Email": "cleo@example.com",
            "FirstName": "Cleo",
            "LastName": "Lind",
            "Companies": [{"Code": "FX-CO-2", "Name": "Second Fixture AB", "OrgNo": "556000-0002"}],
        },
    )
    assert bo is not None and cleo is not None
    return {"customers": [anna["Id"], bo["Id"], cleo["Id"]], "password": FIXTURE_PASSWORD}
