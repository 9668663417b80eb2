"""What "modulo ids, dates and run prefixes" means: which members are ids, and how a value is normalised.

- Ids (an entity's Id and Key, JobId, the *Id query parameters): the tenant's numbering is its own, so only
  whether there is one (null or not) and its JSON type count; the values feed the id map instead.
- Dates and durations (a job's RunTime, a .NET TimeSpan): the moment and the time taken differ from run to
  run, the form does not; each is compared by its form (digits masked: `dddd-dd-ddTdd:dd:dd.dddZ` against
  .NET's `dddd-dd-ddTdd:dd:dd.ddddddd`).
- Run prefixes (`nct-<run id>-`), GUIDs (keys, tokens), ids a text names after their entity ("Company 6000
  inserted") and redacted secrets (`[REDACTED...]`, which match anything): masked wherever they stand in a
  text.
"""

from __future__ import annotations

import re
from typing import Any

# Members whose value is a server-made id (in answers and request bodies), by the entity space they name.
ID_MEMBER_SPACES: dict[str, str | None] = {
    "Id": None,  # the space of the entity that holds it
    "Key": None,  # the key space of the entity that holds it
    "JobId": "job",
    "CustomerId": "customer",
    "CompanyId": "company",
    "AddressId": "address",
    "AccountId": "account",
    "ParentId": "company",
    "PricelistId": "pricelist",
    "PricelistIds": "pricelist",
    "DeliveryMethodIds": "delivery-method",
    "PaymentMethodIds": "payment-method",
}
# The X-StormConnect-Header's AccountId is the caller's account (a setting), not an id the server made.
# Query parameters naming ids (`id` and `key` name the operation's own entity).
ID_PARAMETER_SPACES: dict[str, str | None] = {
    "id": None,
    "key": None,
    "customerid": "customer",
    "companyid": "company",
    "addressid": "address",
    "accountid": "account",
    "parentid": "company",
    "pricelistid": "pricelist",
    "paymentmethodid": "payment-method",
    "deliverymethodid": "delivery-method",
}
# Names of members and elements that hold one entity (or a list of them), singular and plural.
ENTITY_NAMES: dict[str, str] = {
    "customer": "customer",
    "customers": "customer",
    "arrayofcustomer": "customer",
    "company": "company",
    "companies": "company",
    "arrayofcompany": "company",
    "parentcompany": "company",
    "address": "address",
    "addresses": "address",
    "deliveryaddresses": "address",
    "invoiceaddress": "address",
    "deliveryaddress": "address",
    "arrayofaddress": "address",
    "account": "account",
    "accounts": "account",
    "arrayofaccount": "account",
    "flag": "flag",
    "flags": "flag",
    "customerflag": "flag",
    "arrayofflag": "flag",
    "arrayofcustomerflag": "flag",
    "pricelist": "pricelist",
    "pricelists": "pricelist",
    "arrayofpricelist": "pricelist",
    "jobdto": "job",
    "jobresponse": "job",
    "arrayofjobdto": "job",
}
# The entity words of operation names: the last one names what the operation answers or takes.
_OPERATION_ENTITIES = re.compile(r"(Customer|Compan|Address|Account|Flag|Pricelist|Job)")
_OPERATION_SPACE = {
    "Customer": "customer",
    "Compan": "company",
    "Address": "address",
    "Account": "account",
    "Flag": "flag",
    "Pricelist": "pricelist",
    "Job": "job",
}

RUN_PREFIX = re.compile(r"(?i)\bnct-[a-z0-9]{4,16}-")
GUID = re.compile(r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
ISO_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\d:])"
)
DOTNET_DATE = re.compile(r"/Date\(-?\d+(?:[+-]\d{4})?\)/")
TIMESPAN = re.compile(r"(?<![\d:.T])-?(?:\d+\.)?\d{2}:\d{2}:\d{2}(?:\.\d+)?(?![\d:])")  # .NET TimeSpan
# An id named in a text: "Company 6000 inserted", "customer id 17" (the number is the tenant's own).
ID_IN_TEXT = re.compile(r"(?i)\b(customer|company|address|account|job|pricelist|flag)((?: ?id)?[ #:=]*)\d+\b")
REDACTED_MARK = re.compile(r"\[REDACTED[^\]]*\]")
_DIGIT = re.compile(r"\d")


