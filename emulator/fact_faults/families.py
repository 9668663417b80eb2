"""Fact faults: generated families (see emulator/fact_faults/__init__.py).

Each family breaks one kind of fact, one fault per fact, generated from data: the operation inventory
(`openapi/operations.txt`), the vendored descriptions (`x-norce-evidence`, response schemas, `maxLength`)
and the field enums (`openapi/enums.yaml`). The fact ids are named as plain strings (the emulator reads no
oracle); `tests/unit/test_fact_faults.py` checks every one against `openapi/facts.yaml`.

- operations: `operation-missing-<op>` answers a 1.1 operation with 404, as if a release dropped its route
  (F-CS-OP-<Op>);
- members: a 1.1 / Connect answer member breaks its documented type, length or nullability in every answer
  that carries it (F-2C-*, F-2B-*, F-45-*), as the documented schema view sees it;
- xml: an item element, a namespace or a list root of 1.1 XML answers is named wrongly (F-2C-XML-*,
  F-2C-NS-*);
- header fields: `header-field-ignored-<kind>-<field>`: the import engine does not process a listed field
  value
  (F-HDR-CF-*, F-HDR-UF-*, F-HDR-AF-*);
- import members and mapping rows: the import stores a Connect member wrongly or not at all (F-2A-*, F-MAP-*).

The wiring reads the tables below: `emulator/http/fact_fault_effects.py` (operations, members, xml) and
`emulator/domain/import_fault_effects.py` (header fields, import members).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from emulator.fault_types import D, Fault, R

OPENAPI = Path(__file__).resolve().parents[2] / "openapi"
CUSTOMER_SPEC, CONNECT_SPEC = "customer-service-1.1.yaml", "connect-customer-4.0.yaml"
CONNECT_IMPORTS = ("ImportCompanies", "ImportCustomers")
CONNECT_OPERATIONS = (*CONNECT_IMPORTS, "JobGet", "JobGetLog", "JobList")
# x-norce-evidence markers backed by Norce's own pages (docs/norce-facts.md §0); W is the WSDL's alone.
DOCUMENTED_MARKERS = ("C-N", "C-N(list)", "C-S")
HTTP_METHODS = ("get", "post", "put", "delete", "patch")


# --- the vendored data --------------------------------------------------------------------------------------
@cache
def _load(name: str) -> Any:
    return yaml.safe_load((OPENAPI / name).read_text(encoding="utf-8"))


@cache
def all_operations() -> tuple[str, ...]:
    """openapi/operations.txt: every operationId of both APIs."""
    lines = (OPENAPI / "operations.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def customer_service_operations() -> tuple[str, ...]:
    return tuple(op for op in all_operations() if op not in CONNECT_OPERATIONS)


@cache
def _definitions(spec: str) -> dict[str, dict[str, Any]]:
    document = _load(spec)
    found: dict[str, dict[str, Any]] = {}
    for methods in document.get("paths", {}).values():
        for method, definition in methods.items():
            if method in HTTP_METHODS and isinstance(definition, dict) and "operationId" in definition:
                found[definition["operationId"]] = definition
    return found


def evidence(operation_id: str) -> str:
    return str(_definitions(CUSTOMER_SPEC)[operation_id].get("x-norce-evidence", ""))


def null_on_not_found() -> tuple[str, ...]:
    """The 1.1 operations whose not-found answer is null (x-norce-null-on-not-found, Q5)."""
    definitions = _definitions(CUSTOMER_SPEC)
    return tuple(op for op, d in definitions.items() if d.get("x-norce-null-on-not-found"))


def _reached(spec: str, schema: Any, seen: set[str]) -> None:
    """Every component name a schema reaches through $ref, properties, items and the combinators."""
    if isinstance(schema, list):
        for entry in schema:
            _reached(spec, entry, seen)
        return
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _reached(spec, _load(spec)["components"]["schemas"].get(name, {}), seen)
    for key in ("properties",):
        for member in (schema.get(key) or {}).values():
            _reached(spec, member, seen)
    for key in ("items", "oneOf", "anyOf", "allOf"):
        if key in schema:
            _reached(spec, schema[key], seen)


@cache
def carrying(component: str) -> tuple[str, ...]:
    """The operations (either API) whose 200 answer carries `component`, in operations.txt order."""
    found: set[str] = set()
    for spec in (CUSTOMER_SPEC, CONNECT_SPEC):
        for operation_id, definition in _definitions(spec).items():
            seen: set[str] = set()
            for media in (definition.get("responses", {}).get("200", {}).get("content") or {}).values():
                _reached(spec, media.get("schema"), seen)
            if component in seen:
                found.add(operation_id)
    return tuple(op for op in all_operations() if op in found)


def kebab(name: str) -> str:
    """GetCustomerByOrgNo -> get-customer-by-org-no; CrmId -> crm-id; VatNo -> vat-no."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name).lower()


