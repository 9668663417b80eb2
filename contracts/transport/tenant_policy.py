"""What a generated write may do on a shared tenant: touch only what this run created.

Schemathesis draws ids, codes and e-mails at random. On a tenant such a write could change a customer the run
never created, so every write case is prepared first:
- each id it sends (customerId, companyId, addressId, the Id of a body entity it updates) is replaced by the
  id of an entity this run owns (`contracts.transport.inventory`);
- each entity it creates gets run-prefixed identities: Code, e-mail, login name, and the organisation number
  where it must be unique; ids and keys of new entities are dropped, nested company links are left out;
- a login name it sends (LoginPost, ChangePassword, SendPasswordReminder) is one in the run's namespace, so no
  real account sees failed logins or reminder mail;
- an operation whose effect cleanup could not undo (price lists and their items) is not sent.

`prepare` returns the case's query and body as they may be sent, or the reason it must not be sent. It never
looks at whether the case is positive or negative: the caller checks that preparing did not change that.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from contracts.transport.inventory import NotAvailable, RunInventory
from contracts.transport.namespace import RunNamespace

INT32_MAX = 2**31 - 1

# Operations whose effect cleanup cannot undo: they create or change price lists and price-list items, which
# belong to the tenant, not to a company this run created.
NOT_SENT = {
    op: "creates or changes a price list, which cleanup cannot undo"
    for op in (
        "InsertCompanyPricelist",
        "InsertCompanyPricelist2",
        "UpdateCompanyPricelist",
        "UpdateCompanyPricelist2",
        "InsertPricelistItem",
        "UpdatePricelistItem",
    )
}

NEW_CUSTOMER_BODY = frozenset(
    {
        "CreateCustomer",
        "CreateCustomer2",
        "CreateCustomer3",
        "RegisterCustomer",
        "RegisterCustomer2",
        "RegisterCustomer3",
        "InsertCompanyCustomer",
        "InsertCompanyCustomer2",
        "GetExternalCustomerAddress",
        "GetExternalCustomerAddress2",
    }
)
OUR_CUSTOMER_BODY = frozenset({"UpdateCustomer", "UpdateCustomer2", "UpdateCustomer3", "SetDefaultCompany"})
OUR_COMPANY_BODY = frozenset({"UpdateCompany"})
NEW_ADDRESS_BODY = frozenset({"InsertCompanyDeliveryAddress", "InsertCustomerDeliveryAddress"})
OUR_ADDRESS_BODY = {"UpdateCustomerDeliveryAddress": "customer", "UpdateCompanyDeliveryAddress": "company"}
ADDRESS_PARAM_OWNER = {"DeleteCustomerDeliveryAddress": "customer", "DeleteCompanyDeliveryAddress": "company"}
IMPORTS = frozenset({"ImportCustomers", "ImportCompanies"})


@dataclass(frozen=True)
class Prepared:
    query: dict[str, Any]
    body: Any
    rewritten: bool


@dataclass(frozen=True)
class Refused:
    reason: str


Decision = Prepared | Refused


def _is_id(value: Any) -> bool:
    """A value that could name an entity: an int32 (anything else names nothing and is left for the server
    to reject)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= INT32_MAX


