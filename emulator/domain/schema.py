"""Per-type field tables for Connect import items: which members are strings, integers, booleans, numbers,
nested objects or lists. The XML body reader uses them to convert element text; initial validation uses
them to
reject values of the wrong JSON type. Enum members accept an integer or a (case-insensitive) name."""

from __future__ import annotations

import re
from dataclasses import dataclass

INTEGER_TEXT = re.compile(r"-?[0-9]+")
STR, INT, BOOL, NUMBER, DATETIME = "str", "int", "bool", "number", "datetime"
GUID = "guid"  # a .NET Guid: the deserializers refuse any other text


@dataclass(frozen=True)
class Enum:
    members: dict[int, str]


@dataclass(frozen=True)
class Obj:
    type_name: str


@dataclass(frozen=True)
class ListOf:
    item: str | Obj


FieldType = str | Enum | Obj | ListOf

CUSTOMER_TYPE = Enum({1: "Customer", 2: "CompanyContact"})
ACCOUNT_STATUS = Enum({1: "Active", 2: "Inactive"})
DISCOUNT_TYPE = Enum({1: "Category", 2: "ProductDiscountClass", 3: "ProductFlag"})

TYPES: dict[str, dict[str, FieldType]] = {
    "Customer": {
        "Type": CUSTOMER_TYPE,
        "ApplicationKey": GUID,
        "Id": INT,
        "Code": STR,
        "EmailAddress": STR,
        "SocialSecurityNumber": STR,
        "Title": STR,
        "FirstName": STR,
        "MiddleName": STR,
        "LastName": STR,
        "PhoneNumber": STR,
        "CellPhoneNumber": STR,
        "CrmId": STR,
        "IsActive": BOOL,
        "InvoiceAddress": Obj("Address"),
        "DeliveryAddresses": ListOf(Obj("Address")),
        "Accounts": ListOf(Obj("Account")),
        "AdditionalInfo": ListOf(Obj("Info")),
        "Flags": ListOf(Obj("Flag")),
        "PriceLists": ListOf(Obj("PriceList")),
        "Companies": ListOf(Obj("CompanyIdentifier")),
        "IsCompanyListDelta": BOOL,
    },
    "Company": {
        "ApplicationKey": GUID,
        "Id": INT,
        "Code": STR,
        "OrganizationNo": STR,
        "Name": STR,
        "EmailAddress": STR,
        "PhoneNumber": STR,
        "VatNo": STR,
        "LogoImage": Obj("Image"),
        "ParentCompanyCode": STR,
        "IsActive": BOOL,
        "InvoiceAddress": Obj("Address"),
        "DeliveryAddresses": ListOf(Obj("Address")),
        "UseInvoiceAddressAsDeliveryAddress": BOOL,
        "AdditionalInfo": ListOf(Obj("Info")),
        "Contacts": ListOf(Obj("Contact")),
        "Customers": ListOf(Obj("Customer")),
        "IsCustomerListDelta": BOOL,
        "DeliveryMethods": ListOf(Obj("DeliveryMethod")),
        "Discounts": ListOf(Obj("Discount")),
        "Flags": ListOf(Obj("Flag")),
        "PaymentMethods": ListOf(Obj("PaymentMethod")),
        "PriceLists": ListOf(Obj("PriceList")),
    },
    "CompanyIdentifier": {"Id": INT, "Code": STR, "OrganizationNo": STR, "Name": STR, "IsPrimary": BOOL},
    "Account": {
        "ApplicationKey": GUID,
        "LoginName": STR,
        "Password": STR,
        "Roles": ListOf(Obj("AccountRole")),
        "Status": ACCOUNT_STATUS,
        "AccountStatus": ACCOUNT_STATUS,
    },
    "AccountRole": {"Code": STR, "IsActive": BOOL},
    "Address": {
        "AddressLine1": STR,
        "AddressLine2": STR,
        "CareOf": STR,
        "City": STR,
        "Code": STR,
        "CountryCode": STR,
        "Gln": STR,
        "IsPrimary": BOOL,
        "IsValidated": BOOL,
        "Region": STR,
        "ShippingPhoneNumber": STR,
        "ZipCode": STR,
    },
    "Info": {"Code": STR, "Value": STR},
    "Flag": {
        "Code": STR,
        "IsActive": BOOL,
        "IsCreateOnly": BOOL,
        "IsLimitedUpdate": BOOL,
        "StopDate": DATETIME,
    },
    "Contact": {"Code": STR, "IsActive": BOOL},
    "DeliveryMethod": {"Code": STR, "IsActive": BOOL},
    "PaymentMethod": {"Code": STR, "InvoiceCaptureSettingsCode": STR, "IsActive": BOOL},
    "PriceList": {"Code": STR, "IsExclusive": BOOL},
    "Discount": {
        "DiscountPercentage": NUMBER,
        "PriceListTypeIdSeed": STR,
        "Type": DISCOUNT_TYPE,
        "ValueCode": STR,
    },
    "Image": {
        "FileTypeName": STR,
        "ExternalCode": STR,
        "Filename": STR,
        "Url": STR,
        "LastModified": DATETIME,
        "Cultures": ListOf(Obj("ImageCulture")),
    },
    "ImageCulture": {"CultureCode": STR, "Name": STR, "Description": STR, "AltText": STR},
}

# Members that are .NET value types (Guid, enum, bool, decimal) on the Connect contract: the deserializers
# refuse null for them (the spec marks them non-nullable), so a null there fails the item.
NON_NULLABLE: dict[str, frozenset[str]] = {
    "Customer": frozenset({"Type"}),
    "Account": frozenset({"ApplicationKey", "AccountStatus", "Status"}),
    "PriceList": frozenset({"IsExclusive"}),
    "Discount": frozenset({"DiscountPercentage", "Type"}),
}

# Nested collections whose items need a key (initial validation, docs/import-semantics.md).
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "Info": ("Code", "Value"),
    "Flag": ("Code",),
    "Contact": ("Code",),
    "DeliveryMethod": ("Code",),
    "PaymentMethod": ("Code",),
    "PriceList": ("Code",),
    "AccountRole": ("Code",),
    "Account": ("LoginName",),
}


def enum_value(kind: Enum, value: object) -> int | None:
    """The member's integer for an int or a case-insensitive name; None when it is not a member."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value in kind.members else None
    if isinstance(value, str):
        text = value.strip()
        if INTEGER_TEXT.fullmatch(text):
            number = int(text)
            return number if number in kind.members else None
        lowered = text.lower()
        return next((number for number, name in kind.members.items() if name.lower() == lowered), None)
    return None


def lenient_enum_value(kind: Enum, value: object) -> int | None:
    """As `enum_value`, but any int32 (or integer text) is taken as it is: a DataContract deserializer reads
    an undefined integer into an enum (the lenient-body-enums variant). Unknown names still fail."""
    known = enum_value(kind, value)
    if known is not None or isinstance(value, bool):
        return known
    number = value if isinstance(value, int) else None
    if isinstance(value, str) and INTEGER_TEXT.fullmatch(value.strip()):
        number = int(value.strip())
    return number if number is not None and -(2**31) <= number < 2**31 else None
