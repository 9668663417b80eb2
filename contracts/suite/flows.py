"""Small building blocks shared by the contract tests: headers by field name, import-and-wait, read-back,
schema checks against the vendored descriptions, and failure messages that name operation, rule, seed and a
redacted curl command.

Only `contracts.*` is used: the target is whatever the plugin configured (the embedded emulator by default).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from contracts.oracle.enums import account_fields, company_fields, customer_fields
from contracts.oracle.header import HEADER_NAME, CustomerHeader, to_json, to_xml
from contracts.oracle.import_checks import read_import_items
from contracts.oracle.media import XmlUnreadable, is_nil, is_xml_media_type, parse_xml
from contracts.oracle.response_checks import (
    EMPTY_COLLECTION_RULE,
    empty_collection_problems,
    negotiation_problems,
    xsd_problems,
)
from contracts.oracle.schema_views import schema_problems
from contracts.oracle.spec import CONNECT_SPEC, CUSTOMER_SERVICE_SPEC, load_spec
from contracts.oracle.strategies.requests import encode_body
from contracts.oracle.xml_data import decode_body
from contracts.reports.recorder import record_judged
from contracts.reports.verdicts import ContractViolation, judge
from contracts.schemathesis_ext.checks import SCHEMA_VIEWS
from contracts.suite.conftest import collection_settings
from contracts.transport.client import JobTimeout, NorceClient
from contracts.transport.redact import redact_body

JSON = "application/json"
XML = "application/xml"
# Every import-semantics test runs with both body types (docs/norce-facts.md §1A: JSON or XML bodies), so a
# mapping that loses a member in one of them only is caught: `@pytest.mark.parametrize("body", BODY_TYPES,
# ids=BODY_IDS)`.
BODY_TYPES = (JSON, XML)
BODY_IDS = ("json-body", "xml-body")


def application_key() -> str:
    """Company.ApplicationKey for the companies the run imports: the target's (config `application-key`)."""
    key = collection_settings().target.application_key
    if key is None:  # the plugin refuses a write run on a tenant without one, so only a read run gets here
        raise RuntimeError("no application key configured (NORCE_APPLICATION_KEY or application-key)")
    return key


def account_id() -> int:
    """The header's AccountId and the 1.1 updatedBy/createdBy of the run (config `account-id`, default 1)."""
    return collection_settings().target.account_id


DEFAULT_EXAMPLES = 5

# JobDto.StatusId and JobLogDto.SeverityId (docs/norce-facts.md §2B).
JOB_SUCCEEDED, JOB_VALIDATION_FAILED = 2, 4
SEVERITY_INFORMATION, SEVERITY_ERROR = 1, 3


# -- headers by field name --------------------------------------------------------------------------------


def customer_header(
    *customer: str, accounts: Iterable[str] = (), companies: Iterable[str] | None = None
) -> CustomerHeader:
    """An ImportCustomers header listing CustomerField (and AccountField/CompanyField) names."""
    company_values = tuple(_values(company_fields(), companies)) if companies is not None else None
    account_values = tuple(_values(account_fields(), accounts)) or None
    return CustomerHeader(
        account_id(),
        customer_fields=tuple(_values(customer_fields(), customer)),
        account_fields=account_values,
        company_fields=company_values,
    )


def company_header(*company: str, customers: Iterable[str] | None = None) -> CustomerHeader:
    customer_values = tuple(_values(customer_fields(), customers)) if customers is not None else None
    return CustomerHeader(
        account_id(),
        company_fields=tuple(_values(company_fields(), company)),
        customer_fields=customer_values,
    )


def _values(enum: Any, names: Iterable[str] | None) -> list[int]:
    values = []
    for name in names or ():
        value = enum.value_of(name)
        if value is None:
            raise KeyError(f"{name} is not a {enum.name}")
        values.append(value)
    return values


def serialize(header: CustomerHeader, form: str = "json") -> str:
    return to_xml(header) if form == "xml" else to_json(header)


# -- failure context --------------------------------------------------------------------------------------


