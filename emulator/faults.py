"""The fault catalogue: named, plausible regressions of a real Norce release that the emulator can switch on.

Each fault is data: name, category, the evidence level of the rule it breaks and the judgement that should
catch it (contracts/oracle/evidence.py, named here as plain strings so the emulator imports nothing of the
suite), a one-line description, the fact it breaks (an id of openapi/facts.yaml; empty, with a comment saying
why, where it breaks only one of our own conventions) and the operations it bends. Each emulator holds a
`Faults` (built from
`EmulatorConfig.faults`) and passes it to the code it bends, which asks `faults.is_on(name)` at the point
where the regression would live; `tests/selfcheck` runs the contract suite once per fault at the fault's
level (`--strictness`), expecting a failure: a documented fault must be caught by documented rules alone,
the strictness a tenant is judged at.

Policy: a fault the suite misses is NEVER deleted from this catalogue, and never weakened to make it
detectable. The suite is improved instead, until it catches the fault.
Renaming a fault is a catalogue version bump.
"""

from __future__ import annotations

from collections.abc import Iterable

from emulator.fact_faults import (
    company_writes,
    connect_facts,
    cs_facts,
    customer_writes,
    families,
    header_facts,
    imports,
    reads,
)
from emulator.fact_faults.families import CONNECT_IMPORTS, carrying
from emulator.fault_types import CATEGORIES, LEVELS, D, E, Fault, R
from emulator.switches import Catalogue, Switches, UnknownSwitchError

__all__ = ["CATEGORIES", "LEVELS", "Fault"]

# Bump the minor version when faults are added, the major version when one is renamed or its meaning changes.
CATALOGUE_VERSION = "1.4.0"
FAULTS_ENV_VAR = "NORCE_EMULATOR_FAULTS"


# The operations a fault bends (`Fault.operations`): the operation inventory and the vendored descriptions.
ALL_OPERATIONS = families.all_operations()
CUSTOMER_SERVICE = families.customer_service_operations()
NULL_ON_NOT_FOUND = families.null_on_not_found()
CUSTOMER_READS = carrying("Customer")


class UnknownFaultError(UnknownSwitchError):
    """A fault name that is not in the catalogue (a typo in the environment, a CLI flag or the wiring)."""


