"""What a Connect 4.0 import item reads back as through Customer Service 1.1: the field mapping as data, and
the problems between an item sent and the entity read ("path: sent X, read Y").

The mapping is docs/norce-facts.md §2C "Field mapping Connect ⇄ 1.1" (member tables: §2A and §2C). A member
is compared only when the header lists its field, since only listed fields are written (IMP-LISTED-ONLY;
docs/norce-facts.md §3 and Q11), and the item carries it. The entity is meant to be new and run-owned, so
every list holds exactly what the item sent (no flags, info or relations from before): lists compare as
multisets, as no order is documented for them.

Not compared, because 1.1 has no member for them (docs/norce-facts.md §2C "Only in Connect", and the 1.1
Company has no IsActive): Title, MiddleName, Type, Discounts, Contacts, LogoImage, Address.Code,
Address.IsPrimary, Company.IsActive, ApplicationKey, Account.Password (write-only). Address.IsValidated is
"set by the application" in 1.1, so what an import sends there is not judged.

Relations (Customer.Companies, Company.Customers) compare by Code: the item names each related entity by Code.
Compared by count only, because 1.1 answers ids and no documented 1.1 read maps a code to its id:
Flags (a 1.1 Flag is Id, Name, Group, IsSelected; ListCustomerFlags / ListCompanyFlags carry no code),
PriceLists (PricelistIds) and DeliveryMethods (DeliveryMethodIds). PaymentMethods are compared by code too,
through GetCompanyPaymentMethod (`payment_method_problems`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contracts.oracle.enums import FieldEnum, account_fields, company_fields, customer_fields
from contracts.oracle.header import CustomerHeader

Item = Mapping[str, Any]

# Connect member (the same name as its CustomerField / CompanyField) -> 1.1 member.
CUSTOMER_SCALARS: Mapping[str, str] = {
    "Code": "Code",
    "EmailAddress": "Email",
    "SocialSecurityNumber": "SSN",
    "FirstName": "FirstName",
    "LastName": "LastName",
    "PhoneNumber": "Phone",
    "CellPhoneNumber": "CellPhone",
    "CrmId": "CrmId",
    "IsActive": "IsActive",
}
COMPANY_SCALARS: Mapping[str, str] = {
    "Code": "Code",
    "Name": "Name",
    "OrganizationNo": "OrgNo",
    "EmailAddress": "Email",
    "PhoneNumber": "Phone",
    "VatNo": "VatNo",
}
# Connect Address member -> 1.1 Address member. CountryCode is read back as Country, which 1.1 documents as
# the country *code* ("names are culture specific").
ADDRESS_MEMBERS: Mapping[str, str] = {
    "CareOf": "CareOf",
    "AddressLine1": "Line1",
    "AddressLine2": "Line2",
    "ZipCode": "Zip",
    "City": "City",
    "Region": "Region",
    "CountryCode": "Country",
    "Gln": "GlobalLocationNo",
    "ShippingPhoneNumber": "ShippingPhoneNumber",
}
# CustomerField / CompanyField name -> the 1.1 member holding the ids of what the item named by Code.
CUSTOMER_ID_LISTS: Mapping[str, str] = {"PriceLists": "PricelistIds"}
COMPANY_ID_LISTS: Mapping[str, str] = {
    "PriceLists": "PricelistIds",
    "DeliveryMethods": "DeliveryMethodIds",
    "PaymentMethods": "PaymentMethodIds",
}
ACCOUNT_STATUS_ACTIVE = 1  # Account.Status: 1 Active, 2 Inactive (docs/norce-facts.md §2A)


@dataclass(frozen=True)
class Lookups:
    """Ids that a 1.1 read answers for codes the item sent, taken from 1.1 reads made before the import."""

    role_ids: Mapping[str, int] = field(default_factory=dict)  # ListAccountRoles: Code -> Id
    info_type_ids: Mapping[str, int] = field(default_factory=dict)  # List{Customer,Company}InfoTypes
    company_ids: Mapping[str, int] = field(default_factory=dict)  # GetCompanyByCode: Code -> Id


class _Problems(list[str]):
    def same(self, path: str, sent: Any, read: Any) -> None:
        if sent != read:
            self.append(f"{path}: sent {sent!r}, read {read!r}")

    def same_multiset(self, path: str, sent: Iterable[Any], read: Iterable[Any]) -> None:
        sent_count, read_count = Counter(sent), Counter(read)
        if sent_count != read_count:
            missing = list((sent_count - read_count).elements())
            extra = list((read_count - sent_count).elements())
            self.append(f"{path}: sent but not read {missing!r}; read but not sent {extra!r}")


def _listed(enum: FieldEnum, values: tuple[int, ...] | None) -> set[str]:
    return {enum.name_of(value) for value in values or () if value in enum}


def _sent(item: Item, member: str, listed: set[str]) -> bool:
    return member in listed and item.get(member) is not None


def _active(entries: Iterable[Any]) -> list[Mapping[str, Any]]:
    """Entries of a coded list that are set, not removed (IsActive defaults to true: §4.1 "Defaults")."""
    return [e for e in entries if isinstance(e, Mapping) and e.get("IsActive", True) is not False]


def _distinct_codes(entries: Iterable[Any]) -> set[str]:
    return {str(entry["Code"]) for entry in _active(entries)}


def _members_both_kinds_have(
    problems: _Problems,
    item: Item,
    entity: Mapping[str, Any],
    listed: set[str],
    lookups: Lookups,
    scalars: Mapping[str, str],
    id_lists: Mapping[str, str],
) -> None:
    """Scalars, addresses, info, flags and id lists: read back the same way for a customer and a company."""
    for member, read_member in scalars.items():
        if _sent(item, member, listed):
            problems.same(read_member, item[member], entity.get(read_member))
    _addresses(problems, item, entity, listed)
    _info(problems, item, entity, listed, lookups)
    _selected_flags(problems, item, entity, listed)
    _id_lists(problems, item, entity, listed, id_lists)


def customer_read_back_problems(
    item: Item, header: CustomerHeader, customer: Mapping[str, Any], lookups: Lookups
) -> list[str]:
    """An ImportCustomers item against the 1.1 Customer read after it (GetCustomerByCode, all companies)."""
    listed = _listed(customer_fields(), header.customer_fields)
    problems = _Problems()
    _members_both_kinds_have(problems, item, customer, listed, lookups, CUSTOMER_SCALARS, CUSTOMER_ID_LISTS)
    if _sent(item, "Accounts", listed):
        _account(problems, item["Accounts"], customer.get("Account"), header, lookups)
    if _sent(item, "Companies", listed):
        _related(problems, "Companies[].Code", item["Companies"], customer.get("Companies"))
    return problems


def company_read_back_problems(
    item: Item, header: CustomerHeader, company: Mapping[str, Any], lookups: Lookups
) -> list[str]:
    """An ImportCompanies item against the 1.1 Company read after it (GetCompanyByCode)."""
    listed = _listed(company_fields(), header.company_fields)
    problems = _Problems()
    _members_both_kinds_have(problems, item, company, listed, lookups, COMPANY_SCALARS, COMPANY_ID_LISTS)
    if _sent(item, "ParentCompanyCode", listed):
        expected = lookups.company_ids[item["ParentCompanyCode"]]
        problems.same("ParentId", expected, company.get("ParentId"))
    return problems


def related_customer_problems(item: Item, header: CustomerHeader, customers: list[Any]) -> list[str]:
    """Company.Customers against the company's customers as 1.1 lists them (ListCustomerByCompany3)."""
    if not _sent(item, "Customers", _listed(company_fields(), header.company_fields)):
        return []
    problems = _Problems()
    _related(problems, "Customers[].Code", item["Customers"], customers)
    return problems


