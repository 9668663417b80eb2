"""A recorded run (`norce-contracts run --record PATH`): every exchange of the run as a HAR 1.2 cassette.

`norce-emulator parity PATH` replays it against a fresh emulator and reports where the two differ, so any
tenant run doubles as a fidelity report of the emulator. HAR is the browsers' and proxies' format: the
cassette opens in any HAR viewer.

Every process (the controller, each xdist worker) appends its entries as JSON lines to its own part file
under the report directory; the controller merges the parts at session end into one HAR file ordered by
start time (`_started`, then the worker and its sequence number), the way `events.py` merges events.

Secrets never reach the file: credentials in headers are replaced by `[REDACTED]` and classified in
`_auth` (the run's bearer token, its legacy Basic pair, the expiry probe's token, another credential or
none), so a replay can stand in its own; sensitive members of bodies, query strings and forms (passwords,
secrets, tokens) by a pseudonym per value (`contracts.transport.redact.Pseudonyms`), so that one password
sent twice is still one password and a wrong one is still wrong; known secret values anywhere by
`[REDACTED]`. The run's secret scan covers the cassette.

HAR extensions (HAR 1.2 allows custom fields that start with `_`): per entry `_operation`, `_test`,
`_worker`, `_seq`, `_started` (epoch seconds), `_auth`, `_credential` (a pseudonym per credential),
`_retried` (an answer the client waited out and sent again: 429, a gateway's 503, a 401 before a token
refresh), `_folded` (headers sent as obs-fold), `_error` (no answer: the network error), `_bodyCut` (a body
too large to keep whole: its size, tail and the byte its middle repeats), `_encoding` on a body that is not
UTF-8 (`latin-1`: each byte one character); on the log `_norce` (the target's base URLs and application
id, the seed).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlsplit

from contracts.transport.exchange import REQUEST_BODY_LIMIT, Exchange
from contracts.transport.redact import (
    REDACTED,
    Pseudonyms,
    is_sensitive_name,
    redact_form_text,
    redact_json_value,
    redact_text,
    redact_url,
    redact_xml_text,
)

HAR_VERSION = "1.2"
CREATOR = {"name": "norce-contracts", "version": "0.1.0"}
PART_SUFFIX = ".har.jsonl"
MAX_ANSWER_TEXT = 2_000_000  # larger answers keep their size and type, not their text (as observations do)
AUTH_HEADER = "authorization"
RUN_TOKEN_LABEL = "access_token"
PROBE_TOKEN_LABEL = "expiry_probe_token"
BASIC_LABEL = "basic credential"  # contracts.reports.plugin.configured_secrets


def part_path(report_dir: Path, run_token: str, worker: str) -> Path:
    return report_dir / ".norce-cassette" / f"{run_token}-{worker}{PART_SUFFIX}"


def credential_kind(
    headers: Iterable[tuple[str, str]], secrets: Mapping[str, str], basic: Iterable[str] = ()
) -> str:
    """What the request's Authorization held, without the value: `bearer-run` (a token the run was given),
    `bearer-probe` (the expiry probe's), `basic-run` (the configured Basic pair, `basic`: its encodings),
    `bearer-other` / `basic-other` (anything else: a wrong credential a test sends on purpose), `other`, or
    `none`. A value may be registered under several labels (the Schemathesis hook registers every credential
    it sees): the token endpoint's label decides."""
    value = next((v for k, v in headers if k.lower() == AUTH_HEADER), None)
    if value is None:
        return "none"
    scheme, _, credential = value.strip().partition(" ")
    credential = credential.strip()
    labels = {label.split("#", 1)[0] for label, secret in secrets.items() if secret == credential}
    if scheme.lower() == "bearer":
        if RUN_TOKEN_LABEL in labels:
            return "bearer-run"
        return "bearer-probe" if PROBE_TOKEN_LABEL in labels else "bearer-other"
    if scheme.lower() == "basic":
        return "basic-run" if credential in set(basic) else "basic-other"
    return "other"


def _text_of(raw: bytes) -> tuple[str, str | None]:
    """Body bytes as HAR text: UTF-8 when they are, else latin-1 (each byte one character) and said so."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def redacted_body(text: str, media_type: str, mask: Pseudonyms, secrets: Iterable[str]) -> str:
    """A body with its secrets hidden, and otherwise byte for byte as sent (a replay sends it again): a JSON
    body is rewritten only when it holds a sensitive member."""
    media = media_type.split(";")[0].strip().lower()
    stripped = text.lstrip()
    if media.endswith("json") or (not media and stripped[:1] in "[{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        else:
            hidden = redact_json_value(parsed, mask)
            if hidden != parsed:
                text = json.dumps(hidden, ensure_ascii=False)
    elif media == "application/x-www-form-urlencoded":
        if any(is_sensitive_name(name) for name, _ in parse_qsl(text, keep_blank_values=True)):
            text = redact_form_text(text, mask)
    elif media.endswith("xml") or stripped.startswith("<"):
        text = redact_xml_text(text, mask)
    return _known_secrets_hidden(text, secrets)


def _known_secrets_hidden(text: str, secrets: Iterable[str]) -> str:
    """Known secret values anywhere, and Bearer/Basic credentials in free text (redact_text), hidden; text
    without either is left as it is."""
    values = [secret for secret in secrets if secret and secret in text]
    lowered = text.lower()
    if not values and "bearer " not in lowered and "basic " not in lowered:
        return text
    return redact_text(text, values)


def _header_value(name: str, value: str, mask: Pseudonyms, secrets: list[str]) -> str:
    """A credential header becomes REDACTED; a structured value (the X-StormConnect-Header) keeps its bytes
    unless it holds a sensitive member (a replay must send the header exactly as the run did)."""
    if is_sensitive_name(name):
        return REDACTED
    if value.lstrip().startswith(("{", "[", "<")):
        return redacted_body(value, "", mask, secrets)
    return _known_secrets_hidden(value, secrets)


def _headers(pairs: Iterable[tuple[str, str]], mask: Pseudonyms, secrets: list[str]) -> list[dict[str, str]]:
    return [{"name": name, "value": _header_value(name, value, mask, secrets)} for name, value in pairs]


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def har_entry(
    exchange: Exchange,
    answer: bytes,
    *,
    test_id: str,
    worker: str,
    seq: int,
    mask: Pseudonyms,
    secrets: Mapping[str, str],
    basic: Iterable[str] = (),
) -> dict[str, Any]:
    """One exchange as a HAR 1.2 entry, redacted (`basic`: the run's own Basic credential, encoded)."""
    values = [value for value in secrets.values() if value]
    url = _known_secrets_hidden(redact_url(exchange.url, mask), values)
    request_type = next((v for k, v in exchange.request_headers if k.lower() == "content-type"), "")
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(exchange.request_headers, mask, values),
        "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(url).query, True)],
        "headersSize": -1,
        "bodySize": exchange.request_body_length,
    }
    if exchange.request_body_length:
        text, encoding = _text_of(exchange.request_body)
        post: dict[str, Any] = {
            "mimeType": request_type,
            "text": redacted_body(text, request_type, mask, values),
        }
        if encoding:
            post["_encoding"] = encoding
        if exchange.request_body_length > REQUEST_BODY_LIMIT:
            tail, tail_encoding = _text_of(exchange.request_body_tail)
            post["_bodyCut"] = {
                "size": exchange.request_body_length,
                "tail": _known_secrets_hidden(tail, values),
                "tailEncoding": tail_encoding,
                "fill": exchange.request_body_fill,
            }
        request["postData"] = post
    content: dict[str, Any] = {"size": len(answer), "mimeType": exchange.answer_type}
    if answer and len(answer) <= MAX_ANSWER_TEXT:
        text, encoding = _text_of(answer)
        content["text"] = redacted_body(text, exchange.answer_type, mask, values)
        if encoding:
            content["_encoding"] = encoding
    elif answer:
        content["_omitted"] = f"answer of {len(answer)} bytes: only its size and type are kept"
    milliseconds = round(exchange.elapsed * 1000, 3)
    entry: dict[str, Any] = {
        "startedDateTime": _iso(exchange.started or time.time()),
        "time": milliseconds,
        "request": request,
        "response": {
            "status": exchange.status or 0,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _headers(exchange.answer_headers, mask, values),
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(answer) if exchange.status is not None else -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": milliseconds, "receive": 0},
        "_operation": exchange.operation,
        "_test": test_id,
        "_worker": worker,
        "_seq": seq,
        "_started": exchange.started,
        "_auth": credential_kind(exchange.request_headers, secrets, basic),
    }
    credential = next((v for k, v in exchange.request_headers if k.lower() == AUTH_HEADER), None)
    if credential:  # one pseudonym per credential: a replay keeps a probe token's age between its uses
        entry["_credential"] = mask(credential)
    if exchange.retried:
        entry["_retried"] = True
    if exchange.folded:
        entry["_folded"] = True
    if exchange.error:
        entry["_error"] = exchange.error
    return entry


class CassetteLog:
    """One process's part of the cassette: HAR entries (and the run's target) as JSON lines, thread-safe."""

    def __init__(self, path: Path, worker: str, basic: Iterable[str] = ()) -> None:
        self.path = path
        self.worker = worker
        self.basic = frozenset(basic)  # the run's own Basic credential (base64 of id:secret)
        self.mask = Pseudonyms(scope=worker)
        self._seq = 0
        self._lock = threading.Lock()
        self._handle: IO[str] | None = None

    def note_target(self, meta: Mapping[str, Any]) -> None:
        """The target's base URLs and application id (a replay maps them to the emulator's)."""
        self._write({"kind": "meta", "meta": dict(meta)})

    def add(self, exchange: Exchange, answer: bytes, test_id: str, secrets: Mapping[str, str]) -> None:
        with self._lock:
            self._seq += 1
            seq = self._seq
        entry = har_entry(
            exchange,
            answer,
            test_id=test_id,
            worker=self.worker,
            seq=seq,
            mask=self.mask,
            secrets=secrets,
            basic=self.basic,
        )
        self._write({"kind": "entry", "entry": entry})

    def _write(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False)
        with self._lock:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("a", encoding="utf-8")
            self._handle.write(line + "\n")

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def _read_part(path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    meta: dict[str, Any] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a line torn by a crashed worker
        if not isinstance(record, dict):
            continue
        if record.get("kind") == "entry" and isinstance(record.get("entry"), dict):
            entries.append(record["entry"])
        elif record.get("kind") == "meta" and isinstance(record.get("meta"), dict) and not meta:
            meta = record["meta"]
    return entries, meta


def merge_cassette(report_dir: Path, run_token: str, out: Path, run_meta: Mapping[str, Any]) -> int:
    """Merge this run's part files into the HAR file `out` (ordered by start time) and remove the parts;
    returns the number of entries."""
    directory = part_path(report_dir, run_token, "x").parent
    parts = sorted(directory.glob(f"{run_token}-*{PART_SUFFIX}")) if directory.is_dir() else []
    entries: list[dict[str, Any]] = []
    meta: dict[str, Any] = {}
    for part in parts:
        part_entries, part_meta = _read_part(part)
        entries += part_entries
        meta = meta or part_meta
    entries.sort(
        key=lambda e: (float(e.get("_started") or 0), str(e.get("_worker")), int(e.get("_seq") or 0))
    )
    document = {
        "log": {
            "version": HAR_VERSION,
            "creator": CREATOR,
            "pages": [],
            "entries": entries,
            "_norce": {**meta, **run_meta},
        }
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for part in parts:
        part.unlink()
    if directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
    return len(entries)


def read_cassette(path: Path) -> dict[str, Any]:
    """The HAR document of a cassette (ValueError when it is not one)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    log = document.get("log") if isinstance(document, dict) else None
    if not isinstance(log, dict) or not isinstance(log.get("entries"), list):
        raise ValueError(f"{path} is not a HAR file (no log.entries)")
    return dict(document)


def body_bytes(text: str, encoding: str | None) -> bytes:
    """HAR text back to the bytes it stands for."""
    return text.encode("latin-1" if encoding == "latin-1" else "utf-8")
