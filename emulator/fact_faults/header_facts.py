"""Fact faults: the X-StormConnect-Header's documented forms and the Connect request members (see
emulator/fact_faults/__init__.py).

Header forms (docs/norce-facts.md §3): each fault makes the header reader (emulator/domain/header.py) or the
body choice (emulator/domain/connect.py) misread one documented form: the JSON the official client writes,
the XML DataContract form (root, base members, lists, items), SerializationType, the older [string] variant,
the docs' own example. The header-form tests (contracts/suite/test_header_forms.py) send each form with one
new item; a misread form is refused, or imports nothing, where the docs say it is accepted (HDR-VALID).

Request members (docs/norce-facts.md §2A): the import engine (emulator/domain/imports.py) and the body reader
(emulator/domain/body.py) bend one member row: the matching order, the IsActive defaults, the DataContract
element order of XML bodies, member names.
"""

from __future__ import annotations

from emulator.fault_types import D, Fault, R

SINCE = "1.2.0"

CUSTOMERS, COMPANIES = "ImportCustomers", "ImportCompanies"
BOTH = (CUSTOMERS, COMPANIES)
HEADER, IMPORT = "header-rules", "import-semantics"


def _header(
    name: str, judgement: str, description: str, fact: str, *operations: str, restates: tuple[str, ...] = ()
) -> Fault:
    return Fault(
        name=name,
        category=HEADER,
        since=SINCE,
        level=D,
        judgement=judgement,
        description=description,
        fact=fact,
        operations=operations or BOTH,
        restates=restates,
    )


HEADER_FORMS: tuple[Fault, ...] = (
    _header(
        "hdr-unparseable-read-as-every-field",
        "HDR-SYNTAX",
        "A header that is neither JSON nor XML is read as one listing every field of the import: it imports",
        "F-HDR-RULE-1",
        restates=("F-HDR-SERIALIZED",),
    ),
    _header(
        "hdr-account-fields-required",
        "HDR-VALID",
        "ImportCustomers refuses a header without AccountFieldsThatAreSet (documented as optional)",
        "F-HDR-ACCOUNTFIELDS",
        CUSTOMERS,
    ),
    _header(
        "hdr-serialization-type-required",
        "HDR-VALID",
        "A header without SerializationType (documented as optional) is refused",
        "F-HDR-SERIALIZATIONTYPE",
    ),
    _header(
        "hdr-serialization-type-json-read-as-xml",
        "HDR-VALID",
        "SerializationType 0 (Json) makes the JSON body be read as XML: the import is refused as malformed",
        "F-HDR-ST-JSON",
    ),
    _header(
        "hdr-serialization-type-xml-read-as-json",
        "HDR-VALID",
        "SerializationType 1 (DataContractSerializer) makes the XML body be read as JSON: refused, malformed",
        "F-HDR-ST-XML",
    ),
    _header(
        "hdr-older-list-forms-refused",
        "HDR-VALID",
        'The older variant\'s [string] forms ("SerializationType": ["JSON"]) are refused as HDR-SYNTAX',
        "F-HDR-RULE-8",
    ),
    _header(
        "hdr-json-integer-enums-refused",
        "HDR-VALID",
        "A JSON header's integer field values (as the official client writes them) are refused: names only",
        "F-HDR-RULE-10",
    ),
    _header(
        "hdr-field-values-must-ascend",
        "HDR-VALID",
        "A field list whose values are not in ascending order (as in the docs' example) is refused",
        "F-HDR-EXAMPLE",
    ),
    _header(
        "hdr-xml-header-refused",
        "HDR-VALID",
        "Only the JSON form of the header is read: the documented XML form is refused as HDR-SYNTAX",
        "F-HDR-XML-FORM",
    ),
    _header(
        "hdr-xml-root-in-base-namespace",
        "HDR-VALID",
        "The XML header's root is read only in the base namespace …Contracts, not …Contracts.Customer",
        "F-HDR-XML-ROOT",
    ),
    _header(
        "hdr-xml-base-members-in-own-namespace",
        "HDR-VALID",
        "The XML header's base members (AccountId, SerializationType) are read only in …Contracts.Customer",
        "F-HDR-XML-BASE-FIRST",
    ),
    _header(
        "hdr-xml-lists-before-base-members",
        "HDR-VALID",
        "The XML header's field lists are expected before the base members: lists after them are dropped",
        "F-HDR-XML-THEN-LISTS",
    ),
    _header(
        "hdr-xml-field-items-named-int",
        "HDR-VALID",
        "The XML header's list items are read only as <int>: <CompanyField> etc. are refused as HDR-SYNTAX",
        "F-HDR-XML-ITEMS",
    ),
)


def _import(name: str, judgement: str, description: str, fact: str, *operations: str) -> Fault:
    return Fault(
        name=name,
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement=judgement,
        description=description,
        fact=fact,
        operations=operations,
    )


