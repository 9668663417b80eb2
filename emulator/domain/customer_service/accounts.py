"""Accounts: logins, passwords, account status and roles, agreement accounts."""

from __future__ import annotations

from typing import Any

from emulator.fact_faults.cs_facts import LOGIN_CULTURE_LIMIT

from .. import customer_views as views
from ..errors import BusinessError
from ..model import Account, Customer, ReferenceItem
from ..state import State
from ..store import hash_password, verify_password
from .shared import Group, Plain

AGREEMENT_MEMBERS = ("PricelistId", "Name", "StartDate", "EndDate", "ImageKey", "ShowPricesIncVat")


def _agreement_view(item: ReferenceItem | None) -> Plain | None:
    if item is None:
        return None
    return dict.fromkeys(AGREEMENT_MEMBERS) | {"PricelistId": item.id, "Name": item.name}


def _by_email(state: State, email: str) -> tuple[Customer, Account] | None:
    """cs-login-get-matches-email: the customer with that e-mail and its first account."""
    customer = state.customer_by_email(email)
    return (customer, customer.accounts[0]) if customer is not None and customer.accounts else None


class Accounts(Group):
    def _login(
        self,
        login_name: str | None,
        password: str | None,
        include_companies: str | None,
        *,
        by_email: bool = False,
    ) -> Plain:
        with self.store.reading() as state:
            find = _by_email if by_email else State.account_by_login_name
            found = find(state, login_name) if login_name else None
            if found is None or password is None:
                raise BusinessError("LoginFailed", "Wrong login name or password.")
            customer, account = found
            password_ok = verify_password(password, account.password_hash) or self.faults.is_on(
                "cs-login-wrong-password-accepted"
            )
            if not account.is_active or not password_ok:
                raise BusinessError("LoginFailed", "Wrong login name or password.")
            if state.customer_by_id(customer.id) is None:
                raise BusinessError("AccountCustomerMissing", "The account has no customer.")
            return self.shared.customer_view(state, customer, include_companies)

    def LoginPost(self, body: Any = None, **_unused: Any) -> Plain:
        login = body if isinstance(body, dict) else {}
        culture = views.text(login, "CultureCode")
        if (
            culture
            and len(culture) > LOGIN_CULTURE_LIMIT
            and self.faults.is_on("cs-login-culture-code-two-letters")
        ):
            raise BusinessError("CultureCodeTooLong", f"CultureCode {culture!r} is too long.")
        include = login.get("IncludeCompanies")
        password = views.text(login, "Password")
        if password is not None and self.faults.is_on("cs-login-post-password-cut-to-8"):
            password = password[:8]  # as if Login.Password were 8 characters long, not up to 4000
        return self._login(
            views.text(login, "LoginName"),
            password,
            include if isinstance(include, str) else None,
        )

    def Login(
        self, login_name: str, password: str, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        by_email = self.faults.is_on("cs-login-get-matches-email")
        try:
            return self._login(login_name, password, include_companies, by_email=by_email)
        except BusinessError:
            if self.faults.is_on("cs-login-get-failure-null"):  # a failed login answers null
                return None
            raise

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
            if self.faults.is_on("cs-change-password-keeps-old"):  # answers OK, the old password stays
                return
            customer = state.edit_customer(found[0].id)
            account = next(a for a in customer.accounts if a.login_name == login_name)
            account.password_hash = hash_password(new_password1)
            account.updated = self.store.ids.timestamp()

    def SendPasswordReminder(self, login_name: str, **_unused: Any) -> None:
        # No mail is sent by the emulator; the documented refusal is the observable behaviour.
        if self.faults.is_on("cs-reminder-unknown-login-accepted"):  # nothing tells an unknown login apart
            return
        if self.shared.read(lambda s: s.account_by_login_name(login_name)) is None:
            raise BusinessError("LoginFailed", f"No account with login name {login_name!r}.")

    def UpdateAccountStatus(
        self, customer_id: int, is_active: bool, include_companies: str | None = None, **_unused: Any
    ) -> Plain | None:
        with self.store.transaction() as state:
            customer = self.shared.editable_customer(state, customer_id)
            if not customer.accounts:
                raise BusinessError("AccountCustomerMissing", f"Customer {customer_id} has no account.")
            if not self.faults.is_on("cs-update-account-status-ignored"):
                customer.accounts[0].is_active = is_active
            if self.faults.is_on("cs-update-account-status-moves-customer"):  # the customer is not named
                customer.is_active = is_active
            customer.accounts[0].updated = self.store.ids.timestamp()
        return self.shared.customer_result(customer_id, include_companies)

    def ListAccountRoles(self, **_unused: Any) -> list[Plain] | Plain:
        roles = self.shared.read(
            lambda s: [views.id_value_view(r) for r in s.reference_table("account_roles")]
        )
        if roles and self.faults.is_on("cs-account-roles-first-only"):  # one IdValue, not the list
            return roles[0]
        return roles

    def GetAgreementAccount(self, id: int, **_unused: Any) -> Plain | None:
        found = _agreement_view(self.shared.read(lambda s: s.reference_by_id("price_lists", id)))
        if found is None and self.faults.is_on("cs-agreement-account-empty"):  # a default object, not null
            return dict.fromkeys(AGREEMENT_MEMBERS)
        return found

    def LoginAgreementAccount(self, password: str, **_unused: Any) -> Plain | None:
        """The agreement code is the price list's code; a wrong code is a failed login → null."""
        found = _agreement_view(self.shared.read(lambda s: s.reference_by_code("price_lists", password)))
        if found is None and self.faults.is_on("cs-login-agreement-failure-400"):
            raise BusinessError("LoginFailed", "No agreement account has that code.")
        return found
