"""On a tenant a generated write touches only what the run created: the policy and the gate in front of it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from contracts.reports.recorder import Recorder, pop_recorder, push_recorder
from contracts.schemathesis_ext.case_gate import CaseGate
from contracts.transport.guard import WriteGuard
from contracts.transport.inventory import NotAvailable, Owned
from contracts.transport.namespace import RunNamespace
from contracts.transport.tenant_policy import Prepared, Refused, TenantWritePolicy
from tests.unit.targets.fakes import tenant_target

NS = RunNamespace("pol12345")


class FakeInventory:
    def __init__(self, *, broken: str | None = None) -> None:
        self.broken = broken

    def _check(self, what: str) -> None:
        if self.broken == what:
            raise NotAvailable(f"no run-owned {what}: the tenant said no")

    def customer(self) -> Owned:
        self._check("customer")
        return Owned(901, "nct-pol12345-inv-cu-1")

    def company(self) -> Owned:
        self._check("company")
        return Owned(801, "nct-pol12345-inv-co-1")

    def customer_address(self) -> int:
        return 701

    def company_address(self) -> int:
        return 601

    def login_name(self) -> str:
        return "nct-pol12345-login-1@example.com"


def policy(**inventory: Any) -> TenantWritePolicy:
    return TenantWritePolicy(FakeInventory(**inventory), NS)  # type: ignore[arg-type]


def prepared(decision: Prepared | Refused) -> Prepared:
    assert isinstance(decision, Prepared), decision
    return decision


def test_ids_name_only_entities_the_run_owns() -> None:
    result = prepared(policy().prepare("DeleteCompanyCustomer", {"companyId": 7, "customerId": 8}, None))
    assert result.query == {"companyId": 801, "customerId": 901} and result.rewritten
    address = prepared(
        policy().prepare("DeleteCustomerDeliveryAddress", {"addressId": 3, "customerId": 4}, None)
    )
    assert address.query == {"addressId": 701, "customerId": 901}
    company_address = prepared(policy().prepare("DeleteCompanyDeliveryAddress", {"addressId": 3}, None))
    assert company_address.query == {"addressId": 601}
    # A value that names nothing (not an int32) is left for the server to reject.
    untouched = prepared(
        policy().prepare("InactivateCustomer", {"customerId": "abc", "inactivatedBy": 1}, None)
    )
    assert untouched.query == {"customerId": "abc", "inactivatedBy": 1} and not untouched.rewritten


def test_created_customers_carry_run_identities_and_no_links_to_others() -> None:
    body = {
        "Id": 5,
        "Key": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "Code": "theirs",
        "Email": "someone@real.example",
        "Account": {"Id": 3, "LoginName": "someone@real.example"},
        "Companies": [{"Id": 1}],
        "InvoiceAddress": {"Id": 9, "Line1": "x"},
        "DeliveryAddresses": [{"Id": 10}],
        "FirstName": "Kept",
    }
    result = prepared(policy().prepare("CreateCustomer3", {"password": "p"}, body))
    customer = result.body
    assert (
        NS.owns(customer["Code"])
        and NS.owns(customer["Email"])
        and customer["Email"].endswith("@example.com")
    )
    assert NS.owns(customer["Account"]["LoginName"]) and "Id" not in customer["Account"]
    assert not {"Id", "Key", "Companies"} & set(customer)
    assert "Id" not in customer["InvoiceAddress"] and "Id" not in customer["DeliveryAddresses"][0]
    assert customer["FirstName"] == "Kept" and body["Code"] == "theirs"  # the generated value is not mutated


def test_updates_act_on_the_runs_customer_and_company() -> None:
    customer = prepared(policy().prepare("UpdateCustomer3", {"updatedBy": 1}, {"Id": 1, "Code": "x"})).body
    assert (customer["Id"], customer["Code"]) == (901, "nct-pol12345-inv-cu-1")
    company = prepared(
        policy().prepare("UpdateCompany", {"customerId": 1}, {"Id": 2, "OrgNo": "5560", "ParentId": 3})
    )
    assert company.query == {"customerId": 901}
    assert (company.body["Id"], company.body["Code"]) == (801, "nct-pol12345-inv-co-1")
    assert NS.owns(company.body["OrgNo"]) and "ParentId" not in company.body
    address = prepared(policy().prepare("UpdateCompanyDeliveryAddress", {"customerId": 1}, {"Id": 4}))
    assert address.body["Id"] == 601


def test_login_names_are_the_runs() -> None:
    login = prepared(policy().prepare("LoginPost", None, {"LoginName": "real@user.example", "Password": "x"}))
    assert login.body["LoginName"] == "nct-pol12345-login-1@example.com"
    reminder = prepared(policy().prepare("SendPasswordReminder", {"loginName": "real@user.example"}, None))
    assert reminder.query["loginName"] == "nct-pol12345-login-1@example.com"


def test_import_items_get_run_codes_emails_and_org_numbers() -> None:
    items = [
        {
            "Id": 4,
            "EmailAddress": "a@real.example",
            "Accounts": [{"LoginName": "a"}],
            "Companies": [{"Id": 2}],
        },
        "not an item",
    ]
    customer = prepared(policy().prepare("ImportCustomers", None, items)).body[0]
    assert "Id" not in customer and "Code" not in customer and NS.owns(customer["EmailAddress"])
    assert NS.owns(customer["Accounts"][0]["LoginName"])
    assert customer["Companies"] == [{}]  # the Id is gone; no identity is made up
    company = prepared(
        policy().prepare(
            "ImportCompanies",
            None,
            [{"Code": "c", "OrganizationNo": "5", "ParentCompanyCode": "p", "Customers": [{"Id": 1}]}],
        )
    ).body[0]
    assert all(NS.owns(company[k]) for k in ("Code", "OrganizationNo", "ParentCompanyCode"))
    assert company["Customers"] == [{}]


def test_what_cleanup_cannot_undo_or_what_cannot_be_made_is_not_sent() -> None:
    refused = policy().prepare("UpdateCompanyPricelist2", {"companyId": 1}, {"Name": "x"})
    assert isinstance(refused, Refused) and "price list" in refused.reason
    broken = policy(broken="company").prepare("InactivateCompany", {"companyId": 3, "inactivatedBy": 1}, None)
    assert isinstance(broken, Refused) and "the tenant said no" in broken.reason


def _case(method: str, operation: str, query: dict[str, Any] | None = None, body: Any = None) -> Any:
    raw = {"operationId": operation}
    return SimpleNamespace(
        method=method,
        query=query,
        body=body,
        operation=SimpleNamespace(definition=SimpleNamespace(raw=raw), label=f"{method} /{operation}"),
    )


@pytest.fixture
def recorder() -> Any:
    own = Recorder()
    push_recorder(own)
    yield own
    pop_recorder(own)


def test_the_gate_prepares_holds_back_and_counts(recorder: Recorder) -> None:
    target = tenant_target()
    gate = CaseGate(WriteGuard(target, allow_writes=True), policy())
    valid = _case("POST", "InactivateCustomer", {"customerId": 5, "inactivatedBy": 1})
    assert gate.admit(valid) is None and valid.query["customerId"] == 901
    # Negative on the Code type: making it a run code would make the request valid, so it is not sent.
    negative = _case("POST", "CreateCustomer3", {}, {"Code": 12345})
    assert "change whether the request is valid" in (gate.admit(negative) or "")
    assert negative.body == {"Code": 12345}
    read_only = CaseGate(WriteGuard(target, allow_writes=False), policy())
    assert "read-only" in (read_only.admit(_case("PUT", "GetCustomer", {"id": 1})) or "")
    assert read_only.admit(_case("GET", "GetCustomer", {"id": 1})) is None
    recorder.close()
    outcomes = sorted((e.operation, e.outcome, e.count) for e in recorder.memory)  # type: ignore[union-attr]
    assert outcomes == [
        ("CreateCustomer3", "not sent", 1),
        ("GetCustomer", "not sent", 1),
        ("InactivateCustomer", "rewritten", 1),
    ]


def test_the_embedded_emulator_is_fuzzed_unconstrained(recorder: Recorder) -> None:
    gate = CaseGate(WriteGuard(tenant_target(), allow_writes=True), None)
    case = _case("POST", "InactivateCustomer", {"customerId": 5, "inactivatedBy": 1})
    assert gate.admit(case) is None and case.query["customerId"] == 5
