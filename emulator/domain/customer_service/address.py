"""Address: delivery addresses of a customer and of its companies; each operation answers the Customer."""

from __future__ import annotations

from typing import Any

from .. import customer_views as views
from ..errors import NotFound
from ..model import Company
from ..state import State
from .shared import Group, Plain, require_customer


def _company_of_customer(state: State, customer_id: int, company_id: int | None = None) -> Company:
    require_customer(state, customer_id)
    companies = state.companies_of_customer(customer_id)
    if company_id is not None:
        companies = [c for c in companies if c.id == company_id]
    if not companies:
        raise NotFound("CompanyMissing", f"Customer {customer_id} belongs to no such company.")
    return state.edit_company(companies[0].id)


def _company_address_owner(state: State, customer_id: int, address_id: int | None) -> Company:
    require_customer(state, customer_id)
    for company in state.companies_of_customer(customer_id):
        if any(a.id == address_id for a in company.delivery_addresses):
            return state.edit_company(company.id)
    raise NotFound("AddressMissing", f"No company of customer {customer_id} has address {address_id}.")


class Address(Group):
    def InsertCustomerDeliveryAddress(
        self, customer_id: int, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        with self.store.transaction() as state:
            customer = self.shared.editable_customer(state, customer_id)
            if self.faults.is_on("cs-insert-delivery-address-replaces"):  # the others are dropped
                customer.delivery_addresses = []
            customer.delivery_addresses.append(
                views.new_address(
                    state, self.shared.next_address_id(), body if isinstance(body, dict) else {}
                )
            )
            self.shared.touch(customer)
        return self.shared.customer_result(customer_id, include_companies)

    def UpdateCustomerDeliveryAddress(
        self, customer_id: int, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            customer = self.shared.editable_customer(state, customer_id)
            address = next(
                (a for a in customer.delivery_addresses if a.id == views.integer(data, "Id")), None
            )
            if address is not None and self.faults.is_on("cs-update-delivery-address-wrong-one"):
                address = customer.delivery_addresses[0]  # the first, not the one the body names
            if address is None:
                raise NotFound("AddressMissing", f"Customer {customer_id} has no address {data.get('Id')!r}.")
            views.apply_address(state, address, data)
            self.shared.touch(customer)
        return self.shared.customer_result(customer_id, include_companies)

    def DeleteCustomerDeliveryAddress(
        self, address_id: int, customer_id: int, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        with self.store.transaction() as state:
            customer = self.shared.editable_customer(state, customer_id)
            kept = [a for a in customer.delivery_addresses if a.id != address_id]
            if len(kept) == len(customer.delivery_addresses):
                raise NotFound("AddressMissing", f"Customer {customer_id} has no address {address_id}.")
            if self.faults.is_on("cs-delete-delivery-address-deletes-all"):
                kept = []
            customer.delivery_addresses = kept
            self.shared.touch(customer)
        return self.shared.customer_result(customer_id, include_companies)

    def InsertCompanyDeliveryAddress(
        self,
        company_id: int,
        customer_id: int,
        body: Any = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        with self.store.transaction() as state:
            named = (
                None
                if self.faults.is_on("cs-insert-company-delivery-address-to-default-company")
                else company_id
            )
            company = _company_of_customer(state, customer_id, named)
            company.delivery_addresses.append(
                views.new_address(
                    state, self.shared.next_address_id(), body if isinstance(body, dict) else {}
                )
            )
            self.shared.touch(company)
        return self.shared.customer_result(customer_id, include_companies)

    def UpdateCompanyDeliveryAddress(
        self, customer_id: int, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            company = _company_address_owner(state, customer_id, views.integer(data, "Id"))
            addresses = [a for a in company.delivery_addresses if a.id == views.integer(data, "Id")]
            if self.faults.is_on("cs-update-company-delivery-address-updates-all"):
                addresses = company.delivery_addresses
            for address in addresses:
                views.apply_address(state, address, data)
            self.shared.touch(company)
        return self.shared.customer_result(customer_id, include_companies)

    def DeleteCompanyDeliveryAddress(
        self, address_id: int, customer_id: int, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        with self.store.transaction() as state:
            company = _company_address_owner(state, customer_id, address_id)
            company.delivery_addresses = [a for a in company.delivery_addresses if a.id != address_id]
            if self.faults.is_on("cs-delete-company-delivery-address-deletes-all"):
                company.delivery_addresses = []
            self.shared.touch(company)
        return self.shared.customer_result(customer_id, include_companies)