# --- family 1: a 1.1 operation is gone ----------------------------------------------------------------------
def missing_operation_fault(operation_id: str) -> str:
    return f"operation-missing-{kebab(operation_id)}"


def _operation_faults() -> tuple[Fault, ...]:
    faults = []
    for operation_id in customer_service_operations():
        documented = evidence(operation_id) in DOCUMENTED_MARKERS
        faults.append(
            Fault(
                name=missing_operation_fault(operation_id),
                category="customer-service",
                level=D if documented else R,
                judgement="CS-OPERATION" if documented else "CS-OPERATION-WSDL",
                description=f"{operation_id} answers 404, as if a release had dropped its route",
                fact=f"F-CS-OP-{operation_id}",
                operations=(operation_id,),
            )
        )
    return tuple(faults)


# --- family 2: an answer member breaks its documented type, length or nullability ---------------------------
# Mutations (emulator/http/fact_fault_effects.py): too-long (one past the member's maxLength), null, as-string
# (a number or boolean written as a string), as-list (an object or string wrapped in a list), as-object (a
# list
# written as its first item), as-map (an IdValue list as {Id: Value}), joined (an id list as "1,2"),
# epoch-number / date-only / net-date (a date-time as milliseconds, a date, or WCF's /Date(ms)/), number (a
# GUID as its integer), messages-as-map (ErrorMessage.Messages as {Key: Value}).
@dataclass(frozen=True)
class MemberFault:
    name: str
    fact: str
    api: str  # "customer" or "connect"
    component: str  # the schema component; "*" for every component of the API
    members: tuple[str, ...]  # ("*",): every member the mutation applies to
    mutation: str
    collection: bool = False  # a null collection: CS-EMPTY-COLLECTION (recommended), not the documented view


def _m(name: str, fact: str, component: str, members: str, mutation: str, **kw: Any) -> MemberFault:
    api = kw.pop("api", "customer")
    return MemberFault(name, fact, api, component, tuple(members.split()), mutation, **kw)