def explain(
    client: NorceClient, response: httpx.Response, *, operation: str, seed: int, rule: str | None = None
) -> str:
    """What a failing assertion prints: operation, rule id, seed, the answer, and a redacted curl command."""
    body = redact_body(response.content[:2000], response.headers.get("content-type"))
    rule_part = f" rule={rule}" if rule else ""
    return (
        f"\n  operation={operation}{rule_part} seed={seed} (replay with --seed {seed})"
        f"\n  answered {response.status_code} {response.headers.get('content-type', '')}: {body}"
        f"\n  reproduce: {client.curl(response.request)}"
    )


# -- schema checks against the vendored descriptions -----------------------------------------------------


def schema_errors(spec_path: Any, schema: dict[str, Any], instance: Any) -> list[str]:
    """JSON Schema (2020-12) errors of `instance` against a schema from the spec, local `$ref`s resolvable."""
    document = load_spec(spec_path).document
    validator = Draft202012Validator({**schema, "components": document.get("components", {})})
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def connect_component_errors(name: str, instance: Any) -> list[str]:
    return schema_errors(CONNECT_SPEC, {"$ref": f"#/components/schemas/{name}"}, instance)


def customer_component_errors(name: str, instance: Any) -> list[str]:
    return schema_errors(CUSTOMER_SERVICE_SPEC, {"$ref": f"#/components/schemas/{name}"}, instance)


def error_keys(response: httpx.Response) -> list[str]:
    """Messages[].Key of a JSON ErrorMessage body ([] when there is none)."""
    try:
        body = response.json()
    except ValueError:
        return []
    messages = body.get("Messages") if isinstance(body, dict) else None
    return [str(m.get("Key")) for m in messages or [] if isinstance(m, dict)]


# -- import, wait, read back -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    operation: str
    response: httpx.Response
    job_response: dict[str, Any]
    job: dict[str, Any]
    log: list[dict[str, Any]]

    @property
    def summary(self) -> dict[str, Any]:
        return dict(self.job_response.get("ValidationSummary") or {})

    def log_rows(self, severity: int) -> list[dict[str, Any]]:
        return [row for row in self.log if row.get("SeverityId") == severity]


def judge_body(operation: str, data: Any, context: str, *, status: int = 200, media_type: str = JSON) -> None:
    """A decoded answer judged in the schema views: documented members and types (SCHEMA-DOCUMENTED), the
    vendored description (SCHEMA-STRICT), and members it does not know (SCHEMA-DRIFT)."""
    for view, judgement_id in SCHEMA_VIEWS:
        problems = schema_problems(operation, status, media_type, data, view)
        judge(judgement_id, not problems, f"{operation}: {problems}{context}", operation=operation)


@dataclass(frozen=True)
class Import:
    """One import to send: the operation, its items (or a ready body) and its header.

    Items given as a list go as a JSON array, or under `media_type=XML` as DataContract XML (`ArrayOf...`)
    with the header in its XML form (a header object; a header given as text goes as it is)."""

    operation: str
    items: list[dict[str, Any]] | bytes
    header: CustomerHeader | str
    media_type: str = JSON
    header_name: str = HEADER_NAME

    def wire(self) -> tuple[list[dict[str, Any]] | bytes, str]:
        """(body, header value) as sent."""
        xml = is_xml_media_type(self.media_type)
        body = self.items
        if xml and isinstance(self.items, list):
            body = encode_body(self.operation, self.items, XML)
        if isinstance(self.header, str):
            return body, self.header
        return body, to_xml(self.header) if xml else to_json(self.header)

    def item_count(self) -> int | None:
        """How many items the body holds (None when it cannot be read)."""
        if isinstance(self.items, list):
            return len(self.items)
        items = read_import_items(self.media_type, self.items)
        return None if items is None else len(items)


@dataclass(frozen=True)
class _Submitted:
    operation: str
    response: httpx.Response
    job_response: dict[str, Any]
    context: str
    items_sent: int | None

    @property
    def job_id(self) -> int:
        return int(self.job_response["JobId"])