class TenantWritePolicy:
    def __init__(self, inventory: RunInventory, namespace: RunNamespace) -> None:
        self.inventory = inventory
        self.namespace = namespace

    def prepare(self, operation_id: str, query: Mapping[str, Any] | None, body: Any) -> Decision:
        if operation_id in NOT_SENT:
            return Refused(NOT_SENT[operation_id])
        new_query, new_body = dict(query or {}), copy.deepcopy(body)
        try:
            self._query(operation_id, new_query)
            new_body = self._body(operation_id, new_body)
        except NotAvailable as exc:
            return Refused(str(exc))
        rewritten = new_query != dict(query or {}) or new_body != body
        return Prepared(new_query, new_body, rewritten)

    # -- query parameters ----------------------------------------------------------------------------
    def _query(self, operation_id: str, query: dict[str, Any]) -> None:
        owners: dict[str, Callable[[], int]] = {
            "customerId": lambda: self.inventory.customer().id,
            "companyId": lambda: self.inventory.company().id,
        }
        if operation_id in ADDRESS_PARAM_OWNER:
            owner = ADDRESS_PARAM_OWNER[operation_id]
            owners["addressId"] = (
                self.inventory.customer_address if owner == "customer" else self.inventory.company_address
            )
        for name, owned in owners.items():
            if _is_id(query.get(name)):
                query[name] = owned()
        if isinstance(query.get("loginName"), str):
            query["loginName"] = self.inventory.login_name()

    # -- bodies -----------------------------------------------------------------------------------------
    def _body(self, operation_id: str, body: Any) -> Any:
        if operation_id in IMPORTS:
            items = body if isinstance(body, list) else [body]
            for item in items:
                if isinstance(item, dict):
                    self._import_item(operation_id, item)
            return body
        if not isinstance(body, dict):
            return body
        if operation_id in NEW_CUSTOMER_BODY:
            self._new_customer(body)
        elif operation_id in OUR_CUSTOMER_BODY:
            self._new_customer(body)
            customer = self.inventory.customer()
            body["Id"], body["Code"] = customer.id, customer.code
        elif operation_id in OUR_COMPANY_BODY:
            company = self.inventory.company()
            _drop(body, "Key", "ParentId")
            body["Id"], body["Code"] = company.id, company.code
            if "OrgNo" in body:
                body["OrgNo"] = self.namespace.code("org")
        elif operation_id in NEW_ADDRESS_BODY:
            _drop(body, "Id")
        elif operation_id in OUR_ADDRESS_BODY:
            owner = OUR_ADDRESS_BODY[operation_id]
            owned = self.inventory.customer_address if owner == "customer" else self.inventory.company_address
            body["Id"] = owned()
        elif operation_id == "LoginPost" and "LoginName" in body:
            body["LoginName"] = self.inventory.login_name()
        return body

    def _new_customer(self, customer: dict[str, Any]) -> None:
        """A 1.1 Customer the write creates (or updates as ours): run identities, always both a Code and an
        e-mail (the ledger finds what it created by either), and no links to others' data."""
        _drop(customer, "Id", "Key", "Companies")
        customer["Code"] = self.namespace.code("st")
        customer["Email"] = self.namespace.email("st")
        account = customer.get("Account")
        if isinstance(account, dict):
            _drop(account, "Id", "Key")
            if "LoginName" in account:
                account["LoginName"] = self.namespace.email("st-login")
        for address in [customer.get("InvoiceAddress"), *(_list(customer.get("DeliveryAddresses")))]:
            if isinstance(address, dict):
                _drop(address, "Id")

    def _import_item(self, operation_id: str, item: dict[str, Any]) -> None:
        """A Connect item: matched by Id, Code, then e-mail or org no; make every one of them the run's."""
        _drop(item, "Id")
        if operation_id == "ImportCustomers":
            self._identity(item, code="Code", email="EmailAddress")
            for account in _list(item.get("Accounts")):
                if isinstance(account, dict) and account.get("LoginName") is not None:
                    account["LoginName"] = self.namespace.email("st-login")
            for company in _list(item.get("Companies")):
                if isinstance(company, dict):
                    _drop(company, "Id")
                    self._identity(company, code="Code", org_no="OrganizationNo")
        else:
            self._identity(item, code="Code", org_no="OrganizationNo")
            if item.get("ParentCompanyCode") is not None:
                item["ParentCompanyCode"] = self.namespace.code("st-parent")
            for customer in _list(item.get("Customers")):
                if isinstance(customer, dict):
                    _drop(customer, "Id")
                    self._identity(customer, code="Code", email="EmailAddress")

    def _identity(self, entity: dict[str, Any], *, code: str, email: str = "", org_no: str = "") -> None:
        """Run identities for the ones present (an item without any identity fails, it creates nothing; adding
        one would change what the case tests)."""
        if entity.get(code) is not None:
            entity[code] = self.namespace.code("st")
        if email and entity.get(email) is not None:
            entity[email] = self.namespace.email("st")
        if org_no and entity.get(org_no) is not None:
            entity[org_no] = self.namespace.code("st-org")


def _drop(entity: dict[str, Any], *names: str) -> None:
    for name in names:
        entity.pop(name, None)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
