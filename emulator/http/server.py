"""The uvicorn HTTP/1.1 protocol the emulator is served with: h11, plus Kestrel's refusal of obs-fold.

A header value with a line break can only cross HTTP/1.1 as obs-fold (CRLF followed by SP/HTAB, RFC 9112
§5.2). h11 silently joins such a continuation into one line, so the app would never see the break. Norce runs
on .NET (Kestrel/HTTP.sys), which rejects obs-fold with 400, and the docs require the X-StormConnect-Header to
be one line (HDR-ONE-LINE). `NorceH11Protocol` therefore reads each request head *before* h11 parses it and
answers a folded head itself with 400 and a Norce ErrorMessage. Use it with `uvicorn.Config(http=...)`.

Three conforming variants (emulator/variants.py) change this where the docs leave the server side open:
obs-fold-unfolded lets h11 unfold the header into one line (RFC 9112 §5.2), obs-fold-plain-text-400 refuses
it with a text/plain body, as a front end would, and reset-malformed resets the connection (no answer).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from emulator.domain.ids import format_timestamp
from emulator.faults import Faults
from emulator.http.errors import error_message_body
from emulator.variants import Variants

PROTOCOL_IMPORT_STRING = "emulator.http.server:NorceH11Protocol"
ONE_LINE_FAULT = "hdr-one-line-not-enforced"
HEADER_CASE_FAULT = "header-name-case-sensitive"
STORM_CONNECT_HEADER = b"x-stormconnect-header"
# The spelling a server that matched the header name case-sensitively would read (the ImportCompanies page's).
EXACT_SPELLING = b"X-StormConnect-Header"
CONNECT_HEADER_LINE = re.compile(rb"(\n)(x-stormconnect-header)([ \t]*:)", re.IGNORECASE)
HEAD_END = re.compile(rb"\r?\n\r?\n")
# A line inside the head that starts with SP/HTAB continues the line before it (obs-fold).
FOLD = re.compile(rb"\r?\n[ \t]")


def folded_field(head: bytes) -> bytes | None:
    """The (lower-cased) name of the first header field continued by obs-fold in `head`, else None.

    `head` is the request head without its terminating blank line; the request line is never folded.
    """
    fold = FOLD.search(head)
    if fold is None:
        return None
    line_start = head.rfind(b"\n", 0, fold.start()) + 1
    name, _, _ = head[line_start : fold.start()].partition(b":")
    return name.strip().lower()


def _runtime_member(app: object, name: str) -> object:
    """A member of the runtime of the emulator behind `app`. uvicorn serves the app wrapped in middlewares (a
    test may wrap it too), each keeping what it wraps in `.app`, down to the Starlette app whose state holds
    the runtime."""
    for _ in range(16):
        member = getattr(getattr(getattr(app, "state", None), "runtime", None), name, None)
        if member is not None:
            return member
        app = getattr(app, "app", None)
        if app is None:
            break
    return None


def faults_of(app: object) -> Faults | None:
    """The faults of the emulator behind `app`."""
    faults = _runtime_member(app, "faults")
    return faults if isinstance(faults, Faults) else None


def variants_of(app: object) -> Variants | None:
    """The variants of the emulator behind `app`."""
    variants = _runtime_member(app, "variants")
    return variants if isinstance(variants, Variants) else None


def unread_other_spellings(data: bytes) -> bytes:
    """header-name-case-sensitive: the request head with the Connect header renamed unless it is spelled
    exactly X-StormConnect-Header, so the app never sees it (HTTP field names are case-insensitive; uvicorn
    hands the app lower-cased names, so the spelling is only seen here). Only the head is changed."""
    end = HEAD_END.search(data)
    head, rest = (data, b"") if end is None else (data[: end.start()], data[end.start() :])

    def rename(match: re.Match[bytes]) -> bytes:
        if match.group(2) == EXACT_SPELLING:
            return match.group(0)
        return match.group(1) + b"X-Unread-" + match.group(2) + match.group(3)

    return CONNECT_HEADER_LINE.sub(rename, head) + rest


def one_line_error(field_name: bytes, timestamp: str) -> tuple[str, bytes]:
    """(ErrorMessage key, JSON body) for a folded header; HDR-ONE-LINE when it is the Connect header."""
    name = field_name.decode("latin-1")
    if field_name == STORM_CONNECT_HEADER:
        key, message = "HDR-ONE-LINE", "X-StormConnect-Header must be a single line (no line breaks)"
    else:
        key, message = "BadRequest", f"header {name!r} continues on a new line (obs-fold is not accepted)"
    body = error_message_body(400, key, message, timestamp)
    return key, json.dumps(body).encode()


class NorceH11Protocol(H11Protocol):
    """uvicorn's h11 protocol that refuses obs-fold in a request head with 400 + ErrorMessage.

    The head of each request is collected from the raw bytes while h11 waits for a new request (their state
    IDLE/DONE). Limitation: a request pipelined behind a body in the same TCP read is not inspected.
    """

    _head: bytearray | None = None
    _faults: Faults | None = None
    _variants: Variants | None = None

    def _switches(self) -> tuple[Faults, Variants]:
        if self._faults is None:  # once per connection; the sets themselves are replaced in place at run time
            self._faults = faults_of(self.app) or Faults()
            self._variants = variants_of(self.app) or Variants()
        assert self._variants is not None
        return self._faults, self._variants

    def _refuses_folds(self) -> bool:
        faults, variants = self._switches()
        return not faults.is_on(ONE_LINE_FAULT) and not variants.is_on("obs-fold-unfolded")

    def data_received(self, data: bytes) -> None:
        if self._head is None and self.conn.their_state in (h11.IDLE, h11.DONE):
            self._head = bytearray()
            if self._switches()[0].is_on(HEADER_CASE_FAULT):  # a head split over reads keeps its later part
                data = unread_other_spellings(data)
        if self._head is not None:
            self._head += data
            end = HEAD_END.search(self._head)
            head = bytes(self._head if end is None else self._head[: end.start()])
            if end is not None:
                self._head = None
            field_name = folded_field(head)
            if field_name is not None and self._refuses_folds():
                self._head = None
                self._refuse_folded(field_name)
                return
        super().data_received(data)

    def _refuse_folded(self, field_name: bytes) -> None:
        """Write the 400 directly (h11 has not seen the request) and close, like Kestrel does; with
        reset-malformed, reset the connection instead, as a front end that cannot parse the head may."""
        if self._variants is not None and self._variants.is_on("reset-malformed"):
            self.logger.info("reset a connection whose request head holds obs-fold in %r", field_name)
            self.transport.abort()  # RST: no HTTP answer at all
            return
        _, body = one_line_error(field_name, format_timestamp(datetime.now(UTC)))
        content_type = b"application/json; charset=utf-8"
        if self._variants is not None and self._variants.is_on("obs-fold-plain-text-400"):
            body, content_type = b"Bad Request - Invalid Header", b"text/plain; charset=us-ascii"
        head = (
            b"HTTP/1.1 400 Bad Request\r\n"
            b"content-type: " + content_type + b"\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n"
            b"connection: close\r\n\r\n"
        )
        self.logger.info("refused a request head with obs-fold in %r", field_name)
        self.transport.write(head + body)
        self.transport.close()
