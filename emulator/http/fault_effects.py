"""The HTTP-layer seeded faults (emulator/faults.py): response shapes, statuses, error bodies, media types.

`routing.respond` / `routing.error_response` / `routing.Dispatcher` call these hooks with the emulator's
`Faults`; each one costs a set lookup when no fault is on. Domain faults (header rules, import semantics,
jobs, 1.1 rules) live in `emulator/domain`, XML writing faults in `serializers/xml.py`, auth faults in
`auth.py`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any

from emulator.domain.errors import HeaderRuleViolation, PayloadTooLarge
from emulator.faults import Faults
from emulator.http import fact_fault_effects
from emulator.http.errors import BadRequest, MethodNotAllowed, RequestTooLarge, RouteNotFound
from emulator.http.negotiation import JSON_CHOICE, MediaChoice
from emulator.http.spec import Operation, SpecDocument

Plain = dict[str, Any]
_JOB_STATUS_NAMES = {1: "Initialized", 2: "Succeeded", 3: "Failed", 4: "ValidationFailed"}


def _rename(old: str, new: str) -> Callable[[Plain], None]:
    def apply(value: Plain) -> None:
        if old in value:
            value[new] = value.pop(old)

    return apply


def _drop(key: str) -> Callable[[Plain], None]:
    def apply(value: Plain) -> None:
        value.pop(key, None)

    return apply


def _set(key: str, make: Callable[[Plain], Any]) -> Callable[[Plain], None]:
    def apply(value: Plain) -> None:
        if key in value:
            value[key] = make(value)

    return apply


def _ms_date(text: Any) -> Any:
    """ISO-8601 → the WCF `/Date(ms)/` form (what an old DataContractJsonSerializer writes)."""
    if not isinstance(text, str):
        return text
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return f"/Date({int(moment.timestamp() * 1000)})/"


def _job_dates_as_ms(value: Plain) -> None:
    for key in ("Start", "Stop", "LastUpdated"):
        if value.get(key) is not None:
            value[key] = _ms_date(value[key])


def _int_text(text: Any) -> Any:
    return int(text) if isinstance(text, str) and text.isdigit() else text


def _info_ids_as_positions(value: Plain) -> None:
    """Customer/Company.Info entries numbered 1, 2, ... instead of carrying their info type's id."""
    for position, info in enumerate(value.get("Info") or [], start=1):
        if isinstance(info, dict):
            info["Id"] = position


# (api, schema component) → [(fault, mutation)]. Mutations edit a deep copy of the success value in place.
SHAPE_FAULTS: dict[tuple[str, str], list[tuple[str, Callable[[Plain], None]]]] = {
    ("connect", "JobResponse"): [
        ("job-response-drops-job-id", _drop("JobId")),
        ("job-response-job-id-as-string", _set("JobId", lambda v: _int_text(v["JobId"]))),
    ],
    ("connect", "ValidationSummary"): [
        ("validation-summary-renamed-total", _rename("NrOfItemsInTotal", "NrOfItemsTotal")),
        (
            "validation-summary-messages-null",
            _set("Messages", lambda v: None if not v["Messages"] else v["Messages"]),
        ),
    ],
    ("connect", "JobDto"): [
        ("job-dto-drops-is-finished", _drop("IsFinished")),
        ("job-dto-status-id-as-name", _set("StatusId", lambda v: _JOB_STATUS_NAMES.get(v["StatusId"]))),
        ("job-dto-created-not-iso", _job_dates_as_ms),
    ],
    ("connect", "JobLogDto"): [
        (
            "job-log-severity-out-of-range",
            _set("SeverityId", lambda v: 0 if v["SeverityId"] == 1 else v["SeverityId"]),
        ),
        ("job-log-imported-row-as-int", _set("ImportedRow", lambda v: _int_text(v["ImportedRow"]))),
    ],
    ("customer", "Customer"): [
        ("customer-drops-email", _drop("Email")),
        ("customer-id-as-string", _set("Id", lambda v: str(v["Id"]))),
        ("customer-companies-null", _set("Companies", lambda v: v["Companies"] or None)),
        ("cs-customer-info-id-is-position", _info_ids_as_positions),
    ],
    ("customer", "Company"): [
        ("company-renamed-org-no", _rename("OrgNo", "OrganizationNo")),
        ("cs-company-key-is-code", _set("Key", lambda v: v.get("Code"))),
        ("cs-company-info-id-is-position", _info_ids_as_positions),
        ("cs-company-parent-id-null", _set("ParentId", lambda v: None)),
    ],
    ("customer", "Account"): [("account-drops-is-active", _drop("IsActive"))],
    ("customer", "Address"): [("address-renamed-zip", _rename("Zip", "ZipCode"))],
    ("customer", "Flag"): [("flag-id-nulled", _set("Id", lambda v: None))],
    ("customer", "Pricelist"): [("pricelist-drops-name", _drop("Name"))],
    ("customer", "IdValue"): [("id-value-value-as-number", _set("Value", lambda v: v.get("Id")))],
}
_SHAPE_FAULT_NAMES = frozenset(name for entries in SHAPE_FAULTS.values() for name, _ in entries)


