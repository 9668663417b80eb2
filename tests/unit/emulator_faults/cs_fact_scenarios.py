"""Scenarios for the 1.1 operation-note, detail and error-key faults (emulator/fact_faults/cs_facts.py):
each a few 1.1 calls on a fresh emulator, observing the one thing its fault bends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.unit.emulator_http.support import CUSTOMER, PASSWORD

Client = Any
Headers = dict[str, str]
Scenario = Callable[[Client, Headers], Any]
ABSENT = 2_000_000_000
LOGIN_NAME = "login-c1"  # other than the e-mail, so a lookup by e-mail finds nothing


def outcome(response: Any) -> tuple[int, Any]:
    """(status, the first error key or the JSON body)."""
    try:
        body = response.json() if response.content.strip() else None
    except ValueError:
        return response.status_code, response.text[:40]
    if isinstance(body, dict) and body.get("Messages"):
        return response.status_code, body["Messages"][0].get("Key")
    return response.status_code, body if not isinstance(body, dict) else sorted(body)


def customer(client: Client, headers: Headers, *, account: bool = True, **body: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"Code": "C1", "Email": "c1@example.com", "FirstName": "A", "LastName": "B"}
    if account:
        payload["Account"] = {"LoginName": LOGIN_NAME}
    response = client.post(
        f"{CUSTOMER}/CreateCustomer3", params={"password": PASSWORD}, json=payload | body, headers=headers
    )
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def post(client: Client, headers: Headers, operation: str, body: Any = None, **params: Any) -> Any:
    return client.post(f"{CUSTOMER}/{operation}", params=params, json=body, headers=headers)


def get(client: Client, headers: Headers, operation: str, **params: Any) -> Any:
    return client.get(f"{CUSTOMER}/{operation}", params=params, headers=headers)


def login_post(client: Client, headers: Headers, login_name: str, **extra: Any) -> tuple[int, Any]:
    body = {"LoginName": login_name, "Password": PASSWORD} | extra
    return outcome(post(client, headers, "LoginPost", body))


def activate_customer(client: Client, headers: Headers) -> tuple[int, Any]:
    made = customer(client, headers)
    return outcome(post(client, headers, "ActivateCustomer", customerId=made["Id"], activatedBy=1))


def reminder_without_actor(client: Client, headers: Headers) -> tuple[int, Any]:
    customer(client, headers)
    return outcome(post(client, headers, "SendPasswordReminder", loginName=LOGIN_NAME))


def address_group(client: Client, headers: Headers) -> tuple[int, Any]:
    made = customer(client, headers)
    body = {"Line1": "Storgatan 1", "City": "Lund"}
    return outcome(
        post(client, headers, "InsertCustomerDeliveryAddress", body, customerId=made["Id"], updatedBy=1)
    )


def login_get(password: str) -> Scenario:
    def run(client: Client, headers: Headers) -> tuple[int, Any]:
        customer(client, headers)
        return outcome(get(client, headers, "Login", loginName=LOGIN_NAME, password=password))

    return run


def login_post_scenario(**extra: Any) -> Scenario:
    def run(client: Client, headers: Headers) -> tuple[int, Any]:
        customer(client, headers)
        return login_post(client, headers, LOGIN_NAME, **extra)

    return run


def login_without_account(client: Client, headers: Headers) -> tuple[int, Any]:
    customer(client, headers, account=False)
    return login_post(client, headers, "c1@example.com")


def delete_absent_customer(client: Client, headers: Headers) -> tuple[int, Any]:
    made = customer(client, headers, Companies=[{"Code": "CO1", "Name": "N", "OrgNo": "1"}])
    params = {"companyId": made["Companies"][0]["Id"], "customerId": ABSENT}
    return outcome(post(client, headers, "DeleteCompanyCustomer", **params))


def json_body(client: Client, headers: Headers) -> tuple[int, Any]:
    body = {"Email": "r1@example.com", "FirstName": "R", "LastName": "One"}
    return outcome(post(client, headers, "RegisterCustomer3", body, updatedBy=1))


SCENARIOS: dict[str, Scenario] = {
    "cs-query-params-read-from-body": activate_customer,
    "cs-optional-actor-required": reminder_without_actor,
    "cs-address-group-missing": address_group,
    "cs-login-get-matches-email": login_get(PASSWORD),
    "cs-login-get-failure-null": login_get("wrong-password"),
    "cs-loginpost-body-ignored": login_post_scenario(),
    "cs-login-culture-code-two-letters": login_post_scenario(CultureCode="sv-SE"),
    "cs-login-without-account": login_without_account,
    "cs-agreement-account-empty": lambda c, h: outcome(get(c, h, "GetAgreementAccount", id=ABSENT)),
    "cs-login-agreement-failure-400": lambda c, h: outcome(
        get(c, h, "LoginAgreementAccount", password="NO-SUCH-AGREEMENT")
    ),
    "cs-account-roles-first-only": lambda c, h: type(get(c, h, "ListAccountRoles").json()).__name__,
    "cs-reminder-unknown-login-accepted": lambda c, h: outcome(
        post(c, h, "SendPasswordReminder", loginName="nobody@example.com")
    ),
    "cs-delete-company-customer-missing-accepted": delete_absent_customer,
    "cs-company-missing-answers-null": lambda c, h: outcome(
        post(c, h, "InsertCompanyPaymentMethod2", methodId=71, companyId=ABSENT)
    ),
    "cs-json-body-refused": json_body,
}
