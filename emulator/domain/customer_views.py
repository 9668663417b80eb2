"""Customer Service 1.1 shapes over the shared store (docs/norce-facts.md §2C, the last section of
docs/import-semantics.md).

`*_view` turn model objects into the 1.1 JSON-ready dicts (EmailAddress→Email, OrganizationNo→OrgNo, ...);
`apply_*` write the fields a 1.1 request body carries back onto model objects, touching only the keys present.
"""

from __future__ import annotations

from typing import Any

from emulator.faults import Faults

from .errors import BusinessError
from .model import Account, Address, Company, Customer, InfoValue, ReferenceItem
from .state import State

Plain = dict[str, Any]


# --- reading helpers for request bodies (types were already checked against the spec by the HTTP layer) ---
def text(body: Plain, key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) else None


def integer(body: Plain, key: str) -> int | None:
    value = body.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def objects(body: Plain, key: str) -> list[Plain]:
    value = body.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


# --- model → 1.1 ------------------------------------------------------------------------------------------
def address_view(state: State, address: Address | None) -> Plain | None:
    if address is None:
        return None
    country = state.reference_by_code("countries", address.country_code) if address.country_code else None
    return {
        "Id": address.id,
        "CareOf": address.care_of,
        "Line1": address.address_line1,
        "Line2": address.address_line2,
        "Zip": address.zip_code,
        "City": address.city,
        "CountryId": country.id if country else 0,
        "Country": address.country_code,
        "Region": address.region,
        "IsValidated": bool(address.is_validated),
        "GlobalLocationNo": address.gln,
        "ShippingPhoneNumber": address.shipping_phone_number,
    }


def info_view(state: State, table: str, info: list[InfoValue]) -> list[Plain]:
    views = []
    for entry in info:
        info_type = state.reference_by_code(table, entry.code)
        views.append({"Id": info_type.id if info_type else 0, "Value": entry.value, "Code": entry.code})
    return views


def flag_view(state: State, table: str, codes: list[str]) -> list[Plain]:
    views = []
    for code in codes:
        flag = state.reference_by_code(table, code)
        if flag is not None:
            views.append({"Id": flag.id, "Name": flag.name, "Group": flag.group_id or 0, "IsSelected": True})
    return views


def reference_ids(state: State, table: str, codes: list[str]) -> list[int]:
    found = (state.reference_by_code(table, code) for code in codes)
    return [item.id for item in found if item is not None]


# 1.1 Account.Name is at most 100 characters (docs/norce-facts.md §2C), one short of two 50-character names.
ACCOUNT_NAME_MAX_LENGTH = 100


def account_view(state: State, customer: Customer) -> Plain | None:
    """1.1 has one Account per customer: the first Connect account. Its Name is the customer's full name,
    cut to the documented maxLength."""
    if not customer.accounts:
        return None
    account = customer.accounts[0]
    full_name = " ".join(part for part in (customer.first_name, customer.last_name) if part)
    name = full_name[:ACCOUNT_NAME_MAX_LENGTH].rstrip() or None
    return {
        "Id": account.id,
        "Key": account.key,
        "LoginName": account.login_name,
        "Name": name,
        "Roles": reference_ids(state, "account_roles", account.roles),
        "Authorizations": [],
        "IsActive": account.is_active,
    }


def company_view(state: State, company: Company) -> Plain:
    return {
        "Id": company.id,
        "Key": company.key,
        "Code": company.code,
        "Name": company.name,
        "OrgNo": company.organization_no,
        "Phone": company.phone_number,
        "ReferId": company.refer_id,
        "ReferUrl": company.refer_url,
        "DeliveryAddresses": [address_view(state, a) for a in company.delivery_addresses],
        "InvoiceAddress": address_view(state, company.invoice_address),
        "UseInvoiceAddressAsDeliveryAddress": company.use_invoice_address_as_delivery_address,
        "Info": info_view(state, "company_info_types", company.additional_info),
        "PricelistIds": reference_ids(state, "price_lists", company.price_lists),
        "ParentId": company.parent_id,
        "DeliveryMethodIds": reference_ids(state, "delivery_methods", company.delivery_methods),
        "PaymentMethodIds": reference_ids(
            state, "payment_methods", [m.code for m in company.payment_methods]
        ),
        "Email": company.email_address,
        "Flags": flag_view(state, "company_flags", company.flags),
        "VatNo": company.vat_no,
    }