def payment_method_problems(item: Item, header: CustomerHeader, methods: list[Any]) -> list[str]:
    """Company.PaymentMethods against GetCompanyPaymentMethod of each of the company's PaymentMethodIds
    (CompanyPaymentMethod: CompanyCode, PaymentMethodCode, InvoiceCaptureSettingsCode, IsActive)."""
    if not _sent(item, "PaymentMethods", _listed(company_fields(), header.company_fields)):
        return []
    problems = _Problems()
    sent = [(e["Code"], e.get("InvoiceCaptureSettingsCode"), True) for e in _active(item["PaymentMethods"])]
    read = [
        (m.get("PaymentMethodCode"), m.get("InvoiceCaptureSettingsCode"), m.get("IsActive"))
        for m in methods
        if isinstance(m, Mapping)
    ]
    problems.same_multiset("PaymentMethods (Code, InvoiceCaptureSettingsCode, IsActive)", sent, read)
    company_codes = {m.get("CompanyCode") if isinstance(m, Mapping) else None for m in methods}
    if methods:
        problems.same("CompanyPaymentMethod.CompanyCode", {item.get("Code")}, company_codes)
    return problems


# -- the pieces ----------------------------------------------------------------------------------------


def address_differences(path: str, sent: Mapping[str, Any], read: Any) -> list[str]:
    """`path.Member: sent X, read Y` for each Address member the item sent that reads back otherwise."""
    read_address = read if isinstance(read, Mapping) else {}
    return [
        f"{path}.{read_member}: sent {sent[member]!r}, read {read_address.get(read_member)!r}"
        for member, read_member in ADDRESS_MEMBERS.items()
        if member in sent and sent[member] != read_address.get(read_member)
    ]


