"""Customers: lookups, lists and searches, create/update/register, activation."""

from __future__ import annotations

import re
from typing import Any

from .. import customer_views as views
from ..model import Customer
from ..state import State
from ..store import hash_password
from .shared import Group, Plain, customer_missing, require_company, require_customer

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_EMPTY_GUID = "00000000-0000-0000-0000-000000000000"  # .NET Guid.Empty: an unset Key
_SEARCHED_FIELDS = (
    "code",
    "email_address",
    "first_name",
    "last_name",
    "social_security_number",
    "phone_number",
    "cell_phone_number",
)


def _by_company(state: State, company_id: int, account_role_id: str | None) -> list[Customer]:
    customers = state.customers_of_company(company_id)
    if account_role_id and account_role_id.strip():
        wanted = {part.strip() for part in account_role_id.split(",") if part.strip()}
        roles = {str(r.id): r.code for r in state.reference_table("account_roles")}
        codes = {roles.get(w) for w in wanted}
        customers = [c for c in customers if any(set(a.roles) & codes for a in c.accounts)]
    return customers


def _by_info(state: State, code: str, value: str) -> list[Customer]:
    return [
        c
        for c in state.customers.values()
        if any(i.code == code and i.value == value for i in c.additional_info)
    ]


def _search(state: State, search_string: str, company_id: str | None, size: str | None) -> list[Customer]:
    needle = search_string.strip().lower()
    pool = list(state.customers.values())
    if company_id and company_id.strip().isdigit():
        pool = state.customers_of_company(int(company_id))
    found = [c for c in pool if any(needle in (getattr(c, f) or "").lower() for f in _SEARCHED_FIELDS)]
    limit = int(size) if size and size.strip().isdigit() else None
    return found[:limit] if limit is not None else found


def _pricelist_codes(state: State, body: Plain) -> list[str]:
    """The codes of the price lists a body's PricelistIds name (only a fault writes them: read-only)."""
    ids = [i for i in body.get("PricelistIds") or [] if isinstance(i, int)]
    found = (state.reference_by_id("price_lists", i) for i in ids)
    return [item.code for item in found if item is not None]


def _company_colleagues(state: State, customer_id: int) -> list[int]:
    """The other customers of the customer's companies."""
    return sorted(
        {
            other.id
            for company in state.companies_of_customer(customer_id)
            for other in state.customers_of_company(company.id)
            if other.id != customer_id
        }
    )