MEMBER_FAULTS: tuple[MemberFault, ...] = (
    # F-2C-CUSTOMER-ID: customer-id-as-string (emulator/faults.py)
    _m("customer-key-null", "F-2C-CUSTOMER-KEY", "Customer", "Key", "null"),
    _m("customer-code-too-long", "F-2C-CUSTOMER-CODE", "Customer", "Code", "too-long"),
    _m("customer-email-too-long", "F-2C-CUSTOMER-EMAIL", "Customer", "Email", "too-long"),
    _m("customer-ssn-too-long", "F-2C-CUSTOMER-SSN", "Customer", "SSN", "too-long"),
    _m("customer-names-too-long", "F-2C-CUSTOMER-NAMES", "Customer", "FirstName LastName", "too-long"),
    _m("customer-phones-too-long", "F-2C-CUSTOMER-PHONES", "Customer", "Phone CellPhone", "too-long"),
    _m("customer-refer-id-as-string", "F-2C-CUSTOMER-REFERID", "Customer", "ReferId", "as-string"),
    _m("customer-refer-url-too-long", "F-2C-CUSTOMER-REFERURL", "Customer", "ReferUrl", "too-long"),
    _m("customer-account-as-list", "F-2C-CUSTOMER-ACCOUNT", "Customer", "Account", "as-list"),
    _m("customer-companies-as-object", "F-2C-CUSTOMER-COMPANIES", "Customer", "Companies", "as-object"),
    _m(
        "customer-delivery-addresses-null",
        "F-2C-CUSTOMER-DELIVERYADDRESSES",
        "Customer",
        "DeliveryAddresses",
        "null",
        collection=True,
    ),
    _m(
        "customer-invoice-address-as-list",
        "F-2C-CUSTOMER-INVOICEADDRESS",
        "Customer",
        "InvoiceAddress",
        "as-list",
    ),
    _m("customer-flags-null", "F-2C-CUSTOMER-FLAGS", "Customer", "Flags", "null", collection=True),
    _m(
        "customer-use-invoice-address-null",
        "F-2C-CUSTOMER-USEINVOICE",
        "Customer",
        "UseInvoiceAddressAsDeliveryAddress",
        "null",
    ),
    _m("customer-info-as-map", "F-2C-CUSTOMER-INFO", "Customer", "Info", "as-map"),
    _m("customer-pricelist-ids-joined", "F-2C-CUSTOMER-PRICELISTIDS", "Customer", "PricelistIds", "joined"),
    _m("customer-crm-id-too-long", "F-2C-CUSTOMER-CRMID", "Customer", "CrmId", "too-long"),
    _m("customer-is-active-as-string", "F-2C-CUSTOMER-ISACTIVE", "Customer", "IsActive", "as-string"),
    _m("customer-created-epoch-number", "F-2C-CUSTOMER-CREATED", "Customer", "Created", "epoch-number"),
    _m("customer-updated-date-only", "F-2C-CUSTOMER-UPDATED", "Customer", "Updated", "date-only"),
    _m("company-id-as-string", "F-2C-COMPANY-ID", "Company", "Id", "as-string"),
    _m("company-key-null", "F-2C-COMPANY-KEY", "Company", "Key", "null"),
    _m("company-code-too-long", "F-2C-COMPANY-CODE", "Company", "Code", "too-long"),
    _m("company-name-too-long", "F-2C-COMPANY-NAME", "Company", "Name", "too-long"),
    _m("company-org-no-too-long", "F-2C-COMPANY-ORGNO", "Company", "OrgNo", "too-long"),
    _m("company-phone-too-long", "F-2C-COMPANY-PHONE", "Company", "Phone", "too-long"),
    _m("company-refer-id-as-string", "F-2C-COMPANY-REFERID", "Company", "ReferId", "as-string"),
    _m("company-refer-url-too-long", "F-2C-COMPANY-REFERURL", "Company", "ReferUrl", "too-long"),
    _m(
        "company-delivery-addresses-null",
        "F-2C-COMPANY-DELIVERYADDRESSES",
        "Company",
        "DeliveryAddresses",
        "null",
        collection=True,
    ),
    _m(
        "company-invoice-address-as-list",
        "F-2C-COMPANY-INVOICEADDRESS",
        "Company",
        "InvoiceAddress",
        "as-list",
    ),
    _m(
        "company-use-invoice-address-null",
        "F-2C-COMPANY-USEINVOICE",
        "Company",
        "UseInvoiceAddressAsDeliveryAddress",
        "null",
    ),
    _m("company-info-as-map", "F-2C-COMPANY-INFO", "Company", "Info", "as-map"),
    _m(
        "company-pricelist-ids-null",
        "F-2C-COMPANY-PRICELISTIDS",
        "Company",
        "PricelistIds",
        "null",
        collection=True,
    ),
    _m("company-parent-id-as-string", "F-2C-COMPANY-PARENTID", "Company", "ParentId", "as-string"),
    _m(
        "company-delivery-method-ids-null",
        "F-2C-COMPANY-DELIVERYMETHODIDS",
        "Company",
        "DeliveryMethodIds",
        "null",
        collection=True,
    ),
    _m(
        "company-payment-method-ids-null",
        "F-2C-COMPANY-PAYMENTMETHODIDS",
        "Company",
        "PaymentMethodIds",
        "null",
        collection=True,
    ),
    _m("company-email-as-list", "F-2C-COMPANY-EMAIL", "Company", "Email", "as-list"),
    _m("company-flags-null", "F-2C-COMPANY-FLAGS", "Company", "Flags", "null", collection=True),
    _m("company-vat-no-as-list", "F-2C-COMPANY-VATNO", "Company", "VatNo", "as-list"),
    _m("account-login-name-too-long", "F-2C-ACCOUNT", "Account", "LoginName", "too-long"),
    _m("address-country-id-null", "F-2C-ADDRESS", "Address", "CountryId", "null"),
    # F-2C-FLAG: flag-id-nulled; F-2C-IDVALUE: id-value-value-as-number (emulator/faults.py)
    _m("customer-flag-name-too-long", "F-2C-CUSTOMERFLAG", "CustomerFlag", "Name", "too-long"),
    _m(
        "id-name-description-name-too-long", "F-2C-IDNAMEDESCRIPTION", "IdNameDescription", "Name", "too-long"
    ),
    _m("agreement-account-name-too-long", "F-2C-AGREEMENTACCOUNT", "AgreementAccount", "Name", "too-long"),
    _m("pricelist-name-too-long", "F-2C-PRICELIST", "Pricelist", "Name", "too-long"),
    _m("price-rule-id-as-string", "F-2C-PRICERULE", "PricelistPriceRule", "RuleId", "as-string"),
    # The emulator keeps no population rules (Pricelist.PopulationRules is always []): the list itself breaks.
    _m(
        "pricelist-population-rules-as-object",
        "F-2C-POPULATIONRULE",
        "Pricelist",
        "PopulationRules",
        "as-object",
    ),
    _m(
        "pricelist-item-pricelist-id-as-string",
        "F-2C-PRICELISTITEM",
        "PricelistItem",
        "PricelistId",
        "as-string",
    ),
    _m(
        "company-discount-type-id-as-string", "F-2C-COMPANYDISCOUNT", "CompanyDiscount", "TypeId", "as-string"
    ),
    _m(
        "company-payment-method-is-active-as-string",
        "F-2C-COMPANYPAYMENTMETHOD",
        "CompanyPaymentMethod",
        "IsActive",
        "as-string",
    ),
    _m("error-message-messages-as-map", "F-2C-ERRORMESSAGE", "ErrorMessage", "Messages", "messages-as-map"),
    # F-2B-JOBRESPONSE, -VALIDATIONSUMMARY, -JOBLOGDTO: job-response-job-id-as-string,
    # validation-summary-renamed-total, job-log-severity-out-of-range (emulator/faults.py)
    _m("job-dto-totals-as-string", "F-2B-JOBDTO", "JobDto", "Totals", "as-string", api="connect"),
    _m("job-dto-start-epoch-number", "F-42-TIMES", "JobDto", "Start", "epoch-number", api="connect"),
    # F-45-DATES: job-dto-created-not-iso (emulator/faults.py)
    _m("guids-as-numbers", "F-45-GUID", "*", "*", "number"),
    _m("json-members-camel-case", "F-45-PASCAL-CASE", "*", "*", "camel-case"),
)