def _addresses(problems: _Problems, item: Item, read: Mapping[str, Any], listed: set[str]) -> None:
    if _sent(item, "InvoiceAddress", listed):
        if not isinstance(read.get("InvoiceAddress"), Mapping):
            problems.same("InvoiceAddress", "an address", read.get("InvoiceAddress"))
        else:
            problems.extend(
                address_differences("InvoiceAddress", item["InvoiceAddress"], read["InvoiceAddress"])
            )
    if _sent(item, "DeliveryAddresses", listed):
        _delivery_addresses(problems, [a for a in item["DeliveryAddresses"] if isinstance(a, Mapping)], read)


def _delivery_addresses(problems: _Problems, sent: list[Mapping[str, Any]], read: Mapping[str, Any]) -> None:
    """No order is documented: each sent address is compared with the unclaimed read address closest to it."""
    unclaimed = [a for a in read.get("DeliveryAddresses") or [] if isinstance(a, Mapping)]
    problems.same("DeliveryAddresses (count)", len(sent), len(unclaimed))
    for index, address in enumerate(sent):
        if not unclaimed:
            break
        closest = min(unclaimed, key=lambda r: len(address_differences("", address, r)))
        unclaimed.remove(closest)
        problems.extend(address_differences(f"DeliveryAddresses[{index}]", address, closest))


def _info(
    problems: _Problems, item: Item, read: Mapping[str, Any], listed: set[str], lookups: Lookups
) -> None:
    """AdditionalInfo (Code, Value) -> Info (IdValue: Id, Value, Code); the Id is the info type's id."""
    if not _sent(item, "AdditionalInfo", listed):
        return
    sent = [
        (e["Code"], lookups.info_type_ids.get(e["Code"]), e["Value"]) for e in item["AdditionalInfo"] if e
    ]
    read_info = [i for i in read.get("Info") or [] if isinstance(i, Mapping)]
    got = [
        (i.get("Code"), i.get("Id") if i.get("Code") in lookups.info_type_ids else None, i.get("Value"))
        for i in read_info
    ]
    problems.same_multiset("Info (Code, Id, Value)", sent, got)


def _related(problems: _Problems, path: str, refs: list[Any], read: Any) -> None:
    """A relation list (the item names each related entity by Code) against the related entities read."""
    sent = sorted(str(ref.get("Code")) for ref in refs if isinstance(ref, Mapping))
    got = sorted(str(entity.get("Code")) for entity in read or [] if isinstance(entity, Mapping))
    problems.same(path, sent, got)


def _selected_flags(problems: _Problems, item: Item, read: Mapping[str, Any], listed: set[str]) -> None:
    """As many selected 1.1 flags, with distinct ids, as distinct codes set: the codes cannot be read back."""
    if not _sent(item, "Flags", listed):
        return
    selected = [
        f for f in read.get("Flags") or [] if isinstance(f, Mapping) and f.get("IsSelected") is not False
    ]
    ids = {f.get("Id") for f in selected}
    problems.same("Flags (selected, distinct ids)", len(_distinct_codes(item["Flags"])), len(ids))


def _id_lists(
    problems: _Problems, item: Item, read: Mapping[str, Any], listed: set[str], lists: Mapping[str, str]
) -> None:
    for member, read_member in lists.items():
        if _sent(item, member, listed):
            ids = set(read.get(read_member) or [])
            problems.same(f"{read_member} (distinct ids)", len(_distinct_codes(item[member])), len(ids))


def _account(
    problems: _Problems, sent: list[Any], account: Any, header: CustomerHeader, lookups: Lookups
) -> None:
    """Accounts[] (many) -> Account (one): the read Account must be one of those sent, with its values."""
    accounts = {a["LoginName"]: a for a in sent if a}
    if not isinstance(account, Mapping):
        problems.same("Account", sorted(accounts), account)
        return
    match = accounts.get(account.get("LoginName"))
    if match is None:
        problems.same("Account.LoginName", sorted(accounts), account.get("LoginName"))
        return
    written = _listed(account_fields(), header.account_fields)
    status = match.get("Status", match.get("AccountStatus"))
    if written & {"Status", "StatusCreateOnly"} and status is not None:
        problems.same(
            "Account.IsActive", status in (ACCOUNT_STATUS_ACTIVE, "Active"), account.get("IsActive")
        )
    if written & {"Roles", "RolesCreateOnly"} and match.get("Roles") is not None:
        role_ids = sorted(lookups.role_ids[r["Code"]] for r in _active(match["Roles"]))
        problems.same("Account.Roles", role_ids, sorted(account.get("Roles") or []))
