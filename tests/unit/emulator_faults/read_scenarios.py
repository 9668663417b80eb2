"""Scenarios for the 1.1 read faults (emulator/fact_faults/reads.py), joined into `scenarios.SCENARIOS`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.unit.emulator_http.support import CONNECT, CUSTOMER, PASSWORD

Client = Any
Headers = dict[str, str]
Scenario = Callable[[Client, Headers], Any]
ABSENT = 2_000_000_000


def create_1_1(client: Client, headers: Headers, code: str, **body: Any) -> dict[str, Any]:
    payload = {"Code": code, "Email": f"{code.lower()}@example.com", "FirstName": "A", "LastName": "B"} | body
    response = client.post(
        f"{CUSTOMER}/CreateCustomer3", params={"password": PASSWORD}, json=payload, headers=headers
    )
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def status(client: Client, headers: Headers, method: str, operation: str, **params: Any) -> int:
    code: int = client.request(method, f"{CUSTOMER}/{operation}", params=params, headers=headers).status_code
    return code


def get(client: Client, headers: Headers, operation: str, **params: Any) -> Any:
    return client.get(f"{CUSTOMER}/{operation}", params=params, headers=headers).json()


def company_orgs(org_nos: list[tuple[str, str]], fields: tuple[int, ...] = (2, 3, 4, 20)) -> Scenario:
    """Companies (Code, OrgNo, Name from the pairs) imported with SearchOnlyByCode; the names listed for the
    first pair's OrgNo written with a dash."""

    def run(client: Client, headers: Headers) -> Any:
        items = [
            {"Code": f"CO{n}", "OrganizationNo": org, "Name": name} for n, (org, name) in enumerate(org_nos)
        ]
        header = json.dumps({"AccountId": 1, "CompanyFieldsThatAreSet": list(fields)})
        sent = client.post(
            f"{CONNECT}/Customer/ImportCompanies",
            json=items,
            headers={**headers, "X-StormConnect-Header": header},
        )
        assert sent.status_code == 200, sent.text
        org_no = org_nos[0][0]
        spelled = f"{org_no[:3]}-{org_no[3:]}"
        return sorted(c["Name"] for c in get(client, headers, "ListCompaniesByOrgNo", orgNo=spelled))

    return run


def customers_of_company(client: Client, headers: Headers, operation: str, **params: Any) -> list[str]:
    """Two customers of one company, B inactive and without the Administrator role, listed by `operation`."""
    company = create_1_1(client, headers, "A", Companies=[{"Code": "CO1", "Name": "N", "OrgNo": "1"}])
    company_id = company["Companies"][0]["Id"]
    create_1_1(client, headers, "B", IsActive=False)
    client.post(
        f"{CUSTOMER}/InsertCompanyCustomer2",
        params={"companyId": company_id},
        json={"Id": get(client, headers, "GetCustomerByCode", code="B")["Id"]},
        headers=headers,
    )
    client.post(
        f"{CUSTOMER}/UpdateCustomer3",
        params={"updatedBy": 1},
        json={"Id": company["Id"], "Account": {"LoginName": "a@example.com", "Roles": [1]}},
        headers=headers,
    )
    found = get(client, headers, operation, id=company_id, **params)
    return sorted(c["Code"] for c in found)


def search_in_company(client: Client, headers: Headers) -> list[str]:
    create_1_1(client, headers, "A", LastName="Token", Companies=[{"Code": "CO1", "Name": "N", "OrgNo": "1"}])
    create_1_1(client, headers, "B", LastName="Token")
    company_id = get(client, headers, "GetCompanyByCode", code="CO1")["Id"]
    found = get(client, headers, "SearchCustomer2", searchString="token", companyId=str(company_id))
    return sorted(c["Code"] for c in found)


def culture_lookup(client: Client, headers: Headers) -> Any:
    create_1_1(client, headers, "A")
    create_1_1(client, headers, "B")
    response = client.get(
        f"{CUSTOMER}/GetCustomerByCode", params={"code": "A", "cultureCode": "sv-SE"}, headers=headers
    )
    return response.status_code, (response.json() or {}).get("Code") if response.status_code == 200 else None


def login_name_lookup(client: Client, headers: Headers) -> Any:
    create_1_1(client, headers, "A", Account={"LoginName": "login-a"})
    return (get(client, headers, "GetCustomerByLoginName", loginName="login-a") or {}).get("Code")


def keys_of_two(client: Client, headers: Headers) -> bool:
    first, second = create_1_1(client, headers, "A"), create_1_1(client, headers, "B")
    return bool(first["Key"] == second["Key"])


def info_ids(operation: str) -> Scenario:
    def run(client: Client, headers: Headers) -> Any:
        info = [{"Code": "NOTE", "Value": "v"}]
        created = create_1_1(
            client, headers, "A", Info=info, Companies=[{"Code": "CO1", "Name": "N", "Info": info}]
        )
        entity = get(client, headers, operation, code="A" if operation == "GetCustomerByCode" else "CO1")
        return [i["Id"] for i in entity["Info"]], created["Id"] > 0

    return run


def company_key(client: Client, headers: Headers) -> Any:
    create_1_1(client, headers, "A", Companies=[{"Code": "CO1", "Name": "N"}])
    return get(client, headers, "GetCompanyByCode", code="CO1")["Key"] == "CO1"


SCENARIOS: dict[str, Scenario] = {
    "cs-read-not-served-on-get": lambda c, h: (
        status(c, h, "GET", "GetAgreementAccount", id=ABSENT),
        status(c, h, "POST", "GetAgreementAccount", id=ABSENT),
    ),
    "cs-write-served-on-get": lambda c, h: status(
        c, h, "GET", "InactivateCustomer", customerId=ABSENT, inactivatedBy=1
    ),
    "cs-delete-method-served": lambda c, h: status(
        c, h, "DELETE", "DeleteCompanyCustomer", companyId=ABSENT, customerId=ABSENT
    ),
    "cs-update-served-on-put": lambda c, h: status(
        c, h, "PUT", "UpdateAccountStatus", customerId=ABSENT, isActive="true", updatedBy=1
    ),
    "cs-culture-code-other-customer": culture_lookup,
    "cs-culture-code-required": lambda c, h: status(c, h, "GET", "ListCompaniesByOrgNo", orgNo="556"),
    "cs-culture-code-format-refused": culture_lookup,
    "cs-login-name-lookup-by-email": login_name_lookup,
    "cs-org-no-not-stripped": company_orgs([("5566778899", "Acme")]),
    "cs-org-no-lists-first-only": company_orgs([("5566778899", "Acme"), ("5566778899", "Acme 2")]),
    "cs-company3-ignores-show-inactive": lambda c, h: customers_of_company(
        c, h, "ListCustomerByCompany3", showInactive="false"
    ),
    "cs-search2-ignores-company-id": search_in_company,
    "cs-company2-ignores-account-role": lambda c, h: customers_of_company(
        c, h, "ListCustomerByCompany2", accountRoleId="1"
    ),
    "cs-customer-key-reused": keys_of_two,
    "cs-company-org-no-name-duplicated": company_orgs([("5566778899", "Acme"), ("5566778899", "Acme")]),
    "cs-customer-info-id-is-position": info_ids("GetCustomerByCode"),
    "cs-company-info-id-is-position": info_ids("GetCompanyByCode"),
    "cs-company-key-is-code": company_key,
}
