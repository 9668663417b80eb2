"""Redaction in one place, and a scan proving no secret reaches the written reports."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from contracts.transport.auth import AuthSession, TokenProvider
from contracts.transport.client import NorceClient
from contracts.transport.guard import WriteGuard
from contracts.transport.redact import (
    REDACTED,
    redact_body,
    redact_header_value,
    redact_headers,
    redact_text,
    redact_url,
    scan_for_secrets,
)
from tests.unit.targets.fakes import CREDENTIALS, FakeClock, FakeNorce, tenant_target


def test_headers_and_urls() -> None:
    headers = redact_headers({"Authorization": "Bearer abc", "application-id": "42", "X-Client-Secret": "s"})
    assert headers == {"Authorization": REDACTED, "application-id": "42", "X-Client-Secret": REDACTED}
    url = redact_url("https://user:pw@x.lab/Login?loginName=bob&password=hunter22&access_token=t0k")
    assert "pw" not in url and "hunter22" not in url and "t0k" not in url and "loginName=bob" in url


def test_json_xml_form_bodies_and_text() -> None:
    body = json.dumps({"Accounts": [{"LoginName": "bob", "Password": "hunter22"}], "client_secret": "cs"})
    redacted = json.loads(redact_body(body, "application/json"))
    assert redacted["Accounts"][0] == {"LoginName": "bob", "Password": REDACTED}
    assert redacted["client_secret"] == REDACTED
    xml = (
        '<Customer><Account Password="p1"><LoginName>bob</LoginName>'
        "<Password>hunter22</Password></Account></Customer>"
    )
    assert "hunter22" not in redact_body(xml, "application/xml") and "p1" not in redact_body(xml, None)
    assert "<LoginName>bob</LoginName>" in redact_body(xml, "application/xml")
    form = "grant_type=client_credentials&client_id=me&client_secret=s3cret"
    assert redact_body(form, "application/x-www-form-urlencoded") == (
        f"grant_type=client_credentials&client_id=me&client_secret={REDACTED}"
    )
    assert redact_text("got Bearer eyJ.abc.def and Basic QWxh=", secrets=["plainsecret"]) == (
        f"got Bearer {REDACTED} and Basic {REDACTED}"
    )
    assert redact_text("value plainsecret here", secrets=["plainsecret"]) == f"value {REDACTED} here"
    header = '{"AccountId":1,"Password":"x1y2"}'
    assert "x1y2" not in redact_header_value("X-StormConnect-Header", header)


def test_scan_finds_secrets_by_label_without_printing_them(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "log.txt").write_text("line one\nleaked s3cr3t-client-value here\n")
    (tmp_path / "clean.txt").write_text("nothing\n")
    findings = scan_for_secrets([tmp_path], {"NORCE_CLIENT_SECRET": "s3cr3t-client-value", "short": "ab"})
    assert [(Path(f.path).name, f.line, f.secret_label) for f in findings] == [
        ("log.txt", 2, "NORCE_CLIENT_SECRET")
    ]
    assert "s3cr3t-client-value" not in str(findings[0])


def test_a_recorded_session_leaks_no_secret(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = FakeNorce(clock)
    target = tenant_target()
    tokens = TokenProvider(
        target.token_url,
        CREDENTIALS,
        http=httpx.Client(transport=fake.transport),
        clock=clock,
        sleep=clock.sleep,
    )
    client = NorceClient(
        target,
        AuthSession(CREDENTIALS, tokens),
        WriteGuard(target, allow_writes=True),
        transport=fake.transport,
        clock=clock,
    )
    response = client.call("GetCustomerByCode", params={"code": "x", "password": "hunter22"})
    report = tmp_path / "report.txt"
    lines = [str(record) for record in client.records] + [client.curl(response.request)]
    report.write_text("\n".join(lines))
    secrets = {"secret": CREDENTIALS.client_secret or "", "token": "tok-1", "password": "hunter22"}
    assert scan_for_secrets([tmp_path], secrets) == []
    assert "GetCustomerByCode" in report.read_text()
