"""What several Customer Service 1.1 groups share: reads, the customer and company lookups behind every write,
the Customer/Company results most operations answer with, the documented "missing" errors, and the account and
customer writes that both Customers and Companies perform.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from typing import Any, TypeVar

from emulator.faults import Faults

from .. import customer_views as views
from ..errors import BusinessError, NotFound
from ..model import Account, Company, Customer
from ..state import State
from ..store import Store, hash_password

Plain = dict[str, Any]
T = TypeVar("T")


def wants_companies(include_companies: str | None, faults: Faults) -> bool:
    """`includeCompanies` is a string; only "false" limits Customer.Companies to the primary company
    (docs/norce-facts.md Q15)."""
    if faults.is_on("cs-include-companies-ignored"):
        return True
    if faults.is_on("cs-include-companies-inverted"):
        return (include_companies or "").strip().lower() == "false"
    return (include_companies or "").strip().lower() != "false"


def shows_inactive(show_inactive: str | None) -> bool:
    return (show_inactive or "").strip().lower() == "true"


def last_customer_key(state: State, faults: Faults) -> str | None:
    """cs-customer-key-reused: the Key a new customer takes from the last one created (None: a new Key)."""
    if not faults.is_on("cs-customer-key-reused") or not state.customers:
        return None
    return state.customers[max(state.customers)].key


def customer_missing(customer_id: object) -> NotFound:
    return NotFound("CustomerMissing", f"Customer {customer_id} does not exist.")


def company_missing(company_id: object) -> NotFound:
    return NotFound("CompanyMissing", f"Company {company_id} does not exist.")


def require_customer(state: State, customer_id: int | None) -> int:
    """The id of an existing customer, else CustomerMissing."""
    if customer_id is None or state.customer_by_id(customer_id) is None:
        raise customer_missing(customer_id)
    return customer_id


def require_company(state: State, company_id: int) -> None:
    if state.company_by_id(company_id) is None:
        raise company_missing(company_id)


class Shared:
    """The store, the faults, and the lookups and result shapes of more than one group; one per service."""

    def __init__(self, store: Store, faults: Faults) -> None:
        self.store = store
        self.faults = faults
        self._passwords = random.Random(f"passwords:{store.seed}")

    # --- reads and results ---
    def read(self, pick: Callable[[State], T]) -> T:
        with self.store.reading() as state:
            return pick(state)

    def customer_view(self, state: State, customer: Customer, include_companies: str | None) -> Plain:
        return views.customer_view(
            state, customer, self.faults, wants_companies(include_companies, self.faults)
        )

    def customer_by(
        self,
        find: Callable[[State], Customer | None],
        include_companies: str | None,
        culture_code: str | None = None,
    ) -> Plain | None:
        def pick(state: State) -> Plain | None:
            customer = find(state)
            if customer and culture_code and self.faults.is_on("cs-culture-code-other-customer"):
                customer = state.customer_by_id(customer.id + 1)  # a culture's cache keyed by the wrong id
            return self.customer_view(state, customer, include_companies) if customer else None

        return self.read(pick)

    def customer_result(self, customer_id: int, include_companies: str | None) -> Plain | None:
        return self.customer_by(lambda s: s.customer_by_id(customer_id), include_companies)

    def customers_result(
        self,
        found: Callable[[State], list[Customer]],
        include_companies: str | None,
        show_inactive: str | None = "true",
    ) -> list[Plain]:
        def pick(state: State) -> list[Plain]:
            return [
                self.customer_view(state, c, include_companies)
                for c in found(state)
                if c.is_active or shows_inactive(show_inactive)
            ]

        return self.read(pick)

    def company_result(self, company_id: int) -> Plain | None:
        return self.read(lambda s: views.company_view(s, c) if (c := s.company_by_id(company_id)) else None)

    # --- lookups for writing ---
    def editable_customer(self, state: State, customer_id: int) -> Customer:
        """The customer a write names, else CustomerMissing (the key DeleteCompanyCustomer documents; the
        customer writes use it too: docs/norce-facts.md §1C known error keys, inferred)."""
        if state.customer_by_id(customer_id) is None and self.faults.is_on("cs-absent-customer-key-renamed"):
            raise NotFound("CustomerNotFound", f"Customer {customer_id} does not exist.")
        require_customer(state, customer_id)
        return state.edit_customer(customer_id)

    def editable_company(self, state: State, company_id: int) -> Company:
        require_company(state, company_id)
        return state.edit_company(company_id)

    # --- writes ---
    def refuse_shared_org_no_and_name(self, state: State, company: Company) -> None:
        """OrgNo + Name is unique (docs/norce-facts.md §2C Company); the refusal's key is ours."""
        clash = state.company_sharing_org_no_and_name(company)
        if clash is not None and not self.faults.is_on("cs-company-org-no-name-duplicated"):
            raise BusinessError(
                "OrgNoAndNameExists",
                f"OrgNo {company.organization_no!r} and Name {company.name!r} belong to company {clash.id}.",
            )

    def next_address_id(self) -> int:
        return self.store.ids.next_id("address")

    def touch(self, entity: Customer | Company) -> None:
        entity.updated = self.store.ids.timestamp()

    def insert_customer(self, state: State, body: Plain, password: str | None) -> Customer:
        """A new customer from a 1.1 Customer body, with its Account when the body has one."""
        customer = self.store.new_customer()
        reused = last_customer_key(state, self.faults)
        customer.key = reused or customer.key
        views.apply_customer(state, customer, body, self.next_address_id)
        state.put_customer(customer)
        if (
            password
            and not isinstance(body.get("Account"), dict)
            and self.faults.is_on("cs-login-without-account")
        ):
            body = {**body, "Account": {}}  # an account made for the password: LoginName = Email
        self.attach_account(state, customer, body, password)
        return customer

    def attach_account(self, state: State, customer: Customer, body: Plain, password: str | None) -> None:
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

    def _generated_password(self) -> str:
        alphabet = string.ascii_letters + string.digits
        return "".join(self._passwords.choice(alphabet) for _ in range(8))


class Group:
    """One service group of Norce's docs. Its PascalCase methods are its operations, named by operationId;
    parameters are the spec's query parameters in snake_case plus `body`, and `**_unused` lets common
    parameters a method does not need (cultureCode, updatedBy, ...) pass."""

    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self.store = shared.store
        self.faults = shared.faults

    @classmethod
    def operation_names(cls) -> tuple[str, ...]:
        return tuple(name for name, member in vars(cls).items() if name[:1].isupper() and callable(member))
