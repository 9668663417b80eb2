"""Import bodies: Customer and Company items whose members follow the fields the header lists."""

from __future__ import annotations

import string
from collections.abc import Collection
from typing import Any

from hypothesis import strategies as st

from contracts.oracle.enums import (
    account_fields,
    company_fields,
    customer_fields,
)
from contracts.oracle.header import (
    IMPORT_CUSTOMERS,
    CustomerHeader,
    import_kind,
)

DEFAULT_RUN_PREFIX = "nct-test-"
_SAFE_TEXT = string.ascii_letters + string.digits + " -"
_TOKEN = string.ascii_lowercase + string.digits


_tokens = st.text(alphabet=_TOKEN, min_size=4, max_size=8)
_names = st.text(alphabet=string.ascii_letters, min_size=1, max_size=12)
_words = st.text(alphabet=_SAFE_TEXT, min_size=1, max_size=20).map(str.strip).filter(bool)
_phones = st.from_regex(r"\A\+46[0-9]{7,9}\Z")
_uuids = st.uuids().map(str)
_codes_pool = st.sampled_from(["A", "B", "C", "D"])


def run_codes(run_prefix: str, label: str) -> st.SearchStrategy[str]:
    """Codes namespaced with the run prefix: `<prefix><label>-<token>` (at most 50 characters)."""
    return _tokens.map(lambda token: f"{run_prefix}{label}-{token}"[:50])


def run_emails(run_prefix: str, label: str) -> st.SearchStrategy[str]:
    return _tokens.map(lambda token: f"{run_prefix}{label}-{token}@example.com")


def addresses(run_prefix: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"AddressLine1": _words, "City": _names, "CountryCode": st.sampled_from(["SE", "NO", "DK", "FI"])},
        optional={
            "Code": run_codes(run_prefix, "adr"),
            "ZipCode": st.from_regex(r"\A[0-9]{5}\Z"),
            "IsPrimary": st.booleans(),
        },
    )


def _coded(run_prefix: str, label: str, optional: dict[str, st.SearchStrategy[Any]] | None = None) -> Any:
    """A nested entity matched by Code (Flag, Contact, DeliveryMethod, PaymentMethod, PriceList...)."""
    return st.fixed_dictionaries(
        {"Code": _codes_pool.map(lambda c: f"{run_prefix}{label}-{c}")}, optional=optional or {}
    )


def _collection(entity: st.SearchStrategy[dict[str, Any]], key: str = "Code") -> Any:
    return st.lists(entity, min_size=1, max_size=2, unique_by=lambda e: e[key])


def _infos(run_prefix: str) -> Any:
    return _collection(
        st.fixed_dictionaries({"Code": _codes_pool.map(lambda c: f"INFO-{c}"), "Value": _words})
    )


def _flags(run_prefix: str) -> Any:
    return _collection(_coded(run_prefix, "flag", {"IsActive": st.booleans(), "IsCreateOnly": st.booleans()}))


def _price_lists(run_prefix: str) -> Any:
    return _collection(_coded(run_prefix, "pl", {"IsExclusive": st.booleans()}))


ACCOUNT_ROLES = ("Administrator", "User", "Buyer")