def operation_space(operation: str) -> str | None:
    """The entity an operation is about: the last entity word of its name (GetCompanyCustomers: customer;
    GetCustomerCompanies: company; JobGet: job); a login answers the customer who logged in."""
    if operation.startswith("Login") and "Agreement" not in operation:
        return "customer"
    found = _OPERATION_ENTITIES.findall(operation)
    return _OPERATION_SPACE[found[-1]] if found else None


def id_space(member: str, context: tuple[str, ...], operation: str) -> str | None:
    """The id space of `member` (None: not an id), its holder found from the names on the way to it (the
    nearest entity name), else from the operation."""
    if member not in ID_MEMBER_SPACES:
        return None
    space = ID_MEMBER_SPACES[member]
    if space is not None:
        if member == "ParentId" and holder_space(context, operation) == "pricelist":
            return "pricelist"
        return space
    holder = holder_space(context, operation)
    if holder is None:
        return None
    return f"{holder}-key" if member == "Key" else holder


def xml_id_space(member: str, context: tuple[str, ...], operation: str) -> str | None:
    """As `id_space`, for an XML element: an item of an id list (`<PricelistIds><int>7</int>`) is an id of
    the list's space."""
    space = id_space(member, context, operation)
    if (
        space is None
        and context
        and ID_MEMBER_SPACES.get(context[-1]) is not None
        and context[-1].endswith("Ids")
    ):
        return ID_MEMBER_SPACES[context[-1]]
    return space


def holder_space(context: tuple[str, ...], operation: str) -> str | None:
    """The entity holding a member: named by the member (or element) that holds it, or, at the answer's
    root, by the operation. Inside anything else (an error's Messages, a KeyValue list) it is no entity's:
    `Messages[].Key` is a message key, not a customer's Key."""
    if not context:
        return operation_space(operation)
    return ENTITY_NAMES.get(context[-1].lower())


def parameter_space(name: str, operation: str) -> str | None:
    """The id space a query parameter names (None: not an id parameter)."""
    lowered = name.lower()
    if lowered not in ID_PARAMETER_SPACES:
        return None
    space = ID_PARAMETER_SPACES[lowered]
    if space is not None:
        return space
    holder = operation_space(operation)
    if holder is None:
        return None
    return f"{holder}-key" if lowered == "key" else holder


def date_form(text: str) -> str:
    return _DIGIT.sub("d", text)


def normalise_text(text: str) -> str:
    """A text with its run prefixes, GUIDs and dates masked (a date keeps its form)."""
    text = RUN_PREFIX.sub("nct-RUN-", text)
    text = GUID.sub("<guid>", text)
    text = ID_IN_TEXT.sub(lambda match: f"{match.group(1)}{match.group(2)}<id>", text)
    text = DOTNET_DATE.sub(lambda match: f"<date {date_form(match.group(0))}>", text)
    text = ISO_DATE.sub(lambda match: f"<date {date_form(match.group(0))}>", text)
    return TIMESPAN.sub(lambda match: f"<time {date_form(match.group(0))}>", text)


def texts_match(tenant: str, emulator: str) -> bool:
    """Equal once normalised; a redacted stretch of the tenant's text matches anything."""
    left, right = normalise_text(tenant), normalise_text(emulator)
    if left == right:
        return True
    if "[REDACTED" not in left:
        return False
    pattern = ".*?".join(re.escape(piece) for piece in REDACTED_MARK.split(left))
    return re.fullmatch(pattern, right, re.DOTALL) is not None


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shown(value: Any, limit: int = 120) -> str:
    """A value as a report shows it (normalised, shortened)."""
    if isinstance(value, str):
        text = repr(normalise_text(value))
    elif value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, list):
        text = f"array of {len(value)}"
    else:
        text = "object"
    return text if len(text) <= limit else text[: limit - 1] + "…"
