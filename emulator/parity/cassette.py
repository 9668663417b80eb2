"""A recorded run as the replay needs it: the HAR 1.2 entries `norce-contracts run --record` writes.

Plain HAR files from elsewhere (a browser, a proxy) read too: an entry without the `_` extensions is taken as
sent with the run's own credentials, by its URL's order in the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class CassetteError(ValueError):
    """The file is not a HAR cassette the replay can read."""


@dataclass(frozen=True)
class BodyCut:
    """A body too long to keep whole: its size, its tail and the byte its middle repeats (None: unknown)."""

    size: int
    tail: bytes
    fill: int | None


@dataclass(frozen=True)
class Entry:
    index: int  # 1-based position in the cassette
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    body_cut: BodyCut | None
    status: int  # 0: no answer (see error)
    answer_headers: tuple[tuple[str, str], ...]
    answer_type: str
    answer: bytes | None  # None: the recording kept only its size
    answer_size: int
    operation: str
    test: str = ""
    worker: str = ""
    started: float = 0.0
    elapsed_ms: float = 0.0
    auth: str = "bearer-run"
    credential: str = ""  # a pseudonym of the credential: one token, one pseudonym (the probe's age)
    retried: bool = False
    folded: bool = False
    error: str | None = None

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def answer_header(self, name: str) -> str | None:
        return next((value for key, value in self.answer_headers if key.lower() == name.lower()), None)

    def full_body(self) -> bytes | None:
        """The body as sent, or None when the recording cannot stand for it."""
        cut = self.body_cut
        if cut is None:
            return self.body
        middle = cut.size - len(self.body) - len(cut.tail)
        if middle < 0:
            return (self.body + cut.tail[-middle:])[: cut.size]
        if middle == 0:
            return self.body + cut.tail
        if cut.fill is None:
            return None
        return self.body + bytes([cut.fill]) * middle + cut.tail


@dataclass(frozen=True)
class Cassette:
    entries: tuple[Entry, ...]
    meta: dict[str, Any] = field(default_factory=dict)  # the log's `_norce`: base URLs, application id, seed


def _bytes(text: str, encoding: str | None) -> bytes:
    return text.encode("latin-1" if encoding == "latin-1" else "utf-8")


def _pairs(items: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(items, list):
        return ()
    return tuple(
        (str(item.get("name", "")), str(item.get("value", ""))) for item in items if isinstance(item, dict)
    )


def entry_of(index: int, raw: dict[str, Any]) -> Entry:
    request = raw.get("request")
    response = raw.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        raise CassetteError(f"entry {index} has no request or response")
    post = request.get("postData") if isinstance(request.get("postData"), dict) else {}
    assert isinstance(post, dict)
    body = _bytes(str(post.get("text", "")), post.get("_encoding"))
    cut_data = post.get("_bodyCut")
    cut = None
    if isinstance(cut_data, dict):
        fill = cut_data.get("fill")
        cut = BodyCut(
            int(cut_data.get("size", len(body))),
            _bytes(str(cut_data.get("tail", "")), cut_data.get("tailEncoding")),
            int(fill) if isinstance(fill, int) else None,
        )
    content = response.get("content") if isinstance(response.get("content"), dict) else {}
    assert isinstance(content, dict)
    answer = _bytes(str(content["text"]), content.get("_encoding")) if "text" in content else None
    if answer is None and int(content.get("size") or 0) == 0:
        answer = b""
    return Entry(
        index=index,
        method=str(request.get("method", "GET")).upper(),
        url=str(request.get("url", "")),
        headers=_pairs(request.get("headers")),
        body=body,
        body_cut=cut,
        status=int(response.get("status") or 0),
        answer_headers=_pairs(response.get("headers")),
        answer_type=str(content.get("mimeType") or ""),
        answer=answer,
        answer_size=int(content.get("size") or 0),
        operation=str(raw.get("_operation") or ""),
        test=str(raw.get("_test") or ""),
        worker=str(raw.get("_worker") or ""),
        started=float(raw.get("_started") or 0.0),
        elapsed_ms=float(raw.get("time") or 0.0),
        auth=str(raw.get("_auth") or "bearer-run"),
        credential=str(raw.get("_credential") or ""),
        retried=bool(raw.get("_retried")),
        folded=bool(raw.get("_folded")),
        error=str(raw["_error"]) if raw.get("_error") else None,
    )


def read_cassette(path: Path) -> Cassette:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CassetteError(f"cannot read {path}: {error.strerror or error}") from None
    except ValueError:
        raise CassetteError(f"{path} is not JSON (a HAR 1.2 file is)") from None
    log = document.get("log") if isinstance(document, dict) else None
    if not isinstance(log, dict) or not isinstance(log.get("entries"), list):
        raise CassetteError(f"{path} is not a HAR file (no log.entries)")
    entries = tuple(entry_of(number, raw) for number, raw in enumerate(log["entries"], start=1))
    meta = log.get("_norce") if isinstance(log.get("_norce"), dict) else {}
    assert isinstance(meta, dict)
    return Cassette(entries, meta)
