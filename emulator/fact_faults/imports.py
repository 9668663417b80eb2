"""Fact faults: imports (see emulator/fact_faults/__init__.py).

Each breaks one fact of Connect import semantics, its body framing and header name, the job a JobResponse
names, the token answer, or how 1.1 reads back what an import wrote; the XML-only ones bend the XML body
reader alone, so only a test that sends the same import as XML catches them.
"""

from __future__ import annotations

from emulator.fault_types import D, Fault, R

SINCE = "1.2.0"

CUSTOMERS, COMPANIES = "ImportCustomers", "ImportCompanies"
BOTH = (CUSTOMERS, COMPANIES)
IMPORT = "import-semantics"

ENTRIES: tuple[Fault, ...] = (
    # --- per flag (docs/norce-facts.md §2A Flag, §4.1 "Flags" and "Defaults") ---
    Fault(
        name="import-flag-inactive-ignored",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-FLAG-ENTRY",
        description="A flag sent with IsActive false is ignored: the flag stays set",
        fact="F-41-FLAG-ENTRY",
        operations=BOTH,
    ),
    Fault(
        name="import-flag-create-only-overwrites",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-FLAG-ENTRY",
        description="IsCreateOnly is ignored on a flag the entity has: the entry overwrites it",
        fact="F-2A-FLAG",
        operations=BOTH,
    ),
    Fault(
        name="import-flag-limited-update-refused",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-FLAG-ENTRY",
        description="IsLimitedUpdate refuses the update even from the account that last wrote the flag",
        fact="F-41-FLAG-ENTRY",
        operations=BOTH,
    ),
    Fault(
        name="import-flag-default-inactive",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-DEFAULTS",
        description="A flag sent without IsActive is taken as IsActive false: it is not set",
        fact="F-41-DEFAULTS",
        operations=BOTH,
    ),
    Fault(
        name="import-payment-method-default-inactive",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-DEFAULTS",
        description="A payment method sent without IsActive is taken as IsActive false: it is not linked",
        fact="F-2A-PAYMENTMETHOD",
        operations=(COMPANIES,),
    ),
    # --- nested entries: by Code, required members ---
    Fault(
        name="import-info-added-twice",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-NESTED-BY-CODE",
        description="An AdditionalInfo entry sent again with the same Code is added a second time",
        fact="F-41-MATCH-NESTED",
        operations=BOTH,
    ),
    Fault(
        name="import-info-without-value-written",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-REQUIRED-MEMBERS",
        description="An AdditionalInfo entry without Value is written (with no value)",
        fact="F-2A-INFO",
        operations=BOTH,
    ),
    Fault(
        name="import-account-without-login-name-written",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-REQUIRED-MEMBERS",
        description="An Account without LoginName is written (with an empty login name)",
        fact="F-2A-ACCOUNT",
        operations=(CUSTOMERS,),
        restates=("F-41-ACCOUNTS",),  # §4.1 "Accounts" states the same required LoginName
    ),
    # --- company-level switches and links ---
    Fault(
        name="import-use-invoice-as-delivery-ignored",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-USE-INVOICE-AS-DELIVERY",
        description="UseInvoiceAddressAsDeliveryAddress is ignored: the delivery addresses stay as sent",
        fact="F-41-USE-INVOICE",
        restates=("F-2A-COMPANY-USEINVOICE",),  # the member row of the same switch (§2A Company)
        operations=(COMPANIES,),
    ),
    Fault(
        name="import-parent-company-code-ignored",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-PARENT-COMPANY",
        description="ParentCompanyCode is ignored: an existing parent company is not set",
        fact="F-2A-COMPANY-PARENT",
        operations=(COMPANIES,),
    ),
    Fault(
        name="cs-company-parent-id-null",
        category="customer-service",
        since=SINCE,
        level=D,
        judgement="IMP-PARENT-COMPANY",
        description="1.1 Company.ParentId is always null (ListCompaniesByParent still lists the children)",
        fact="F-2C-COMPANY-PARENTID",
        restates=("F-MAP-PARENT",),  # the mapping row: ParentCompanyCode reads back as ParentId
        operations=("GetCompany", "GetCompanyByCode", "ListCompaniesByOrgNo"),
    ),
    Fault(
        name="cs-default-company-not-first",
        category="customer-service",
        since=SINCE,
        level=R,
        judgement="CS-DEFAULT-COMPANY",
        description="1.1 Customer.Companies is in id order, not the primary (default) company first",
        fact="F-2C-CUSTOMER-COMPANIES",
        operations=("GetCustomer", "GetCustomerByCode"),
    ),
    # --- relations must name existing entities, by the first present identifier ---
    Fault(
        name="import-relation-creates-unknown-customer",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-RELATIONS-EXIST",
        description="A Company.Customers entry naming no customer creates that customer",
        fact="F-2A-COMPANY-CUSTOMERS",
        operations=(COMPANIES,),
    ),
    Fault(
        name="import-relation-creates-unknown-company",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-RELATIONS-EXIST",
        description="A Customer.Companies entry naming no company creates that company",
        fact="F-2A-CUSTOMER-COMPANIES",
        operations=(CUSTOMERS,),
    ),
    Fault(
        name="import-relation-customer-email-before-code",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-RELATIONS-EXIST",
        description="A Company.Customers entry is matched by EmailAddress before Code",
        fact="F-41-MATCH-COMPANY-CUSTOMERS",
        operations=(COMPANIES,),
    ),
    Fault(
        name="import-relation-company-org-no-before-code",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-RELATIONS-EXIST",
        description="A Customer.Companies entry is matched by OrganizationNo before Code",
        fact="F-41-MATCH-CUSTOMER-COMPANIES",
        operations=(CUSTOMERS,),
    ),
    # --- the XML body reader alone ---
    Fault(
        name="xml-body-drops-cell-phone",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-READ-BACK",
        description="An XML body's Customer.CellPhoneNumber is dropped (a JSON body's is written)",
        fact="F-MAP-CELLPHONE",
        operations=(CUSTOMERS,),
    ),
    Fault(
        name="xml-body-ignores-company-list-delta",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-LIST-DELTA",
        description="An XML body's IsCompanyListDelta is dropped: relations not listed are removed",
        fact="F-2A-CUSTOMER-LISTDELTA",
        operations=(CUSTOMERS,),
    ),
    Fault(
        name="xml-body-drops-flag-is-active",
        category=IMPORT,
        since=SINCE,
        level=D,
        judgement="IMP-FLAG-ENTRY",
        description="An XML body's Flag.IsActive is dropped: IsActive false sets the flag",
        fact="F-2A-FLAG",
        operations=BOTH,
    ),
    # --- body framing and header name (recommended: docs/norce-facts.md Q2, §3 rule 9) ---
    Fault(
        name="import-back-to-back-json-first-only",
        category=IMPORT,
        since=SINCE,
        level=R,
        judgement="IMP-FRAMING",
        description="JSON items sent back to back (no array): only the first is imported",
        fact="F-41-FRAMING-BOTH",
        operations=BOTH,
    ),
    Fault(
        name="import-xml-repeated-roots-refused",
        category=IMPORT,
        since=SINCE,
        level=R,
        judgement="IMP-FRAMING",
        description="An XML body of one root element per item (as the official client streams) is refused",
        fact="F-41-FRAMING",
        operations=BOTH,
        restates=("F-41-FRAMING-BACK-TO-BACK",),  # the items serialized on their own, back to back
    ),
    Fault(
        name="header-name-case-sensitive",
        category="header-rules",
        since=SINCE,
        level=R,
        judgement="HDR-NAME-CASE",
        description="The header is read only when named exactly X-StormConnect-Header",
        fact="F-CX-HEADER-NAME-CASE",
        restates=("F-HDR-RULE-9",),  # §3 rule 9 restates §1A's note on the two spellings
        operations=BOTH,
    ),
    # --- the job a JobResponse names; the token answer ---
    Fault(
        name="job-get-answers-another-job",
        category="job-lifecycle",
        since=SINCE,
        level=D,
        judgement="JOB-FOLLOW-UP",
        description="Job/Get answers the job before the one asked for (its JobId, status and counters)",
        fact="F-JOB-GET",
        operations=("JobGet",),
        restates=("F-42-JOBGET",),  # §4.2 step 3 states the same Job/Get answer
    ),
    Fault(
        name="auth-token-answer-lacks-token-type",
        category="auth",
        since=SINCE,
        level=D,
        judgement="AUTH-TOKEN-ANSWER",
        description="The token endpoint's answer has no token_type",
        fact="F-43-TOKEN-ANSWER",
    ),
    Fault(
        name="auth-token-lives-a-day",
        category="auth",
        since=SINCE,
        level=D,
        judgement="AUTH-TOKEN-LIFETIME",
        description="Tokens of the application's client live 86400 s (expires_in 86400), not 3600",
        fact="F-43-TOKEN-LIFETIME",
    ),
)