def reshape(faults: Faults, value: Any, schema: Any, spec: SpecDocument) -> Any:
    """The success value with the active response-shape faults applied (the value itself when none is)."""
    if value is None or not (faults.on & (_SHAPE_FAULT_NAMES | fact_fault_effects.MEMBER_FAULT_NAMES)):
        return value
    value = copy.deepcopy(value)
    _walk(faults, value, schema, spec, depth=0)
    return value


def _walk(faults: Faults, value: Any, raw: Any, spec: SpecDocument, depth: int) -> None:
    """Visit `value` alongside its schema; mutate every object whose schema is a faulted component."""
    if depth > 20 or value is None:
        return
    name = (
        raw["$ref"].rsplit("/", 1)[-1] if isinstance(raw, dict) and isinstance(raw.get("$ref"), str) else None
    )
    schema = spec.resolve(raw)
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(keyword) or []:
            if spec.resolve(branch).get("type") != "null":
                _walk(faults, value, branch, spec, depth + 1)
                return
    if isinstance(value, list):
        for item in value:
            _walk(faults, item, schema.get("items", {}), spec, depth + 1)
        return
    if not isinstance(value, dict):
        return
    for key, sub_schema in (schema.get("properties") or {}).items():
        if key in value:
            _walk(faults, value[key], sub_schema, spec, depth + 1)
    for fault, mutate in SHAPE_FAULTS.get((spec.api, name or ""), []):
        if faults.is_on(fault):
            mutate(value)
    if name:  # the generated member faults (emulator/fact_faults/families.py)
        fact_fault_effects.mutate_members(faults, spec, name, value)


# --- statuses, error bodies and media types ----------------------------------------------------------------
def success_status(faults: Faults, operation_id: str, status: int) -> int:
    if operation_id in ("ImportCustomers", "ImportCompanies") and faults.is_on("import-returns-201"):
        return 201
    return status


def error_status(faults: Faults, error: BaseException, status: int) -> int:
    if isinstance(error, HeaderRuleViolation) and faults.is_on("header-violation-returns-500"):
        return 500
    if isinstance(error, PayloadTooLarge | RequestTooLarge) and faults.is_on("payload-too-large-returns-400"):
        return 400
    return status


def error_key(faults: Faults, error: BaseException, key: str) -> str:
    if isinstance(error, HeaderRuleViolation) and faults.is_on("hdr-wrong-rule-key"):
        return "HeaderInvalid"
    if key == "LoginFailed" and faults.is_on("cs-wrong-error-key"):
        return "InvalidLogin"
    return key


def error_headers(faults: Faults, status: int, headers: dict[str, str]) -> dict[str, str]:
    if status == 401 and faults.is_on("auth-401-without-www-authenticate"):
        return {name: value for name, value in headers.items() if name.lower() != "www-authenticate"}
    return headers


def drops_error_body(faults: Faults, status: int) -> bool:
    return 400 <= status < 500 and status != 401 and faults.is_on("error-body-missing")


def response_media(faults: Faults, media: MediaChoice) -> MediaChoice:
    """The media type actually written (xml-accept-answered-json ignores a negotiated XML)."""
    if media.format == "xml" and faults.is_on("xml-accept-answered-json"):
        return JSON_CHOICE
    return media


def content_type(faults: Faults, media: MediaChoice) -> str:
    if media.format == "json" and faults.is_on("json-content-type-text-plain"):
        return "text/plain"
    return media.content_type


