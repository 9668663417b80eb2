"""A header that breaks one documented rule imports nothing, judged by its effect on items that would be
written under a valid header.

`test_header_rules.py` draws broken headers from the strategies, often with bodies that write nothing under
any header (no items, or items whose fields are not listed). Here each rule is broken minimally in a header
that is otherwise valid for the items sent: one new item (an insert) and one update of an entity the test
created first. A server that ignored the rule would insert the one and change the other. The docs fix the
rule (docs/norce-facts.md §3) but not the answer's form (Q7), so the effect is judged at the rule's own
level: either a refusal, or a job that counts no insert and no update, and reading back shows nothing written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from contracts.oracle.enums import account_fields, company_fields, customer_fields
from contracts.oracle.header import IMPORT_COMPANIES, IMPORT_CUSTOMERS, expected_violation, to_json
from contracts.oracle.strategies.requests import ImportRequest, encode_body
from contracts.reports.plugin import case_param
from contracts.reports.recorder import record_judged
from contracts.reports.verdicts import ContractViolation, judge
from contracts.suite.flows import (
    JSON,
    XML,
    Import,
    application_key,
    company_header,
    customer_header,
    entity_exists,
    explain,
    run_imports,
)
from contracts.suite.raw_import import is_refusal, send
from contracts.transport.client import JobTimeout, NorceClient
from contracts.transport.namespace import RunNamespace

# One worker runs the module (the CLI distributes with --dist loadgroup): its experiments are run side by
# side by one module fixture, and on several workers each would repeat them all.
pytestmark = [pytest.mark.contract, pytest.mark.writes, pytest.mark.xdist_group("header-rule-effects")]

OUT_OF_RANGE = 999  # no field enum reaches it (docs/norce-facts.md §3 field values)

# The rules a header can break while the body stays valid, per operation (docs/norce-facts.md §3 rules).
RULES = {
    IMPORT_CUSTOMERS: (
        "HDR-PRESENT",
        "HDR-ONE-LINE",
        "HDR-SYNTAX",
        "HDR-ACCOUNTID",
        "HDR-CUSTOMER-FIELDS-REQUIRED",
        "HDR-ENUM-RANGE",
        "HDR-DEP-ACCOUNTS",
        "HDR-DEP-COMPANIES",
    ),
    IMPORT_COMPANIES: (
        "HDR-PRESENT",
        "HDR-ONE-LINE",
        "HDR-SYNTAX",
        "HDR-ACCOUNTID",
        "HDR-COMPANY-FIELDS-REQUIRED",
        "HDR-ENUM-RANGE",
        "HDR-DEP-CUSTOMERS",
    ),
}
XML_ONLY_RULES = ("HDR-XML-INT-ENUMS",)  # enum names are allowed in the header of a JSON request
PLAN = [
    (operation, media, rule)
    for operation, rules in RULES.items()
    for media in (JSON, XML)
    for rule in (*rules, *(XML_ONLY_RULES if media == XML else ()))
]


@dataclass(frozen=True)
class Kind:
    """What differs between customers and companies in this test."""

    operation: str
    lookup: str
    changed_member: str  # the member the update item changes
    own_fields: str  # the header list naming this kind's fields
    fields: tuple[str, ...]


CUSTOMERS = Kind(
    IMPORT_CUSTOMERS,
    "GetCustomerByCode",
    "FirstName",
    "CustomerFieldsThatAreSet",
    ("Code", "FirstName", "LastName", "EmailAddress"),
)
COMPANIES = Kind(
    IMPORT_COMPANIES,
    "GetCompanyByCode",
    "Name",
    "CompanyFieldsThatAreSet",
    ("Code", "Name", "OrganizationNo"),
)
KINDS = {kind.operation: kind for kind in (CUSTOMERS, COMPANIES)}


def valid_header(kind: Kind) -> dict[str, Any]:
    header = customer_header(*kind.fields) if kind is CUSTOMERS else company_header(*kind.fields)
    document: dict[str, Any] = json.loads(to_json(header))
    return document


def broken_header(kind: Kind, rule: str) -> str | None:
    """The valid header with exactly `rule` broken (None: no header at all)."""
    header = valid_header(kind)
    if rule == "HDR-PRESENT":
        return None
    if rule == "HDR-SYNTAX":
        return json.dumps(header)[:-1]  # the closing brace is missing
    if rule == "HDR-ONE-LINE":
        return json.dumps(header, indent=1)  # the same header over several lines
    if rule == "HDR-XML-INT-ENUMS":  # field names instead of their integers
        enum = customer_fields() if kind is CUSTOMERS else company_fields()
        header[kind.own_fields] = [enum.name_of(value) for value in header[kind.own_fields]]
    elif rule == "HDR-ACCOUNTID":
        del header["AccountId"]
    elif rule in ("HDR-CUSTOMER-FIELDS-REQUIRED", "HDR-COMPANY-FIELDS-REQUIRED"):
        del header[kind.own_fields]
    elif rule == "HDR-ENUM-RANGE":
        header[kind.own_fields] = [*header[kind.own_fields], OUT_OF_RANGE]
    elif rule == "HDR-DEP-ACCOUNTS":  # account fields without Accounts among the customer fields
        header["AccountFieldsThatAreSet"] = [min(account_fields().values)]
    elif rule == "HDR-DEP-COMPANIES":  # company fields without Companies among the customer fields
        header["CompanyFieldsThatAreSet"] = [company_fields().value_of("Name")]
    elif rule == "HDR-DEP-CUSTOMERS":  # customer fields without Customers among the company fields
        header["CustomerFieldsThatAreSet"] = [customer_fields().value_of("FirstName")]
    else:
        raise ValueError(f"no minimal breach for {rule}")
    return json.dumps(header, separators=(",", ":"))


def new_item(kind: Kind, ns: RunNamespace) -> dict[str, Any]:
    if kind is CUSTOMERS:
        return {
            "Code": ns.code("hdr"),
            "FirstName": "Anna",
            "LastName": "Berg",
            "EmailAddress": ns.email("hdr"),
        }
    code = ns.code("hdrco")
    return {
        "ApplicationKey": application_key(),
        "Code": code,
        "Name": f"Co {code}",
        "OrganizationNo": ns.code("org"),
    }


def read_member(norce: NorceClient, kind: Kind, code: str) -> tuple[bool, Any]:
    """(exists, the changed member's value) for the entity with `code`."""
    answer = norce.call(kind.lookup, params={"code": code})
    if not entity_exists(answer):
        return False, None
    body = answer.json()
    return True, body.get(kind.changed_member) if isinstance(body, dict) else None


@dataclass
class Trial:
    """One rule's experiment: the entity created first, the broken import, and what the target did."""

    kind: Kind
    existing: dict[str, Any]
    insert: dict[str, Any] = field(default_factory=dict)
    before: tuple[bool, Any] = (False, None)
    header_value: str | None = None
    oracle: str | None = None  # the rule the oracle finds broken in header_value
    response: httpx.Response | None = None
    job: dict[str, Any] | JobTimeout | None = None  # the job of an import accepted for processing
    error: Exception | None = None  # what went wrong in this experiment alone: its test raises it


Case = tuple[str, str, str]


def selected_cases(request: pytest.FixtureRequest) -> list[Case]:
    """The (operation, media type, rule) cases of this module the session runs (-k may have left fewer)."""
    cases = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if getattr(item, "module", None) is request.module and callspec is not None:
            cases.append(
                (callspec.params["operation"], callspec.params["media_type"], callspec.params["rule"])
            )
    return cases


@pytest.fixture(scope="module")
def trials(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, request: pytest.FixtureRequest
) -> dict[Case, Trial]:
    """Every selected rule's experiment, run side by side: the entities to update are created by one import
    per kind, every broken import is sent, and the jobs accepted for processing are waited for together.
    On a tenant whose jobs queue for seconds this takes two jobs' time, not two per rule; each test then
    reads back and judges its own rule."""
    cases = selected_cases(request)
    made = {case: Trial(KINDS[case[0]], existing=new_item(KINDS[case[0]], run_namespace)) for case in cases}
    creations = []
    for kind in KINDS.values():
        existing = [trial.existing for trial in made.values() if trial.kind is kind]
        if existing:
            header = customer_header(*kind.fields) if kind is CUSTOMERS else company_header(*kind.fields)
            creations.append(Import(kind.operation, existing, header))
    run_imports(norce, creations, seed=norce_seed)
    accepted = {}
    for case, trial in made.items():
        try:  # one experiment's error (a network error, an unreadable answer) fails its own test only
            job_id = _send_trial(norce, run_namespace, case, trial)
        except Exception as exc:  # kept for the test it belongs to
            trial.error = exc
            continue
        if job_id is not None:
            accepted[job_id] = trial
    for job_id, job in norce.wait_for_jobs(list(accepted)).items():
        accepted[job_id].job = job
    return {case: made[case] for case in cases}


def _send_trial(norce: NorceClient, run_namespace: RunNamespace, case: Case, trial: Trial) -> int | None:
    """Read the entity before, send the broken import; the job id when it was accepted for processing."""
    operation, media_type, rule = case
    trial.before = read_member(norce, trial.kind, trial.existing["Code"])
    update = {
        **trial.existing,
        trial.kind.changed_member: f"Changed {trial.existing[trial.kind.changed_member]}",
    }
    trial.insert = new_item(trial.kind, run_namespace)
    trial.header_value = broken_header(trial.kind, rule)
    trial.oracle = expected_violation(operation, trial.header_value, media_type)
    if not trial.before[0] or trial.oracle != rule:
        return None  # the test reports it; nothing is sent for a case the oracle does not agree with
    items = [update, trial.insert]
    body = encode_body(operation, items, media_type)
    broken = ImportRequest(operation, media_type, trial.header_value, items, body)
    trial.response = send(norce, broken, broken=True)  # a reset is a refusal, judged by its effect
    if 200 <= trial.response.status_code < 300:  # refused asynchronously, if at all
        return int(trial.response.json()["JobId"])
    return None


@pytest.mark.parametrize(
    ("operation", "media_type", "rule"),
    [case_param(op, media, rule, operation=op, rule=rule, media_type=media) for op, media, rule in PLAN],
)
def test_header_breaking_a_rule_writes_nothing(
    trials: dict[Case, Trial],
    norce: NorceClient,
    norce_seed: int,
    operation: str,
    media_type: str,
    rule: str,
) -> None:
    trial = trials[(operation, media_type, rule)]
    if trial.error is not None:
        raise trial.error
    existing, kind = trial.existing, trial.kind
    assert trial.before[0], f"the valid import did not create {existing['Code']}"
    # The oracle must agree that exactly this rule is broken before the server is judged.
    assert trial.oracle == rule, trial.header_value
    response = trial.response
    assert response is not None
    context = explain(norce, response, operation=operation, seed=norce_seed, rule=rule)
    judge("not_a_server_error", response.status_code < 500, f"a header breaking {rule}{context}")
    if is_refusal(response):  # the form of a refusal is ours (Q7): a reset instead of a 400 is a deviation
        judge("HDR-FORM", False, f"refused below HTTP, not with a 400{context}", operation=operation)

    counted: dict[str, Any] = {}
    if isinstance(trial.job, JobTimeout):
        raise ContractViolation("JOB-FINISHES", f"{trial.job}{context}")
    if trial.job is not None:  # accepted: the job must write nothing
        record_judged("JOB-FINISHES", "JobGet")
        counted = {key: trial.job.get(key) for key in ("Inserts", "Updates") if trial.job.get(key)}
    inserted = read_member(norce, kind, trial.insert["Code"])[0]
    updated = read_member(norce, kind, existing["Code"]) != trial.before
    judge(
        rule,
        not counted and not inserted and not updated,
        f"a header breaking {rule} was imported: job counted {counted or 'nothing'}, "
        f"new item written: {inserted}, existing item changed: {updated}{context}",
        operation=operation,
        media_type=media_type,
    )
