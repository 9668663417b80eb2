"""The 1.1 views the emulator derives from what Connect stored stay within the 1.1 documented maxLength."""

from __future__ import annotations

import json

import pytest

from emulator.domain.connect import ConnectService
from emulator.domain.customer_service import CustomerService
from emulator.domain.customer_views import ACCOUNT_NAME_MAX_LENGTH
from emulator.domain.errors import BusinessError
from emulator.domain.store import Store
from emulator.faults import Faults

# Code, FirstName, LastName, EmailAddress, Accounts (docs/norce-facts.md §3 CustomerField)
FIELDS = [2, 6, 8, 3, 14]


def test_account_name_of_two_longest_names_is_cut_to_its_max_length() -> None:
    """FirstName and LastName may each be 50 characters; Account.Name, their join, may be only 100."""
    store = Store()
    first, last = "Å" * 50, "Ö" * 50
    item = {
        "Code": "long-names",
        "FirstName": first,
        "LastName": last,
        "EmailAddress": "long-names@example.com",
        "Accounts": [{"ApplicationKey": "15d62d1f-3a4e-4111-845a-4db40bf08e87", "LoginName": "long-names"}],
    }
    header = json.dumps({"AccountId": 1, "CustomerFieldsThatAreSet": FIELDS})
    ConnectService(store, Faults(), timing="immediate").import_customers(
        header, "application/json", json.dumps([item]).encode()
    )
    customer = CustomerService(store, Faults()).customers.GetCustomerByCode("long-names")
    assert customer is not None
    assert customer["Account"]["Name"] == f"{first} {last}"[:ACCOUNT_NAME_MAX_LENGTH]
    assert len(customer["Account"]["Name"]) == ACCOUNT_NAME_MAX_LENGTH == 100


def test_a_1_1_info_names_a_known_info_type_so_its_id_comes_from_the_list() -> None:
    """Customer.Info: "Ids come from ListCustomerInfoTypes" (docs/norce-facts.md §2C). An entry naming an
    info type by Code or Id is stored as that type; one naming no known type is refused."""
    service = CustomerService(Store(), Faults())
    known = {item["Code"]: item["Id"] for item in service.info_types.ListCustomerInfoTypes()}
    create = service.operation("CreateCustomer3")
    created = create(body={"Code": "c1", "Info": [{"Code": "NOTE", "Value": "a"}, {"Id": known["BIRTHDAY"]}]})
    assert [(i["Id"], i["Code"]) for i in created["Info"]] == [
        (known["NOTE"], "NOTE"),
        (known["BIRTHDAY"], "BIRTHDAY"),
    ]
    for unknown in ({"Code": "NO-SUCH-TYPE", "Value": "a"}, {"Id": 999_999, "Value": "a"}):
        with pytest.raises(BusinessError, match="InfoTypeMissing"):
            create(body={"Code": "c2", "Info": [unknown]})
    assert service.customers.GetCustomerByCode("c2") is None
