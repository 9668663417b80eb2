"""One place for redaction: headers, URLs, JSON/XML/form bodies, free text; plus a scanner for leaked secrets.

Everything the suite writes (reports, curl snippets, request logs, ledger) passes through here, so a secret
never depends on each writer remembering which fields are sensitive.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "[REDACTED]"
# What a secret value is replaced with: REDACTED by default; a recorded run (`--record`) uses `Pseudonyms`,
# so that two different passwords stay different and one password sent twice stays the same (a replay of
# the cassette logs in with the password it created the account with, and fails with a wrong one).
Mask = Callable[[str], str]


def _fixed(_value: str) -> str:
    return REDACTED


@dataclass
class Pseudonyms:
    """A stand-in per distinct secret value: `[REDACTED:<scope>-<n>]`, numbered in order of first sight.

    Only the numbering is kept (in memory, never written), so the stand-in says nothing about the value."""

    scope: str = "s"
    _numbers: dict[str, int] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, value: str) -> str:
        if value == "" or value.startswith("[REDACTED"):
            return value  # nothing to hide (an empty password is sent as such), or already hidden
        with self._lock:
            number = self._numbers.setdefault(value, len(self._numbers) + 1)
        return f"[REDACTED:{self.scope}-{number}]"


# Names (header, query, JSON/XML/form keys) whose value is a secret. Matched case-insensitively on the whole
# name after removing '-' and '_', plus the substring markers below.
SENSITIVE_NAMES = frozenset(
    {
        "authorization",
        "proxyauthorization",
        "cookie",
        "setcookie",
        "clientsecret",
        "accesstoken",
        "refreshtoken",
        "idtoken",
        "password",
        "oldpassword",
        "newpassword1",
        "newpassword2",
        "secretkey",
        "apikey",
    }
)
SENSITIVE_MARKERS = ("secret", "password", "passwd", "token", "credential")

_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")


def is_sensitive_name(name: str) -> bool:
    normalized = name.lower().replace("-", "").replace("_", "")
    return normalized in SENSITIVE_NAMES or any(marker in normalized for marker in SENSITIVE_MARKERS)


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: (REDACTED if is_sensitive_name(name) else value) for name, value in items}


def redact_url(url: str, mask: Mask = _fixed) -> str:
    """Hide userinfo and sensitive query values; keep everything else readable."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, mask(v) if is_sensitive_name(k) else v) for k, v in pairs], safe="[]")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_json_value(value: Any, mask: Mask = _fixed) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                _masked(v, mask)
                if is_sensitive_name(str(k)) and v is not None
                else redact_json_value(v, mask)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_json_value(v, mask) for v in value]
    return value


def _masked(value: Any, mask: Mask) -> Any:
    """A sensitive member's value hidden. With the plain mask anything is hidden whole; a recording's mask
    keeps the JSON type (a replay must send what the run sent, and a server judges a password given as a
    number differently): its strings are hidden, numbers and booleans are no secrets and stay."""
    if mask is _fixed:
        return REDACTED
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [_masked(item, mask) for item in value]
    if isinstance(value, dict):
        return {key: _masked(item, mask) for key, item in value.items()}
    return value


_XML_ELEMENT = re.compile(
    r"<(?P<tag>(?:[\w.-]+:)?(?P<local>[\w.-]+))(?P<attrs>[^>]*)>(?P<text>[^<]*)</(?P=tag)>"
)
_XML_ATTRIBUTE = re.compile(r"(?P<name>[\w.:-]+)\s*=\s*(?P<quote>[\"'])(?P<value>.*?)(?P=quote)")


def redact_xml_text(text: str, mask: Mask = _fixed) -> str:
    """Blank leaf elements and attributes with sensitive names (a regex, so broken XML works too)."""

    def element(match: re.Match[str]) -> str:
        if not is_sensitive_name(match.group("local")) or not match.group("text"):
            return match.group(0)
        hidden = mask(match.group("text"))
        return f"<{match.group('tag')}{match.group('attrs')}>{hidden}</{match.group('tag')}>"

    def attribute(match: re.Match[str]) -> str:
        local = match.group("name").rsplit(":", 1)[-1]
        if local.startswith("xmlns") or not is_sensitive_name(local):
            return match.group(0)
        hidden = mask(match.group("value"))
        return f"{match.group('name')}={match.group('quote')}{hidden}{match.group('quote')}"

    return _XML_ATTRIBUTE.sub(attribute, _XML_ELEMENT.sub(element, text))


def redact_form_text(text: str, mask: Mask = _fixed) -> str:
    pairs = parse_qsl(text, keep_blank_values=True)
    return urlencode([(k, mask(v) if is_sensitive_name(k) else v) for k, v in pairs], safe="[]")


def redact_body(body: bytes | str | None, content_type: str | None = None, mask: Mask = _fixed) -> str:
    """Render a body as text with secrets removed, choosing the parser from the content type (or sniffing)."""
    if body is None:
        return ""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    media = (content_type or "").split(";")[0].strip().lower()
    stripped = text.lstrip()
    if media.endswith("json") or (not media and stripped[:1] in "[{"):
        try:
            return json.dumps(redact_json_value(json.loads(text), mask), ensure_ascii=False)
        except ValueError:
            return redact_text(text)
    if media == "application/x-www-form-urlencoded":
        return redact_form_text(text, mask)
    if media.endswith("xml") or stripped.startswith("<"):
        return redact_xml_text(text, mask)
    return redact_text(text)


def redact_header_value(name: str, value: str, mask: Mask = _fixed) -> str:
    """A header whose *value* is structured (the X-StormConnect-Header) may itself hold secrets."""
    if is_sensitive_name(name):
        return REDACTED
    stripped = value.lstrip()
    if stripped.startswith(("{", "[", "<")):
        return redact_body(value, mask=mask)
    return value


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Free text (log lines, exception messages): Bearer/Basic credentials and any known secret values."""
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


@dataclass(frozen=True)
class SecretFinding:
    """A known secret found in a file: where it is, never the secret itself."""

    path: str
    line: int
    secret_label: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: contains {self.secret_label}"


def scan_for_secrets(
    paths: Iterable[str | Path], secrets: Mapping[str, str] | Iterable[str]
) -> list[SecretFinding]:
    """Look for the literal secret values in every file under `paths` (recursively).

    `secrets` maps a label (e.g. "NORCE_CLIENT_SECRET") to its value; a plain iterable gets numbered labels.
    Values shorter than 4 characters are ignored, they would match everything.
    """
    labelled = (
        dict(secrets) if isinstance(secrets, Mapping) else {f"secret#{i}": s for i, s in enumerate(secrets)}
    )
    needles = {label: value for label, value in labelled.items() if value and len(value) >= 4}
    findings: list[SecretFinding] = []
    for root in paths:
        root_path = Path(root)
        files = sorted(p for p in root_path.rglob("*") if p.is_file()) if root_path.is_dir() else [root_path]
        for file in files:
            if not file.exists():
                continue
            text = file.read_bytes().decode("utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), start=1):
                for label, value in needles.items():
                    if value in line:
                        findings.append(SecretFinding(str(file), number, label))
    return findings
