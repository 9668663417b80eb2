import xml.etree.ElementTree as ET

import pytest

from .support import CONNECT, CUSTOMER, PASSWORD, auth_headers, import_customers, make_client


@pytest.fixture
def api():
    client = make_client()
    return client, auth_headers(client)


def _create(client, headers, code, email, companies=None):
    body = {
        "Code": code,
        "Email": email,
        "FirstName": "Anna",
        "LastName": "Svensson",
        "Account": {"LoginName": email},
        "Companies": companies or [],
    }
    response = client.post(
        f"{CUSTOMER}/CreateCustomer3",
        params={"password": PASSWORD, "updatedBy": 1},
        json=body,
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_connect_import_then_1_1_read_maps_fields(api):
    client, headers = api
    summary = import_customers(
        client,
        headers,
        [
            {
                "Code": "C-1",
                "EmailAddress": "anna@example.com",
                "FirstName": "Anna",
                "LastName": "Svensson",
                "PhoneNumber": "+46 8 1",
                "Accounts": [{"LoginName": "anna@example.com", "Status": 1}],
            }
        ],
    )
    job = client.get(f"{CONNECT}/Job/Get", params={"id": summary["JobId"]}, headers=headers).json()
    assert job["IsFinished"] and job["Inserts"] == 1
    customer = client.get(f"{CUSTOMER}/GetCustomerByCode", params={"code": "C-1"}, headers=headers).json()
    assert customer["Email"] == "anna@example.com" and customer["Phone"] == "+46 8 1"
    assert customer["Account"]["LoginName"] == "anna@example.com"
    by_login = client.get(
        f"{CUSTOMER}/GetCustomerByLoginName", params={"loginName": "anna@example.com"}, headers=headers
    ).json()
    assert by_login["Id"] == customer["Id"]


def test_get_star_not_found_is_null_json_and_empty_xml(api):
    client, headers = api
    response = client.get(f"{CUSTOMER}/GetCustomer", params={"id": 424242}, headers=headers)
    assert response.status_code == 200 and response.content == b"null"
    xml = client.get(
        f"{CUSTOMER}/GetCustomer", params={"id": 424242}, headers={**headers, "Accept": "application/xml"}
    )
    assert (
        xml.status_code == 200
        and xml.content == b""
        and xml.headers["content-type"].startswith("application/xml")
    )


def test_login_post_good_and_bad_password(api):
    client, headers = api
    created = _create(client, headers, "C-2", "bo@example.com")
    good = client.post(
        f"{CUSTOMER}/LoginPost", json={"LoginName": "bo@example.com", "Password": PASSWORD}, headers=headers
    )
    assert good.status_code == 200 and good.json()["Id"] == created["Id"]
    for login, password in (("bo@example.com", "wrong"), ("nobody@example.com", PASSWORD)):
        bad = client.post(
            f"{CUSTOMER}/LoginPost", json={"LoginName": login, "Password": password}, headers=headers
        )
        assert bad.status_code == 400 and bad.json()["Messages"][0]["Key"] == "LoginFailed"


def test_update_account_status_blocks_login(api):
    client, headers = api
    created = _create(client, headers, "C-3", "cleo@example.com")
    response = client.post(
        f"{CUSTOMER}/UpdateAccountStatus",
        params={"customerId": created["Id"], "isActive": "false", "updatedBy": 1},
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["Account"]["IsActive"] is False
    login = client.post(
        f"{CUSTOMER}/LoginPost", json={"LoginName": "cleo@example.com", "Password": PASSWORD}, headers=headers
    )
    assert login.status_code == 400


def test_delete_company_customer_refuses_the_last_customer(api):
    client, headers = api
    first = _create(
        client, headers, "C-4", "d@example.com", [{"Code": "CO-1", "Name": "AB", "OrgNo": "556-1"}]
    )
    company_id = first["Companies"][0]["Id"]
    second = _create(client, headers, "C-5", "e@example.com", [{"Id": company_id}])
    ok = client.post(
        f"{CUSTOMER}/DeleteCompanyCustomer",
        params={"companyId": company_id, "customerId": second["Id"]},
        headers=headers,
    )
    assert ok.status_code == 200 and ok.content == b""
    last = client.post(
        f"{CUSTOMER}/DeleteCompanyCustomer",
        params={"companyId": company_id, "customerId": first["Id"]},
        headers=headers,
    )
    assert last.status_code == 400 and last.json()["Messages"][0]["Key"] == "CannotDeleteLastCustomer"
    missing = client.post(
        f"{CUSTOMER}/DeleteCompanyCustomer",
        params={"companyId": 1, "customerId": first["Id"]},
        headers=headers,
    )
    assert missing.json()["Messages"][0]["Key"] == "CompanyMissing"


def test_include_companies_false_returns_only_the_primary_company(api):
    client, headers = api
    first = _create(
        client,
        headers,
        "C-6",
        "f@example.com",
        [{"Code": "CO-A", "Name": "A", "OrgNo": "1"}, {"Code": "CO-B", "Name": "B", "OrgNo": "2"}],
    )
    assert len(first["Companies"]) == 2
    only = client.get(
        f"{CUSTOMER}/GetCustomer", params={"id": first["Id"], "includeCompanies": "False"}, headers=headers
    ).json()
    assert [c["Code"] for c in only["Companies"]] == [first["Companies"][0]["Code"]]


def test_register_customer3_upserts_by_email(api):
    client, headers = api
    created = _create(client, headers, "C-7", "g@example.com")
    again = client.post(
        f"{CUSTOMER}/RegisterCustomer3",
        params={"updatedBy": 1},
        json={"Email": "g@example.com", "FirstName": "Greta"},
        headers=headers,
    ).json()
    assert again["Id"] == created["Id"] and again["FirstName"] == "Greta" and again["LastName"] == "Svensson"


def test_inactivate_and_activate_customer(api):
    client, headers = api
    created = _create(client, headers, "C-8", "h@example.com")
    params = {"customerId": created["Id"], "inactivatedBy": 1}
    assert client.post(f"{CUSTOMER}/InactivateCustomer", params=params, headers=headers).status_code == 200
    assert (
        client.get(f"{CUSTOMER}/GetCustomer", params={"id": created["Id"]}, headers=headers).json()[
            "IsActive"
        ]
        is False
    )
    missing = client.post(
        f"{CUSTOMER}/ActivateCustomer", params={"customerId": 1, "activatedBy": 1}, headers=headers
    )
    assert missing.status_code == 400 and missing.json()["Messages"][0]["Key"] == "CustomerMissing"


def test_query_parameters_are_typed_by_the_spec(api):
    client, headers = api
    for params in ({"id": "abc"}, {}, {"id": "1", "includeCompanies": "maybe"}, {"id": str(2**31)}):
        response = client.get(f"{CUSTOMER}/GetCustomer", params=params, headers=headers)
        assert response.status_code == 400, params
    response = client.post(
        f"{CUSTOMER}/LoginPost", content=b"{not json", headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["Messages"][0]["Key"] == "BodyMalformed"


def test_reference_lists_and_xml_rendering(api):
    client, headers = api
    flags = client.get(f"{CUSTOMER}/ListCustomerFlags", headers=headers).json()
    assert flags and {"Id", "Name", "Group"} <= set(flags[0])
    xml = client.get(f"{CUSTOMER}/ListAccountRoles", headers={**headers, "Accept": "application/xml"})
    root = ET.fromstring(xml.content)
    assert root.tag == "{Enferno.Services.Contracts.Expose}IdValues"
    assert [child.tag.split("}")[1] for child in root] == ["Item"] * len(root)  # WSDL item name for IdValues


def test_a_rejected_request_changes_no_state(api):
    client, headers = api
    _create(client, headers, "C-9", "i@example.com")
    before = client.get("/_emulator/state").json()["state"]
    client.post(
        f"{CUSTOMER}/CreateCustomer3",
        params={"updatedBy": 1},
        json={"Code": "X", "Account": {"LoginName": "i@example.com"}},
        headers=headers,
    )
    client.post(
        f"{CONNECT}/Customer/ImportCustomers",
        json=[{"Code": "Y"}],
        headers={**headers, "X-StormConnect-Header": '{"AccountId":1,"AccountFieldsThatAreSet":[1]}'},
    )
    assert client.get("/_emulator/state").json()["state"] == before


def test_int32_overflow_in_a_body_is_refused(api):
    """A .NET deserializer cannot put 2^31 into an Int32 member: 400, nothing stored."""
    client, headers = api
    body = {"FirstName": "Big", "PricelistIds": [2**31]}
    response = client.post(f"{CUSTOMER}/CreateCustomer3", params={"updatedBy": 1}, json=body, headers=headers)
    assert response.status_code == 400 and response.json()["Messages"][0]["Key"] == "BodyInvalid"


@pytest.mark.parametrize("operation", ["GetExternalCustomerAddress", "GetExternalCustomerAddress2"])
def test_external_customer_address_answers_a_customer_never_null(api, operation):
    client, headers = api
    stored = _create(client, headers, "C-EXT", "ext@example.com")
    client.post(
        f"{CUSTOMER}/UpdateCustomer3",
        params={"updatedBy": 1},
        json={**stored, "SSN": "19700101-1234"},
        headers=headers,
    )
    found = client.post(f"{CUSTOMER}/{operation}", json={"SSN": "19700101-1234"}, headers=headers).json()
    assert found["Id"] == stored["Id"] and found["Code"] == "C-EXT"
    posted = {"Id": 77, "SSN": "nobody", "FirstName": "Echo", "InvoiceAddress": {"Line1": "Vägen 2"}}
    before = client.get("/_emulator/state").json()["state"]
    echoed = client.post(f"{CUSTOMER}/{operation}", json=posted, headers=headers).json()
    assert echoed["Id"] == 77 and echoed["FirstName"] == "Echo" and echoed["Companies"] == []
    assert echoed["Key"] == "00000000-0000-0000-0000-000000000000"
    assert echoed["InvoiceAddress"]["Line1"] == "Vägen 2"
    assert client.get("/_emulator/state").json()["state"] == before  # the echo stores nothing