def customer_view(state: State, customer: Customer, faults: Faults, include_companies: bool = True) -> Plain:
    companies = state.companies_of_customer(customer.id)  # primary first
    if not include_companies:
        companies = companies[:1]
    elif faults.is_on("cs-default-company-not-first"):
        companies = sorted(companies, key=lambda company: company.id)
    return {
        "Id": customer.id,
        "Key": customer.key,
        "Code": customer.code,
        "Email": None if faults.is_on("cs-email-mapping-broken") else customer.email_address,
        "SSN": customer.social_security_number,
        "FirstName": customer.first_name,
        "LastName": customer.last_name,
        "Phone": customer.phone_number,
        "CellPhone": customer.cell_phone_number,
        "ReferId": customer.refer_id,
        "ReferUrl": customer.refer_url,
        "Account": account_view(state, customer),
        "Companies": [company_view(state, company) for company in companies],
        "DeliveryAddresses": [address_view(state, a) for a in customer.delivery_addresses],
        "InvoiceAddress": address_view(state, customer.invoice_address),
        "Flags": flag_view(state, "customer_flags", customer.flags),
        "UseInvoiceAddressAsDeliveryAddress": customer.use_invoice_address_as_delivery_address,
        "Info": info_view(state, "customer_info_types", customer.additional_info),
        "PricelistIds": reference_ids(state, "price_lists", customer.price_lists),
        "CrmId": customer.crm_id,
        "IsActive": customer.is_active,
        "Created": customer.created,
        "Updated": customer.updated,
    }


def id_value_view(item: ReferenceItem) -> Plain:
    return {"Id": item.id, "Value": item.name, "Code": item.code}


def id_name_description_view(item: ReferenceItem) -> Plain:
    return {
        "Id": item.id,
        "Name": item.name,
        "Description": item.description,
        "ImageKey": None,
        "Code": item.code,
    }


def customer_flag_view(item: ReferenceItem) -> Plain:
    group = {
        "Id": item.group_id or 0,
        "Name": item.group_name,
        "Description": None,
        "ImageKey": None,
        "Code": None,
    }
    return {
        "Id": item.id,
        "Name": item.name,
        "Description": item.description,
        "SortOrder": item.sort_order,
        "Group": group,
    }


# "Default PriceRule id 7" ("use standard price, percentage discount"; docs/norce-facts.md §1C).
DEFAULT_PRICE_RULE = 7


def pricelist_view(item: ReferenceItem, is_exclusive: bool = False) -> Plain:
    rule_id = DEFAULT_PRICE_RULE if item.price_rule_id is None else item.price_rule_id
    return {
        "Id": item.id,
        "ParentId": None,
        "Name": item.name,
        "Description": item.description,
        "Agreement": item.code,
        "Type": 0,
        "IsActive": True,
        "PriceRule": {"RuleId": rule_id, "Value": item.price_rule_value},
        "PopulationRules": [],
        "CurrencyId": 1,
        "IsExclusive": is_exclusive,
    }


# --- 1.1 → model ------------------------------------------------------------------------------------------
_ADDRESS_FIELDS = {
    "CareOf": "care_of",
    "Line1": "address_line1",
    "Line2": "address_line2",
    "Zip": "zip_code",
    "City": "city",
    "Region": "region",
    "GlobalLocationNo": "gln",
    "ShippingPhoneNumber": "shipping_phone_number",
}


def apply_address(state: State, address: Address, body: Plain) -> None:
    for key, attribute in _ADDRESS_FIELDS.items():
        if key in body:
            setattr(address, attribute, text(body, key))
    if "IsValidated" in body and isinstance(body["IsValidated"], bool):
        address.is_validated = body["IsValidated"]
    if text(body, "Country"):
        address.country_code = text(body, "Country")
    elif integer(body, "CountryId"):
        country = state.reference_by_id("countries", integer(body, "CountryId") or 0)
        if country is not None:
            address.country_code = country.code


def new_address(state: State, address_id: int, body: Plain) -> Address:
    address = Address(id=address_id)
    apply_address(state, address, body)
    return address


def kept_addresses(
    state: State, existing: list[Address], sent: list[Plain], next_address_id: Any
) -> list[Address]:
    """The addresses a body's list sends: one whose Id names an existing address updates it and keeps its Id
    (a client holds that Id, e.g. for UpdateCompanyDeliveryAddress); one without is new."""
    by_id = {address.id: address for address in existing}
    kept = []
    for body in sent:
        known = by_id.pop(integer(body, "Id") or -1, None)
        if known is None:
            kept.append(new_address(state, next_address_id(), body))
        else:
            apply_address(state, known, body)  # the entity is the writer's copy (State.edit_*)
            kept.append(known)
    return kept


def flag_codes(state: State, table: str, flags: list[Plain]) -> list[str]:
    codes = []
    for flag in flags:
        if flag.get("IsSelected") is False:
            continue
        item = state.reference_by_id(table, integer(flag, "Id") or -1)
        if item is None:
            raise BusinessError("FlagMissing", f"Flag {flag.get('Id')!r} does not exist.")
        codes.append(item.code)
    return codes