def xml_not_found_body(faults: Faults, api: str) -> bytes:
    return b"<null/>" if api == "customer" and faults.is_on("xml-not-found-not-empty") else b""


def answers_unknown_operation(faults: Faults, api_base: str, path: str) -> bool:
    return faults.is_on("unknown-operation-returns-200") and path.lower().startswith(api_base.lower() + "/")


def not_found_error(faults: Faults, operation_id: str, value: Any) -> Exception | None:
    """The error a 1.1 Get* not-found answers with under a cs-not-found-* fault (None: the correct null)."""
    if value is not None or not operation_id.startswith("Get"):
        return None
    if faults.is_on("cs-not-found-400"):
        return BadRequest(f"{operation_id}: nothing found.", key="NotFound")
    if faults.is_on("cs-not-found-404"):
        return RouteNotFound(f"{operation_id}: nothing found.")
    if faults.is_on("cs-not-found-500"):
        return RuntimeError("seeded fault cs-not-found-500")
    return None


def unknown_query_parameter_crash(faults: Faults, operation: Operation, query_names: list[str]) -> None:
    """robust-500-on-unknown-query-param: an unknown query parameter on a 1.1 Get* blows up."""
    if not operation.operation_id.startswith("Get") or not faults.is_on("robust-500-on-unknown-query-param"):
        return
    known = {str(p.get("name")).lower() for p in operation.parameters if p.get("in") == "query"}
    if any(name.lower() not in known for name in query_names):
        raise RuntimeError("seeded fault robust-500-on-unknown-query-param")


# --- the 1.1 verb rule and cultureCode ---------------------------------------------------------------------
# (fault, operation, the method it is also served on, the method the route table knows it by)
VERB_FAULTS = (
    ("cs-write-served-on-get", "InactivateCustomer", "GET", "POST"),
    ("cs-delete-method-served", "DeleteCompanyCustomer", "DELETE", "POST"),
    ("cs-update-served-on-put", "UpdateAccountStatus", "PUT", "POST"),
    ("cs-read-not-served-on-get", "GetAgreementAccount", "POST", "GET"),
)
MOVED = frozenset({"cs-read-not-served-on-get"})  # served on the other method only, not on its own any more
_VERB_FAULT_NAMES = frozenset(entry[0] for entry in VERB_FAULTS)


def routed_method(faults: Faults, api_base: str, path: str, method: str) -> str:
    """The method a 1.1 request is routed by: its own, unless a verb fault also serves its operation on
    another, or moves it there (docs/norce-facts.md §1C: GET for reads, POST for the rest, never PUT or
    DELETE)."""
    if not faults.on & _VERB_FAULT_NAMES or not path.lower().startswith(api_base.lower() + "/"):
        return method
    operation = path[len(api_base) + 1 :].strip("/").lower()
    for fault, name, other, own in VERB_FAULTS:
        if not faults.is_on(fault) or operation != name.lower():
            continue
        if method == other:
            return own
        if method == own and fault in MOVED:
            raise MethodNotAllowed(f"{method} is not allowed here; use {other}.", headers={"Allow": other})
    return method


CULTURE_REQUIRED = frozenset({"ListCompaniesByOrgNo"})
CUSTOMER_LOOKUPS = frozenset(
    {
        "GetCustomer",
        "GetCustomerByAccountId",
        "GetCustomerByCode",
        "GetCustomerByEmail",
        "GetCustomerByKey",
        "GetCustomerByLoginName",
    }
)


def culture_code_refusal(faults: Faults, operation_id: str, query: dict[str, str]) -> Exception | None:
    """cs-culture-code-required / cs-culture-code-format-refused: the optional cultureCode
    (docs/norce-facts.md §4.6) becomes required, or its sv-SE form is refused."""
    culture = next((value for name, value in query.items() if name.lower() == "culturecode"), None)
    if operation_id in CULTURE_REQUIRED and culture is None and faults.is_on("cs-culture-code-required"):
        return BadRequest("cultureCode is required.", key="MissingParameter")
    if (
        operation_id in CUSTOMER_LOOKUPS
        and culture is not None
        and "-" in culture
        and faults.is_on("cs-culture-code-format-refused")
    ):
        return BadRequest(f"Unknown culture {culture!r}.", key="InvalidCultureCode")
    return None