# The matching order of an item (docs/norce-facts.md §2A Company and Customer: Id, then Code, then
# OrganizationNo / EmailAddress), one row each; caught by contracts/suite/test_import_matching.py (on a
# tenant the Id cases name only entities the run has read back as its own).
MATCHING: tuple[Fault, ...] = (
    Fault(
        name="import-customers-see-only-imported",
        category=IMPORT,
        since=SINCE,
        level=R,  # "Both APIs write one store" is inferred from the seeds (docs/norce-facts.md §2C)
        judgement="IMP-ONE-STORE",
        description="Imports keep a store of their own: a customer 1.1 created is not matched by its Code",
        fact="F-MAP-ONE-STORE",
        operations=(CUSTOMERS,),
    ),
    _import(
        "import-customer-code-before-id",
        "IMP-MATCHING",
        "A customer item is matched by its Code before its Id",
        "F-2A-CUSTOMER-ID",
        CUSTOMERS,
    ),
    _import(
        "import-company-code-before-id",
        "IMP-MATCHING",
        "A company item is matched by its Code before its Id",
        "F-2A-COMPANY-ID",
        COMPANIES,
    ),
    _import(
        "import-customer-code-ignored",
        "IMP-MATCHING",
        "A customer item's Code is not used for matching: without Id it matches by EmailAddress only",
        "F-2A-CUSTOMER-CODE",
        CUSTOMERS,
    ),
    _import(
        "import-company-code-ignored",
        "IMP-MATCHING",
        "A company item's Code is not used for matching: without Id it matches by OrganizationNo only",
        "F-2A-COMPANY-CODE",
        COMPANIES,
    ),
    _import(
        "import-company-org-no-ignored",
        "IMP-MATCHING",
        "A company item without Id and Code is not matched by its OrganizationNo",
        "F-2A-COMPANY-ORGNO",
        COMPANIES,
    ),
)

# Defaults (docs/norce-facts.md §2A "IsActive | bool | Default true").
DEFAULTS: tuple[Fault, ...] = (
    _import(
        "import-customer-inactive-by-default",
        "IMP-DEFAULTS",
        "A customer inserted without IsActive is stored inactive",
        "F-2A-CUSTOMER-ISACTIVE",
        CUSTOMERS,
    ),
)

# Members as the body readers and initial validation take them (docs/norce-facts.md §2A): names, the
# DataContract element order of XML bodies, documented members refused or demanded.
MEMBERS: tuple[Fault, ...] = (
    _import(
        "import-json-member-names-camel-case",
        "HDR-VALID",
        "The JSON body reader takes camelCase member names: the documented PascalCase members are unknown",
        "F-2A-NAMES-EXACT",
        *BOTH,
    ),
    _import(
        "xml-body-address-zip-expected-after-lines",
        "IMP-READ-BACK",
        "The XML reader expects Address.ZipCode right after AddressLine2: in DataContract order dropped",
        "F-2A-DCS-ORDER",
        *BOTH,
    ),
    _import(
        "xml-body-company-phone-expected-after-email",
        "IMP-READ-BACK",
        "The XML reader expects Company.PhoneNumber right after EmailAddress: in DataContract order dropped",
        "F-2A-COMPANY-DCS",
        COMPANIES,
    ),
    _import(
        "xml-body-customer-phone-expected-after-email",
        "IMP-READ-BACK",
        "The XML reader expects Customer.PhoneNumber right after EmailAddress: in DataContract order dropped",
        "F-2A-CUSTOMER-DCS",
        CUSTOMERS,
    ),
    _import(
        "import-company-application-key-refused",
        "HDR-VALID",
        "A company item carrying its ApplicationKey fails initial validation",
        "F-2A-COMPANY-APPLICATIONKEY",
        COMPANIES,
    ),
    _import(
        "import-customer-application-key-required",
        "HDR-VALID",
        "A customer item without ApplicationKey (documented as optional) fails initial validation",
        "F-2A-CUSTOMER-APPLICATIONKEY",
        CUSTOMERS,
    ),
    _import(
        "import-customer-type-2-refused",
        "HDR-VALID",
        "A customer item of Type 2 (CompanyContact) fails initial validation",
        "F-2A-CUSTOMER-TYPE",
        CUSTOMERS,
    ),
    _import(
        "import-company-identifier-is-primary-ignored",
        "IMP-PRIMARY-COMPANY",
        "CompanyIdentifier.IsPrimary is ignored: the first company listed becomes the primary one",
        "F-2A-COMPANYIDENTIFIER",
        CUSTOMERS,
    ),
    _import(
        "import-account-role-default-inactive",
        "IMP-ACCOUNTS",
        "An AccountRole sent without IsActive is taken as inactive: the role is not granted",
        "F-2A-ACCOUNTROLE",
        CUSTOMERS,
    ),
    _import(
        "import-customer-list-delta-default-true",
        "IMP-LIST-DELTA",
        "A company item without IsCustomerListDelta is taken as a delta: customers not listed stay related",
        "F-2A-COMPANY-LISTDELTA",
        COMPANIES,
    ),
)

# The 1.1 Login body (docs/norce-facts.md §2C "The other 1.1 types": Password ≤4000).
LOGIN: tuple[Fault, ...] = (
    Fault(
        name="cs-login-post-password-cut-to-8",
        category="customer-service",
        since=SINCE,
        level=D,
        judgement="CS-LOGIN",
        description="LoginPost reads only the first 8 characters of Login.Password: the right password fails",
        fact="F-2C-LOGIN",
        operations=("LoginPost",),
    ),
)

ENTRIES: tuple[Fault, ...] = (*HEADER_FORMS, *MATCHING, *DEFAULTS, *MEMBERS, *LOGIN)