def run_import(
    client: NorceClient,
    operation: str,
    items: list[dict[str, Any]] | bytes,
    header: CustomerHeader | str,
    *,
    seed: int,
    media_type: str = JSON,
) -> ImportOutcome:
    """Send one import, judge the JobResponse, wait for the job, read its log (as an array: Q6)."""
    return run_imports(client, [Import(operation, items, header, media_type)], seed=seed)[0]


def run_imports(client: NorceClient, imports: Sequence[Import], *, seed: int) -> list[ImportOutcome]:
    """Send independent imports one after another, then wait for their jobs together: on a tenant whose
    jobs queue for seconds, the wait is the slowest job's, not their sum. Each outcome as `run_import`."""
    submitted = [_submit(client, one, seed=seed) for one in imports]
    jobs = client.wait_for_jobs([one.job_id for one in submitted])
    return [_finish(client, one, jobs[one.job_id], seed=seed) for one in submitted]


def _submit(client: NorceClient, one: Import, *, seed: int) -> _Submitted:
    body, value = one.wire()
    send = client.import_customers if one.operation == "ImportCustomers" else client.import_companies
    response = send(body, value, one.media_type, header_name=one.header_name)
    context = explain(client, response, operation=one.operation, seed=seed)
    judge("HDR-VALID", response.status_code == 200, f"import not accepted{context}", operation=one.operation)
    job_response = response.json()
    judge_body(one.operation, job_response, context)
    return _Submitted(one.operation, response, job_response, context, one.item_count())


def _finish(
    client: NorceClient, submitted: _Submitted, job: dict[str, Any] | JobTimeout, *, seed: int
) -> ImportOutcome:
    """The finished job judged, its log read (as an array: Q6) and both read again in XML."""
    context, job_id = submitted.context, submitted.job_id
    if isinstance(job, JobTimeout):
        raise ContractViolation("JOB-FINISHES", f"{job}{context}") from None
    record_judged("JOB-FINISHES", "JobGet")  # the job is polled with Job/Get (F-42-POLL)
    judge_follow_up(submitted, job)
    judge_body("JobGet", job, f"; job={job}{context}")
    log_response = client.job_log(job_id)
    log_context = explain(client, log_response, operation="JobGetLog", seed=seed)
    judge("JOB-LOG-SHAPE", log_response.status_code == 200, f"Job/GetLog failed{log_context}")
    log = log_response.json() if log_response.status_code == 200 else []
    if isinstance(log, dict):  # the docs show one JobLogDto (Q6): read it as a log of one row
        judge("JOB-LOG-SHAPE", False, f"Job/GetLog answered one object, not an array{log_context}")
        log = [log]
    judge_body("JobGetLog", log, f"; log={log}{log_context}")
    judge_job_reads_in_xml(client, job_id, seed=seed)
    return ImportOutcome(
        submitted.operation,
        submitted.response,
        submitted.job_response,
        job,
        log if isinstance(log, list) else [],
    )


def judge_follow_up(submitted: _Submitted, job: dict[str, Any]) -> None:
    """JOB-FOLLOW-UP: the JobResponse's JobId names the job ("use it for follow-up", docs/norce-facts.md §2B):
    Job/Get of it answers that job, with that id and this import's counters (its Totals are the items sent:
    IMP-COUNTS)."""
    follow_up = f"Job/Get?id={submitted.job_id} after {submitted.operation}"
    judge(
        "JOB-FOLLOW-UP",
        job.get("JobId") == submitted.job_id,
        f"{follow_up} answered JobId {job.get('JobId')!r}; job={job}{submitted.context}",
        operation="JobGet",
    )
    if submitted.items_sent is not None:
        judge(
            "JOB-FOLLOW-UP",
            job.get("Totals") == submitted.items_sent,
            f"{follow_up} answered the counters of another import: Totals {job.get('Totals')!r}, but "
            f"{submitted.items_sent} item(s) were sent; job={job}{submitted.context}",
            operation="JobGet",
        )


