"""The checked-in operation inventory equals the operationIds of both vendored specs."""

from __future__ import annotations

from pathlib import Path

import yaml

OPENAPI = Path(__file__).resolve().parents[2] / "openapi"
CONNECT_OPERATIONS = {"ImportCompanies", "ImportCustomers", "JobGet", "JobGetLog", "JobList"}


def operation_ids(spec_file: str) -> list[str]:
    document = yaml.safe_load((OPENAPI / spec_file).read_text(encoding="utf-8"))
    return [
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]


def inventory() -> list[str]:
    lines = (OPENAPI / "operations.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_inventory_is_sorted_and_unique() -> None:
    listed = inventory()
    assert listed == sorted(set(listed))


def test_inventory_equals_both_specs() -> None:
    connect = operation_ids("connect-customer-4.0.yaml")
    customer_service = operation_ids("customer-service-1.1.yaml")
    assert len(connect) == len(set(connect)) and len(customer_service) == len(set(customer_service))
    assert not set(connect) & set(customer_service)
    assert set(connect) | set(customer_service) == set(inventory())


def test_connect_has_exactly_the_five_documented_operations() -> None:
    assert set(operation_ids("connect-customer-4.0.yaml")) == CONNECT_OPERATIONS
