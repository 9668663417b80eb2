"""The cassette: HAR 1.2 written by the run's recorder (redacted, ordered, merged from the processes) and
read back by the replay."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx

from contracts.reports.cassette import CassetteLog, credential_kind, merge_cassette, part_path
from contracts.reports.recorder import Recorder
from contracts.transport.exchange import REQUEST_BODY_LIMIT, Exchange
from contracts.transport.redact import scan_for_secrets
from emulator.parity.cassette import read_cassette

TOKEN = "tok-1234567890"
BASIC = base64.b64encode(b"1:basic-secret-key").decode()
SECRETS = {
    "access_token#ab": TOKEN,
    "bearer credential#cd": TOKEN,  # the Schemathesis hook registers every credential it sees, ours too
    "basic credential#ef": BASIC,
    "basic credential#01": "Zm9vOmJhcg==",  # a wrong pair a test sent, registered by the same hook
    "NORCE_CLIENT_SECRET": "client-secret-xyz",
}


def _exchange(
    url: str,
    *,
    headers: dict[str, str],
    body: bytes = b"",
    answer: bytes = b"{}",
    status: int = 200,
    operation: str = "GetCustomer",
    **extra: object,
) -> Exchange:
    request = httpx.Request("POST" if body else "GET", url, headers=headers, content=body)
    response = httpx.Response(status, headers={"content-type": "application/json"}, content=answer)
    return Exchange.of(request, response, operation, **extra)  # type: ignore[arg-type]


def test_credentials_are_classified_never_written() -> None:
    assert credential_kind([("Authorization", f"Bearer {TOKEN}")], SECRETS) == "bearer-run"
    assert credential_kind([("authorization", "Bearer nope")], SECRETS) == "bearer-other"
    assert credential_kind([("Authorization", f"Basic {BASIC}")], SECRETS, [BASIC]) == "basic-run"
    assert credential_kind([("Authorization", "Basic Zm9vOmJhcg==")], SECRETS, [BASIC]) == "basic-other"
    assert credential_kind([("Accept", "*/*")], SECRETS) == "none"
    assert (
        credential_kind([("Authorization", "Bearer p-123")], {"expiry_probe_token#1": "p-123"})
        == "bearer-probe"
    )


def test_a_recorded_run_is_redacted_ordered_and_reads_back(tmp_path: Path) -> None:
    worker_a = CassetteLog(part_path(tmp_path, "run1", "gw0"), "gw0", [BASIC])
    worker_b = CassetteLog(part_path(tmp_path, "run1", "gw1"), "gw1")
    worker_a.note_target({"connectUrl": "https://t.example/commerce/connect/4.0", "applicationId": "42"})
    wrong = _exchange(  # sent first: entries are ordered by their start time, whichever process sent them
        "https://t.example/commerce/customer/1.1/Login?loginName=x&password=wrong-pass",
        headers={"Authorization": "Bearer nope"},
    )
    create = _exchange(
        "https://t.example/commerce/customer/1.1/CreateCustomerAccount?password=hunter2-secret",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        body=json.dumps({"LoginName": "nct-ab12cd34-l", "Password": "hunter2-secret"}).encode(),
        answer=json.dumps({"Id": 5, "Token": TOKEN}).encode(),
    )
    import_body = b'[{"Code": "nct-ab12cd34-c-1",   "FirstName": "A"}]'
    imported = _exchange(
        "https://t.example/commerce/connect/4.0/Customer/ImportCustomers",
        headers={"Authorization": f"Basic {BASIC}", "X-StormConnect-Header": '{"AccountId": 1}'},
        body=import_body,
        operation="ImportCustomers",
    )
    oversized = _exchange(
        "https://t.example/commerce/connect/4.0/Customer/ImportCustomers",
        headers={},
        body=b"[" + b" " * (REQUEST_BODY_LIMIT + 100_000) + b"]",
        operation="ImportCustomers",
    )
    throttled = _exchange("https://t.example/x", headers={}, status=429, retried=True)
    worker_a.add(create, create.answer, "t::a", SECRETS)
    worker_a.add(imported, imported.answer, "t::a", SECRETS)
    worker_a.add(oversized, b"", "t::a", SECRETS)
    worker_b.add(wrong, wrong.answer, "t::b", SECRETS)  # written last, sent first
    worker_b.add(throttled, throttled.answer, "t::b", SECRETS)
    worker_a.close()
    worker_b.close()
    out = tmp_path / "out" / "run.har"
    assert merge_cassette(tmp_path, "run1", out, {"seed": 7}) == 5
    assert not (tmp_path / ".norce-cassette").exists(), "the parts are removed once merged"

    text = out.read_text(encoding="utf-8")
    assert scan_for_secrets([out], {**SECRETS, "password": "hunter2-secret", "wrong": "wrong-pass"}) == []
    document = json.loads(text)
    assert document["log"]["version"] == "1.2"
    entries = document["log"]["entries"]
    assert [entry["_test"] for entry in entries] == ["t::b", "t::a", "t::a", "t::a", "t::b"]
    create_entry = entries[1]
    assert create_entry["_auth"] == "bearer-run"
    body = json.loads(create_entry["request"]["postData"]["text"])
    query_password = create_entry["request"]["queryString"][0]["value"]
    assert body["Password"] == query_password, "one password, one pseudonym: a replay logs in with it"
    assert query_password.startswith("[REDACTED:gw0-")
    assert entries[0]["request"]["queryString"][1]["value"].startswith("[REDACTED:gw1-")
    assert entries[2]["request"]["postData"]["text"] == import_body.decode(), "kept byte for byte"

    cassette = read_cassette(out)
    assert cassette.meta["applicationId"] == "42" and cassette.meta["seed"] == 7
    replayed = cassette.entries
    assert (
        replayed[2].auth == "basic-run" and replayed[2].header("x-stormconnect-header") == '{"AccountId": 1}'
    )
    assert replayed[3].full_body() == b"[" + b" " * (REQUEST_BODY_LIMIT + 100_000) + b"]"
    assert replayed[4].retried and replayed[4].status == 429
    assert replayed[0].auth == "bearer-other"


def test_the_recorder_writes_the_cassette_and_keeps_retried_answers_out_of_the_chain(tmp_path: Path) -> None:
    recorder = Recorder()
    recorder.cassette = CassetteLog(part_path(tmp_path, "r", "main"), "main")
    recorder.register_secret("access_token", TOKEN)
    recorder.start_test("contracts/suite/test_x.py::test_y", "test_y")
    throttled = _exchange(
        "https://t.example/commerce/customer/1.1/GetCustomer", headers={}, status=429, retried=True
    )
    final = _exchange(
        "https://t.example/commerce/customer/1.1/GetCustomer", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    recorder.note_exchange(throttled, b"{}")
    recorder.note_exchange(final, b'{"Id": 1}')
    assert list(recorder.test.exchanges) == [final]
    recorder.close()
    merge_cassette(tmp_path, "r", tmp_path / "c.har", {})
    entries = read_cassette(tmp_path / "c.har").entries
    assert [(entry.status, entry.retried, entry.auth) for entry in entries] == [
        (429, True, "none"),
        (200, False, "bearer-run"),
    ]
    assert entries[1].answer == b'{"Id": 1}' and entries[1].test == "contracts/suite/test_x.py::test_y"


def test_a_recording_masks_secret_strings_and_keeps_the_json_type_of_the_rest() -> None:
    from contracts.transport.redact import Pseudonyms, redact_json_value

    body = {"Accounts": [{"Password": 12345, "LoginName": "a"}, {"Password": "s3cret", "Token": ["t1", 2]}]}
    masked = redact_json_value(body, Pseudonyms("gw0"))
    assert masked == {
        "Accounts": [
            {"Password": 12345, "LoginName": "a"},  # a number is no secret, and its type is what was judged
            {"Password": "[REDACTED:gw0-1]", "Token": ["[REDACTED:gw0-2]", 2]},
        ]
    }
    assert redact_json_value(body)["Accounts"][0]["Password"] == "[REDACTED]"  # reports hide anything
