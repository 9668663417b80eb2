"""Fact faults: reads (see emulator/fact_faults/__init__.py).

Customer Service 1.1 reads: the verb rule, cultureCode, the documented lookups and their normalisation, the
WSDL filters, and the entity invariants any read shows. Each breaks one fact of openapi/facts.yaml and is
caught by contracts/suite/test_customer_service_reads.py (the per-operation "missing" faults are a generated
family).
"""

from __future__ import annotations

from emulator.fault_types import D, Fault, R

CUSTOMER_LOOKUPS = (
    "GetCustomer",
    "GetCustomerByAccountId",
    "GetCustomerByCode",
    "GetCustomerByEmail",
    "GetCustomerByKey",
    "GetCustomerByLoginName",
)


def _fault(name: str, level: str, judgement: str, fact: str, operations: tuple[str, ...], text: str) -> Fault:
    return Fault(
        name=name,
        category="customer-service",
        level=level,
        judgement=judgement,
        description=text,
        since="1.2.0",
        fact=fact,
        operations=operations,
    )


ENTRIES: tuple[Fault, ...] = (
    # --- the verb rule ---
    _fault(
        "cs-read-not-served-on-get",
        D,
        "CS-OPERATION",
        "F-CS-GET-READS",
        ("GetAgreementAccount",),
        "GetAgreementAccount is routed to POST: GET answers 405",
    ),
    _fault(
        "cs-write-served-on-get",
        D,
        "CS-VERB",
        "F-CS-POST-WRITES",
        ("InactivateCustomer",),
        "InactivateCustomer is also served on GET",
    ),
    _fault(
        "cs-delete-method-served",
        D,
        "CS-VERB",
        "F-CS-NO-PUT-DELETE",
        ("DeleteCompanyCustomer",),
        "DeleteCompanyCustomer is also served on HTTP DELETE",
    ),
    _fault(
        "cs-update-served-on-put",
        D,
        "CS-VERB",
        "F-CS-PHP-CLIENT",
        ("UpdateAccountStatus",),
        "UpdateAccountStatus is also served on PUT, a split the PHP client does not make",
    ),
    # --- cultureCode ---
    _fault(
        "cs-culture-code-other-customer",
        D,
        "CS-CULTURE-CODE",
        "F-CS-CULTURE-CODE",
        CUSTOMER_LOOKUPS,
        "With a cultureCode the GetCustomer family answers the customer with the next Id",
    ),
    _fault(
        "cs-culture-code-required",
        D,
        "CS-CULTURE-CODE",
        "F-46-CULTURE-OPTIONAL",
        ("ListCompaniesByOrgNo",),
        "ListCompaniesByOrgNo without cultureCode answers 400 MissingParameter",
    ),
    _fault(
        "cs-culture-code-format-refused",
        D,
        "CS-CULTURE-CODE",
        "F-46-FORMAT",
        CUSTOMER_LOOKUPS,
        "The GetCustomer family refuses a language-REGION cultureCode (sv-SE) with 400",
    ),
    # --- documented lookups ---
    _fault(
        "cs-login-name-lookup-by-email",
        D,
        "CS-LOOKUPS",
        "F-CS-GETCUSTOMER-FAMILY",
        ("GetCustomerByLoginName",),
        "GetCustomerByLoginName searches Customer.Email instead of Account.LoginName",
    ),
    _fault(
        "cs-org-no-not-stripped",
        D,
        "CS-LOOKUPS",
        "F-CS-ORGNO-STRIPPED",
        ("ListCompaniesByOrgNo",),
        "ListCompaniesByOrgNo no longer strips non-digits: only the exact spelling matches",
    ),
    _fault(
        "cs-org-no-lists-first-only",
        D,
        "CS-LOOKUPS",
        "F-CS-ORGNO-NAME-UNIQUE",
        ("ListCompaniesByOrgNo",),
        "ListCompaniesByOrgNo returns only the first company of an OrgNo",
    ),
    # --- WSDL lookups and filters ---
    _fault(
        "cs-company3-ignores-show-inactive",
        R,
        "CS-LOOKUPS-WSDL",
        "F-CS-FILTER-STRINGS",
        ("ListCustomerByCompany3",),
        "ListCustomerByCompany3 ignores showInactive: inactive customers are always listed",
    ),
    _fault(
        "cs-search2-ignores-company-id",
        R,
        "CS-LOOKUPS-WSDL",
        "F-CS-STRING-FILTERS",
        ("SearchCustomer2",),
        "SearchCustomer2 ignores companyId: customers of every company match",
    ),
    _fault(
        "cs-company2-ignores-account-role",
        R,
        "CS-LOOKUPS-WSDL",
        "F-CS-NUMBERED-SIBLINGS",
        ("ListCustomerByCompany2",),
        "ListCustomerByCompany2 ignores accountRoleId, which its sibling ListCustomerByCompany3 honours",
    ),
    # --- entity invariants ---
    _fault(
        "cs-customer-key-reused",
        D,
        "CS-INVARIANTS",
        "F-2C-CUSTOMER-KEY",
        ("ImportCustomers", "CreateCustomer3", "GetCustomer", "ListCustomerByCompany"),
        "A new customer gets the Key of the last customer created before it",
    ),
    _fault(
        "cs-company-org-no-name-duplicated",
        D,
        "CS-INVARIANTS",
        "F-2C-COMPANY-NAME",
        ("ImportCompanies", "ListCompaniesByOrgNo"),
        "A company may take the OrgNo and Name another company holds",
    ),
    _fault(
        "cs-customer-info-id-is-position",
        D,
        "CS-INVARIANTS",
        "F-2C-CUSTOMER-INFO",
        ("GetCustomer", "GetCustomerByCode"),
        "Customer.Info[].Id is the entry's position (1, 2, ...), not the id of its info type",
    ),
    _fault(
        "cs-company-info-id-is-position",
        D,
        "CS-INVARIANTS",
        "F-2C-COMPANY-INFO",
        ("GetCompany", "GetCompanyByCode"),
        "Company.Info[].Id is the entry's position (1, 2, ...), not the id of its info type",
    ),
    _fault(
        "cs-company-key-is-code",
        D,
        "CS-INVARIANTS",
        "F-2C-COMPANY-KEY",
        ("GetCompany", "GetCompanyByCode", "ListCompaniesByOrgNo", "GetCustomer"),
        "1.1 Company.Key carries the company's Code instead of its GUID",
    ),
)
