from emulator.http.app import create_app
from emulator.http.negotiation import XML_CHOICE, NotAcceptableMedia, choose_media
from emulator.http.routing import coverage
from emulator.http.spec import load_specs

from .support import CONNECT, CUSTOMER, auth_headers, make_client


def _assert_error_message(response, status, key):
    assert response.status_code == status
    body = response.json()
    assert body["Messages"][0]["Key"] == key and body["MessageId"] == status
    assert set(body) == {"MessageId", "Message", "Orchestration", "TimeStamp", "Record", "Messages"}


def test_unknown_operation_is_404_with_error_message():
    client = make_client()
    _assert_error_message(
        client.get(f"{CUSTOMER}/NoSuchOperation", headers=auth_headers(client)), 404, "NotFound"
    )
    _assert_error_message(client.get("/elsewhere"), 404, "NotFound")


def test_wrong_method_is_405_with_allow_header():
    client = make_client()
    response = client.get(f"{CONNECT}/Customer/ImportCustomers", headers=auth_headers(client))
    _assert_error_message(response, 405, "MethodNotAllowed")
    assert response.headers["Allow"] == "POST"


def test_routes_come_from_the_specs_and_every_operation_has_a_handler():
    specs = load_specs()
    app = create_app()
    report = app.state.runtime.coverage
    ids = {op.operation_id for op in specs.operations}
    assert set(report["handled"]) == ids and report["unhandled"] == []
    assert {"ImportCustomers", "JobGet", "GetCustomer", "LoginPost"} <= ids


def test_a_described_operation_without_handler_answers_501():
    client = make_client()
    routes = client.app.state.routes
    entry = routes.find("GET", f"{CUSTOMER}/ListAccountRoles")
    routes.add(
        type(entry)(
            method=entry.method, path=entry.path, handler=None, operation=entry.operation, api=entry.api
        )
    )
    _assert_error_message(
        client.get(f"{CUSTOMER}/ListAccountRoles", headers=auth_headers(client)), 501, "NotImplemented"
    )
    assert coverage(load_specs(), {})["handled"] == []


def test_admin_is_off_unless_enabled():
    assert make_client(admin=False).get("/_emulator/state").status_code == 404
    assert make_client(admin=True).get("/_emulator/coverage").json()["unhandled"] == []


def test_negotiation_prefers_json_and_honours_quality():
    assert choose_media(None).format == "json"
    assert choose_media("*/*").format == "json"
    assert choose_media("text/xml").content_type == "text/xml"
    assert choose_media("application/json;q=0.1, application/xml") == XML_CHOICE
    for refused in ("image/png", "application/json;q=0"):
        try:
            choose_media(refused)
        except NotAcceptableMedia:
            continue
        raise AssertionError(refused)


def test_unacceptable_accept_is_406_and_bad_content_type_is_415():
    client = make_client()
    headers = auth_headers(client)
    _assert_error_message(
        client.get(f"{CONNECT}/Job/List", headers={**headers, "Accept": "image/png"}), 406, "NotAcceptable"
    )
    response = client.post(
        f"{CONNECT}/Customer/ImportCustomers",
        content=b"a,b",
        headers={**headers, "Content-Type": "text/csv", "X-StormConnect-Header": "{}"},
    )
    _assert_error_message(response, 415, "UnsupportedMediaType")


def test_body_over_10_mib_is_413():
    client = make_client()
    big = b"[" + b" " * (10 * 1024 * 1024) + b"]"
    response = client.post(
        f"{CONNECT}/Customer/ImportCustomers",
        content=big,
        headers={
            **auth_headers(client),
            "Content-Type": "application/json",
            "X-StormConnect-Header": '{"AccountId":1,"CustomerFieldsThatAreSet":[2]}',
        },
    )
    _assert_error_message(response, 413, "PayloadTooLarge")


def test_every_error_is_rendered_in_the_negotiated_type():
    """Negotiation happens before routing and authentication: 404, 405, 401 and 400 all answer in XML."""
    client = make_client()
    xml = {"Accept": "application/xml"}
    answers = [
        client.get(f"{CUSTOMER}/NoSuchOperation", headers=xml),
        client.post(f"{CUSTOMER}/GetCustomer", headers={**auth_headers(client), **xml}),
        client.get(f"{CUSTOMER}/GetCustomer", params={"id": 1}, headers=xml),
        client.get(f"{CUSTOMER}/GetCustomer", params={"id": "x"}, headers={**auth_headers(client), **xml}),
    ]
    assert [r.status_code for r in answers] == [404, 405, 401, 400]
    for response in answers:
        assert response.headers["content-type"].startswith("application/xml")
        assert not response.content or b"<ErrorMessage" in response.content
