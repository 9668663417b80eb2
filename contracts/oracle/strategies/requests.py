"""Whole import requests: header x body x media type, and the answer the documented rules expect."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

from hypothesis import strategies as st

from contracts.oracle.enums import (
    company_fields,
    customer_fields,
)
from contracts.oracle.header import (
    IMPORT_CUSTOMERS,
    CustomerHeader,
    import_kind,
)
from contracts.oracle.media import JSON, XML, is_xml_media_type
from contracts.oracle.spec import CONNECT_SPEC, load_spec
from contracts.oracle.strategies.bodies import DEFAULT_RUN_PREFIX, import_items
from contracts.oracle.strategies.headers import (
    header_objects,
    invalid_headers,
    member,
    serializers_for,
    storage_without_payload,
)
from contracts.oracle.xml_write import to_xml as xml_to_bytes

BODY_MEDIA_TYPES = (JSON, XML)

# Fields a new entity needs listed and present (docs/import-semantics.md "Processing").
CUSTOMER_INSERT_FIELDS = tuple(
    member(customer_fields(), n) for n in ("Code", "FirstName", "LastName", "EmailAddress")
)
COMPANY_INSERT_FIELDS = tuple(member(company_fields(), n) for n in ("Code", "Name", "OrganizationNo"))


def encode_body(operation: str, items: list[dict[str, Any]], content_type: str) -> bytes:
    """The wire body: a JSON array, or XML written by `contracts.oracle.xml_write` from the import schema."""
    if not is_xml_media_type(content_type):
        return json.dumps(items, separators=(",", ":")).encode()
    spec = load_spec(CONNECT_SPEC)
    return xml_to_bytes(items, spec.request_schema(import_kind(operation), XML), spec)


def encode_streamed(operation: str, items: list[dict[str, Any]], content_type: str) -> bytes:
    """The items back to back, as the official client streams them (docs/norce-facts.md §4.1 "Body framing",
    Q2): each serialized on its own, JSON objects with no brackets or separators, XML one root element per
    item (a DataContractSerializer writes no declaration before each)."""
    if not is_xml_media_type(content_type):
        return b"".join(json.dumps(item, separators=(",", ":")).encode() for item in items)
    spec = load_spec(CONNECT_SPEC)
    item_schema = spec.resolve(spec.request_schema(import_kind(operation), XML))["items"]
    return b"".join(_without_declaration(xml_to_bytes(item, item_schema, spec)) for item in items)


def _without_declaration(document: bytes) -> bytes:
    return document.split(b"?>", 1)[1] if document.startswith(b"<?xml") else document


@dataclass(frozen=True)
class ImportRequest:
    operation: str
    content_type: str
    header_value: str | None
    items: list[dict[str, Any]]
    body: bytes
    header: CustomerHeader | None = None

    @property
    def headers(self) -> dict[str, str]:
        base = {"Content-Type": self.content_type}
        if self.header_value is not None:
            base["X-StormConnect-Header"] = self.header_value
        return base


@dataclass(frozen=True)
class Expected:
    """What a conformant server answers: 200 + JobResponse counting `items`, or 400 with `rule_id`."""

    status: int
    rule_id: str | None = None
    items: int | None = None


@st.composite
def import_requests(
    draw: st.DrawFn,
    operation: str,
    *,
    run_prefix: str = DEFAULT_RUN_PREFIX,
    media_types: Collection[str] = BODY_MEDIA_TYPES,
    insertable: bool = False,
) -> ImportRequest:
    """Valid requests: header x body x media type. `insertable` lists the fields an insert needs."""
    content_type = draw(st.sampled_from(sorted(media_types)))
    must = (
        (CUSTOMER_INSERT_FIELDS if import_kind(operation) == IMPORT_CUSTOMERS else COMPANY_INSERT_FIELDS)
        if insertable
        else ()
    )
    header = draw(header_objects(operation, content_type, storage=False, must_list=must))
    value: str | None = draw(st.sampled_from(serializers_for(content_type)))(header)
    items = draw(import_items(header, operation, run_prefix=run_prefix))
    return ImportRequest(
        operation, content_type, value, items, encode_body(operation, items, content_type), header
    )


@st.composite
def header_and_body_cases(
    draw: st.DrawFn,
    operation: str,
    *,
    run_prefix: str = DEFAULT_RUN_PREFIX,
    media_types: Collection[str] = BODY_MEDIA_TYPES,
) -> tuple[ImportRequest, Expected]:
    """Valid requests (expect 200 + JobResponse with NrOfItemsInTotal = items) or one broken header rule
    with a valid body (expect 400 + the rule id)."""
    request = draw(import_requests(operation, run_prefix=run_prefix, media_types=media_types))
    outcome = draw(st.sampled_from(["valid", "invalid", "no-payload"]))
    if outcome == "valid":
        return request, Expected(200, None, len(request.items))
    if outcome == "no-payload":  # the one rule that depends on the body: StorageName with nothing inline
        storage_value = draw(storage_without_payload(operation, request.content_type))
        empty = replace(request, header_value=storage_value, header=None, items=[], body=b"")
        return empty, Expected(400, "HDR-STORAGE-NO-PAYLOAD")
    value, rule = draw(invalid_headers(operation, request.content_type))
    return replace(request, header_value=value, header=None), Expected(400, rule)
