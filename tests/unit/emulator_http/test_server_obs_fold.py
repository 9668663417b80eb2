"""emulator/http/server.py: obs-fold in a request head is refused with 400 + ErrorMessage."""

from __future__ import annotations

import json

from emulator.faults import Faults
from emulator.http.server import faults_of, folded_field, one_line_error
from tests.unit.emulator_faults.served import raw_exchange, served_over_http
from tests.unit.emulator_http.support import CONNECT, auth_headers, make_client

FOLDED = '{"AccountId":1,\r\n "CustomerFieldsThatAreSet":[2]}'


def test_folded_field_names_the_continued_header() -> None:
    head = b"POST / HTTP/1.1\r\nHost: x\r\nX-StormConnect-Header: {\r\n\t}\r\nA: b"
    assert folded_field(head) == b"x-stormconnect-header"
    assert folded_field(b"GET / HTTP/1.1\r\nHost: x\r\nA: b c") is None


def test_only_the_connect_header_is_hdr_one_line() -> None:
    assert one_line_error(b"x-stormconnect-header", "t")[0] == "HDR-ONE-LINE"
    key, body = one_line_error(b"x-other", "t")
    assert key == "BadRequest" and json.loads(body)["Messages"][0]["Key"] == "BadRequest"


def _send_folded(
    client: object, headers: dict[str, str], folded_name: str = "X-StormConnect-Header"
) -> bytes:
    body = b"[]"
    lines = [f"POST {CONNECT}/Customer/ImportCustomers HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    if folded_name == "X-StormConnect-Header":
        lines.append(f"X-StormConnect-Header: {FOLDED}")
    else:
        lines += [
            'X-StormConnect-Header: {"AccountId":1,"CustomerFieldsThatAreSet":[2]}',
            f"{folded_name}: a\r\n b",
        ]
    with served_over_http(client.app) as port:  # type: ignore[attr-defined]
        return raw_exchange(port, "\r\n".join(lines).encode() + b"\r\n\r\n" + body)


def test_folded_connect_header_gets_400_with_an_error_message_over_a_real_socket() -> None:
    client = make_client()
    answer = _send_folded(client, auth_headers(client))
    head, _, content = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    body = json.loads(content)
    assert body["Messages"][0]["Key"] == "HDR-ONE-LINE" and body["MessageId"] == 400


def test_a_folded_other_header_is_refused_too() -> None:
    client = make_client()
    answer = _send_folded(client, auth_headers(client), folded_name="X-Other")
    assert answer.startswith(b"HTTP/1.1 400 ") and b'"BadRequest"' in answer


def test_an_unfolded_request_passes_through_on_a_kept_alive_connection() -> None:
    client = make_client()
    headers = "".join(f"{name}: {value}\r\n" for name, value in auth_headers(client).items())
    one = f"GET {CONNECT}/Job/List HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode()
    last = f"GET {CONNECT}/Job/List HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}\r\n".encode()
    with served_over_http(client.app) as port:
        answer = raw_exchange(port, one + last)
    assert answer.count(b"HTTP/1.1 200 ") == 2


def test_the_protocol_finds_the_faults_of_the_app_it_serves_through_wrappers() -> None:
    class Wrapper:
        def __init__(self, app: object) -> None:
            self.app = app

    client = make_client(faults={"hdr-one-line-not-enforced"})
    found = faults_of(Wrapper(Wrapper(client.app)))
    assert isinstance(found, Faults) and found is client.app.state.runtime.faults
    assert found.is_on("hdr-one-line-not-enforced")
    assert faults_of(Wrapper(object())) is None
