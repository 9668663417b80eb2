"""``ConnectService``: the Connect 4.0 operations over the domain, for the HTTP layer.

``import_customers``/``import_companies`` parse and check the header, read the body, run initial validation,
record a job and hand it to the runner; they return the JobResponse dict. Any ``DomainError`` raised on the
way (header rule, malformed/oversized/forbidden body) leaves the state unchanged and creates no job.

Conforming variants (emulator/variants.py) acting here: header-rules-async (a refused header becomes a job
that fails every item), empty-import-refused, no-body-limit, docs-sample-zero-ids; the header, validation and
job code get the same `Variants` for theirs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from emulator.faults import Faults
from emulator.variants import Variants

from .body import FRONT_END_MAX_BODY_BYTES, MAX_BODY_BYTES, EntityName, parse_import_body
from .enums import enum_members
from .errors import BodyMalformed, DomainError, HeaderRuleViolation
from .header import CustomerHeader, Operation, is_xml_media_type, parse_customer_header
from .jobs import JobRunner, Timing
from .store import Store
from .validation import ValidatedImport, validate_import

JOB_CREATED_STATUS = "Created"
JOB_CREATED_DESCRIPTION = "Job created"


NO_HEADER = CustomerHeader(0, frozenset(), frozenset(), frozenset())
# Seeded header faults acting here: the body read by a misread SerializationType (_body_media).
BODY_MEDIA_FAULTS = ("hdr-serialization-type-json-read-as-xml", "hdr-serialization-type-xml-read-as-json")
# Relation lists whose entries are matched Id -> Code -> ... like the item itself (docs-sample-zero-ids).
RELATION_LISTS = ("Companies", "Customers")


class ConnectService:
    def __init__(
        self,
        store: Store,
        faults: Faults,
        jobs: JobRunner | None = None,
        timing: Timing = "background",
        variants: Variants | None = None,
    ) -> None:
        self.store = store
        self.faults = faults
        self.variants = variants if variants is not None else Variants()
        self.jobs = jobs if jobs is not None else JobRunner(store, faults, timing, self.variants)

    def import_customers(
        self, header_value: str | None, content_type: str | None, body: bytes
    ) -> dict[str, Any]:
        return self._import("ImportCustomers", "Customer", header_value, content_type, body)

    def import_companies(
        self, header_value: str | None, content_type: str | None, body: bytes
    ) -> dict[str, Any]:
        return self._import("ImportCompanies", "Company", header_value, content_type, body)

    def _import(
        self,
        operation: Operation,
        entity: EntityName,
        header_value: str | None,
        content_type: str | None,
        body: bytes,
    ) -> dict[str, Any]:
        if (
            operation == "ImportCompanies"
            and not (header_value or "").strip()
            and self.faults.is_on("import-companies-header-optional")
        ):
            # a regression defaulting a missing header to one that lists every company field
            every_field = frozenset(enum_members("CompanyField"))
            default = replace(NO_HEADER, account_id=1, company_fields=every_field)
            items = self._parse(body, content_type, entity) if body.strip() else []
            return self._accepted(validate_import(operation, default, items, self.faults, self.variants))
        try:
            header = parse_customer_header(
                header_value,
                operation,
                content_type,
                has_payload=bool(body.strip()),
                faults=self.faults,
                variants=self.variants,
            )
        except HeaderRuleViolation as violation:
            if not self.variants.is_on("header-rules-async"):
                raise
            return self._accepted(self._refused(operation, entity, violation, content_type, body))
        items = self._read_items(header, body, content_type, entity)
        if not items and self.variants.is_on("empty-import-refused"):
            raise DomainError("NoItems", "The import holds no items.")
        if self.variants.is_on("docs-sample-zero-ids"):
            items = [_without_zero_ids(item) for item in items]
        _seeded_crashes(self.faults, body, content_type, items)
        return self._accepted(validate_import(operation, header, items, self.faults, self.variants))

    def _accepted(self, validated: ValidatedImport) -> dict[str, Any]:
        job_id = self.jobs.create_job(validated)
        self.jobs.submit(job_id, validated)
        return {
            "StatusCode": JOB_CREATED_STATUS,
            "Description": JOB_CREATED_DESCRIPTION,
            "JobId": str(job_id),
            "ValidationSummary": validated.summary(self.faults, self.variants),
        }

    def _refused(
        self,
        operation: Operation,
        entity: EntityName,
        violation: HeaderRuleViolation,
        content_type: str | None,
        body: bytes,
    ) -> ValidatedImport:
        """header-rules-async (Q7): the header is judged by the job, which fails every item the body holds.
        An unreadable body is still refused at once (that is not a header rule)."""
        items = self._parse(body, content_type, entity) if body.strip() else []
        refusal = f"the X-StormConnect-Header breaks {violation.rule_id}: {violation.message}"
        return ValidatedImport(operation, NO_HEADER, len(items), items=items, refusal=refusal)

    def _parse(self, body: bytes, content_type: str | None, entity: EntityName) -> list[Any]:
        limit = FRONT_END_MAX_BODY_BYTES if self.variants.is_on("no-body-limit") else MAX_BODY_BYTES
        return parse_import_body(body, content_type, entity, limit, self.faults)

    def _read_items(
        self, header: CustomerHeader, body: bytes, content_type: str | None, entity: EntityName
    ) -> list[Any]:
        if (
            header.storage_name
            and not body.strip()
            and self.faults.is_on("hdr-storage-no-payload-not-enforced")
        ):
            return []
        try:
            return self._parse(body, self._body_media(header, content_type), entity)
        except BodyMalformed:
            if self.faults.is_on("malformed-body-returns-200"):
                return []
            raise

    def _body_media(self, header: CustomerHeader, content_type: str | None) -> str | None:
        """The body is read by its Content-Type; two faults read it by a misread SerializationType instead."""
        if header.serialization_type == 0 and self.faults.is_on("hdr-serialization-type-json-read-as-xml"):
            return "application/xml"
        if header.serialization_type == 1 and self.faults.is_on("hdr-serialization-type-xml-read-as-json"):
            return "application/json"
        return content_type

    def get_job(self, job_id: int) -> dict[str, Any] | None:
        return self.jobs.get_job(job_id)

    def get_job_log(self, job_id: int) -> list[dict[str, Any]]:
        return self.jobs.get_job_log(job_id)

    def list_jobs(self) -> list[dict[str, Any]]:
        return self.jobs.list_jobs()


def _without_zero_ids(item: Any) -> Any:
    """docs-sample-zero-ids: `"Id": 0` (the docs' sample placeholder) means no id, on the item and on the
    entries of its relation lists, so matching goes on by Code, then EmailAddress / OrganizationNo."""
    if not isinstance(item, dict):
        return item
    cleaned = {key: value for key, value in item.items() if not (key == "Id" and _is_zero(value))}
    for key in RELATION_LISTS:
        if isinstance(cleaned.get(key), list):
            cleaned[key] = [_without_zero_ids(entry) for entry in cleaned[key]]
    return cleaned


def _is_zero(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == 0


LONG_CODE = 255


def _seeded_crashes(faults: Faults, body: bytes, content_type: str | None, items: list[Any]) -> None:
    """robust-500-* faults: inputs a regressed release fails on with an unhandled exception (a 500)."""
    if not faults.on:
        return
    if not items and faults.is_on("robust-500-on-empty-array"):
        raise RuntimeError("seeded fault robust-500-on-empty-array")
    if (
        is_xml_media_type(content_type)
        and body.startswith(b"\xef\xbb\xbf")
        and faults.is_on("robust-500-on-xml-bom")
    ):
        raise RuntimeError("seeded fault robust-500-on-xml-bom")
    objects = [item for item in items if isinstance(item, dict)]
    if faults.is_on("robust-500-on-long-code") and any(
        len(str(i.get("Code") or "")) > LONG_CODE for i in objects
    ):
        raise RuntimeError("seeded fault robust-500-on-long-code")
    if faults.is_on("robust-500-on-non-ascii-name"):
        names = (i.get(key) for i in objects for key in ("FirstName", "Name"))
        if any(isinstance(name, str) and not name.isascii() for name in names):
            raise RuntimeError("seeded fault robust-500-on-non-ascii-name")