_MUTATION_TEXT = {
    "too-long": "is one character longer than its documented maxLength",
    "null": "is null",
    "as-string": "is written as a string",
    "as-list": "is wrapped in a list",
    "as-object": "is written as its first item instead of a list",
    "as-map": "is written as an {Id: Value} object instead of an IdValue list",
    "joined": 'is written as one comma-separated string ("1,2") instead of a list',
    "epoch-number": "is written as milliseconds since 1970, a number",
    "date-only": "is written as a date without a time",
    "number": "is written as a JSON number",
    "camel-case": "names are camelCase instead of PascalCase",
    "messages-as-map": "is written as a {Key: Value} object instead of a list of {Key, Value}",
}


def _member_description(row: MemberFault) -> str:
    if row.mutation == "number":
        return "Every GUID member of a 1.1 JSON answer (Key, ImageKey) is written as a JSON number"
    if row.mutation == "camel-case":
        return "Every 1.1 JSON answer names its members in camelCase (customerId) instead of PascalCase"
    where = "1.1" if row.api == "customer" else "Connect"
    members = "/".join(row.members)
    return f"{where} {row.component}.{members} {_MUTATION_TEXT[row.mutation]} in every answer"


def _member_operations(row: MemberFault) -> tuple[str, ...]:
    if row.component == "*":
        return customer_service_operations()
    if row.component == "ErrorMessage":
        return customer_service_operations()
    return carrying(row.component)


def _member_faults() -> tuple[Fault, ...]:
    return tuple(
        Fault(
            name=row.name,
            category="response-shape",
            level=R if row.collection else D,
            judgement="CS-EMPTY-COLLECTION" if row.collection else "SCHEMA-DOCUMENTED",
            description=_member_description(row),
            fact=row.fact,
            operations=_member_operations(row),
        )
        for row in MEMBER_FAULTS
    )


# --- family 3: 1.1 XML names --------------------------------------------------------------------------------
# docs/norce-facts.md §2C "XML collection names": collection -> its item element. A faulty release names the
# items after something else (the type, or the item name with a suffix).
XML_COLLECTIONS: dict[str, str] = {
    "CompanyList": "Company",
    "AddressList": "Address",
    "FlagList": "Flag",
    "CustomerList": "Customer",
    "IdValues": "Item",
    "IdNameDescriptions": "IdNameDescription",
    "CustomerFlags": "CustomerFlag",
    "CustomerPricelistList": "Pricelist",
    "CompanyDiscountList": "Discount",
}
# PricelistPopulationRuleList holds <Rule> items, but the emulator keeps no population rules (always an empty
# list): renaming an item it never writes would change nothing, so F-2C-XML-PRICELISTPOPULATIONRULELIST has no
# fault until the emulator stores the rules a price list write sends.


