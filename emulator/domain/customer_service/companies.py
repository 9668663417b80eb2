"""Companies: lookups and lists, their customers, delivery and payment methods, discounts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .. import customer_views as views
from ..errors import BusinessError, NotFound
from ..model import Company, Discount, PaymentMethodLink, ReferenceItem
from ..state import State
from .shared import Group, Plain, company_missing, require_company, require_customer


def _method(state: State, table: str, method_id: int) -> ReferenceItem:
    item = state.reference_by_id(table, method_id)
    if item is None:
        key = "DeliveryMethodMissing" if table == "delivery_methods" else "PaymentMethodMissing"
        raise NotFound(key, f"Method {method_id} does not exist.")
    return item


def _discount_view(discount: Discount) -> Plain:
    return {
        "TypeId": discount.type,
        "Value": discount.value_code,
        "Discount": discount.discount_percentage,
        "PriceListTypeSeed": discount.price_list_type_id_seed,
    }


def _discount_from(body: Plain) -> Discount:
    percentage = body.get("Discount")
    return Discount(
        type=views.integer(body, "TypeId") or 0,
        value_code=views.text(body, "Value"),
        discount_percentage=float(percentage) if isinstance(percentage, int | float) else 0.0,
        price_list_type_id_seed=views.text(body, "PriceListTypeSeed"),
    )


class Companies(Group):
    # --- reads ---
    def GetCompany(self, id: int, **_unused: Any) -> Plain | None:
        return self.shared.company_result(id)

    def GetCompanyByCode(self, code: str, **_unused: Any) -> Plain | None:
        return self.shared.read(
            lambda s: views.company_view(s, c) if (c := s.company_by_code(code)) else None
        )

    def GetCompanyByOrgNo(self, org_no: str, **_unused: Any) -> Plain | None:
        return self.shared.read(
            lambda s: views.company_view(s, c) if (c := s.company_by_org_no(org_no)) else None
        )

    def GetCompanyByOrgNoAndStoreId(self, org_no: str, **_unused: Any) -> Plain | None:
        return self.GetCompanyByOrgNo(org_no)  # one store in the emulator: storeId does not narrow anything

    def _companies_result(self, found: Callable[[State], list[Company]]) -> list[Plain]:
        return self.shared.read(lambda s: [views.company_view(s, c) for c in found(s)])

    def ListCompaniesByOrgNo(self, org_no: str, **_unused: Any) -> list[Plain]:
        # Documented: non-numeric characters are stripped before searching (the stored OrgNo likewise).
        def normal(text: str) -> str:
            return text if self.faults.is_on("cs-org-no-not-stripped") else re.sub(r"\D", "", text)

        wanted = normal(org_no)
        found = self._companies_result(
            lambda s: [
                c for c in s.companies.values() if wanted and normal(c.organization_no or "") == wanted
            ]
        )
        return found[:1] if self.faults.is_on("cs-org-no-lists-first-only") else found

    def ListCompaniesByParent(self, parent_id: int, **_unused: Any) -> list[Plain]:
        return self._companies_result(lambda s: s.companies_by_parent(parent_id))

    def ListCompanyByInfoType(self, code: str, value: str, **_unused: Any) -> list[Plain]:
        return self._companies_result(
            lambda s: [
                c
                for c in s.companies.values()
                if any(i.code == code and i.value == value for i in c.additional_info)
            ]
        )

    # --- the company and its customers ---
    def InactivateCompany(self, company_id: int, **_unused: Any) -> None:
        with self.store.transaction() as state:
            if state.company_by_id(company_id) is None and self.faults.is_on(
                "cs-inactivate-company-missing-key-wrong"
            ):
                raise NotFound("CompanyNotFound", f"Company {company_id} does not exist.")
            company = self.shared.editable_company(state, company_id)
            company.is_active = False
            self.shared.touch(company)
            if self.faults.is_on("cs-inactivate-company-inactivates-customers"):
                for customer in state.customers_of_company(company_id):
                    state.edit_customer(customer.id).is_active = False

    def DeleteCompanyCustomer(self, company_id: int, customer_id: int, **_unused: Any) -> None:
        """Removes the relation only. Keys: CompanyMissing, CustomerMissing, CannotDeleteLastCustomer."""
        with self.store.transaction() as state:
            require_company(state, company_id)
            if state.customer_by_id(customer_id) is None and self.faults.is_on(
                "cs-delete-company-customer-missing-accepted"
            ):
                return  # nothing to remove: answered as done
            if state.customer_by_id(customer_id) is None or (customer_id, company_id) not in state.relations:
                raise NotFound(
                    "CustomerMissing", f"Customer {customer_id} is not a customer of company {company_id}."
                )
            if len(state.relations_of_company(company_id)) <= 1 and not self.faults.is_on(
                "cs-delete-last-company-customer-allowed"
            ):
                raise BusinessError(
                    "CannotDeleteLastCustomer",
                    f"Customer {customer_id} is the last customer of company {company_id}.",
                )
            state.remove_relation(customer_id, company_id)
            if self.faults.is_on("cs-delete-company-customer-inactivates-customer"):
                state.edit_customer(customer_id).is_active = False

    def _insert_company_customer(
        self, operation: str, company_id: int, body: Any, password: str | None, include_companies: str | None
    ) -> list[Plain]:
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            require_company(state, company_id)
            customer_id = views.integer(data, "Id")
            if customer_id is None:
                customer_id = self.shared.insert_customer(state, data, password).id
            else:
                require_customer(state, customer_id)
            if operation == "InsertCompanyCustomer2" and self.faults.is_on(
                "cs-insert-company-customer2-drops-other-customers"
            ):
                for other in state.customers_of_company(company_id):
                    state.remove_relation(other.id, company_id)
            state.add_relation(customer_id, company_id)
        return self.shared.customers_result(lambda s: s.customers_of_company(company_id), include_companies)

    def InsertCompanyCustomer(
        self, company_id: int, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> list[Plain]:
        return self._insert_company_customer(
            "InsertCompanyCustomer", company_id, body, None, include_companies
        )

    def InsertCompanyCustomer2(
        self,
        company_id: int,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> list[Plain]:
        return self._insert_company_customer(
            "InsertCompanyCustomer2", company_id, body, password, include_companies
        )

    def SetDefaultCompany(
        self, company_id: int, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        sent_id = views.integer(body, "Id") if isinstance(body, dict) else None
        with self.store.transaction() as state:
            customer_id = require_customer(state, sent_id)
            if (customer_id, company_id) not in state.relations:
                raise company_missing(company_id)
            if not self.faults.is_on("cs-set-default-company-order-unchanged"):
                state.set_primary_company(customer_id, company_id)
        return self.shared.customer_result(customer_id, include_companies)

    def UpdateCompany(
        self, customer_id: int, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            require_customer(state, customer_id)
            company = self.shared.editable_company(state, views.integer(data, "Id") or -1)
            views.apply_company(state, company, data, self.shared.next_address_id)
            self.shared.refuse_shared_org_no_and_name(state, company)
            if self.faults.is_on("cs-update-company-clears-delivery-addresses"):
                company.delivery_addresses = []
            if self.faults.is_on("cs-update-company-writes-pricelist-ids") and isinstance(
                data.get("PricelistIds"), list
            ):
                found = (state.reference_by_id("price_lists", i) for i in data["PricelistIds"])
                company.price_lists = [item.code for item in found if item is not None]
            self.shared.touch(company)
        return self.shared.customer_result(customer_id, include_companies)

    # --- delivery and payment methods ---
    def InsertCompanyDeliveryMethod(self, method_id: int, company_id: int, **_unused: Any) -> Plain | None:
        with self.store.transaction() as state:
            company = self.shared.editable_company(state, company_id)
            code = _method(state, "delivery_methods", method_id).code
            if self.faults.is_on("cs-insert-company-delivery-method-replaces-others"):
                company.delivery_methods = []
            if code not in company.delivery_methods:
                company.delivery_methods.append(code)
        return self.shared.company_result(company_id)

    def DeleteCompanyDeliveryMethod(self, method_id: int, company_id: int, **_unused: Any) -> Plain | None:
        with self.store.transaction() as state:
            company = self.shared.editable_company(state, company_id)
            code = _method(state, "delivery_methods", method_id).code
            company.delivery_methods = [c for c in company.delivery_methods if c != code]
            if self.faults.is_on("cs-delete-company-delivery-method-removes-all"):
                company.delivery_methods = []
        return self.shared.company_result(company_id)

    def _insert_payment_method(
        self, operation: str, method_id: int, company_id: int, capture_code: str | None
    ) -> Plain | None:
        if operation == "InsertCompanyPaymentMethod2" and self.faults.is_on(
            "cs-insert-company-payment-method2-drops-capture-code"
        ):
            capture_code = None
        with self.store.transaction() as state:
            if (
                operation == "InsertCompanyPaymentMethod2"
                and state.company_by_id(company_id) is None
                and self.faults.is_on("cs-company-missing-answers-null")
            ):
                return None  # no company to answer with, and no CompanyMissing either
            company = self.shared.editable_company(state, company_id)
            code = _method(state, "payment_methods", method_id).code
            company.payment_methods = [m for m in company.payment_methods if m.code != code]
            if operation == "InsertCompanyPaymentMethod" and self.faults.is_on(
                "cs-insert-company-payment-method-replaces-others"
            ):
                company.payment_methods = []
            company.payment_methods.append(PaymentMethodLink(code, capture_code))
        return self.shared.company_result(company_id)

    def InsertCompanyPaymentMethod2(
        self,
        method_id: int,
        company_id: int,
        invoice_capture_settings_code: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self._insert_payment_method(
            "InsertCompanyPaymentMethod2", method_id, company_id, invoice_capture_settings_code
        )

    def InsertCompanyPaymentMethod(self, method_id: int, company_id: int, **_unused: Any) -> Plain | None:
        return self._insert_payment_method("InsertCompanyPaymentMethod", method_id, company_id, None)

    def DeleteCompanyPaymentMethod(self, method_id: int, company_id: int, **_unused: Any) -> Plain | None:
        with self.store.transaction() as state:
            company = self.shared.editable_company(state, company_id)
            code = _method(state, "payment_methods", method_id).code
            company.payment_methods = [m for m in company.payment_methods if m.code != code]
            if self.faults.is_on("cs-delete-company-payment-method-removes-all"):
                company.payment_methods = []
        return self.shared.company_result(company_id)

    def GetCompanyPaymentMethod(
        self, payment_method_id: int, company_id: int, **_unused: Any
    ) -> Plain | None:
        def pick(state: State) -> Plain | None:
            company = state.company_by_id(company_id)
            method = state.reference_by_id("payment_methods", payment_method_id)
            link = (
                next((m for m in company.payment_methods if method and m.code == method.code), None)
                if company
                else None
            )
            if company is None or link is None:
                return None
            return {
                "CompanyCode": company.code,
                "PaymentMethodCode": link.code,
                "InvoiceCaptureSettingsCode": link.invoice_capture_settings_code,
                "IsActive": True,
            }

        return self.shared.read(pick)

    # --- discounts ---
    def ListCompanyDiscounts(self, company_id: int, **_unused: Any) -> list[Plain]:
        return self.shared.read(
            lambda s: [_discount_view(d) for d in c.discounts] if (c := s.company_by_id(company_id)) else []
        )

    def UpsertCompanyDiscounts(self, company_id: int, body: Any = None, **_unused: Any) -> None:
        entries = [e for e in body if isinstance(e, dict)] if isinstance(body, list) else []
        with self.store.transaction() as state:
            company = self.shared.editable_company(state, company_id)
            if self.faults.is_on("cs-upsert-company-discounts-replaces-all"):
                company.discounts = []
            for entry in map(_discount_from, entries):
                company.discounts = [
                    d for d in company.discounts if (d.type, d.value_code) != (entry.type, entry.value_code)
                ]
                company.discounts.append(entry)

    def DeleteCompanyDiscount(self, company_id: int, body: Any = None, **_unused: Any) -> None:
        entry = _discount_from(body if isinstance(body, dict) else {})
        with self.store.transaction() as state:
            company = self.shared.editable_company(state, company_id)
            company.discounts = [
                d for d in company.discounts if (d.type, d.value_code) != (entry.type, entry.value_code)
            ]