_ENTRIES: tuple[Fault, ...] = (
    # --- response-shape: Connect 4.0 (JobResponse, ValidationSummary, JobDto, JobLogDto) ---
    Fault(
        name="job-response-drops-job-id",
        category="response-shape",
        level=D,
        judgement="SCHEMA-DOCUMENTED",
        description="ImportCustomers/ImportCompanies JobResponse omits JobId",
        fact="F-42-POST-200",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="job-response-job-id-as-string",
        category="response-shape",
        level=D,
        judgement="SCHEMA-DOCUMENTED",
        description=(
            "JobResponse.JobId is serialized as a JSON number instead of the documented decimal string"
        ),
        fact="F-2B-JOBRESPONSE",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="validation-summary-renamed-total",
        category="response-shape",
        level=D,
        judgement="SCHEMA-DOCUMENTED",
        description="ValidationSummary.NrOfItemsInTotal is renamed to NrOfItemsTotal",
        fact="F-2B-VALIDATIONSUMMARY",
        operations=CONNECT_IMPORTS,
    ),
    # no fact: the docs list Messages, and the documented view allows a null list; [] is our convention
    # (SCHEMA-STRICT)
    Fault(
        name="validation-summary-messages-null",
        category="response-shape",
        level=E,
        judgement="SCHEMA-STRICT",
        description="ValidationSummary.Messages is null instead of an empty list",
        fact="",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="job-dto-drops-is-finished",
        category="response-shape",
        level=D,
        judgement="SCHEMA-DOCUMENTED",
        description="Job/Get omits JobDto.IsFinished",
        fact="F-42-ISFINISHED",
        operations=("JobGet", "JobList"),
    ),
    Fault(
        name="job-dto-status-id-as-name",
        category="response-shape",
        level=D,
        judgement="SCHEMA-DOCUMENTED",
        description="Job/Get returns JobDto.StatusId as the name 'Succeeded'",
        fact="F-42-STATUSID",
        operations=("JobGet", "JobList"),
    ),
    Fault(
        name="job-dto-created-not-iso",
        category="response-shape",
        level=E,
        judgement="SCHEMA-STRICT",
        description="JobDto Start/Stop/LastUpdated are written as /Date(ms)/ instead of ISO-8601",
        fact="F-45-DATES",
        operations=("JobGet", "JobList"),
    ),
    Fault(
        name="job-log-severity-out-of-range",
        category="response-shape",
        level=D,
        judgement="SCHEMA-DOCUMENTED",
        description="Job/GetLog returns JobLogDto.SeverityId 0 for info rows",
        fact="F-2B-JOBLOGDTO",
        operations=("JobGetLog",),
    ),
    Fault(
        name="job-log-imported-row-as-int",
        category="response-shape",
        level=D,
        judgement="SCHEMA-DOCUMENTED",
        description="JobLogDto.ImportedRow is an integer, not a string",
        fact="F-42-GETLOG",
        restates=("F-JOB-GETLOG",),  # §1B row 4 states the same GetLog answer
        operations=("JobGetLog",),
    ),
    # --- response-shape: Customer Service 1.1 ---
    # the documented view allows a missing member: the import read-back is what sees Email gone
    Fault(
        name="customer-drops-email",
        category="response-shape",
        level=D,
        judgement="IMP-READ-BACK",
        description="1.1 Customer omits the Email field",
        fact="F-MAP-EMAIL",
        operations=CUSTOMER_READS,
    ),
    Fault(
        name="customer-id-as-string",
        category="response-shape",
        level=D,
        judgement="SCHEMA-DOCUMENTED",
        description="1.1 Customer.Id is serialized as a string",
        fact="F-2C-CUSTOMER-ID",
        operations=carrying("Customer"),
    ),
    Fault(
        name="customer-companies-null",
        category="response-shape",
        level=R,
        judgement="CS-EMPTY-COLLECTION",
        description="1.1 Customer.Companies is null instead of an empty list",
        fact="F-CS-LISTS-ARRAYS",
        operations=carrying("Customer"),
    ),
    Fault(
        name="company-renamed-org-no",
        category="response-shape",
        level=D,
        judgement="IMP-READ-BACK",
        description="1.1 Company.OrgNo is renamed to OrganizationNo",
        fact="F-MAP-ORGNO",
        operations=("ImportCompanies", *carrying("Company")),
    ),
    # the documented view allows a missing member: reading UpdateAccountStatus back is what sees IsActive gone
    Fault(
        name="account-drops-is-active",
        category="response-shape",
        level=D,
        judgement="CS-WRITES",
        description="1.1 Account omits IsActive",
        fact="F-2C-ACCOUNT",
        operations=carrying("Account"),
    ),
    Fault(
        name="address-renamed-zip",
        category="response-shape",
        level=D,
        judgement="IMP-READ-BACK",
        description="1.1 Address.Zip is renamed to ZipCode",
        fact="F-MAP-ZIP",
        operations=(*CONNECT_IMPORTS, *carrying("Address")),
    ),
    Fault(
        name="flag-id-nulled",
        category="response-shape",
        level=D,
        judgement="SCHEMA-DOCUMENTED",
        description="1.1 Flag.Id is null for every flag",
        fact="F-2C-FLAG",
        operations=carrying("Flag"),
    ),
    # the documented view allows a missing member: reading InsertCompanyPricelist2 back is what sees Name gone
    Fault(
        name="pricelist-drops-name",
        category="response-shape",
        level=D,
        judgement="CS-WRITES",
        description="1.1 Pricelist (PriceList) entries omit Name",
        fact="F-2C-PRICELIST",
        operations=carrying("Pricelist"),
    ),
    Fault(
        name="id-value-value-as-number",
        category="response-shape",
        level=D,
        judgement="SCHEMA-DOCUMENTED",
        description="1.1 IdValue.Value is a number instead of a string",
        fact="F-2C-IDVALUE",
        operations=carrying("IdValue"),
    ),
    # --- status-codes & content-types ---
    # the documented effect: an accepted import answers 200 (HDR-VALID judges it)
    Fault(
        name="import-returns-201",
        category="status-codes",
        level=D,
        judgement="HDR-VALID",
        description="Accepted imports answer 201 instead of 200",
        fact="F-CX-SUCCESS-ONLY",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="header-violation-returns-500",
        category="status-codes",
        level=D,
        judgement="not_a_server_error",
        description="A header-rule violation answers 500 instead of 400",
        fact="F-44-CONNECT-STANDARD",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="malformed-body-returns-200",
        category="status-codes",
        level=E,
        judgement="IMP-BODY-FORM",
        description="An unparseable import body answers 200 with a job",
        fact="F-CX-OUR-STATUSES",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="error-body-missing",
        category="status-codes",
        level=D,
        judgement="ERROR-BODY-BUSINESS",
        description="4xx responses (other than 401) carry an empty body",
        fact="F-44-ERRORMESSAGE",
        operations=CUSTOMER_SERVICE,
    ),
    Fault(
        name="json-content-type-text-plain",
        category="status-codes",
        level=D,
        judgement="content_type_conformance",
        description="JSON responses are labelled Content-Type: text/plain",
        fact="F-45-CS-NEGOTIATION",
        operations=ALL_OPERATIONS,
    ),
    Fault(
        name="unknown-operation-returns-200",
        category="status-codes",
        level=E,
        judgement="CS-UNKNOWN-OPERATION",
        description="An unknown 1.1 operation answers 200 instead of 404",
        fact="F-CS-FLAT-PATH",
        operations=(),
    ),
    Fault(
        name="payload-too-large-returns-400",
        category="status-codes",
        level=E,
        judgement="IMP-BODY-FORM",
        description="A body over 10 MiB answers 400 instead of 413",
        fact="F-CX-OUR-STATUSES",
        operations=CONNECT_IMPORTS,
    ),
    # --- xml ---
    Fault(
        name="xml-namespace-wrong",
        category="xml",
        level=R,
        judgement="XSD-CUSTOMER-SERVICE",
        description="XML responses use a wrong default namespace (tempuri.org)",
        fact="F-2C-NS-CUSTOMERS",
        operations=CUSTOMER_SERVICE,
    ),
    Fault(
        name="xml-element-order-wrong",
        category="xml",
        level=R,
        judgement="XSD-CUSTOMER-SERVICE",
        description="XML response elements are written in alphabetical, not schema, order",
        fact="F-2C-CUSTOMER-XML-ORDER",
        operations=ALL_OPERATIONS,
    ),
    # no fact: the sheet states no nil form for 1.1 answers (the XSD's nillable elements do)
    Fault(
        name="xml-nil-as-empty",
        category="xml",
        level=R,
        judgement="XSD-CUSTOMER-SERVICE",
        description="A nil XML element is written empty instead of with i:nil='true'",
        fact="",
        operations=CUSTOMER_SERVICE,
    ),
    # no fact: the sheet states no nil form for 1.1 answers (the XSD's nillable elements do)
    Fault(
        name="xml-nil-as-null-text",
        category="xml",
        level=R,
        judgement="XSD-CUSTOMER-SERVICE",
        description="A nil XML element is written with the text 'null'",
        fact="",
        operations=CUSTOMER_SERVICE,
    ),
    Fault(
        name="xml-accept-answered-json",
        category="xml",
        level=D,
        judgement="NEGOTIATION",
        description="Accept: application/xml is answered with a JSON body",
        fact="F-45-CS-NEGOTIATION",
        operations=CUSTOMER_SERVICE,
    ),
    Fault(
        name="xml-not-found-not-empty",
        category="xml",
        level=R,
        judgement="CS-NOT-FOUND-FORM",
        description="An XML 1.1 Get* not-found answers '<null/>' instead of an empty body",
        fact="F-CS-GET-NULL",
        operations=NULL_ON_NOT_FOUND,
    ),
    # --- header-rules (openapi/enums.yaml HeaderRules) ---
    Fault(
        name="hdr-present-not-enforced",
        category="header-rules",
        level=D,
        judgement="HDR-PRESENT",
        description="HDR-PRESENT: an import without X-StormConnect-Header is run",
        fact="F-CX-IMPORTCUSTOMERS",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="hdr-syntax-not-enforced",
        category="header-rules",
        level=E,  # an empty header is then refused by HDR-ACCOUNTID: only the refusal's key is wrong
        judgement="HDR-FORM",
        description="HDR-SYNTAX: an unparseable header is treated as empty",
        fact="F-CX-OUR-STATUSES",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="hdr-one-line-not-enforced",
        category="header-rules",
        level=R,
        judgement="HDR-ONE-LINE",
        description="HDR-ONE-LINE: a header with line breaks is accepted",
        fact="F-HDR-RULE-3",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="hdr-accountid-not-enforced",
        category="header-rules",
        level=D,
        judgement="HDR-ACCOUNTID",
        description="HDR-ACCOUNTID: a header without AccountId is accepted",
        fact="F-HDR-ACCOUNTID",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="hdr-company-fields-not-enforced",
        category="header-rules",
        level=D,
        judgement="HDR-COMPANY-FIELDS-REQUIRED",
        description=(
            "HDR-COMPANY-FIELDS-REQUIRED: ImportCompanies without CompanyFieldsThatAreSet is accepted"
        ),
        fact="F-HDR-COMPANYFIELDS",
        operations=("ImportCompanies",),
    ),
    Fault(
        name="hdr-customer-fields-not-enforced",
        category="header-rules",
        level=D,
        judgement="HDR-CUSTOMER-FIELDS-REQUIRED",
        description=(
            "HDR-CUSTOMER-FIELDS-REQUIRED: ImportCustomers without CustomerFieldsThatAreSet is accepted"
        ),
        fact="F-HDR-CUSTOMERFIELDS",
        operations=("ImportCustomers",),
    ),
    Fault(
        name="hdr-enum-range-not-enforced",
        category="header-rules",
        level=D,
        judgement="HDR-ENUM-RANGE",
        description="HDR-ENUM-RANGE: out-of-range field enum values are accepted",
        fact="F-HDR-ENUM-HISTORY",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="hdr-xml-int-enums-not-enforced",
        category="header-rules",
        level=R,
        judgement="HDR-XML-INT-ENUMS",
        description="HDR-XML-INT-ENUMS: enum names are accepted in the header of an application/xml request",
        fact="F-HDR-XML-INTEGERS",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="hdr-dep-accounts-not-enforced",
        category="header-rules",
        level=D,
        judgement="HDR-DEP-ACCOUNTS",
        description="HDR-DEP-ACCOUNTS: AccountFields without Accounts pass",
        fact="F-HDR-RULE-4",
        operations=("ImportCustomers",),
    ),
    Fault(
        name="hdr-dep-customers-not-enforced",
        category="header-rules",
        level=D,
        judgement="HDR-DEP-CUSTOMERS",
        description="HDR-DEP-CUSTOMERS: CustomerFields without Customers pass",
        fact="F-HDR-RULE-5",
        operations=("ImportCompanies",),
    ),
    Fault(
        name="hdr-dep-companies-not-enforced",
        category="header-rules",
        level=D,
        judgement="HDR-DEP-COMPANIES",
        description="HDR-DEP-COMPANIES: CompanyFields without Companies pass",
        fact="F-HDR-RULE-6",
        operations=("ImportCustomers",),
    ),
    Fault(
        name="hdr-storage-no-payload-not-enforced",
        category="header-rules",
        level=R,
        judgement="HDR-STORAGE-NO-PAYLOAD",
        description="HDR-STORAGE-NO-PAYLOAD: StorageName with an empty body creates a job",
        fact="F-HDR-STORAGENAME",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="hdr-rejects-enum-names-in-json",
        category="header-rules",
        level=D,
        judgement="HDR-VALID",
        description="Enum names (not integers) are rejected in a JSON header",
        fact="F-HDR-RULE-2",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="hdr-rejects-job-id",
        category="header-rules",
        level=R,
        judgement="HDR-JOBID-IGNORED",
        description="HDR-JOBID-IGNORED: a header carrying JobId is rejected",
        fact="F-HDR-JOBID",
        restates=("F-HDR-RULE-7",),  # rule 7 restates the member row: JobId is left out
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="hdr-rejects-supplier-without-storage",
        category="header-rules",
        level=R,
        judgement="HDR-SUPPLIER-NEEDS-STORAGE",
        description=(
            "HDR-SUPPLIER-NEEDS-STORAGE: SupplierId without StorageName is rejected instead of ignored"
        ),
        fact="F-HDR-SUPPLIERID",
        restates=("F-HDR-RULE-7",),  # rule 7 restates the member row: SupplierId counts only with StorageName
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="hdr-rejects-valid-multi-value",
        category="header-rules",
        level=D,
        judgement="HDR-VALID",
        description="A valid header listing several field values is reported as HDR-SYNTAX",
        fact="F-HDR-RULE-3",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="hdr-wrong-rule-key",
        category="header-rules",
        level=E,
        judgement="HDR-FORM",
        description="Header-rule errors carry the key HeaderInvalid, not the rule id",
        fact="F-2B-CONNECT-ERROR",
        operations=CONNECT_IMPORTS,
    ),
    # --- import-semantics (docs/import-semantics.md) ---
    Fault(
        name="import-unlisted-fields-applied",
        category="import-semantics",
        level=D,
        judgement="IMP-LISTED-ONLY",
        description="Fields not in *FieldsThatAreSet are written too",
        fact="F-41-PROCESSING",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="import-preserve-flags-ignored",
        category="import-semantics",
        level=D,
        judgement="IMP-FLAGS",
        description="PreserveFlags is ignored: sent flags replace all",
        fact="F-41-FLAGS",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="import-preserve-flags-inverted",
        category="import-semantics",
        level=D,
        judgement="IMP-FLAGS",
        description="PreserveFlags is inverted: flags kept only without it",
        fact="F-HDR-SWITCHES",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="import-list-delta-inverted",
        category="import-semantics",
        level=D,
        judgement="IMP-LIST-DELTA",
        description="IsCompanyListDelta is inverted: true removes relations",
        fact="F-2A-CUSTOMER-LISTDELTA",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="import-list-delta-ignored",
        category="import-semantics",
        level=D,
        judgement="IMP-LIST-DELTA",
        description="IsCompanyListDelta is ignored: relations always replaced",
        fact="F-41-LIST-DELTA",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="import-search-only-by-code-ignored",
        category="import-semantics",
        level=D,
        judgement="IMP-SEARCH-ONLY-BY-CODE",
        description="SearchOnlyByCode is ignored: EmailAddress still matches",
        fact="F-HDR-UF-SEARCHONLYBYCODE",
        operations=("ImportCustomers",),
    ),
    Fault(
        name="import-password-create-only-overwritten",
        category="import-semantics",
        level=D,
        judgement="IMP-ACCOUNTS",
        description="PasswordCreateOnly: an existing account's password is overwritten",
        fact="F-HDR-AF-PASSWORDCREATEONLY",
        operations=("ImportCustomers",),
    ),
    Fault(
        name="import-status-create-only-overwritten",
        category="import-semantics",
        level=D,
        judgement="IMP-ACCOUNTS",
        description="StatusCreateOnly: an existing account's status is overwritten",
        fact="F-HDR-AF-STATUSCREATEONLY",
        operations=("ImportCustomers",),
    ),
    Fault(
        name="import-roles-create-only-overwritten",
        category="import-semantics",
        level=D,
        judgement="IMP-ACCOUNTS",
        description="RolesCreateOnly: an existing account's roles are overwritten",
        fact="F-HDR-AF-ROLESCREATEONLY",
        operations=("ImportCustomers",),
    ),
    Fault(
        name="import-items-silently-dropped",
        category="import-semantics",
        level=D,
        judgement="IMP-COUNTS",
        description="The last item of a multi-item body is never processed",
        fact="F-42-COUNTERS",
        operations=(*CONNECT_IMPORTS, "JobGet"),
    ),
    Fault(
        name="import-validation-summary-counts-wrong",
        category="import-semantics",
        level=R,
        judgement="IMP-INITIAL-VALIDATION",
        description="ValidationSummary.NrOfValidationFailures is always 0",
        fact="F-41-VALIDATION",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="import-matching-email-before-code",
        category="import-semantics",
        level=D,
        judgement="IMP-MATCHING",
        description="Customers are matched by EmailAddress before Code",
        fact="F-41-MATCH-CUSTOMER",
        operations=("ImportCustomers",),
    ),
    Fault(
        name="import-insert-without-required-fields",
        category="import-semantics",
        level=D,
        judgement="IMP-INSERT-REQUIRED",
        description="A customer insert without FirstName/LastName succeeds",
        fact="F-41-INSERT-CUSTOMER",
        operations=("ImportCustomers",),
    ),
    Fault(
        name="import-duplicate-email-accepted",
        category="import-semantics",
        level=D,
        judgement="IMP-MATCHING",
        description="A duplicate EmailAddress is inserted without SearchOnlyByCode",
        fact="F-2A-CUSTOMER-EMAIL",
        operations=("ImportCustomers",),
    ),
    Fault(
        name="import-primary-company-wrong",
        category="import-semantics",
        level=D,
        judgement="IMP-PRIMARY-COMPANY",
        description="The last IsPrimary company becomes primary, not the first",
        fact="F-41-MATCH-CUSTOMER-COMPANIES",
        operations=("ImportCustomers",),
    ),
    Fault(
        name="import-null-does-not-clear",
        category="import-semantics",
        level=R,
        judgement="IMP-NULL-CLEARS",
        description="A listed field sent as null leaves the old value",
        fact="F-2A-NULLABILITY",
        operations=CONNECT_IMPORTS,
    ),
    # --- job lifecycle ---
    Fault(
        name="job-never-finishes",
        category="job-lifecycle",
        level=D,
        judgement="JOB-FINISHES",
        description="Jobs stay IsFinished=false, StatusId 1 forever",
        fact="F-42-POLL",
        operations=("JobGet",),
    ),
    Fault(
        name="job-wrong-status-id",
        category="job-lifecycle",
        level=R,
        judgement="IMP-STATUS",
        description="A job whose items all failed finishes with StatusId 2, not 4",
        fact="F-42-STATUSID",
        operations=("JobGet",),
    ),
    Fault(
        name="job-wrong-counters",
        category="job-lifecycle",
        level=D,
        judgement="IMP-COUNTS",
        description="Job Updates are counted as Inserts",
        fact="F-CX-IMPORTCUSTOMERS-DOES",
        operations=("ImportCustomers", "JobGet"),
    ),
    # no fact: how many log rows a job writes is our layout (IMP-LOG-LAYOUT, Q6/Q8)
    Fault(
        name="job-log-missing-errors",
        category="job-lifecycle",
        level=E,
        judgement="IMP-LOG-LAYOUT",
        description="The job log has no Error row for a failed item",
        fact="",
        operations=("JobGetLog",),
    ),
    Fault(
        name="job-get-unknown-returns-500",
        category="job-lifecycle",
        level=D,
        judgement="not_a_server_error",
        description="Job/Get with an unknown id answers 500",
        fact="F-44-CONNECT-STANDARD",
        operations=("JobGet",),
    ),
    # --- customer-service (1.1) ---
    Fault(
        name="cs-wrong-error-key",
        category="customer-service",
        level=D,
        judgement="CS-ERROR-KEYS",
        description="LoginFailed is reported with the key InvalidLogin",
        fact="F-KEY-LOGINFAILED",
        operations=("LoginPost", "Login"),
    ),
    Fault(
        name="cs-not-found-400",
        category="customer-service",
        level=D,
        judgement="CS-NOT-FOUND",
        description="A 1.1 Get* for an unknown id answers 400 instead of null",
        fact="F-44-NOT-FOUND",
        operations=NULL_ON_NOT_FOUND,
    ),
    Fault(
        name="cs-not-found-404",
        category="customer-service",
        level=D,
        judgement="CS-NOT-FOUND",
        description="A 1.1 Get* for an unknown id answers 404 instead of null",
        fact="F-CS-GET-NULL",
        operations=NULL_ON_NOT_FOUND,
    ),
    Fault(
        name="cs-not-found-500",
        category="customer-service",
        level=D,
        judgement="not_a_server_error",
        description="A 1.1 Get* for an unknown id answers 500 instead of null",
        fact="F-44-STATUSES",
        operations=NULL_ON_NOT_FOUND,
    ),
    Fault(
        name="cs-include-companies-ignored",
        category="customer-service",
        level=D,
        judgement="CS-INCLUDE-COMPANIES",
        description="includeCompanies=false still returns every company",
        fact="F-CS-INCLUDE-COMPANIES",
        operations=carrying("Customer"),
    ),
    Fault(
        name="cs-include-companies-inverted",
        category="customer-service",
        level=D,
        judgement="CS-INCLUDE-COMPANIES",
        description="includeCompanies=true returns only the primary one",
        fact="F-CS-INCLUDE-COMPANIES",
        operations=carrying("Customer"),
    ),
    Fault(
        name="cs-login-wrong-password-accepted",
        category="customer-service",
        level=D,
        judgement="CS-LOGIN",
        description="LoginPost accepts a wrong password",
        fact="F-CS-LOGINPOST-KEYS",
        operations=("LoginPost", "Login"),
    ),
    # no fact names InactivateCustomer's effect (the sheet confirms only its parameters:
    # F-CS-OP-InactivateCustomer)
    Fault(
        name="cs-deactivation-does-not-stick",
        category="customer-service",
        level=D,
        judgement="CS-WRITES",
        description="InactivateCustomer answers OK but IsActive stays",
        fact="",
        operations=("InactivateCustomer", "GetCustomer"),
    ),
    Fault(
        name="cs-update-account-status-ignored",
        category="customer-service",
        level=D,
        judgement="CS-WRITES",
        description="UpdateAccountStatus answers OK but changes nothing",
        fact="F-CS-UPDATEACCOUNTSTATUS",
        operations=("UpdateAccountStatus",),
    ),
    Fault(
        name="cs-email-mapping-broken",
        category="customer-service",
        level=D,
        judgement="IMP-READ-BACK",
        description="1.1 Email is not mapped from Connect EmailAddress",
        fact="F-MAP-EMAIL",
        operations=("ImportCustomers", *CUSTOMER_READS),
    ),
    Fault(
        name="cs-delete-last-company-customer-allowed",
        category="customer-service",
        level=D,
        judgement="CS-ERROR-KEYS",
        description=(
            "DeleteCompanyCustomer removes a company's last customer instead of CannotDeleteLastCustomer"
        ),
        fact="F-KEY-CANNOTDELETELASTCUSTOMER",
        operations=("DeleteCompanyCustomer",),
        restates=("F-CS-DELETECOMPANYCUSTOMER-KEYS",),
    ),
    # --- auth ---
    Fault(
        name="auth-missing-token-accepted",
        category="auth",
        level=D,
        judgement="AUTH-REQUIRED",
        description="A call without Authorization is served",
        fact="F-43-CLIENT-CREDENTIALS",
        operations=ALL_OPERATIONS,
    ),
    Fault(
        name="auth-expired-token-accepted",
        category="auth",
        level=D,
        judgement="AUTH-TOKEN-EXPIRY",
        description="An expired bearer token is accepted",
        fact="F-43-TOKEN-LIFETIME",
        operations=ALL_OPERATIONS,
    ),
    Fault(
        name="auth-wrong-application-id-accepted",
        category="auth",
        level=D,
        judgement="AUTH-APPLICATION-ID",
        description="A call with a wrong application-id header is served",
        fact="F-43-API-CALL",
        operations=ALL_OPERATIONS,
    ),
    Fault(
        name="auth-basic-accepted-on-customer-service",
        category="auth",
        level=R,
        judgement="AUTH-BASIC-NOT-ON-1.1",
        description="Legacy Basic auth is accepted on Customer Service 1.1",
        fact="F-43-BASIC",
        operations=CUSTOMER_SERVICE,
    ),
    Fault(
        name="auth-token-not-rate-limited",
        category="auth",
        level=D,
        judgement="AUTH-TOKEN-RATE",
        description="The token endpoint never answers 429",
        fact="F-43-TOKEN-RATE",
        operations=(),
    ),
    Fault(
        name="auth-401-without-www-authenticate",
        category="auth",
        level=R,
        judgement="AUTH-401-FORM",
        description="401 responses lack the WWW-Authenticate header",
        fact="F-43-NO-401-403-DOCS",
        operations=ALL_OPERATIONS,
    ),
    # --- robustness ---
    Fault(
        name="robust-500-on-empty-array",
        category="robustness",
        level=D,
        judgement="not_a_server_error",
        description="An import with an empty JSON array answers 500",
        fact="F-44-500",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="robust-500-on-long-code",
        category="robustness",
        level=D,
        judgement="IMP-ROBUST",
        description="An item whose Code is over 255 characters answers 500",
        fact="F-44-500",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="robust-500-on-non-ascii-name",
        category="robustness",
        level=D,
        judgement="IMP-ROBUST",
        description="An import item with a non-ASCII FirstName/Name answers 500",
        fact="F-44-500",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="robust-500-on-xml-bom",
        category="robustness",
        level=D,
        judgement="IMP-ROBUST",
        description="An XML body starting with a UTF-8 BOM answers 500",
        fact="F-44-500",
        operations=CONNECT_IMPORTS,
    ),
    Fault(
        name="robust-500-on-unknown-query-param",
        category="robustness",
        level=D,
        judgement="CS-EXTRA-PARAMETER",
        description="An unknown query parameter on a 1.1 Get* answers 500",
        fact="F-44-500",
        operations=NULL_ON_NOT_FOUND,
    ),
)