def judge_job_reads_in_xml(client: NorceClient, job_id: int, *, seed: int) -> None:
    """Job/Get and Job/GetLog of a finished job, asked for in XML, against our XSD (XSD-CONNECT: Norce
    publishes none for Connect)."""
    for operation, path in (("JobGet", "Job/Get"), ("JobGetLog", "Job/GetLog")):
        url = f"{client.target.connect_url}/{path}"
        response = client.raw("GET", url, params={"id": job_id}, headers={"Accept": XML})
        context = explain(client, response, operation=operation, seed=seed)
        content_type = response.headers.get("content-type", XML)
        judge("NEGOTIATION", response.status_code == 200 and "xml" in content_type, f"{operation}{context}")
        problems = xsd_problems(operation, 200, content_type, response.content)
        judge("XSD-CONNECT", not problems, f"{operation} XML does not match our XSD: {problems}{context}")


JOB_COUNTERS = ("Totals", "Inserts", "Updates", "Fail", "IsFinished")


def assert_job_counts(
    outcome: ImportOutcome,
    *,
    total: int,
    inserts: int,
    updates: int,
    fails: int,
    validation_failures: int = 0,
) -> None:
    """ValidationSummary and job counters as docs/import-semantics.md defines them."""
    job, summary = outcome.job, outcome.summary
    observed = {
        "NrOfItemsInTotal": summary.get("NrOfItemsInTotal"),
        "NrOfValidationFailures": summary.get("NrOfValidationFailures"),
        "Totals": job.get("Totals"),
        "Inserts": job.get("Inserts"),
        "Updates": job.get("Updates"),
        "Fail": job.get("Fail"),
        "IsFinished": job.get("IsFinished"),
    }
    expected = {
        "NrOfItemsInTotal": total,
        "NrOfValidationFailures": validation_failures,
        "Totals": total,
        "Inserts": inserts,
        "Updates": updates,
        "Fail": fails,
        "IsFinished": True,
    }
    operation = outcome.operation
    initial = "NrOfValidationFailures"  # which failures are caught at once is ours (Q17)
    # NrOfItemsInTotal is the import's answer; the other counters are the JobDto's, read with Job/Get.
    for answered_by, keys in ((operation, ("NrOfItemsInTotal",)), ("JobGet", tuple(JOB_COUNTERS))):
        judge(
            "IMP-COUNTS",
            all(observed[k] == expected[k] for k in keys),
            f"{operation} counters: expected {expected}, got {observed}; log={outcome.log}",
            operation=answered_by,
        )
    judge(
        "IMP-INITIAL-VALIDATION",
        observed[initial] == expected[initial],
        f"{operation}: {initial} {observed[initial]}, expected {expected[initial]}; log={outcome.log}",
        operation=operation,
    )
    judge(
        "IMP-COUNTS",
        job["Totals"] == job["Inserts"] + job["Updates"] + job["Fail"],
        f"{operation}: Totals != Inserts+Updates+Fail: {job}",
        operation="JobGet",
    )
    # One message per failing item (Q8 leaves the texts open, not their number).
    messages = summary.get("Messages") or []
    judge("IMP-LOG-LAYOUT", len(messages) == validation_failures, f"Messages: {summary}", operation=operation)
    expected_status = JOB_VALIDATION_FAILED if total and fails == total else JOB_SUCCEEDED
    judge(
        "IMP-STATUS",
        job.get("StatusId") == expected_status,
        f"StatusId {job.get('StatusId')} != {expected_status}: {job}",
        operation=operation,
    )
    judge(
        "IMP-LOG-LAYOUT",
        len(outcome.log_rows(SEVERITY_INFORMATION)) == inserts + updates,
        f"one Information row per written item: {outcome.log}",
        operation=operation,
    )
    judge(
        "IMP-LOG-LAYOUT",
        len(outcome.log_rows(SEVERITY_ERROR)) == fails,
        f"one Error row per failed item: {outcome.log}",
        operation=operation,
    )