def accounts(run_prefix: str, fields: Collection[int] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """Accounts: ApplicationKey and LoginName always; Password/Status/Roles when their field is listed."""
    names = {account_fields().name_of(v) for v in fields}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    if "PasswordCreateOnly" in names:
        optional["Password"] = st.text(alphabet=_TOKEN, min_size=8, max_size=16)
    if names & {"Status", "StatusCreateOnly"}:
        optional["Status"] = st.sampled_from([1, 2])
    if names & {"Roles", "RolesCreateOnly"}:
        optional["Roles"] = _collection(st.fixed_dictionaries({"Code": st.sampled_from(ACCOUNT_ROLES)}))
    return st.fixed_dictionaries(
        {"ApplicationKey": _uuids, "LoginName": run_emails(run_prefix, "login")}, optional=optional
    )


def _customer_properties(run_prefix: str, account_fields_set: Collection[int]) -> dict[str, Any]:
    """CustomerField name -> strategy of the item property it enables."""
    return {
        "ApplicationKey": _uuids,
        "EmailAddress": run_emails(run_prefix, "cust"),
        "SocialSecurityNumber": st.from_regex(r"\A[0-9]{8}-[0-9]{4}\Z"),
        "Title": st.sampled_from(["Mr", "Ms", "Dr"]),
        "FirstName": _names,
        "MiddleName": _names,
        "LastName": _names,
        "PhoneNumber": _phones,
        "CellPhoneNumber": _phones,
        "IsActive": st.booleans(),
        "InvoiceAddress": addresses(run_prefix),
        "DeliveryAddresses": st.lists(addresses(run_prefix), min_size=1, max_size=2),
        "Accounts": st.lists(
            accounts(run_prefix, account_fields_set),
            min_size=1,
            max_size=2,
            unique_by=lambda a: a["LoginName"],
        ),
        "AdditionalInfo": _infos(run_prefix),
        "Flags": _flags(run_prefix),
        "PriceLists": _price_lists(run_prefix),
        "Companies": _collection(_coded(run_prefix, "co", {"IsPrimary": st.booleans()})),
        "CrmId": run_codes(run_prefix, "crm"),
    }


def customers(
    fields: Collection[int], *, run_prefix: str = DEFAULT_RUN_PREFIX, account_fields_set: Collection[int] = ()
) -> st.SearchStrategy[dict[str, Any]]:
    """Customer items for a header listing `fields` (CustomerField values).

    Always: the identity `Code` (run-prefixed) and a valid `Type`. Each listed field gets a valid value,
    nested collections carry their required keys. `Id` is never sent (an unknown Id fails the item), and
    the switches SearchOnlyByCode/PreserveFlags have no property.
    """
    listed = {customer_fields().name_of(v) for v in fields}
    enabled = {k: v for k, v in _customer_properties(run_prefix, account_fields_set).items() if k in listed}
    return st.fixed_dictionaries(
        {"Code": run_codes(run_prefix, "cust"), "Type": st.sampled_from([1, 2]), **enabled}
    )


def _company_properties(run_prefix: str, customer_fields_set: Collection[int]) -> dict[str, Any]:
    return {
        "EmailAddress": run_emails(run_prefix, "co"),
        "OrganizationNo": run_codes(run_prefix, "org"),
        "Name": _words,
        "PhoneNumber": _phones,
        "LogoImage": st.fixed_dictionaries(
            {"Filename": st.just("logo.png"), "Url": st.just("https://example.com/logo.png")}
        ),
        "ParentCompanyCode": run_codes(run_prefix, "parent"),
        "IsActive": st.booleans(),
        "InvoiceAddress": addresses(run_prefix),
        "DeliveryAddresses": st.lists(addresses(run_prefix), min_size=1, max_size=2),
        "AdditionalInfo": _infos(run_prefix),
        "Contacts": _collection(_coded(run_prefix, "contact", {"IsActive": st.booleans()})),
        "Customers": _collection(st.fixed_dictionaries({"Code": run_codes(run_prefix, "cust")})),
        "DeliveryMethods": _collection(_coded(run_prefix, "dm", {"IsActive": st.booleans()})),
        "Discounts": st.lists(
            st.fixed_dictionaries(
                {
                    "DiscountPercentage": st.integers(0, 50),
                    "Type": st.sampled_from([1, 2, 3]),
                    "ValueCode": _codes_pool.map(lambda c: f"CAT-{c}"),
                }
            ),
            min_size=1,
            max_size=2,
        ),
        "Flags": _flags(run_prefix),
        "PaymentMethods": _collection(_coded(run_prefix, "pm", {"IsActive": st.booleans()})),
        "PriceLists": _price_lists(run_prefix),
        "VatNo": st.from_regex(r"\ASE[0-9]{12}\Z"),
    }


def companies(
    fields: Collection[int],
    *,
    run_prefix: str = DEFAULT_RUN_PREFIX,
    customer_fields_set: Collection[int] = (),
) -> st.SearchStrategy[dict[str, Any]]:
    """Company items for a header listing `fields` (CompanyField values).

    Always: `ApplicationKey` (required by the docs and the schema) and the identity `Code` (run-prefixed).
    `UseInvoiceAddressAsDeliveryAddress` only when InvoiceAddress and DeliveryAddresses are both listed.
    """
    listed = {company_fields().name_of(v) for v in fields}
    enabled = {k: v for k, v in _company_properties(run_prefix, customer_fields_set).items() if k in listed}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    if {"InvoiceAddress", "DeliveryAddresses"} <= listed:
        optional["UseInvoiceAddressAsDeliveryAddress"] = st.booleans()
    return st.fixed_dictionaries(
        {"ApplicationKey": _uuids, "Code": run_codes(run_prefix, "co"), **enabled}, optional=optional
    )


def import_items(header: CustomerHeader, operation: str, *, run_prefix: str = DEFAULT_RUN_PREFIX) -> Any:
    """Lists of 0-3 items (distinct Codes) consistent with the header's lists for this operation."""
    if import_kind(operation) == IMPORT_CUSTOMERS:
        item = customers(
            header.customer_fields or (),
            run_prefix=run_prefix,
            account_fields_set=header.account_fields or (),
        )
    else:
        item = companies(
            header.company_fields or (),
            run_prefix=run_prefix,
            customer_fields_set=header.customer_fields or (),
        )
    return st.lists(item, min_size=0, max_size=3, unique_by=lambda i: i["Code"])