def wrong_item_name(item: str) -> str:
    return "IdValue" if item == "Item" else f"{item}Item"


def xml_item_fault(collection: str) -> str:
    return f"xml-item-renamed-{kebab(collection)}"


# Namespaces of §2C, each with the fault that writes it wrongly (the Customers one: xml-namespace-wrong).
XML_NAMESPACE_FAULTS: dict[str, str] = {
    "Enferno.Services.Contracts.Expose": "xml-namespace-wrong-expose",
    "http://schemas.microsoft.com/2003/10/Serialization/Arrays": "xml-namespace-wrong-arrays",
}
XML_LIST_ROOT_FAULT = "xml-list-root-renamed"


def _xml_faults() -> tuple[Fault, ...]:
    def xml_fault(name: str, fact: str, description: str) -> Fault:
        return Fault(
            name=name,
            category="xml",
            level=R,
            judgement="XSD-CUSTOMER-SERVICE",
            description=description,
            fact=fact,
            operations=customer_service_operations(),
        )

    faults = [
        xml_fault(
            xml_item_fault(collection),
            f"F-2C-XML-{collection.upper()}",
            f"In 1.1 XML answers a {collection} holds <{wrong_item_name(item)}> items instead of <{item}>",
        )
        for collection, item in XML_COLLECTIONS.items()
    ]
    faults += [
        xml_fault(
            XML_NAMESPACE_FAULTS["Enferno.Services.Contracts.Expose"],
            "F-2C-NS-EXPOSE",
            "1.1 XML answers write IdValue and IdNameDescription in a wrong namespace (tempuri.org)",
        ),
        xml_fault(
            XML_NAMESPACE_FAULTS["http://schemas.microsoft.com/2003/10/Serialization/Arrays"],
            "F-2C-NS-ARRAYS",
            "1.1 XML answers write <int> list items and the ErrorMessage dictionary in a wrong namespace",
        ),
        xml_fault(
            XML_LIST_ROOT_FAULT,
            "F-2C-XML-ARRAYOF",
            "A 1.1 XML list answer's root is <XCollection>, neither the collection name nor ArrayOfX",
        ),
    ]
    return tuple(faults)


# --- family 4: a listed header field value is not processed -------------------------------------------------
@cache
def _enums() -> dict[str, dict[int, str]]:
    loaded = _load("enums.yaml")
    return {
        kind: {int(k): str(v) for k, v in loaded[kind].items()} for kind in ("CompanyField", "CustomerField")
    }


# Field values whose member no 1.1 read shows (docs/norce-facts.md §2C "Only in Connect"; 1.1 Company has no
# IsActive or ApplicationKey), or that identify rather than write (Id): not processing them changes nothing a
# black-box run can read, so they get no fault here (see the report of tests/unit/test_fact_faults.py).
UNSHOWN_FIELDS: dict[str, frozenset[str]] = {
    "company": frozenset({"ApplicationKey", "Id", "LogoImage", "IsActive", "Contacts"}),
    "customer": frozenset({"ApplicationKey", "Id", "Title", "MiddleName"}),
}
# Field values already broken by a catalogued fault (emulator/faults.py).
TRACED_FIELDS: dict[str, frozenset[str]] = {
    "company": frozenset(),
    "customer": frozenset({"SearchOnlyByCode"}),
}
# The judgement of a field value that is a relation, a dependency or a switch, not a member.
FIELD_JUDGEMENTS = {
    "Customers": "IMP-LIST-DELTA",
    "Companies": "IMP-LIST-DELTA",
    "Accounts": "IMP-ACCOUNTS",
    "SearchOnlyByCode": "IMP-SEARCH-ONLY-BY-CODE",
    "PreserveFlags": "IMP-FLAGS",
}
FIELD_KINDS = {
    "company": ("CompanyField", "CF", "ImportCompanies"),
    "customer": ("CustomerField", "UF", "ImportCustomers"),
}
# AccountField values: Status (1) and Roles (3) always write; the *CreateOnly ones have their faults already.
ACCOUNT_FIELDS = {1: "Status", 3: "Roles"}


def header_field_fault(kind: str, field_name: str) -> str:
    return f"header-field-ignored-{kind}-{kebab(field_name)}"


@cache
def ignored_field_values() -> dict[str, dict[str, int]]:
    """kind ("company", "customer", "account") -> {fault name: the field value it leaves unprocessed}."""
    table: dict[str, dict[str, int]] = {}
    for kind, (enum, _, _) in FIELD_KINDS.items():
        skipped = UNSHOWN_FIELDS[kind] | TRACED_FIELDS[kind]
        table[kind] = {
            header_field_fault(kind, name): value
            for value, name in _enums()[enum].items()
            if name not in skipped
        }
    table["account"] = {header_field_fault("account", name): value for value, name in ACCOUNT_FIELDS.items()}
    return table