def assert_conforms(
    norce: NorceClient, response: httpx.Response, operation_id: str, accept: str, seed: int
) -> Any:
    """200 in the negotiated type, valid against the spec (JSON Schema or XSD) and CS-EMPTY-COLLECTION;
    returns the body as data."""
    context = explain(norce, response, operation=operation_id, seed=seed)
    assert response.status_code == 200, f"expected 200{context}"
    content_type = response.headers.get("content-type", "")
    problems = negotiation_problems(accept, response.status_code, content_type, response.content)
    judge("NEGOTIATION", not problems, f"{problems}{context}", operation=operation_id, media_type=accept)
    if accept == XML:
        problems = xsd_problems(operation_id, 200, XML, response.content)
        judge(
            "XSD-CUSTOMER-SERVICE",
            not problems,
            f"XML does not validate against the XSD: {problems}{context}",
        )
    data = decode_body(operation_id, 200, content_type, response.content)
    judge_body(operation_id, data, context, media_type=content_type or accept)
    # The schema lets collections be null (request side); a response's are [] when empty (e.g. Company's
    # PricelistIds / DeliveryMethodIds / PaymentMethodIds: "It will be empty if no ... exist").
    problems = empty_collection_problems(operation_id, 200, content_type, data)
    judge(EMPTY_COLLECTION_RULE, not problems, f"{problems}{context}", operation=operation_id)
    return data


def read_conforming(client: NorceClient, operation: str, *, seed: int, accept: str, **params: Any) -> Any:
    """A Customer Service 1.1 read in `accept` (JSON or XML), judged by `assert_conforms`, as data."""
    return assert_conforms(
        client, client.call(operation, params=params, accept=accept), operation, accept, seed
    )


def read(client: NorceClient, operation: str, *, seed: int, accept: str = JSON, **params: Any) -> Any:
    """A Customer Service 1.1 read that must answer; returns the JSON body, None for no entity in any of the
    forms a tenant may use (`null`, an empty body, 204: Q5, judged on its own in the not-found tests)."""
    response = client.call(operation, params=params, accept=accept)
    if answers_no_entity(response):
        return None
    assert response.status_code == 200, (
        f"{operation} failed{explain(client, response, operation=operation, seed=seed)}"
    )
    return response.json()


def customer_by_code(
    client: NorceClient, code: str, *, seed: int, include_companies: bool | None = None
) -> Any:
    params: dict[str, Any] = {"code": code}
    if include_companies is not None:
        params["includeCompanies"] = "true" if include_companies else "false"
    return read(client, "GetCustomerByCode", seed=seed, **params)


def company_by_code(client: NorceClient, code: str, *, seed: int) -> Any:
    return read(client, "GetCompanyByCode", seed=seed, code=code)


def answers_no_entity(response: httpx.Response) -> bool:
    """200 or 204 with no entity: JSON null, an empty body, or an XML root marked i:nil."""
    if response.status_code == 204:
        return True
    if response.status_code != 200:
        return False
    content = response.content.strip()
    if not content or content == b"null":
        return True
    if "xml" in response.headers.get("content-type", ""):
        try:
            return is_nil(parse_xml(content))
        except XmlUnreadable:
            return False
    return False


def entity_exists(response: httpx.Response) -> bool:
    """A 1.1 Get* found something: 200 with an entity (any not-found form, 404 included, is False)."""
    return response.status_code == 200 and not answers_no_entity(response)


# -- Hypothesis inside a test, seeded from --seed --------------------------------------------------------


def run_property(
    check: Callable[[Any], None], strategy: st.SearchStrategy[Any], *, seed: int, max_examples: int | None
) -> None:
    """Run `check` over `strategy` with the run's seed: the same --seed replays the same examples."""

    @hypothesis_seed(seed)
    @settings(
        max_examples=max_examples or DEFAULT_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    )
    @given(strategy)
    def property_test(value: Any) -> None:
        check(value)

    property_test()


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)[:500]
