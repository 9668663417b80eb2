"""The 1.1 domain is split by Norce's service groups: each operation lives in the module of its spec tag."""

from __future__ import annotations

from pathlib import Path

import yaml

from emulator.domain.customer_service import GROUP_OF_OPERATION, GROUPS, CustomerService
from emulator.domain.store import Store
from emulator.faults import Faults

SPEC_PATH = Path(__file__).resolve().parents[3] / "openapi" / "customer-service-1.1.yaml"
STORM_ONLY = {"ListContactByCompany": "Contacts", "ListContactResponsibilities": "Contacts"}


def _spec_groups() -> dict[str, str]:
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return {
        operation["operationId"]: operation["tags"][0]
        for path_item in spec["paths"].values()
        for operation in path_item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


def test_every_operation_is_in_the_group_of_its_spec_tag() -> None:
    found = {name: group.__name__ for name, group in GROUP_OF_OPERATION.items()}
    assert found == _spec_groups() | STORM_ONLY


def test_each_group_has_its_own_module() -> None:
    modules = [group.__module__ for group in GROUPS]
    assert len(set(modules)) == len(GROUPS)
    assert all(module.startswith("emulator.domain.customer_service.") for module in modules)


def test_the_facade_finds_each_operation_on_its_group() -> None:
    service = CustomerService(Store(), Faults())
    assert service.operation("GetCustomer") == service.customers.GetCustomer
    assert service.operation("GetExternalCustomerAddress2") == service.customers.GetExternalCustomerAddress2
    assert CustomerService.implements("LoginPost") and not CustomerService.implements("NoSuchOperation")
    assert service.operation("ListAccountRoles")() == service.accounts.ListAccountRoles()
