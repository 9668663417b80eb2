"""Connect 4.0 handlers: imports (header + body handed to the domain's ConnectService) and the Job service."""

from __future__ import annotations

from emulator.http.bodies import body_limit, read_body
from emulator.http.errors import HttpProblem, ResourceNotFound, UnsupportedMediaType
from emulator.http.routing import Call, Handler, Reply
from emulator.http.validation import query_arguments

IMPORT_MEDIA_TYPES = ("application/json", "application/xml", "text/xml")
HEADER_NAME = "x-stormconnect-header"  # Starlette header lookup is case-insensitive


def _import_content_type(call: Call, body: bytes) -> str:
    content_type = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not content_type and not body:
        return "application/json"  # nothing to parse; the header rules still apply
    faults = call.runtime.faults
    xml_refused = content_type != "application/json" and faults.is_on("import-xml-body-unsupported")
    if content_type not in IMPORT_MEDIA_TYPES or xml_refused:
        raise UnsupportedMediaType(
            f"Import bodies must be application/json, application/xml or text/xml, not {content_type or '-'}."
        )
    return content_type


class LengthRequired(HttpProblem):
    """Only the seeded fault import-chunked-body-refused answers it: Connect reads a chunked body."""

    status, key = 411, "LengthRequired"


async def _import_body(call: Call) -> bytes:
    headers = call.request.headers
    chunked = "chunked" in headers.get("transfer-encoding", "").lower() and "content-length" not in headers
    if chunked and call.runtime.faults.is_on("import-chunked-body-refused"):
        raise LengthRequired("A body sent with Transfer-Encoding: chunked needs a Content-Length.")
    limit = body_limit(call.runtime.config.max_body_bytes, call.runtime.variants)
    return await read_body(call.request, limit)


async def import_customers(call: Call) -> Reply:
    body = await _import_body(call)
    content_type = _import_content_type(call, body)
    header = call.request.headers.get(HEADER_NAME)
    return Reply(value=call.runtime.connect.import_customers(header, content_type, body))


async def import_companies(call: Call) -> Reply:
    body = await _import_body(call)
    content_type = _import_content_type(call, body)
    header = call.request.headers.get(HEADER_NAME)
    return Reply(value=call.runtime.connect.import_companies(header, content_type, body))


def _job_id(call: Call) -> int:
    assert call.operation is not None
    return int(query_arguments(call.operation, dict(call.request.query_params.items()))["id"])


async def job_get(call: Call) -> Reply:
    job_id = _job_id(call)
    job = call.runtime.connect.get_job(job_id)
    if job is None and call.runtime.variants.is_on("job-get-unknown-404"):
        raise ResourceNotFound(f"Job {job_id} does not exist.")
    return Reply(value=job)


async def job_get_log(call: Call) -> Reply:
    return Reply(value=call.runtime.connect.get_job_log(_job_id(call)))


async def job_list(call: Call) -> Reply:
    assert call.operation is not None
    query_arguments(call.operation, dict(call.request.query_params.items()))
    return Reply(value=call.runtime.connect.list_jobs())


CONNECT_HANDLERS: dict[str, Handler] = {
    "ImportCustomers": import_customers,
    "ImportCompanies": import_companies,
    "JobGet": job_get,
    "JobGetLog": job_get_log,
    "JobList": job_list,
}