def _header_field_faults() -> tuple[Fault, ...]:
    faults = []
    for kind, (enum, short, operation) in FIELD_KINDS.items():
        names = _enums()[enum]
        for fault, value in ignored_field_values()[kind].items():
            name = names[value]
            faults.append(
                Fault(
                    name=fault,
                    category="import-semantics",
                    level=D,
                    judgement=FIELD_JUDGEMENTS.get(name, "IMP-LISTED-ONLY"),
                    description=f"{operation}: {enum} {value} ({name}) is listed but not processed",
                    fact=f"F-HDR-{short}-{name.upper()}",
                    operations=(operation,),
                )
            )
    for fault, value in ignored_field_values()["account"].items():
        name = ACCOUNT_FIELDS[value]
        faults.append(
            Fault(
                name=fault,
                category="import-semantics",
                level=D,
                judgement="IMP-ACCOUNTS",
                description=f"ImportCustomers: AccountField {value} ({name}) is listed but not written",
                fact=f"F-HDR-AF-{name.upper()}",
                operations=("ImportCustomers",),
            )
        )
    faults.append(
        Fault(
            name="import-password-always-updated",
            category="import-semantics",
            level=D,
            judgement="IMP-ACCOUNTS",
            description="ImportCustomers writes a sent Password to an existing account, whatever the fields",
            fact="F-HDR-AF-NO-PASSWORD-UPDATE",
            operations=("ImportCustomers",),
        )
    )
    return tuple(faults)


# --- family 5: the import stores a Connect member wrongly or not at all -------------------------------------
# Mutations of the item before it is written (emulator/domain/import_fault_effects.py): halved (a string cut
# to
# half its length), first-only (a list keeps its first entry), invoice-as-delivery (the invoice address is
# stored as one more delivery address), dropped (the members are lost on the way in; in addresses: in every
# address), nested-dropped (a member of every entry of a list is lost), nested-halved, inactive-by-default
# (entries without IsActive are taken as inactive), needs (entries without the named member are skipped).
@dataclass(frozen=True)
class StoreFault:
    name: str
    fact: str
    operations: tuple[str, ...]
    members: tuple[str, ...]  # item members; "List.Member" for a member of each entry of a list
    mutation: str
    judgement: str = "IMP-READ-BACK"


def _s(name: str, fact: str, operation: str, members: str, mutation: str, **kw: Any) -> StoreFault:
    operations = CONNECT_IMPORTS if operation == "both" else (operation,)
    return StoreFault(name, fact, operations, tuple(members.split()), mutation, **kw)