FACT_FAULTS: tuple[Fault, ...] = (
    *customer_writes.ENTRIES,
    *company_writes.ENTRIES,
    *reads.ENTRIES,
    *cs_facts.ENTRIES,
    *imports.ENTRIES,
    *connect_facts.ENTRIES,
    *families.ENTRIES,
    *header_facts.ENTRIES,
)
CATALOGUE: dict[str, Fault] = {fault.name: fault for fault in _ENTRIES}
for _fault in FACT_FAULTS:
    if _fault.name in CATALOGUE:
        raise ValueError(f"fault {_fault.name} is defined twice")
    CATALOGUE[_fault.name] = _fault

FAULT_CATALOGUE: Catalogue[Fault] = Catalogue(
    kind="fault",
    version=CATALOGUE_VERSION,
    entries=CATALOGUE,
    listing="norce-emulator faults",
    unknown_error=UnknownFaultError,
)


def validate(names: Iterable[str]) -> frozenset[str]:
    """The names as a set, or UnknownFaultError naming every unknown one."""
    return FAULT_CATALOGUE.validate(names)


def parse(value: str) -> frozenset[str]:
    """A comma-separated list (the NORCE_EMULATOR_FAULTS format), validated."""
    return FAULT_CATALOGUE.parse(value)


class Faults(Switches):
    """The faults switched on in one emulator; `replace` (the admin endpoint) changes them at run time."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        super().__init__(FAULT_CATALOGUE, names)


def by_category() -> dict[str, list[Fault]]:
    grouped: dict[str, list[Fault]] = {category: [] for category in CATEGORIES}
    for fault in CATALOGUE.values():
        grouped[fault.category].append(fault)
    return grouped
