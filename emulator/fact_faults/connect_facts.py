"""Fact faults: Connect operations, company imports, body framing and the XML body, auth (see
emulator/fact_faults/__init__.py).

Each breaks one fact of openapi/facts.yaml: ImportCompanies' row and what it does, the body media types, how
companies are matched and inserted, the streamed (back-to-back, chunked) framing, the DataContract XML body
(root, namespaces, member order, integer enums, i:nil), the token endpoint and request, the scopes and the
application id header's name. The XML ones bend the XML body reader alone, so only an XML import sees them.
"""

from __future__ import annotations

from emulator.fault_types import D, Fault, R

SINCE = "1.2.0"

CUSTOMERS, COMPANIES = "ImportCustomers", "ImportCompanies"
BOTH = (CUSTOMERS, COMPANIES)
IMPORT = "import-semantics"


def _fault(
    name: str,
    category: str,
    level: str,
    judgement: str,
    fact: str,
    operations: tuple[str, ...],
    text: str,
    restates: tuple[str, ...] = (),
) -> Fault:
    return Fault(
        name=name,
        category=category,
        since=SINCE,
        level=level,
        judgement=judgement,
        description=text,
        fact=fact,
        operations=operations,
        restates=restates,
    )


ENTRIES: tuple[Fault, ...] = (
    # --- the operations (docs/norce-facts.md §1A) ---
    _fault(
        "import-companies-header-optional",
        IMPORT,  # not a row of the header rule table: the import runs on a default header of its own
        D,
        "HDR-PRESENT",
        "F-CX-IMPORTCOMPANIES",
        (COMPANIES,),
        "ImportCompanies without X-StormConnect-Header is run, as if the header listed every company field",
    ),
    _fault(
        "import-company-update-counted-as-insert",
        "job-lifecycle",
        D,
        "IMP-COUNTS",
        "F-CX-IMPORTCOMPANIES-DOES",
        (COMPANIES, "JobGet"),
        "An ImportCompanies item that updates an existing company is counted as an insert",
    ),
    # §1A notes and §4.5 state the same two body media types
    _fault(
        "import-xml-body-unsupported",
        IMPORT,
        D,
        "HDR-VALID",
        "F-CX-BODY-MEDIA",
        BOTH,
        "An import body sent as application/xml (or text/xml) answers 415",
        restates=("F-45-CX-BODIES",),
    ),
    # --- matching and insert of companies (§4.1) ---
    _fault(
        "import-company-matching-org-no-before-code",
        IMPORT,
        D,
        "IMP-MATCHING",
        "F-41-MATCH-COMPANY",
        (COMPANIES,),
        "Companies are matched by OrganizationNo before Code",
    ),
    _fault(
        "import-company-insert-without-org-no",
        IMPORT,
        D,
        "IMP-INSERT-REQUIRED",
        "F-41-INSERT-COMPANY",
        (COMPANIES,),
        "A company insert without OrganizationNo succeeds",
    ),
    # --- streamed bodies (§4.1 "Body framing"; recommended: Q2) ---
    _fault(
        "import-back-to-back-json-needs-newlines",
        IMPORT,
        R,
        "IMP-FRAMING",
        "F-41-FRAMING-NO-BRACKETS",
        BOTH,
        "JSON objects back to back are read only with a line break between them: '}{' is refused",
    ),
    _fault(
        "import-chunked-body-refused",
        IMPORT,
        R,
        "IMP-FRAMING",
        "F-41-FRAMING-CHUNKED",
        BOTH,
        "An import body sent with Transfer-Encoding: chunked (no Content-Length) answers 411",
    ),
    # --- the DataContract XML body (§4.1 "XML body"); the XML reader alone ---
    _fault(
        "xml-body-array-root-in-contracts-namespace",
        IMPORT,
        D,
        "HDR-VALID",
        "F-41-XML-ROOT",
        BOTH,
        "An ArrayOfCustomer/ArrayOfCompany root is read only in the header's namespace: in "
        "…Customer.Models it is refused",
    ),
    _fault(
        "xml-body-address-in-common-namespace",
        IMPORT,
        D,
        "IMP-READ-BACK",
        "F-41-XML-NS",
        BOTH,
        "An XML body's Address members are read in the …Contracts.Common namespace (Image's): in "
        "…Customer.Models they are dropped",
    ),
    _fault(
        "xml-body-phone-number-ordered-last",
        IMPORT,
        D,
        "IMP-READ-BACK",
        "F-41-XML-ORDER",
        BOTH,
        "An XML body's PhoneNumber is read as the last member (a DataMember Order): the members after it are "
        "dropped",
    ),
    _fault(
        "xml-body-integer-enums-refused",
        IMPORT,
        D,
        "HDR-VALID",
        "F-41-XML-ENUMS",
        BOTH,
        "An XML body enum given as its integer (Type, Status) is refused as malformed: only names are read",
    ),
    _fault(
        "xml-body-nil-ignored",
        IMPORT,
        R,
        "IMP-NULL-CLEARS",
        "F-41-XML-NIL",
        BOTH,
        "An XML body's i:nil='true' member is read as absent: the listed field is not cleared",
    ),
    # --- auth (§4.3) ---
    _fault(
        "auth-token-endpoint-moved",
        "auth",
        D,
        "AUTH-TOKEN-ANSWER",
        "F-43-TOKEN-ENDPOINT",
        (),
        "The token endpoint answers 404 at /identity/1.0/connect/token (it moved to /identity/connect/token)",
    ),
    _fault(
        "auth-token-credentials-only-basic",
        "auth",
        D,
        "AUTH-TOKEN-ANSWER",
        "F-43-TOKEN-REQUEST",
        (),
        "The token endpoint reads client_id/client_secret only from Basic auth: in the form body they are "
        "invalid_client",
    ),
    _fault(
        "auth-token-scope-as-list",
        "auth",
        D,
        "AUTH-TOKEN-ANSWER",
        "F-43-SCOPES",
        (),
        "The token answer's scope is a JSON array of scopes, not a space-delimited string",
    ),
    _fault(
        "auth-application-id-header-name-ignored",
        "auth",
        D,
        "AUTH-APPLICATION-ID",
        "F-43-APPLICATION-ID-NAME",
        ("GetCustomer", "JobGet"),
        "The header named application-id is not read (only ApplicationId is): the token's application serves",
    ),
)