CO, CU = "ImportCompanies", "ImportCustomers"
STORE_FAULTS: tuple[StoreFault, ...] = (
    _s("import-company-name-halved", "F-2A-COMPANY-NAME", CO, "Name", "halved"),
    _s("import-company-email-halved", "F-2A-COMPANY-EMAILADDRESS", CO, "EmailAddress", "halved"),
    _s("import-company-phone-halved", "F-2A-COMPANY-PHONENUMBER", CO, "PhoneNumber", "halved"),
    _s("import-company-vat-no-halved", "F-2A-COMPANY-VATNO", CO, "VatNo", "halved"),
    _s(
        "import-company-invoice-address-as-delivery",
        "F-2A-COMPANY-INVOICEADDRESS",
        CO,
        "InvoiceAddress",
        "invoice-as-delivery",
    ),
    _s(
        "import-company-first-delivery-address-only",
        "F-2A-COMPANY-DELIVERYADDRESSES",
        CO,
        "DeliveryAddresses",
        "first-only",
    ),
    _s("import-company-first-info-only", "F-2A-COMPANY-ADDITIONALINFO", CO, "AdditionalInfo", "first-only"),
    _s("import-company-first-customer-only", "F-2A-COMPANY-CUSTOMERS", CO, "Customers", "first-only"),
    _s(
        "import-company-first-delivery-method-only",
        "F-2A-COMPANY-DELIVERYMETHODS",
        CO,
        "DeliveryMethods",
        "first-only",
    ),
    _s("import-company-first-discount-only", "F-2A-COMPANY-DISCOUNTS", CO, "Discounts", "first-only"),
    _s("import-company-first-flag-only", "F-2A-COMPANY-FLAGS", CO, "Flags", "first-only"),
    _s(
        "import-company-first-payment-method-only",
        "F-2A-COMPANY-PAYMENTMETHODS",
        CO,
        "PaymentMethods",
        "first-only",
    ),
    _s("import-company-first-pricelist-only", "F-2A-COMPANY-PRICELISTS", CO, "PriceLists", "first-only"),
    _s(
        "import-customer-strings-halved",
        "F-2A-CUSTOMER-STRINGS",
        CU,
        "SocialSecurityNumber FirstName LastName PhoneNumber CellPhoneNumber",
        "halved",
    ),
    _s("import-customer-crm-id-halved", "F-2A-CUSTOMER-CRMID", CU, "CrmId", "halved"),
    _s(
        "import-customer-invoice-address-as-delivery",
        "F-2A-CUSTOMER-INVOICEADDRESS",
        CU,
        "InvoiceAddress",
        "invoice-as-delivery",
    ),
    _s(
        "import-customer-first-delivery-address-only",
        "F-2A-CUSTOMER-DELIVERYADDRESSES",
        CU,
        "DeliveryAddresses",
        "first-only",
    ),
    _s(
        "import-customer-account-login-name-halved",
        "F-2A-CUSTOMER-ACCOUNTS",
        CU,
        "Accounts.LoginName",
        "nested-halved",
    ),
    _s("import-customer-first-info-only", "F-2A-CUSTOMER-ADDITIONALINFO", CU, "AdditionalInfo", "first-only"),
    _s("import-customer-first-flag-only", "F-2A-CUSTOMER-FLAGS", CU, "Flags", "first-only"),
    _s("import-customer-first-pricelist-only", "F-2A-CUSTOMER-PRICELISTS", CU, "PriceLists", "first-only"),
    _s("import-customer-first-company-only", "F-2A-CUSTOMER-COMPANIES", CU, "Companies", "first-only"),
    _s("import-address-care-of-and-region-lost", "F-2A-ADDRESS", "both", "CareOf Region", "dropped"),
    _s(
        "import-delivery-methods-inactive-by-default",
        "F-2A-DELIVERYMETHOD",
        CO,
        "DeliveryMethods",
        "inactive-by-default",
    ),
    _s(
        "import-payment-method-capture-code-lost",
        "F-2A-PAYMENTMETHOD",
        CO,
        "PaymentMethods.InvoiceCaptureSettingsCode",
        "nested-dropped",
    ),
    _s("import-pricelists-need-is-exclusive", "F-2A-PRICELIST", "both", "PriceLists.IsExclusive", "needs"),
    _s("import-info-value-halved", "F-2A-INFO", "both", "AdditionalInfo.Value", "nested-halved"),
    _s(
        "import-discount-percentage-lost",
        "F-2A-DISCOUNT",
        CO,
        "Discounts.DiscountPercentage",
        "nested-dropped",
    ),
    # the mapping rows of docs/norce-facts.md §2C (F-MAP-EMAIL, -ORGNO, -ZIP: emulator/faults.py)
    _s("mapping-phone-lost", "F-MAP-PHONE", "both", "PhoneNumber", "dropped"),
    _s("mapping-cell-phone-lost", "F-MAP-CELLPHONE", CU, "CellPhoneNumber", "dropped"),
    _s("mapping-ssn-lost", "F-MAP-SSN", CU, "SocialSecurityNumber", "dropped"),
    _s("mapping-address-lines-lost", "F-MAP-LINES", "both", "AddressLine1 AddressLine2", "dropped"),
    _s("mapping-country-lost", "F-MAP-COUNTRY", "both", "CountryCode", "dropped"),
    _s("mapping-gln-lost", "F-MAP-GLN", "both", "Gln", "dropped"),
    _s("mapping-info-value-lost", "F-MAP-INFO", "both", "AdditionalInfo.Value", "nested-dropped"),
    _s("mapping-account-lost", "F-MAP-ACCOUNT", CU, "Accounts", "dropped"),
    _s("mapping-flags-lost", "F-MAP-FLAGS", "both", "Flags", "dropped"),
    _s("mapping-pricelists-lost", "F-MAP-PRICELISTS", "both", "PriceLists", "dropped"),
    _s("mapping-methods-lost", "F-MAP-METHODS", CO, "DeliveryMethods PaymentMethods", "dropped"),
)
ADDRESS_MEMBERS = frozenset(
    {"CareOf", "AddressLine1", "AddressLine2", "ZipCode", "City", "Region", "CountryCode", "Gln"}
)