def info_values(state: State, table: str, info: list[Plain]) -> list[InfoValue]:
    """Each entry names an info type by Code or Id; one neither names is refused, so every Info a read shows
    has an id of ListCustomerInfoTypes / ListCompanyInfoTypes (docs/norce-facts.md §2C)."""
    values = []
    for entry in info:
        code = text(entry, "Code")
        item = state.reference_by_code(table, code) if code else None
        if item is None:
            item = state.reference_by_id(table, integer(entry, "Id") or -1)
        if item is None:
            named = code if code else entry.get("Id")
            raise BusinessError("InfoTypeMissing", f"Info type {named!r} does not exist.")
        values.append(InfoValue(code=item.code, value=text(entry, "Value")))
    return values


_CUSTOMER_FIELDS = {
    "Code": "code",
    "Email": "email_address",
    "SSN": "social_security_number",
    "FirstName": "first_name",
    "LastName": "last_name",
    "Phone": "phone_number",
    "CellPhone": "cell_phone_number",
    "CrmId": "crm_id",
    "ReferUrl": "refer_url",
}


def apply_customer(state: State, customer: Customer, body: Plain, next_address_id: Any) -> None:
    """Write the scalar and owned-collection fields present in a 1.1 Customer body."""
    for key, attribute in _CUSTOMER_FIELDS.items():
        if key in body:
            setattr(customer, attribute, text(body, key))
    if "ReferId" in body:
        customer.refer_id = integer(body, "ReferId")
    if isinstance(body.get("IsActive"), bool):
        customer.is_active = body["IsActive"]
    if isinstance(body.get("UseInvoiceAddressAsDeliveryAddress"), bool):
        customer.use_invoice_address_as_delivery_address = body["UseInvoiceAddressAsDeliveryAddress"]
    if "InvoiceAddress" in body:
        invoice = body.get("InvoiceAddress")
        if isinstance(invoice, dict):
            target = customer.invoice_address or Address(id=next_address_id())
            apply_address(state, target, invoice)
            customer.invoice_address = target
        else:
            customer.invoice_address = None
    if isinstance(body.get("DeliveryAddresses"), list):
        customer.delivery_addresses = [
            new_address(state, next_address_id(), a) for a in objects(body, "DeliveryAddresses")
        ]
    if isinstance(body.get("Flags"), list):
        customer.flags = flag_codes(state, "customer_flags", objects(body, "Flags"))
    if isinstance(body.get("Info"), list):
        customer.additional_info = info_values(state, "customer_info_types", objects(body, "Info"))


_COMPANY_FIELDS = {
    "Code": "code",
    "Name": "name",
    "OrgNo": "organization_no",
    "Phone": "phone_number",
    "Email": "email_address",
    "VatNo": "vat_no",
    "ReferUrl": "refer_url",
}


def apply_company(state: State, company: Company, body: Plain, next_address_id: Any) -> None:
    for key, attribute in _COMPANY_FIELDS.items():
        if key in body:
            setattr(company, attribute, text(body, key))
    if "ReferId" in body:
        company.refer_id = integer(body, "ReferId")
    if "ParentId" in body:
        parent_id = integer(body, "ParentId")
        parent = state.company_by_id(parent_id) if parent_id is not None else None
        if parent_id is not None and parent is None:
            raise BusinessError("CompanyMissing", f"Parent company {parent_id} does not exist.")
        company.parent_id = parent_id
        company.parent_company_code = parent.code if parent else None
    if isinstance(body.get("UseInvoiceAddressAsDeliveryAddress"), bool):
        company.use_invoice_address_as_delivery_address = body["UseInvoiceAddressAsDeliveryAddress"]
    if "InvoiceAddress" in body:
        invoice = body.get("InvoiceAddress")
        if isinstance(invoice, dict):
            target = company.invoice_address or Address(id=next_address_id())
            apply_address(state, target, invoice)
            company.invoice_address = target
        else:
            company.invoice_address = None
    if isinstance(body.get("DeliveryAddresses"), list):
        company.delivery_addresses = kept_addresses(
            state, company.delivery_addresses, objects(body, "DeliveryAddresses"), next_address_id
        )
    if isinstance(body.get("Flags"), list):
        company.flags = flag_codes(state, "company_flags", objects(body, "Flags"))
    if isinstance(body.get("Info"), list):
        company.additional_info = info_values(state, "company_info_types", objects(body, "Info"))


def new_account(account_id: int, key: str, login_name: str, now: str) -> Account:
    return Account(id=account_id, key=key, login_name=login_name, roles=["User"], created=now, updated=now)
