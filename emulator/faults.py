"""The fault catalogue: named, plausible regressions of a real Norce release that the emulator can switch on.

Each fault is data: name, category, the evidence level of the rule it breaks and the judgement that should
catch it (contracts/oracle/evidence.py, named here as plain strings so the emulator imports nothing of the
suite), and a one-line description. Each emulator holds a `Faults` (built from
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

from emulator.fact_faults import company_writes, customer_writes, families, imports, reads
from emulator.fault_types import CATEGORIES, LEVELS, D, E, Fault, R
from emulator.switches import Catalogue, Switches, UnknownSwitchError

__all__ = ["CATEGORIES", "LEVELS", "Fault"]

# Bump the minor version when faults are added, the major version when one is renamed or its meaning changes.
CATALOGUE_VERSION = "1.2.0"
FAULTS_ENV_VAR = "NORCE_EMULATOR_FAULTS"


class UnknownFaultError(UnknownSwitchError):
    """A fault name that is not in the catalogue (a typo in the environment, a CLI flag or the wiring)."""


_ENTRIES: tuple[tuple[str, str, str, str, str], ...] = (
    # --- response-shape: Connect 4.0 (JobResponse, ValidationSummary, JobDto, JobLogDto) ---
    (
        "job-response-drops-job-id",
        "response-shape",
        D,
        "SCHEMA-DOCUMENTED",
        "ImportCustomers/ImportCompanies JobResponse omits JobId",
    ),
    (
        "job-response-job-id-as-string",
        "response-shape",
        D,
        "SCHEMA-DOCUMENTED",
        "JobResponse.JobId is serialized as a JSON number instead of the documented decimal string",
    ),
    (
        "validation-summary-renamed-total",
        "response-shape",
        D,
        "SCHEMA-DOCUMENTED",
        "ValidationSummary.NrOfItemsInTotal is renamed to NrOfItemsTotal",
    ),
    (
        "validation-summary-messages-null",
        "response-shape",
        E,
        "SCHEMA-STRICT",
        "ValidationSummary.Messages is null instead of an empty list",
    ),
    (
        "job-dto-drops-is-finished",
        "response-shape",
        D,
        "SCHEMA-DOCUMENTED",
        "Job/Get omits JobDto.IsFinished",
    ),
    (
        "job-dto-status-id-as-name",
        "response-shape",
        D,
        "SCHEMA-DOCUMENTED",
        "Job/Get returns JobDto.StatusId as the name 'Succeeded'",
    ),
    (
        "job-dto-created-not-iso",
        "response-shape",
        E,
        "SCHEMA-STRICT",
        "JobDto Start/Stop/LastUpdated are written as /Date(ms)/ instead of ISO-8601",
    ),
    (
        "job-log-severity-out-of-range",
        "response-shape",
        D,
        "SCHEMA-DOCUMENTED",
        "Job/GetLog returns JobLogDto.SeverityId 0 for info rows",
    ),
    (
        "job-log-imported-row-as-int",
        "response-shape",
        D,
        "SCHEMA-DOCUMENTED",
        "JobLogDto.ImportedRow is an integer, not a string",
    ),
    # --- response-shape: Customer Service 1.1 ---
    ("customer-drops-email", "response-shape", D, "SCHEMA-DOCUMENTED", "1.1 Customer omits the Email field"),
    (
        "customer-id-as-string",
        "response-shape",
        D,
        "SCHEMA-DOCUMENTED",
        "1.1 Customer.Id is serialized as a string",
    ),
    (
        "customer-companies-null",
        "response-shape",
        R,
        "CS-EMPTY-COLLECTION",
        "1.1 Customer.Companies is null instead of an empty list",
    ),
    (
        "company-renamed-org-no",
        "response-shape",
        D,
        "IMP-READ-BACK",
        "1.1 Company.OrgNo is renamed to OrganizationNo",
    ),
    ("account-drops-is-active", "response-shape", D, "SCHEMA-DOCUMENTED", "1.1 Account omits IsActive"),
    ("address-renamed-zip", "response-shape", D, "IMP-READ-BACK", "1.1 Address.Zip is renamed to ZipCode"),
    ("flag-id-nulled", "response-shape", D, "SCHEMA-DOCUMENTED", "1.1 Flag.Id is null for every flag"),
    (
        "pricelist-drops-name",
        "response-shape",
        D,
        "SCHEMA-DOCUMENTED",
        "1.1 Pricelist (PriceList) entries omit Name",
    ),
    (
        "id-value-value-as-number",
        "response-shape",
        D,
        "SCHEMA-DOCUMENTED",
        "1.1 IdValue.Value is a number instead of a string",
    ),
    # --- status-codes & content-types ---
    (
        "import-returns-201",
        "status-codes",
        D,
        "status_code_conformance",
        "Accepted imports answer 201 instead of 200",
    ),
    (
        "header-violation-returns-500",
        "status-codes",
        D,
        "not_a_server_error",
        "A header-rule violation answers 500 instead of 400",
    ),
    (
        "malformed-body-returns-200",
        "status-codes",
        E,
        "IMP-BODY-FORM",
        "An unparseable import body answers 200 with a job",
    ),
    (
        "error-body-missing",
        "status-codes",
        D,
        "ERROR-BODY-BUSINESS",
        "4xx responses (other than 401) carry an empty body",
    ),
    (
        "json-content-type-text-plain",
        "status-codes",
        D,
        "content_type_conformance",
        "JSON responses are labelled Content-Type: text/plain",
    ),
    (
        "unknown-operation-returns-200",
        "status-codes",
        E,
        "CS-UNKNOWN-OPERATION",
        "An unknown 1.1 operation answers 200 instead of 404",
    ),
    (
        "payload-too-large-returns-400",
        "status-codes",
        E,
        "IMP-BODY-FORM",
        "A body over 10 MiB answers 400 instead of 413",
    ),
    # --- xml ---
    (
        "xml-namespace-wrong",
        "xml",
        R,
        "XSD-CUSTOMER-SERVICE",
        "XML responses use a wrong default namespace (tempuri.org)",
    ),
    (
        "xml-element-order-wrong",
        "xml",
        R,
        "XSD-CUSTOMER-SERVICE",
        "XML response elements are written in alphabetical, not schema, order",
    ),
    (
        "xml-nil-as-empty",
        "xml",
        R,
        "XSD-CUSTOMER-SERVICE",
        "A nil XML element is written empty instead of with i:nil='true'",
    ),
    (
        "xml-nil-as-null-text",
        "xml",
        R,
        "XSD-CUSTOMER-SERVICE",
        "A nil XML element is written with the text 'null'",
    ),
    (
        "xml-accept-answered-json",
        "xml",
        D,
        "NEGOTIATION",
        "Accept: application/xml is answered with a JSON body",
    ),
    (
        "xml-not-found-not-empty",
        "xml",
        R,
        "CS-NOT-FOUND-FORM",
        "An XML 1.1 Get* not-found answers '<null/>' instead of an empty body",
    ),
    # --- header-rules (openapi/enums.yaml HeaderRules) ---
    (
        "hdr-present-not-enforced",
        "header-rules",
        D,
        "HDR-PRESENT",
        "HDR-PRESENT: an import without X-StormConnect-Header is run",
    ),
    (
        "hdr-syntax-not-enforced",
        "header-rules",
        E,  # an empty header is then refused by HDR-ACCOUNTID: only the refusal's key is wrong
        "HDR-FORM",
        "HDR-SYNTAX: an unparseable header is treated as empty",
    ),
    (
        "hdr-one-line-not-enforced",
        "header-rules",
        R,
        "HDR-ONE-LINE",
        "HDR-ONE-LINE: a header with line breaks is accepted",
    ),
    (
        "hdr-accountid-not-enforced",
        "header-rules",
        D,
        "HDR-ACCOUNTID",
        "HDR-ACCOUNTID: a header without AccountId is accepted",
    ),
    (
        "hdr-company-fields-not-enforced",
        "header-rules",
        D,
        "HDR-COMPANY-FIELDS-REQUIRED",
        "HDR-COMPANY-FIELDS-REQUIRED: ImportCompanies without CompanyFieldsThatAreSet is accepted",
    ),
    (
        "hdr-customer-fields-not-enforced",
        "header-rules",
        D,
        "HDR-CUSTOMER-FIELDS-REQUIRED",
        "HDR-CUSTOMER-FIELDS-REQUIRED: ImportCustomers without CustomerFieldsThatAreSet is accepted",
    ),
    (
        "hdr-enum-range-not-enforced",
        "header-rules",
        D,
        "HDR-ENUM-RANGE",
        "HDR-ENUM-RANGE: out-of-range field enum values are accepted",
    ),
    (
        "hdr-xml-int-enums-not-enforced",
        "header-rules",
        R,
        "HDR-XML-INT-ENUMS",
        "HDR-XML-INT-ENUMS: enum names are accepted in the header of an application/xml request",
    ),
    (
        "hdr-dep-accounts-not-enforced",
        "header-rules",
        D,
        "HDR-DEP-ACCOUNTS",
        "HDR-DEP-ACCOUNTS: AccountFields without Accounts pass",
    ),
    (
        "hdr-dep-customers-not-enforced",
        "header-rules",
        D,
        "HDR-DEP-CUSTOMERS",
        "HDR-DEP-CUSTOMERS: CustomerFields without Customers pass",
    ),
    (
        "hdr-dep-companies-not-enforced",
        "header-rules",
        D,
        "HDR-DEP-COMPANIES",
        "HDR-DEP-COMPANIES: CompanyFields without Companies pass",
    ),
    (
        "hdr-storage-no-payload-not-enforced",
        "header-rules",
        R,
        "HDR-STORAGE-NO-PAYLOAD",
        "HDR-STORAGE-NO-PAYLOAD: StorageName with an empty body creates a job",
    ),
    (
        "hdr-rejects-enum-names-in-json",
        "header-rules",
        D,
        "HDR-VALID",
        "Enum names (not integers) are rejected in a JSON header",
    ),
    (
        "hdr-rejects-job-id",
        "header-rules",
        R,
        "HDR-JOBID-IGNORED",
        "HDR-JOBID-IGNORED: a header carrying JobId is rejected",
    ),
    (
        "hdr-rejects-supplier-without-storage",
        "header-rules",
        R,
        "HDR-SUPPLIER-NEEDS-STORAGE",
        "HDR-SUPPLIER-NEEDS-STORAGE: SupplierId without StorageName is rejected instead of ignored",
    ),
    (
        "hdr-rejects-valid-multi-value",
        "header-rules",
        D,
        "HDR-VALID",
        "A valid header listing several field values is reported as HDR-SYNTAX",
    ),
    (
        "hdr-wrong-rule-key",
        "header-rules",
        E,
        "HDR-FORM",
        "Header-rule errors carry the key HeaderInvalid, not the rule id",
    ),
    # --- import-semantics (docs/import-semantics.md) ---
    (
        "import-unlisted-fields-applied",
        "import-semantics",
        D,
        "IMP-LISTED-ONLY",
        "Fields not in *FieldsThatAreSet are written too",
    ),
    (
        "import-preserve-flags-ignored",
        "import-semantics",
        D,
        "IMP-FLAGS",
        "PreserveFlags is ignored: sent flags replace all",
    ),
    (
        "import-preserve-flags-inverted",
        "import-semantics",
        D,
        "IMP-FLAGS",
        "PreserveFlags is inverted: flags kept only without it",
    ),
    (
        "import-list-delta-inverted",
        "import-semantics",
        D,
        "IMP-LIST-DELTA",
        "IsCompanyListDelta is inverted: true removes relations",
    ),
    (
        "import-list-delta-ignored",
        "import-semantics",
        D,
        "IMP-LIST-DELTA",
        "IsCompanyListDelta is ignored: relations always replaced",
    ),
    (
        "import-search-only-by-code-ignored",
        "import-semantics",
        D,
        "IMP-SEARCH-ONLY-BY-CODE",
        "SearchOnlyByCode is ignored: EmailAddress still matches",
    ),
    (
        "import-password-create-only-overwritten",
        "import-semantics",
        D,
        "IMP-ACCOUNTS",
        "PasswordCreateOnly: an existing account's password is overwritten",
    ),
    (
        "import-status-create-only-overwritten",
        "import-semantics",
        D,
        "IMP-ACCOUNTS",
        "StatusCreateOnly: an existing account's status is overwritten",
    ),
    (
        "import-roles-create-only-overwritten",
        "import-semantics",
        D,
        "IMP-ACCOUNTS",
        "RolesCreateOnly: an existing account's roles are overwritten",
    ),
    (
        "import-items-silently-dropped",
        "import-semantics",
        D,
        "IMP-COUNTS",
        "The last item of a multi-item body is never processed",
    ),
    (
        "import-validation-summary-counts-wrong",
        "import-semantics",
        R,
        "IMP-INITIAL-VALIDATION",
        "ValidationSummary.NrOfValidationFailures is always 0",
    ),
    (
        "import-matching-email-before-code",
        "import-semantics",
        D,
        "IMP-MATCHING",
        "Customers are matched by EmailAddress before Code",
    ),
    (
        "import-insert-without-required-fields",
        "import-semantics",
        D,
        "IMP-INSERT-REQUIRED",
        "A customer insert without FirstName/LastName succeeds",
    ),
    (
        "import-duplicate-email-accepted",
        "import-semantics",
        D,
        "IMP-MATCHING",
        "A duplicate EmailAddress is inserted without SearchOnlyByCode",
    ),
    (
        "import-primary-company-wrong",
        "import-semantics",
        D,
        "IMP-PRIMARY-COMPANY",
        "The last IsPrimary company becomes primary, not the first",
    ),
    (
        "import-null-does-not-clear",
        "import-semantics",
        R,
        "IMP-NULL-CLEARS",
        "A listed field sent as null leaves the old value",
    ),
    # --- job lifecycle ---
    (
        "job-never-finishes",
        "job-lifecycle",
        D,
        "JOB-FINISHES",
        "Jobs stay IsFinished=false, StatusId 1 forever",
    ),
    (
        "job-wrong-status-id",
        "job-lifecycle",
        R,
        "IMP-STATUS",
        "A job whose items all failed finishes with StatusId 2, not 4",
    ),
    ("job-wrong-counters", "job-lifecycle", D, "IMP-COUNTS", "Job Updates are counted as Inserts"),
    (
        "job-log-missing-errors",
        "job-lifecycle",
        E,
        "IMP-LOG-LAYOUT",
        "The job log has no Error row for a failed item",
    ),
    (
        "job-get-unknown-returns-500",
        "job-lifecycle",
        D,
        "not_a_server_error",
        "Job/Get with an unknown id answers 500",
    ),
    # --- customer-service (1.1) ---
    (
        "cs-wrong-error-key",
        "customer-service",
        D,
        "CS-ERROR-KEYS",
        "LoginFailed is reported with the key InvalidLogin",
    ),
    (
        "cs-not-found-400",
        "customer-service",
        D,
        "CS-NOT-FOUND",
        "A 1.1 Get* for an unknown id answers 400 instead of null",
    ),
    (
        "cs-not-found-404",
        "customer-service",
        D,
        "CS-NOT-FOUND",
        "A 1.1 Get* for an unknown id answers 404 instead of null",
    ),
    (
        "cs-not-found-500",
        "customer-service",
        D,
        "not_a_server_error",
        "A 1.1 Get* for an unknown id answers 500 instead of null",
    ),
    (
        "cs-include-companies-ignored",
        "customer-service",
        D,
        "CS-INCLUDE-COMPANIES",
        "includeCompanies=false still returns every company",
    ),
    (
        "cs-include-companies-inverted",
        "customer-service",
        D,
        "CS-INCLUDE-COMPANIES",
        "includeCompanies=true returns only the primary one",
    ),
    (
        "cs-login-wrong-password-accepted",
        "customer-service",
        D,
        "CS-LOGIN",
        "LoginPost accepts a wrong password",
    ),
    (
        "cs-deactivation-does-not-stick",
        "customer-service",
        D,
        "CS-WRITES",
        "InactivateCustomer answers OK but IsActive stays",
    ),
    (
        "cs-update-account-status-ignored",
        "customer-service",
        D,
        "CS-WRITES",
        "UpdateAccountStatus answers OK but changes nothing",
    ),
    (
        "cs-email-mapping-broken",
        "customer-service",
        D,
        "IMP-READ-BACK",
        "1.1 Email is not mapped from Connect EmailAddress",
    ),
    (
        "cs-delete-last-company-customer-allowed",
        "customer-service",
        D,
        "CS-ERROR-KEYS",
        "DeleteCompanyCustomer removes a company's last customer instead of CannotDeleteLastCustomer",
    ),
    # --- auth ---
    ("auth-missing-token-accepted", "auth", D, "AUTH-REQUIRED", "A call without Authorization is served"),
    ("auth-expired-token-accepted", "auth", D, "AUTH-TOKEN-EXPIRY", "An expired bearer token is accepted"),
    (
        "auth-wrong-application-id-accepted",
        "auth",
        D,
        "AUTH-APPLICATION-ID",
        "A call with a wrong application-id header is served",
    ),
    (
        "auth-basic-accepted-on-customer-service",
        "auth",
        R,
        "AUTH-BASIC-NOT-ON-1.1",
        "Legacy Basic auth is accepted on Customer Service 1.1",
    ),
    ("auth-token-not-rate-limited", "auth", D, "AUTH-TOKEN-RATE", "The token endpoint never answers 429"),
    (
        "auth-401-without-www-authenticate",
        "auth",
        R,
        "AUTH-401-FORM",
        "401 responses lack the WWW-Authenticate header",
    ),
    # --- robustness ---
    (
        "robust-500-on-empty-array",
        "robustness",
        D,
        "not_a_server_error",
        "An import with an empty JSON array answers 500",
    ),
    (
        "robust-500-on-long-code",
        "robustness",
        D,
        "IMP-ROBUST",
        "An item whose Code is over 255 characters answers 500",
    ),
    (
        "robust-500-on-non-ascii-name",
        "robustness",
        D,
        "IMP-ROBUST",
        "An import item with a non-ASCII FirstName/Name answers 500",
    ),
    (
        "robust-500-on-xml-bom",
        "robustness",
        D,
        "IMP-ROBUST",
        "An XML body starting with a UTF-8 BOM answers 500",
    ),
    (
        "robust-500-on-unknown-query-param",
        "robustness",
        D,
        "CS-EXTRA-PARAMETER",
        "An unknown query parameter on a 1.1 Get* answers 500",
    ),
)

FACT_FAULTS: tuple[Fault, ...] = (
    *customer_writes.ENTRIES,
    *company_writes.ENTRIES,
    *reads.ENTRIES,
    *imports.ENTRIES,
    *families.ENTRIES,
)
CATALOGUE: dict[str, Fault] = {entry[0]: Fault(*entry) for entry in _ENTRIES}
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