class Customers(Group):
    # --- reads ---
    def GetCustomer(
        self,
        id: int,
        include_companies: str | None = None,
        culture_code: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self.shared.customer_by(lambda s: s.customer_by_id(id), include_companies, culture_code)

    def GetCustomerByAccountId(
        self,
        account_id: int,
        include_companies: str | None = None,
        culture_code: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self.shared.customer_by(
            lambda s: s.customer_by_account_id(account_id), include_companies, culture_code
        )

    def GetCustomerByCode(
        self,
        code: str,
        include_companies: str | None = None,
        culture_code: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self.shared.customer_by(lambda s: s.customer_by_code(code), include_companies, culture_code)

    def GetCustomerByEmail(
        self,
        email: str,
        include_companies: str | None = None,
        culture_code: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self.shared.customer_by(lambda s: s.customer_by_email(email), include_companies, culture_code)

    def GetCustomerByKey(
        self,
        key: str,
        include_companies: str | None = None,
        culture_code: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self.shared.customer_by(lambda s: s.customer_by_key(key), include_companies, culture_code)

    def GetCustomerByLoginName(
        self,
        login_name: str,
        include_companies: str | None = None,
        culture_code: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        def find(state: State) -> Customer | None:
            if self.faults.is_on("cs-login-name-lookup-by-email"):
                return state.customer_by_email(login_name)
            return state.customer_by_login_name(login_name)

        return self.shared.customer_by(find, include_companies, culture_code)

    def ListCustomerByCompany(
        self, id: int, include_companies: str | None = None, **_unused: Any
    ) -> list[Plain]:
        return self.shared.customers_result(lambda s: _by_company(s, id, None), include_companies)

    def ListCustomerByCompany2(
        self,
        id: int,
        account_role_id: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> list[Plain]:
        if self.faults.is_on("cs-company2-ignores-account-role"):
            account_role_id = None
        return self.shared.customers_result(lambda s: _by_company(s, id, account_role_id), include_companies)

    def ListCustomerByCompany3(
        self,
        id: int,
        account_role_id: str | None = None,
        show_inactive: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> list[Plain]:
        if self.faults.is_on("cs-company3-ignores-show-inactive"):
            show_inactive = "true"
        return self.shared.customers_result(
            lambda s: _by_company(s, id, account_role_id), include_companies, show_inactive or "false"
        )

    def ListCustomerByInfoType(
        self, code: str, value: str, include_companies: str | None = None, **_unused: Any
    ) -> list[Plain]:
        return self.shared.customers_result(lambda s: _by_info(s, code, value), include_companies)

    def ListCustomerByInfoType2(
        self,
        code: str,
        value: str,
        show_inactive: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> list[Plain]:
        return self.shared.customers_result(
            lambda s: _by_info(s, code, value), include_companies, show_inactive or "false"
        )

    def ListCustomerBySSN(
        self, ssn: str, include_companies: str | None = None, **_unused: Any
    ) -> list[Plain]:
        return self.shared.customers_result(lambda s: s.customers_by_ssn(ssn), include_companies)

    def ListCustomerBySSN2(
        self, ssn: str, show_inactive: str | None = None, include_companies: str | None = None, **_unused: Any
    ) -> list[Plain]:
        return self.shared.customers_result(
            lambda s: s.customers_by_ssn(ssn), include_companies, show_inactive or "false"
        )

    def SearchCustomer(
        self,
        search_string: str,
        company_id: str | None = None,
        size: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> list[Plain]:
        return self.shared.customers_result(
            lambda s: _search(s, search_string, company_id, size), include_companies
        )

    def SearchCustomer2(
        self,
        search_string: str,
        company_id: str | None = None,
        size: str | None = None,
        show_inactive: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> list[Plain]:
        if self.faults.is_on("cs-search2-ignores-company-id"):
            company_id = None
        return self.shared.customers_result(
            lambda s: _search(s, search_string, company_id, size),
            include_companies,
            show_inactive or "false",
        )

    def GetExternalCustomerAddress(
        self, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain:
        """A Customer, never null (docs/norce-facts.md §1C: Customer in, Customer out; the Get*-null rule is
        for lookups by id).

        No external address service here: the stored customer with the posted SSN, else the posted customer
        itself, read back through the 1.1 view and stored nowhere.
        """
        data = body if isinstance(body, dict) else {}
        ssn = views.text(data, "SSN")
        stored = self.shared.customer_by(
            lambda s: next(iter(s.customers_by_ssn(ssn)), None) if ssn else None, include_companies
        )
        return (
            stored if stored is not None else self.shared.read(lambda s: self._posted_customer_view(s, data))
        )

    def _posted_customer_view(self, state: State, body: Plain) -> Plain:
        key = views.text(body, "Key")
        # Id -1 matches no stored relation or account, so nothing stored leaks into the echo.
        customer = Customer(id=-1, key=key if key and _GUID.match(key) else _EMPTY_GUID)
        views.apply_customer(state, customer, body, lambda: None)
        return {**views.customer_view(state, customer, self.faults), "Id": views.integer(body, "Id")}

    def GetExternalCustomerAddress2(
        self, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain:
        """As GetExternalCustomerAddress: a lookup that stores nothing."""
        if self.faults.is_on("cs-external-address2-stores-customer") and isinstance(body, dict):
            created = self._create(body, None, include_companies)
            if created is not None:
                return created
        return self.GetExternalCustomerAddress(body=body, include_companies=include_companies)

    # --- writes ---
    def _attach_companies(
        self, state: State, customer: Customer, body: Plain, *, update_existing: bool = False
    ) -> None:
        """Companies without an Id are created; ones with an Id must exist and are related, and on an update
        their members are written too (UpdateCustomer: "A Company without Id is treated as new, with Id as an
        update", docs/norce-facts.md §1C). The first one becomes the primary company when the customer has
        none."""
        for company_body in views.objects(body, "Companies"):
            company_id = views.integer(company_body, "Id")
            if company_id is None:
                company = self.store.new_company()
                views.apply_company(state, company, company_body, self.shared.next_address_id)
                self.shared.refuse_shared_org_no_and_name(state, company)
                state.put_company(company)
                company_id = company.id
            elif update_existing and not self.faults.is_on("cs-update-customer-company-id-not-updated"):
                company = self.shared.editable_company(state, company_id)
                views.apply_company(state, company, company_body, self.shared.next_address_id)
                self.shared.touch(company)
            else:
                require_company(state, company_id)
            state.add_relation(customer.id, company_id)

    def _create(self, body: Any, password: str | None, include_companies: str | None) -> Plain | None:
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            customer = self.shared.insert_customer(state, data, password)
            self._attach_companies(state, customer, data)
        return self.shared.customer_result(customer.id, include_companies)

    def _update(
        self, customer_id: int, body: Plain, password: str | None, include_companies: str | None
    ) -> Plain | None:
        with self.store.transaction() as state:
            customer = self.shared.editable_customer(state, customer_id)
            views.apply_customer(state, customer, body, self.shared.next_address_id)
            self.shared.attach_account(state, customer, body, password)
            self._attach_companies(state, customer, body, update_existing=True)
            if self.faults.is_on("cs-update-customer-overwrites-pricelist-ids"):  # PricelistIds is read-only
                customer.price_lists = _pricelist_codes(state, body)
            self.shared.touch(customer)
        return self.shared.customer_result(customer_id, include_companies)

    def _register(self, body: Any, password: str | None, include_companies: str | None) -> Plain | None:
        """Create, or update the customer with the same Email: parts not passed stay untouched, and the
        password changes only with the Account root data (docs/norce-facts.md §1C RegisterCustomer3)."""
        data = body if isinstance(body, dict) else {}
        email, code = views.text(data, "Email"), views.text(data, "Code")
        if self.faults.is_on("cs-register-matches-by-code"):
            existing = self.shared.read(lambda s: s.customer_by_code(code)) if code else None
        else:
            existing = self.shared.read(lambda s: s.customer_by_email(email)) if email else None
        if existing is None:
            return self._create(data, password, include_companies)
        if self.faults.is_on("cs-register-clears-unsent-addresses"):
            data = {"DeliveryAddresses": [], "InvoiceAddress": None} | data
        if password and "Account" not in data and self.faults.is_on("cs-register-password-without-account"):
            self._set_password(existing.id, password)
        return self._update(existing.id, data, password, include_companies)

    def _set_password(self, customer_id: int, password: str) -> None:
        with self.store.transaction() as state:
            for account in self.shared.editable_customer(state, customer_id).accounts[:1]:
                account.password_hash = hash_password(password)

    def CreateCustomer3(
        self,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        if self.faults.is_on("cs-createcustomer3-ignores-existing-company") and isinstance(body, dict):
            companies = views.objects(body, "Companies")
            body = {**body, "Companies": [c for c in companies if views.integer(c, "Id") is None]}
        return self._create(body, password, include_companies)

    def CreateCustomer2(
        self,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self._create(body, password, include_companies)

    def CreateCustomer(
        self, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        """CreateCustomer3 with an empty password (docs/norce-facts.md §1C: it delegates)."""
        if self.faults.is_on("cs-createcustomer-drops-addresses") and isinstance(body, dict):
            body = {k: v for k, v in body.items() if k not in ("InvoiceAddress", "DeliveryAddresses")}
        return self._create(body, None, include_companies)

    def UpdateCustomer3(
        self,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        data = body if isinstance(body, dict) else {}
        customer_id = views.integer(data, "Id")
        if customer_id is None:
            raise customer_missing(None)
        return self._update(customer_id, data, password, include_companies)

    def UpdateCustomer2(
        self,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self.UpdateCustomer3(body=body, password=password, include_companies=include_companies)

    def UpdateCustomer(
        self, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        if self.faults.is_on("cs-updatecustomer-not-stored"):  # answers the update, stores nothing
            return self._unstored_update(body if isinstance(body, dict) else {}, include_companies)
        return self.UpdateCustomer3(body=body, include_companies=include_companies)

    def _unstored_update(self, body: Plain, include_companies: str | None) -> Plain | None:
        with self.store.reading() as state:
            working = state.fork()
            customer = self.shared.editable_customer(working, views.integer(body, "Id") or -1)
            views.apply_customer(working, customer, body, self.shared.next_address_id)
            return self.shared.customer_view(working, customer, include_companies)

    def RegisterCustomer3(
        self,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self._register(body, password, include_companies)

    def RegisterCustomer2(
        self,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        if self.faults.is_on("cs-registercustomer2-never-matches"):  # unlike its sibling, always creates
            return self._create(body, password, include_companies)
        return self._register(body, password, include_companies)

    def RegisterCustomer(
        self, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        return self._register(body, None, include_companies)

    def _set_active(self, customer_id: int, active: bool) -> None:
        with self.store.transaction() as state:
            customer = self.shared.editable_customer(state, customer_id)
            customer.is_active = active
            self.shared.touch(customer)

    def ActivateCustomer(self, customer_id: int, **_unused: Any) -> None:
        if self.faults.is_on("cs-activate-customer-activates-company"):  # every customer of its companies
            for other in self.shared.read(lambda s: _company_colleagues(s, customer_id)):
                self._set_active(other, True)
        self._set_active(customer_id, True)

    def InactivateCustomer(self, customer_id: int, **_unused: Any) -> None:
        if self.faults.is_on("cs-deactivation-does-not-stick"):  # the call succeeds, IsActive stays
            self.shared.read(lambda s: require_customer(s, customer_id))
            return
        self._set_active(customer_id, False)
