"""``ConnectService``: the Connect 4.0 operations over the domain, for the HTTP layer.

``import_customers``/``import_companies`` parse and check the header, read the body, run initial validation,
record a job and hand it to the runner; they return the JobResponse dict. Any ``DomainError`` raised on the
way (header rule, malformed/oversized/forbidden body) leaves the state unchanged and creates no job.
"""

from __future__ import annotations

from typing import Any

from emulator.faults import Faults

from .body import EntityName, parse_import_body
from .errors import BodyMalformed
from .header import CustomerHeader, Operation, is_xml_media_type, parse_customer_header
from .jobs import JobRunner, Timing
from .store import Store
from .validation import validate_import

JOB_CREATED_STATUS = "Created"
JOB_CREATED_DESCRIPTION = "Job created"


class ConnectService:
    def __init__(
        self, store: Store, faults: Faults, jobs: JobRunner | None = None, timing: Timing = "background"
    ) -> None:
        self.store = store
        self.faults = faults
        self.jobs = jobs if jobs is not None else JobRunner(store, faults, timing)

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
        header = parse_customer_header(
            header_value, operation, content_type, has_payload=bool(body.strip()), faults=self.faults
        )
        items = self._read_items(header, body, content_type, entity)
        _seeded_crashes(self.faults, body, content_type, items)
        validated = validate_import(operation, header, items, self.faults)
        job_id = self.jobs.create_job(validated)
        self.jobs.submit(job_id, validated)
        return {
            "StatusCode": JOB_CREATED_STATUS,
            "Description": JOB_CREATED_DESCRIPTION,
            "JobId": str(job_id),
            "ValidationSummary": validated.summary(self.faults),
        }

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
            return parse_import_body(body, content_type, entity)
        except BodyMalformed:
            if self.faults.is_on("malformed-body-returns-200"):
                return []
            raise

    def get_job(self, job_id: int) -> dict[str, Any] | None:
        return self.jobs.get_job(job_id)

    def get_job_log(self, job_id: int) -> list[dict[str, Any]]:
        return self.jobs.get_job_log(job_id)

    def list_jobs(self) -> list[dict[str, Any]]:
        return self.jobs.list_jobs()


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
