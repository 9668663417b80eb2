"""Customer Service 1.1 over the shared store: one method per operation, plain values in and out, no HTTP.

Method names are the operationIds; parameters are the spec's query parameter names in snake_case plus `body`.
Every method also takes `**_unused` so common parameters it does not need (cultureCode, updatedBy, ...) pass.
Reads return None when nothing matches (Get*); write operations refuse with the documented 400 keys.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from typing import Any

from emulator import faults

from . import customer_views as views
from .errors import BusinessError, NotFound
from .model import Account, Company, Customer, Discount, PaymentMethodLink, ReferenceItem
from .state import State
from .store import Store, hash_password, verify_password

Plain = dict[str, Any]
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_EMPTY_GUID = "00000000-0000-0000-0000-000000000000"  # .NET Guid.Empty: an unset Key


def wants_companies(include_companies: str | None) -> bool:
    """`includeCompanies` is a string; only "false" limits Customer.Companies to the primary company (Q15)."""
    if faults.is_active("cs-include-companies-ignored"):
        return True
    if faults.is_active("cs-include-companies-inverted"):
        return (include_companies or "").strip().lower() == "false"
    return (include_companies or "").strip().lower() != "false"


def shows_inactive(show_inactive: str | None) -> bool:
    return (show_inactive or "").strip().lower() == "true"


def _customer_missing(customer_id: Any) -> NotFound:
    return NotFound("CustomerMissing", f"Customer {customer_id} does not exist.")


def _company_missing(company_id: Any) -> NotFound:
    return NotFound("CompanyMissing", f"Company {company_id} does not exist.")


class CustomerService:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._passwords = random.Random(f"passwords:{store.seed}")

    # --- shared plumbing ---
    def _read(self, pick: Callable[[State], Any]) -> Any:
        with self.store.reading() as state:
            return pick(state)

    def _customer_result(self, customer_id: int, include_companies: str | None) -> Plain | None:
        def pick(state: State) -> Plain | None:
            customer = state.customer_by_id(customer_id)
            return (
                views.customer_view(state, customer, wants_companies(include_companies)) if customer else None
            )

        return self._read(pick)

    def _company_result(self, company_id: int) -> Plain | None:
        return self._read(lambda s: views.company_view(s, c) if (c := s.company_by_id(company_id)) else None)

    def _customers_result(
        self,
        found: Callable[[State], list[Customer]],
        include_companies: str | None,
        show_inactive: str | None = "true",
    ) -> list[Plain]:
        def pick(state: State) -> list[Plain]:
            return [
                views.customer_view(state, c, wants_companies(include_companies))
                for c in found(state)
                if c.is_active or shows_inactive(show_inactive)
            ]

        return self._read(pick)

    def _editable_customer(self, state: State, customer_id: int) -> Customer:
        if state.customer_by_id(customer_id) is None:
            raise _customer_missing(customer_id)
        return state.edit_customer(customer_id)

    def _editable_company(self, state: State, company_id: int) -> Company:
        if state.company_by_id(company_id) is None:
            raise _company_missing(company_id)
        return state.edit_company(company_id)

    def _next_address_id(self) -> int:
        return self.store.ids.next_id("address")

    def _generated_password(self) -> str:
        alphabet = string.ascii_letters + string.digits
        return "".join(self._passwords.choice(alphabet) for _ in range(8))

    def _touch(self, entity: Customer | Company) -> None:
        entity.updated = self.store.ids.timestamp()

    # --- Accounts ---
    def _login(self, login_name: str | None, password: str | None, include_companies: str | None) -> Plain:
        with self.store.reading() as state:
            found = state.account_by_login_name(login_name) if login_name else None
            if found is None or password is None:
                raise BusinessError("LoginFailed", "Wrong login name or password.")
            customer, account = found
            password_ok = verify_password(password, account.password_hash) or faults.is_active(
                "cs-login-wrong-password-accepted"
            )
            if not account.is_active or not password_ok:
                raise BusinessError("LoginFailed", "Wrong login name or password.")
            if state.customer_by_id(customer.id) is None:
                raise BusinessError("AccountCustomerMissing", "The account has no customer.")
            return views.customer_view(state, customer, wants_companies(include_companies))

    def LoginPost(self, body: Any = None, **_unused: Any) -> Plain:
        login = body if isinstance(body, dict) else {}
        include = login.get("IncludeCompanies")
        return self._login(
            views.text(login, "LoginName"),
            views.text(login, "Password"),
            include if isinstance(include, str) else None,
        )

    def Login(
        self, login_name: str, password: str, include_companies: str | None = None, **_unused: Any
    ) -> Plain:
        return self._login(login_name, password, include_companies)

    def ChangePassword(
        self, login_name: str, old_password: str, new_password1: str, new_password2: str, **_unused: Any
    ) -> None:
        if new_password1 != new_password2:
            raise BusinessError("PasswordMismatch", "The new passwords differ.")
        if not new_password1:
            raise BusinessError("PasswordEmpty", "The new password is empty.")
        with self.store.transaction() as state:
            found = state.account_by_login_name(login_name)
            if found is None or not verify_password(old_password, found[1].password_hash):
                raise BusinessError("LoginFailed", "Wrong login name or password.")
            customer = state.edit_customer(found[0].id)
            account = next(a for a in customer.accounts if a.login_name == login_name)
            account.password_hash = hash_password(new_password1)
            account.updated = self.store.ids.timestamp()

    def SendPasswordReminder(self, login_name: str, **_unused: Any) -> None:
        # No mail is sent by the emulator; the documented refusal is the observable behaviour.
        if self._read(lambda s: s.account_by_login_name(login_name)) is None:
            raise BusinessError("LoginFailed", f"No account with login name {login_name!r}.")

    def UpdateAccountStatus(
        self, customer_id: int, is_active: bool, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        with self.store.transaction() as state:
            customer = self._editable_customer(state, customer_id)
            if not customer.accounts:
                raise BusinessError("AccountCustomerMissing", f"Customer {customer_id} has no account.")
            if not faults.is_active("cs-update-account-status-ignored"):
                customer.accounts[0].is_active = is_active
            customer.accounts[0].updated = self.store.ids.timestamp()
        return self._customer_result(customer_id, include_companies)

    def ListAccountRoles(self, **_unused: Any) -> list[Plain]:
        return self._read(lambda s: [views.id_value_view(r) for r in s.reference_table("account_roles")])

    def _agreement(self, item: ReferenceItem | None) -> Plain | None:
        if item is None:
            return None
        return {
            "PricelistId": item.id,
            "Name": item.name,
            "StartDate": None,
            "EndDate": None,
            "ImageKey": None,
            "ShowPricesIncVat": None,
        }

    def GetAgreementAccount(self, id: int, **_unused: Any) -> Plain | None:
        return self._agreement(self._read(lambda s: s.reference_by_id("price_lists", id)))

    def LoginAgreementAccount(self, password: str, **_unused: Any) -> Plain | None:
        """The agreement code is the price list's code; a wrong code is a failed login → null."""
        return self._agreement(self._read(lambda s: s.reference_by_code("price_lists", password)))

    # --- Customers: reads ---
    def _customer_by(self, find: Callable[[State], Customer | None], include_companies: str | None) -> Any:
        def pick(state: State) -> Plain | None:
            customer = find(state)
            return (
                views.customer_view(state, customer, wants_companies(include_companies)) if customer else None
            )

        return self._read(pick)

    def GetCustomer(self, id: int, include_companies: str | None = None, **_unused: Any) -> Plain | None:
        return self._customer_by(lambda s: s.customer_by_id(id), include_companies)

    def GetCustomerByAccountId(
        self, account_id: int, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        return self._customer_by(lambda s: s.customer_by_account_id(account_id), include_companies)

    def GetCustomerByCode(
        self, code: str, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        return self._customer_by(lambda s: s.customer_by_code(code), include_companies)

    def GetCustomerByEmail(
        self, email: str, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        return self._customer_by(lambda s: s.customer_by_email(email), include_companies)

    def GetCustomerByKey(
        self, key: str, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        return self._customer_by(lambda s: s.customer_by_key(key), include_companies)

    def GetCustomerByLoginName(
        self, login_name: str, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        return self._customer_by(lambda s: s.customer_by_login_name(login_name), include_companies)

    def _by_company(self, state: State, company_id: int, account_role_id: str | None) -> list[Customer]:
        customers = state.customers_of_company(company_id)
        if account_role_id and account_role_id.strip():
            wanted = {part.strip() for part in account_role_id.split(",") if part.strip()}
            roles = {str(r.id): r.code for r in state.reference_table("account_roles")}
            codes = {roles.get(w) for w in wanted}
            customers = [c for c in customers if any(set(a.roles) & codes for a in c.accounts)]
        return customers

    def ListCustomerByCompany(
        self, id: int, include_companies: str | None = None, **_unused: Any
    ) -> list[Plain]:
        return self._customers_result(lambda s: self._by_company(s, id, None), include_companies)

    def ListCustomerByCompany2(
        self,
        id: int,
        account_role_id: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> list[Plain]:
        return self._customers_result(lambda s: self._by_company(s, id, account_role_id), include_companies)

    def ListCustomerByCompany3(
        self,
        id: int,
        account_role_id: str | None = None,
        show_inactive: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> list[Plain]:
        return self._customers_result(
            lambda s: self._by_company(s, id, account_role_id), include_companies, show_inactive or "false"
        )

    @staticmethod
    def _by_info(state: State, code: str, value: str) -> list[Customer]:
        return [
            c
            for c in state.customers.values()
            if any(i.code == code and i.value == value for i in c.additional_info)
        ]

    def ListCustomerByInfoType(
        self, code: str, value: str, include_companies: str | None = None, **_unused: Any
    ) -> list[Plain]:
        return self._customers_result(lambda s: self._by_info(s, code, value), include_companies)

    def ListCustomerByInfoType2(
        self,
        code: str,
        value: str,
        show_inactive: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> list[Plain]:
        return self._customers_result(
            lambda s: self._by_info(s, code, value), include_companies, show_inactive or "false"
        )

    def ListCustomerBySSN(
        self, ssn: str, include_companies: str | None = None, **_unused: Any
    ) -> list[Plain]:
        return self._customers_result(lambda s: s.customers_by_ssn(ssn), include_companies)

    def ListCustomerBySSN2(
        self, ssn: str, show_inactive: str | None = None, include_companies: str | None = None, **_unused: Any
    ) -> list[Plain]:
        return self._customers_result(
            lambda s: s.customers_by_ssn(ssn), include_companies, show_inactive or "false"
        )

    @staticmethod
    def _search(state: State, search_string: str, company_id: str | None, size: str | None) -> list[Customer]:
        needle = search_string.strip().lower()
        pool = list(state.customers.values())
        if company_id and company_id.strip().isdigit():
            pool = state.customers_of_company(int(company_id))
        fields = (
            "code",
            "email_address",
            "first_name",
            "last_name",
            "social_security_number",
            "phone_number",
            "cell_phone_number",
        )
        found = [c for c in pool if any(needle in (getattr(c, f) or "").lower() for f in fields)]
        limit = int(size) if size and size.strip().isdigit() else None
        return found[:limit] if limit is not None else found

    def SearchCustomer(
        self,
        search_string: str,
        company_id: str | None = None,
        size: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> list[Plain]:
        return self._customers_result(
            lambda s: self._search(s, search_string, company_id, size), include_companies
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
        return self._customers_result(
            lambda s: self._search(s, search_string, company_id, size),
            include_companies,
            show_inactive or "false",
        )

    def GetExternalCustomerAddress(
        self, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain:
        """A Customer, never null (§1C: Customer in, Customer out; the Get*-null rule is for lookups by id).

        No external address service here: the stored customer with the posted SSN, else the posted customer
        itself, read back through the 1.1 view and stored nowhere.
        """
        data = body if isinstance(body, dict) else {}
        ssn = views.text(data, "SSN")
        stored = self._customer_by(
            lambda s: next(iter(s.customers_by_ssn(ssn)), None) if ssn else None, include_companies
        )
        return stored if stored is not None else self._read(lambda s: self._posted_customer_view(s, data))

    @staticmethod
    def _posted_customer_view(state: State, body: Plain) -> Plain:
        key = views.text(body, "Key")
        # Id -1 matches no stored relation or account, so nothing stored leaks into the echo.
        customer = Customer(id=-1, key=key if key and _GUID.match(key) else _EMPTY_GUID)
        views.apply_customer(state, customer, body, lambda: None)
        return {**views.customer_view(state, customer), "Id": views.integer(body, "Id")}

    GetExternalCustomerAddress2 = GetExternalCustomerAddress

    # --- Customers: writes ---
    def _attach_account(
        self, state: State, customer: Customer, body: Plain, password: str | None, create: bool
    ) -> None:
        account_body = body.get("Account")
        if not isinstance(account_body, dict):
            return
        login_name = views.text(account_body, "LoginName") or customer.email_address
        if not login_name:
            raise BusinessError(
                "LoginNameMissing", "An account needs a LoginName (or the customer an Email)."
            )
        owner = state.account_by_login_name(login_name)
        if owner is not None and owner[0].id != customer.id:
            raise BusinessError("LoginNameExists", f"Login name {login_name!r} is already in use.")
        account: Account | None = customer.accounts[0] if customer.accounts else None
        now = self.store.ids.timestamp()
        if account is None:
            account = views.new_account(
                self.store.ids.next_id("account"), self.store.ids.new_key(), login_name, now
            )
            customer.accounts.append(account)
            account.password_hash = hash_password(password or self._generated_password())
        else:
            account.login_name = login_name
            if password:
                account.password_hash = hash_password(password)
        if isinstance(account_body.get("IsActive"), bool):
            account.is_active = account_body["IsActive"]
        roles = account_body.get("Roles")
        if isinstance(roles, list):
            codes = []
            for role_id in roles:
                role = state.reference_by_id("account_roles", role_id) if isinstance(role_id, int) else None
                if role is None:
                    raise BusinessError("AccountRoleMissing", f"Account role {role_id!r} does not exist.")
                codes.append(role.code)
            account.roles = codes
        account.updated = now

    def _attach_companies(self, state: State, customer: Customer, body: Plain) -> None:
        """Companies with an Id must exist and are related; ones without an Id are created (as UpdateCustomer;
        semantics). The first one becomes the primary company when the customer has none."""
        for company_body in views.objects(body, "Companies"):
            company_id = views.integer(company_body, "Id")
            if company_id is None:
                company = self.store.new_company()
                views.apply_company(state, company, company_body, self._next_address_id)
                state.put_company(company)
                company_id = company.id
            elif state.company_by_id(company_id) is None:
                raise _company_missing(company_id)
            state.add_relation(customer.id, company_id)

    def _create(self, body: Any, password: str | None, include_companies: str | None) -> Plain | None:
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            customer = self.store.new_customer()
            views.apply_customer(state, customer, data, self._next_address_id)
            state.put_customer(customer)
            self._attach_account(state, customer, data, password, create=True)
            self._attach_companies(state, customer, data)
        return self._customer_result(customer.id, include_companies)

    def _update(
        self, customer_id: int, body: Plain, password: str | None, include_companies: str | None
    ) -> Any:
        with self.store.transaction() as state:
            customer = self._editable_customer(state, customer_id)
            views.apply_customer(state, customer, body, self._next_address_id)
            self._attach_account(state, customer, body, password, create=False)
            self._attach_companies(state, customer, body)
            self._touch(customer)
        return self._customer_result(customer_id, include_companies)

    def CreateCustomer3(
        self,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self._create(body, password, include_companies)

    def CreateCustomer2(
        self,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self._create(body, password, include_companies)

    def CreateCustomer(self, body: Any = None, include_companies: str | None = None, **_unused: Any) -> Any:
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
            raise _customer_missing(None)
        return self._update(customer_id, data, password, include_companies)

    def UpdateCustomer2(
        self,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self.UpdateCustomer3(body=body, password=password, include_companies=include_companies)

    def UpdateCustomer(self, body: Any = None, include_companies: str | None = None, **_unused: Any) -> Any:
        return self.UpdateCustomer3(body=body, include_companies=include_companies)

    def RegisterCustomer3(
        self,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        """Create, or update the customer with the same Email (parts not passed stay untouched)."""
        data = body if isinstance(body, dict) else {}
        email = views.text(data, "Email")
        existing = self._read(lambda s: s.customer_by_email(email)) if email else None
        if existing is None:
            return self._create(data, password, include_companies)
        return self._update(existing.id, data, password, include_companies)

    def RegisterCustomer2(
        self,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        return self.RegisterCustomer3(body=body, password=password, include_companies=include_companies)

    def RegisterCustomer(self, body: Any = None, include_companies: str | None = None, **_unused: Any) -> Any:
        return self.RegisterCustomer3(body=body, include_companies=include_companies)

    def _set_customer_active(self, customer_id: int, active: bool) -> None:
        with self.store.transaction() as state:
            customer = self._editable_customer(state, customer_id)
            customer.is_active = active
            self._touch(customer)

    def ActivateCustomer(self, customer_id: int, **_unused: Any) -> None:
        self._set_customer_active(customer_id, True)

    def InactivateCustomer(self, customer_id: int, **_unused: Any) -> None:
        if faults.is_active("cs-deactivation-does-not-stick"):  # the call succeeds, IsActive stays
            if self._read(lambda s: s.customer_by_id(customer_id)) is None:
                raise _customer_missing(customer_id)
            return
        self._set_customer_active(customer_id, False)

    # --- Address ---
    def InsertCustomerDeliveryAddress(
        self, customer_id: int, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        with self.store.transaction() as state:
            customer = self._editable_customer(state, customer_id)
            customer.delivery_addresses.append(
                views.new_address(state, self._next_address_id(), body if isinstance(body, dict) else {})
            )
            self._touch(customer)
        return self._customer_result(customer_id, include_companies)

    def UpdateCustomerDeliveryAddress(
        self, customer_id: int, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            customer = self._editable_customer(state, customer_id)
            address = next(
                (a for a in customer.delivery_addresses if a.id == views.integer(data, "Id")), None
            )
            if address is None:
                raise NotFound("AddressMissing", f"Customer {customer_id} has no address {data.get('Id')!r}.")
            views.apply_address(state, address, data)
            self._touch(customer)
        return self._customer_result(customer_id, include_companies)

    def DeleteCustomerDeliveryAddress(
        self, address_id: int, customer_id: int, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        with self.store.transaction() as state:
            customer = self._editable_customer(state, customer_id)
            kept = [a for a in customer.delivery_addresses if a.id != address_id]
            if len(kept) == len(customer.delivery_addresses):
                raise NotFound("AddressMissing", f"Customer {customer_id} has no address {address_id}.")
            customer.delivery_addresses = kept
            self._touch(customer)
        return self._customer_result(customer_id, include_companies)

    def _company_of_customer(self, state: State, customer_id: int, company_id: int | None = None) -> Company:
        if state.customer_by_id(customer_id) is None:
            raise _customer_missing(customer_id)
        companies = state.companies_of_customer(customer_id)
        if company_id is not None:
            companies = [c for c in companies if c.id == company_id]
        if not companies:
            raise NotFound("CompanyMissing", f"Customer {customer_id} belongs to no such company.")
        return state.edit_company(companies[0].id)

    def InsertCompanyDeliveryAddress(
        self,
        company_id: int,
        customer_id: int,
        body: Any = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> Plain | None:
        with self.store.transaction() as state:
            company = self._company_of_customer(state, customer_id, company_id)
            company.delivery_addresses.append(
                views.new_address(state, self._next_address_id(), body if isinstance(body, dict) else {})
            )
            self._touch(company)
        return self._customer_result(customer_id, include_companies)

    def _company_address_owner(self, state: State, customer_id: int, address_id: int | None) -> Company:
        if state.customer_by_id(customer_id) is None:
            raise _customer_missing(customer_id)
        for company in state.companies_of_customer(customer_id):
            if any(a.id == address_id for a in company.delivery_addresses):
                return state.edit_company(company.id)
        raise NotFound("AddressMissing", f"No company of customer {customer_id} has address {address_id}.")

    def UpdateCompanyDeliveryAddress(
        self, customer_id: int, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            company = self._company_address_owner(state, customer_id, views.integer(data, "Id"))
            address = next(a for a in company.delivery_addresses if a.id == views.integer(data, "Id"))
            views.apply_address(state, address, data)
            self._touch(company)
        return self._customer_result(customer_id, include_companies)

    def DeleteCompanyDeliveryAddress(
        self, address_id: int, customer_id: int, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        with self.store.transaction() as state:
            company = self._company_address_owner(state, customer_id, address_id)
            company.delivery_addresses = [a for a in company.delivery_addresses if a.id != address_id]
            self._touch(company)
        return self._customer_result(customer_id, include_companies)

    # --- Companies ---
    def GetCompany(self, id: int, **_unused: Any) -> Plain | None:
        return self._company_result(id)

    def GetCompanyByCode(self, code: str, **_unused: Any) -> Plain | None:
        return self._read(lambda s: views.company_view(s, c) if (c := s.company_by_code(code)) else None)

    def GetCompanyByOrgNo(self, org_no: str, **_unused: Any) -> Plain | None:
        return self._read(lambda s: views.company_view(s, c) if (c := s.company_by_org_no(org_no)) else None)

    def GetCompanyByOrgNoAndStoreId(self, org_no: str, **_unused: Any) -> Plain | None:
        return self.GetCompanyByOrgNo(org_no)  # one store in the emulator: storeId does not narrow anything

    def _companies_result(self, found: Callable[[State], list[Company]]) -> list[Plain]:
        return self._read(lambda s: [views.company_view(s, c) for c in found(s)])

    def ListCompaniesByOrgNo(self, org_no: str, **_unused: Any) -> list[Plain]:
        digits = re.sub(r"\D", "", org_no)  # documented: non-numeric characters are stripped before searching
        return self._companies_result(
            lambda s: [
                c
                for c in s.companies.values()
                if digits and re.sub(r"\D", "", c.organization_no or "") == digits
            ]
        )

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

    def InactivateCompany(self, company_id: int, **_unused: Any) -> None:
        with self.store.transaction() as state:
            company = self._editable_company(state, company_id)
            company.is_active = False
            self._touch(company)

    def DeleteCompanyCustomer(self, company_id: int, customer_id: int, **_unused: Any) -> None:
        """Removes the relation only. Keys: CompanyMissing, CustomerMissing, CannotDeleteLastCustomer."""
        with self.store.transaction() as state:
            if state.company_by_id(company_id) is None:
                raise _company_missing(company_id)
            if state.customer_by_id(customer_id) is None or (customer_id, company_id) not in state.relations:
                raise NotFound(
                    "CustomerMissing", f"Customer {customer_id} is not a customer of company {company_id}."
                )
            if len(state.relations_of_company(company_id)) <= 1 and not faults.is_active(
                "cs-delete-last-company-customer-allowed"
            ):
                raise BusinessError(
                    "CannotDeleteLastCustomer",
                    f"Customer {customer_id} is the last customer of company {company_id}.",
                )
            state.remove_relation(customer_id, company_id)

    def _insert_company_customer(
        self, company_id: int, body: Any, password: str | None, include_companies: str | None
    ) -> list[Plain]:
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            if state.company_by_id(company_id) is None:
                raise _company_missing(company_id)
            customer_id = views.integer(data, "Id")
            if customer_id is None:
                customer = self.store.new_customer()
                views.apply_customer(state, customer, data, self._next_address_id)
                state.put_customer(customer)
                self._attach_account(state, customer, data, password, create=True)
                customer_id = customer.id
            elif state.customer_by_id(customer_id) is None:
                raise _customer_missing(customer_id)
            state.add_relation(customer_id, company_id)
        return self._customers_result(lambda s: s.customers_of_company(company_id), include_companies)

    def InsertCompanyCustomer(
        self, company_id: int, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> list[Plain]:
        return self._insert_company_customer(company_id, body, None, include_companies)

    def InsertCompanyCustomer2(
        self,
        company_id: int,
        body: Any = None,
        password: str | None = None,
        include_companies: str | None = None,
        **_unused: Any,
    ) -> list[Plain]:
        return self._insert_company_customer(company_id, body, password, include_companies)

    def SetDefaultCompany(
        self, company_id: int, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        customer_id = views.integer(body, "Id") if isinstance(body, dict) else None
        with self.store.transaction() as state:
            if customer_id is None or state.customer_by_id(customer_id) is None:
                raise _customer_missing(customer_id)
            if (customer_id, company_id) not in state.relations:
                raise _company_missing(company_id)
            state.set_primary_company(customer_id, company_id)
        return self._customer_result(customer_id, include_companies)

    def UpdateCompany(
        self, customer_id: int, body: Any = None, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            if state.customer_by_id(customer_id) is None:
                raise _customer_missing(customer_id)
            company = self._editable_company(state, views.integer(data, "Id") or -1)
            views.apply_company(state, company, data, self._next_address_id)
            self._touch(company)
        return self._customer_result(customer_id, include_companies)

    def _method(self, state: State, table: str, method_id: int) -> ReferenceItem:
        item = state.reference_by_id(table, method_id)
        if item is None:
            key = "DeliveryMethodMissing" if table == "delivery_methods" else "PaymentMethodMissing"
            raise NotFound(key, f"Method {method_id} does not exist.")
        return item

    def InsertCompanyDeliveryMethod(self, method_id: int, company_id: int, **_unused: Any) -> Plain | None:
        with self.store.transaction() as state:
            company = self._editable_company(state, company_id)
            code = self._method(state, "delivery_methods", method_id).code
            if code not in company.delivery_methods:
                company.delivery_methods.append(code)
        return self._company_result(company_id)

    def DeleteCompanyDeliveryMethod(self, method_id: int, company_id: int, **_unused: Any) -> Plain | None:
        with self.store.transaction() as state:
            company = self._editable_company(state, company_id)
            code = self._method(state, "delivery_methods", method_id).code
            company.delivery_methods = [c for c in company.delivery_methods if c != code]
        return self._company_result(company_id)

    def InsertCompanyPaymentMethod2(
        self,
        method_id: int,
        company_id: int,
        invoice_capture_settings_code: str | None = None,
        **_unused: Any,
    ) -> Any:
        with self.store.transaction() as state:
            company = self._editable_company(state, company_id)
            code = self._method(state, "payment_methods", method_id).code
            company.payment_methods = [m for m in company.payment_methods if m.code != code]
            company.payment_methods.append(PaymentMethodLink(code, invoice_capture_settings_code))
        return self._company_result(company_id)

    def InsertCompanyPaymentMethod(self, method_id: int, company_id: int, **_unused: Any) -> Plain | None:
        return self.InsertCompanyPaymentMethod2(method_id, company_id)

    def DeleteCompanyPaymentMethod(self, method_id: int, company_id: int, **_unused: Any) -> Plain | None:
        with self.store.transaction() as state:
            company = self._editable_company(state, company_id)
            code = self._method(state, "payment_methods", method_id).code
            company.payment_methods = [m for m in company.payment_methods if m.code != code]
        return self._company_result(company_id)

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

        return self._read(pick)

    @staticmethod
    def _discount_view(discount: Discount) -> Plain:
        return {
            "TypeId": discount.type,
            "Value": discount.value_code,
            "Discount": discount.discount_percentage,
            "PriceListTypeSeed": discount.price_list_type_id_seed,
        }

    def ListCompanyDiscounts(self, company_id: int, **_unused: Any) -> list[Plain]:
        return self._read(
            lambda s: (
                [self._discount_view(d) for d in c.discounts] if (c := s.company_by_id(company_id)) else []
            )
        )

    @staticmethod
    def _discount_from(body: Plain) -> Discount:
        percentage = body.get("Discount")
        return Discount(
            type=views.integer(body, "TypeId") or 0,
            value_code=views.text(body, "Value"),
            discount_percentage=float(percentage) if isinstance(percentage, int | float) else 0.0,
            price_list_type_id_seed=views.text(body, "PriceListTypeSeed"),
        )

    def UpsertCompanyDiscounts(self, company_id: int, body: Any = None, **_unused: Any) -> None:
        entries = [e for e in body if isinstance(e, dict)] if isinstance(body, list) else []
        with self.store.transaction() as state:
            company = self._editable_company(state, company_id)
            for entry in map(self._discount_from, entries):
                company.discounts = [
                    d for d in company.discounts if (d.type, d.value_code) != (entry.type, entry.value_code)
                ]
                company.discounts.append(entry)

    def DeleteCompanyDiscount(self, company_id: int, body: Any = None, **_unused: Any) -> None:
        entry = self._discount_from(body if isinstance(body, dict) else {})
        with self.store.transaction() as state:
            company = self._editable_company(state, company_id)
            company.discounts = [
                d for d in company.discounts if (d.type, d.value_code) != (entry.type, entry.value_code)
            ]

    # --- Contacts (Storm only) ---
    def ListContactByCompany(self, id: int, **_unused: Any) -> list[Plain]:
        def pick(state: State) -> list[Plain]:
            company = state.company_by_id(id)
            return [{"Id": None, "Key": None, "Code": code} for code in company.contacts] if company else []

        return self._read(pick)

    def ListContactResponsibilities(self, **_unused: Any) -> list[Plain]:
        return []

    # --- Flags / InfoTypes ---
    def ListCustomerFlags(self, **_unused: Any) -> list[Plain]:
        return self._read(
            lambda s: [views.customer_flag_view(f) for f in s.reference_table("customer_flags")]
        )

    def ListCompanyFlags(self, **_unused: Any) -> list[Plain]:
        return self._read(lambda s: [views.customer_flag_view(f) for f in s.reference_table("company_flags")])

    def ListCustomerInfoTypes(self, **_unused: Any) -> list[Plain]:
        return self._read(
            lambda s: [views.id_value_view(i) for i in s.reference_table("customer_info_types")]
        )

    def ListCompanyInfoTypes(self, **_unused: Any) -> list[Plain]:
        return self._read(lambda s: [views.id_value_view(i) for i in s.reference_table("company_info_types")])

    # --- PriceLists ---
    def _company_pricelists(self, company_id: int) -> list[Plain]:
        def pick(state: State) -> list[Plain]:
            company = state.company_by_id(company_id)
            if company is None:
                return []
            items = (state.reference_by_code("price_lists", code) for code in company.price_lists)
            return [views.pricelist_view(item) for item in items if item is not None]

        return self._read(pick)

    def ListCompanyPricelists(self, company_id: int, **_unused: Any) -> list[Plain]:
        return self._company_pricelists(company_id)

    def GetCompanyPricelist(self, company_id: int, pricelist_id: int, **_unused: Any) -> Plain | None:
        return next((p for p in self._company_pricelists(company_id) if p["Id"] == pricelist_id), None)

    def _connect_pricelist(self, company_id: int, body: Any) -> list[Plain]:
        """An existing price list (by Id, else by Agreement code) is connected; otherwise it is created."""
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            company = self._editable_company(state, company_id)
            item = state.reference_by_id("price_lists", views.integer(data, "Id") or -1)
            code = views.text(data, "Agreement") or views.text(data, "Name")
            if item is None and code:
                item = state.reference_by_code("price_lists", code)
            if item is None:
                if not code:
                    raise BusinessError("PricelistMissing", "A new price list needs a Name or Agreement.")
                state.reference_id("price_lists", code, self.store.ids)
                item = state.reference_by_code("price_lists", code)
                assert item is not None  # just registered
                item.name = views.text(data, "Name") or code
                item.description = views.text(data, "Description")
            if data.get("IsActive") is False:
                company.price_lists = [c for c in company.price_lists if c != item.code]
            elif item.code not in company.price_lists:
                company.price_lists.append(item.code)
        return self._company_pricelists(company_id)

    def InsertCompanyPricelist2(self, company_id: int, body: Any = None, **_unused: Any) -> list[Plain]:
        return self._connect_pricelist(company_id, body)

    InsertCompanyPricelist = InsertCompanyPricelist2
    UpdateCompanyPricelist2 = InsertCompanyPricelist2
    UpdateCompanyPricelist = InsertCompanyPricelist2

    def DeleteCompanyPricelist(self, company_id: int, pricelist_id: int, **_unused: Any) -> list[Plain]:
        with self.store.transaction() as state:
            company = self._editable_company(state, company_id)
            item = state.reference_by_id("price_lists", pricelist_id)
            if item is None or item.code not in company.price_lists:
                raise NotFound("PricelistMissing", f"Company {company_id} has no price list {pricelist_id}.")
            company.price_lists = [c for c in company.price_lists if c != item.code]
        return self._company_pricelists(company_id)

    def ListPriceRules(self, **_unused: Any) -> list[Plain]:
        return self._read(
            lambda s: [views.id_name_description_view(r) for r in s.reference_table("price_rules")]
        )

    def GetPricelistItem(self, part_no: str, pricelist_id: int, **_unused: Any) -> Plain | None:
        return None  # price list items belong to the product catalogue, which the emulator does not hold

    def _pricelist_item(self, body: Any) -> Plain:
        data = body if isinstance(body, dict) else {}
        pricelist_id = views.integer(data, "PricelistId")
        if self._read(lambda s: s.reference_by_id("price_lists", pricelist_id or -1)) is None:
            raise NotFound("PricelistMissing", f"Price list {pricelist_id!r} does not exist.")
        return {
            "PartNo": views.text(data, "PartNo"),
            "PricelistId": pricelist_id,
            "Price": data.get("Price", 0),
            "PriceRecommended": data.get("PriceRecommended"),
            "IsActive": data.get("IsActive", True),
            "PriceRule": data.get("PriceRule"),
        }

    def InsertPricelistItem(self, body: Any = None, **_unused: Any) -> Plain:
        return self._pricelist_item(body)

    UpdatePricelistItem = InsertPricelistItem