_STORE_TEXT = {
    "halved": "is stored cut to half its length",
    "first-only": "keeps only its first entry",
    "invoice-as-delivery": "is stored as one more delivery address, not as the invoice address",
    "dropped": "is lost on the way in (not stored)",
    "nested-dropped": "is lost on the way in (not stored)",
    "nested-halved": "is stored cut to half its length",
    "inactive-by-default": "entries sent without IsActive are taken as inactive (removed)",
    "needs": "entries are skipped unless they carry that member",
}


def _store_faults() -> tuple[Fault, ...]:
    return tuple(
        Fault(
            name=row.name,
            category="import-semantics",
            level=D,
            judgement=row.judgement,
            description=f"{'/'.join(row.operations)}: {', '.join(row.members)} {_STORE_TEXT[row.mutation]}",
            fact=row.fact,
            operations=row.operations,
        )
        for row in STORE_FAULTS
    )


# --- the remaining facts of §1A, §1B, §1C notes and §4.4-§4.5 that no other module breaks ------------------
# Paths a release may lose as a whole (emulator/http/fact_fault_effects.py `withdrawn`): fault -> operations.
WITHDRAWN_PATHS: dict[str, tuple[str, ...]] = {
    "cs-base-path-moved": customer_service_operations(),
    "connect-base-path-moved": CONNECT_OPERATIONS,
    "import-plural-paths-missing": CONNECT_IMPORTS,
    "job-service-missing": ("JobGet", "JobGetLog", "JobList"),
}


def _remaining_faults() -> tuple[Fault, ...]:
    def fault(name: str, category: str, judgement: str, fact: str, text: str, *operations: str) -> Fault:
        level = R if judgement in ("JOB-LIST",) else D
        return Fault(name, category, level, judgement, text, fact=fact, operations=operations)

    cs, cx = customer_service_operations(), CONNECT_IMPORTS
    return (
        fault(
            "cs-base-path-moved",
            "status-codes",
            "CS-OPERATION",
            "F-CS-BASE-URL",
            "Every 1.1 operation answers 404 under …/commerce/customer/1.1/ (the service moved)",
            *cs,
        ),
        fault(
            "connect-base-path-moved",
            "status-codes",
            "HDR-VALID",
            "F-CX-BASE-URL",
            "Every Connect operation answers 404 under …/commerce/connect/4.0/ (the service moved)",
            *CONNECT_OPERATIONS,
        ),
        fault(
            "import-plural-paths-missing",
            "status-codes",
            "HDR-VALID",
            "F-CX-PLURAL-PATHS",
            "Customer/ImportCustomers and Customer/ImportCompanies answer 404 (only the singular paths left)",
            *cx,
        ),
        fault(
            "job-service-missing",
            "job-lifecycle",
            "JOB-FINISHES",
            "F-JOB-BASE",
            "Job/Get, Job/GetLog and Job/List answer 404 under the Connect base",
            "JobGet",
            "JobGetLog",
            "JobList",
        ),
        fault(
            "job-list-empty",
            "job-lifecycle",
            "JOB-LIST",
            "F-JOB-LIST",
            "Job/List answers an empty list while jobs exist",
            "JobList",
        ),
        fault(
            "import-answer-text-plain",
            "status-codes",
            "content_type_conformance",
            "F-45-CX-JSON-ANSWER",
            "The JobResponse of an import is labelled Content-Type: text/plain",
            *cx,
        ),
        fault(
            "cs-success-returns-201",
            "status-codes",
            "status_code_conformance",
            "F-44-200",
            "A successful 1.1 POST answers 201 instead of 200",
            *cs,
        ),
        fault(
            "cs-business-error-409",
            "status-codes",
            "ERROR-BODY-BUSINESS",
            "F-44-400",
            "A 1.1 business error answers 409 instead of 400",
            *cs,
        ),
        fault(
            "cs-auth-refusal-400",
            "auth",
            "AUTH-REQUIRED",
            "F-44-NO-401-403",
            "A 1.1 call without valid credentials answers 400 instead of 401/403",
            *cs,
        ),
        fault(
            "cs-no-entity-answers-true",
            "customer-service",
            "CS-NO-ENTITY-ANSWER",
            "F-CS-NO-ENTITY",
            "A 1.1 operation documented with no answer entity answers the JSON body true",
            *cs,
        ),
    )


ENTRIES: tuple[Fault, ...] = (
    *_operation_faults(),
    *_member_faults(),
    *_xml_faults(),
    *_header_field_faults(),
    *_store_faults(),
    *_remaining_faults(),
)
