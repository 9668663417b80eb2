"""Fact faults: Customer Service 1.1 operation notes, details and error keys (see
emulator/fact_faults/__init__.py).

The §1C URL rule (query parameters, actor parameters, the operation groups), the login operations
(LoginPost's body, the obsolete Login, the agreement-account logins), the per-operation details
(ListAccountRoles, SendPasswordReminder, DeleteCompanyCustomer) and the documented error keys, §4.5's JSON
request bodies and §4.6's LoginPost CultureCode. Each breaks one fact of openapi/facts.yaml (and the facts
that restate it) and is caught by the 1.1 contract tests (contracts/suite/test_customer_service_*.py) with
one of that fact's judgements.
"""

from __future__ import annotations

from emulator.fault_types import D, Fault

# The Norce 1.1 Address group (docs/norce-facts.md §1C operation table).
ADDRESS_GROUP = (
    "DeleteCompanyDeliveryAddress",
    "DeleteCustomerDeliveryAddress",
    "InsertCompanyDeliveryAddress",
    "InsertCustomerDeliveryAddress",
    "UpdateCompanyDeliveryAddress",
    "UpdateCustomerDeliveryAddress",
)
# The operation whose query-string arguments the query-parameter fault takes from a body instead.
QUERY_FROM_BODY = "ActivateCustomer"
# The operation that refuses a JSON body under the JSON-bodies fault.
XML_BODY_ONLY = "RegisterCustomer3"
# The operation whose optional string actor the actor fault makes required, and that actor.
ACTOR_REQUIRED = ("SendPasswordReminder", "updatedBy")
# The longest body CultureCode LoginPost takes under the culture fault (a language code alone).
LOGIN_CULTURE_LIMIT = 2


def _fault(
    name: str,
    judgement: str,
    fact: str,
    operations: tuple[str, ...],
    text: str,
    *,
    category: str = "customer-service",
    restates: tuple[str, ...] = (),
) -> Fault:
    return Fault(
        name=name,
        category=category,
        level=D,
        judgement=judgement,
        description=text,
        since="1.4.0",
        fact=fact,
        operations=operations,
        restates=restates,
    )


ENTRIES: tuple[Fault, ...] = (
    # --- the URL rule and the groups (§1C) ---
    _fault(
        "cs-query-params-read-from-body",
        "CS-OPERATION",
        "F-CS-QUERY-PARAMS",
        (QUERY_FROM_BODY,),
        "ActivateCustomer reads customerId and activatedBy from a body: the query string's are ignored "
        "(400 MissingParameter)",
    ),
    _fault(
        "cs-optional-actor-required",
        "CS-OPERATION",
        "F-CS-ACTOR-PARAMS",
        (ACTOR_REQUIRED[0],),
        "SendPasswordReminder requires updatedBy, an optional string actor: without it 400 MissingParameter",
    ),
    _fault(
        "cs-address-group-missing",
        "CS-OPERATION",
        "F-CS-GROUPS",
        ADDRESS_GROUP,
        "The Address group is gone: its six operations answer 404",
    ),
    # --- logins (§1C notes and confirmed details, §4.6) ---
    _fault(
        "cs-login-get-matches-email",
        "CS-LOGIN",
        "F-CS-LOGIN-OBSOLETE",
        ("Login",),
        "The obsolete Login matches loginName against Customer.Email, not Account.LoginName as LoginPost "
        "does",
    ),
    _fault(
        "cs-login-get-failure-null",
        "CS-ERROR-KEYS",
        "F-CS-LOGIN-GET",
        ("Login",),
        "A failed Login (GET) answers 200 null instead of LoginPost's 400 LoginFailed",
    ),
    _fault(
        "cs-loginpost-body-ignored",
        "CS-LOGIN",
        "F-CS-LOGINPOST-BODY",
        ("LoginPost",),
        "LoginPost reads loginName and password from the query string, as Login does: its Login body is "
        "ignored",
    ),
    _fault(
        "cs-login-culture-code-two-letters",
        "CS-LOGIN",
        "F-46-LOGIN-CULTURE",
        ("LoginPost",),
        f"LoginPost refuses a body CultureCode longer than {LOGIN_CULTURE_LIMIT} characters (sv-SE) with 400",
        restates=("F-CS-LOGINPOST-BODY",),
    ),
    _fault(
        "cs-login-without-account",
        "CS-LOGIN",
        "F-CS-LOGINPOST-NEEDS-ACCOUNT",
        ("LoginPost", "CreateCustomer3"),
        "A customer created with a password but without an Account gets one (LoginName = Email) and logs in",
    ),
    _fault(
        "cs-agreement-account-empty",
        "CS-NOT-FOUND",
        "F-CS-AGREEMENT-ID",
        ("GetAgreementAccount",),
        "GetAgreementAccount of an unknown price list answers an AgreementAccount of nulls, not null",
    ),
    _fault(
        "cs-login-agreement-failure-400",
        "CS-NOT-FOUND",
        "F-CS-LOGIN-AGREEMENT",
        ("LoginAgreementAccount",),
        "A failed LoginAgreementAccount answers 400 LoginFailed instead of null",
    ),
    # --- per-operation answers and keys (§1C confirmed details, known error keys) ---
    _fault(
        "cs-account-roles-first-only",
        "SCHEMA-DOCUMENTED",
        "F-CS-ACCOUNT-ROLES",
        ("ListAccountRoles",),
        "ListAccountRoles answers its first role as one IdValue, not the IdValue[] list",
        category="response-shape",
    ),
    _fault(
        "cs-reminder-unknown-login-accepted",
        "CS-ERROR-KEYS",
        "F-CS-REMINDER-KEYS",
        ("SendPasswordReminder",),
        "SendPasswordReminder for a login name no account has answers 200 instead of 400 LoginFailed",
    ),
    _fault(
        "cs-delete-company-customer-missing-accepted",
        "CS-ERROR-KEYS",
        "F-KEY-CUSTOMERMISSING",
        ("DeleteCompanyCustomer",),
        "DeleteCompanyCustomer of a customer that does not exist answers 200 instead of 400 CustomerMissing",
        restates=("F-CS-DELETECOMPANYCUSTOMER-KEYS",),
    ),
    _fault(
        "cs-company-missing-answers-null",
        "CS-ERROR-KEYS",
        "F-KEY-COMPANYMISSING",
        ("InsertCompanyPaymentMethod2",),
        "InsertCompanyPaymentMethod2 on a company that does not exist answers 200 null instead of 400 "
        "CompanyMissing",
    ),
    # --- content types (§4.5) ---
    _fault(
        "cs-json-body-refused",
        "CS-OPERATION",
        "F-45-CS-JSON-BODIES",
        (XML_BODY_ONLY,),
        "RegisterCustomer3 refuses a body sent as application/json with 415: it reads XML bodies only",
    ),
)
