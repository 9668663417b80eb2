"""Entities this run owns on a tenant, made on first need, so a generated write always has something of ours
to act on: a company, a customer related to it, and a delivery address of each.

Everything is created under the run namespace and recorded in the ledger by the client, so cleanup deactivates
it with the rest of the run's data. A failure to create is remembered: the cases that need the entity are
then skipped with that reason instead of retried on every case.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from contracts.transport.client import JobTimeout, NetworkError, NorceClient
from contracts.transport.namespace import RunNamespace

# Company fields Code (2), OrganizationNo (3), Name (4) and ApplicationKey (0): the documented insert minimum.
COMPANY_HEADER_FIELDS = (0, 2, 3, 4)


T = TypeVar("T")


class NotAvailable(Exception):
    """The run could not make an entity it needs; the message says why (shown as the skip reason)."""


@dataclass(frozen=True)
class Owned:
    id: int
    code: str


class RunInventory:
    def __init__(self, client: NorceClient, namespace: RunNamespace) -> None:
        self.client = client
        self.namespace = namespace
        self._lock = threading.RLock()
        self._made: dict[str, object] = {}

    def company(self) -> Owned:
        return self._once("company", self._make_company)

    def customer(self) -> Owned:
        """A customer related to `company()` (so company-scoped customer operations apply to it)."""
        return self._once("customer", self._make_customer)

    def customer_address(self) -> int:
        return self._once("customer address", self._make_customer_address)

    def company_address(self) -> int:
        return self._once("company address", self._make_company_address)

    def login_name(self) -> str:
        """A login name in the run's namespace (no real account ever answers to it)."""
        return self._once("login name", lambda: self.namespace.email("login"))

    # -- making ------------------------------------------------------------------------------------------
    def _once(self, what: str, make: Callable[[], T]) -> T:
        with self._lock:
            if what not in self._made:
                try:
                    self._made[what] = make()
                except (NotAvailable, NetworkError, JobTimeout, ValueError, KeyError) as exc:
                    self._made[what] = NotAvailable(f"no run-owned {what}: {exc}")
            made = self._made[what]
        if isinstance(made, NotAvailable):
            raise made
        return cast(T, made)

    def _make_company(self) -> Owned:
        target = self.client.target
        code = self.namespace.code("inv-co")
        item = {
            "ApplicationKey": target.application_key,
            "Code": code,
            "OrganizationNo": self.namespace.code("inv-org"),
            "Name": code,
        }
        header = json.dumps(
            {"AccountId": target.account_id, "CompanyFieldsThatAreSet": list(COMPANY_HEADER_FIELDS)},
            separators=(",", ":"),
        )
        answer = self.client.import_companies([item], header)
        if answer.status_code != 200:
            raise NotAvailable(f"ImportCompanies answered {answer.status_code}")
        job = self.client.wait_for_job(int(answer.json()["JobId"]))
        if job.get("Fail"):
            raise NotAvailable(f"the company import failed: {job}")
        return Owned(self._id_of("GetCompanyByCode", code), code)

    def _make_customer(self) -> Owned:
        company = self.company()
        code = self.namespace.code("inv-cu")
        email = self.namespace.email("inv-cu")
        body = {"Code": code, "Email": email, "FirstName": "Run", "LastName": "Owned"}
        params = {"companyId": company.id, "updatedBy": str(self.client.target.account_id)}
        answer = self.client.call("InsertCompanyCustomer", params=params, json=body)
        if answer.status_code != 200:
            raise NotAvailable(f"InsertCompanyCustomer answered {answer.status_code}")
        return Owned(self._id_of("GetCustomerByCode", code), code)

    def _make_customer_address(self) -> int:
        customer = self.customer()
        params = {"customerId": customer.id, "updatedBy": self.client.target.account_id}
        address = _address(self.namespace)
        answer = self.client.call("InsertCustomerDeliveryAddress", params=params, json=address)
        return _last_address_id(answer.json() if answer.status_code == 200 else None, "DeliveryAddresses")

    def _make_company_address(self) -> int:
        company, customer = self.company(), self.customer()
        account = self.client.target.account_id
        params = {"companyId": company.id, "customerId": customer.id, "updatedBy": account}
        address = _address(self.namespace)
        answer = self.client.call("InsertCompanyDeliveryAddress", params=params, json=address)
        read = self.client.call("GetCompany", params={"id": company.id})
        body = read.json() if read.status_code == 200 and answer.status_code == 200 else None
        return _last_address_id(body, "DeliveryAddresses")

    def _id_of(self, lookup: str, code: str) -> int:
        answer = self.client.call(lookup, params={"code": code})
        body = answer.json() if answer.status_code == 200 and answer.content.strip() else None
        if not isinstance(body, Mapping) or not isinstance(body.get("Id"), int):
            raise NotAvailable(f"{lookup} does not find {code}")
        return int(body["Id"])


def _address(namespace: RunNamespace) -> dict[str, Any]:
    return {"Line1": namespace.code("street"), "Zip": "11122", "City": "Stockholm", "Country": "SE"}


def _last_address_id(owner: Any, member: str) -> int:
    addresses = owner.get(member) if isinstance(owner, Mapping) else None
    ids = [a["Id"] for a in addresses or [] if isinstance(a, Mapping) and isinstance(a.get("Id"), int)]
    if not ids:
        raise NotAvailable("the new delivery address did not come back with an Id")
    return int(ids[-1])
