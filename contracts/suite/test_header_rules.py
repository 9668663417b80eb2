"""X-StormConnect-Header rules (openapi/enums.yaml HeaderRules) over header x body x serialization.

Valid combinations must be accepted with a well-formed JobResponse counting every item sent; a header that
breaks exactly one rule must get 400 with an ErrorMessage whose Messages[0].Key is that rule id, and nothing
imported (docs/import-semantics.md "Request" 2). Every rule id is exercised: the parametrization is built from
the strategies per (operation, media type), and `test_every_header_rule_is_exercised` checks the plan covers
enums.yaml while each parametrized test checks its rule was really sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from hypothesis import strategies as st

from contracts.oracle import waivers
from contracts.oracle.enums import ACCEPTED_RULE_IDS, header_rules
from contracts.oracle.evidence import JUDGEMENTS
from contracts.oracle.header import (
    IMPORT_COMPANIES,
    IMPORT_CUSTOMERS,
    expected_violation,
    to_json,
    to_xml,
)
from contracts.oracle.strategies.bodies import import_items
from contracts.oracle.strategies.headers import header_objects, invalid_header_strategies
from contracts.oracle.strategies.requests import (
    Expected,
    ImportRequest,
    encode_body,
    header_and_body_cases,
    import_requests,
)
from contracts.reports.plugin import case_param
from contracts.reports.recorder import current_recorder, record_check, record_header_rule, record_judged
from contracts.reports.verdicts import ContractViolation, judge
from contracts.suite.flows import (
    JSON,
    XML,
    connect_component_errors,
    entity_exists,
    explain,
    judge_body,
    run_property,
)
from contracts.suite.raw_import import is_refusal, send
from contracts.transport.client import JobTimeout, NorceClient
from contracts.transport.namespace import RunNamespace

pytestmark = [pytest.mark.contract, pytest.mark.writes, pytest.mark.generated]

OPERATIONS = (IMPORT_COMPANIES, IMPORT_CUSTOMERS)
MEDIA_TYPES = (JSON, XML)
NO_PAYLOAD_RULE = "HDR-STORAGE-NO-PAYLOAD"


def _rejection_plan() -> list[tuple[str, str, str]]:
    """(operation, media type, rule id) for every rule the strategies can break in that combination."""
    plan = []
    for operation in OPERATIONS:
        for media_type in MEDIA_TYPES:
            plan += [
                (operation, media_type, rule) for rule in invalid_header_strategies(operation, media_type)
            ]
            if NO_PAYLOAD_RULE in invalid_header_strategies(operation, media_type, has_payload=False):
                plan.append((operation, media_type, NO_PAYLOAD_RULE))
    return plan


REJECTION_PLAN = _rejection_plan()
ACCEPTANCE_PLAN = [
    (op, media, rule) for op in OPERATIONS for media in MEDIA_TYPES for rule in sorted(ACCEPTED_RULE_IDS)
]


def _params(plan: list[tuple[str, str, str]]) -> list[Any]:
    """Ids from `case_id` (operation-media-rule) plus the marker the plugin turns into junit properties."""
    return [
        case_param(op, media, rule, operation=op, rule=rule, media_type=media) for op, media, rule in plan
    ]


def judged(operation: str, media_type: str, rule: str, verdict: Callable[[], None]) -> None:
    """Run one rule case's assertions and report the outcome (header-rule coverage and the check table)."""
    try:
        verdict()
    except AssertionError as failure:
        record_header_rule(rule, "fail", operation=operation)
        record_check(operation, media_type, "header_rule", False, rule, str(failure))
        raise
    deviated = bool({rule, "HDR-FORM"} & set(current_recorder().test.deviations))
    record_header_rule(rule, "deviation" if deviated else "pass", operation=operation)
    record_check(operation, media_type, "header_rule", True, rule)
    if rule in JUDGEMENTS:
        record_judged(rule, operation, held=not deviated)


def assert_accepted(
    client: NorceClient, request: ImportRequest, response: Any, *, seed: int, rule: str | None
) -> None:
    context = explain(client, response, operation=request.operation, seed=seed, rule=rule)
    if not request.items:
        # With no items, the header is not what decides: whether an empty import is a job of no items or a
        # refusal is not documented (IMP-EMPTY-BODY, ours). Either way it must not be a server error.
        judge("not_a_server_error", response.status_code < 500, f"an empty array{context}")
        if not judge("IMP-EMPTY-BODY", response.status_code == 200, f"an empty array was refused{context}"):
            return
    named = {"operation": request.operation, "media_type": request.content_type}
    judge("HDR-VALID", response.status_code == 200, f"a conformant header was rejected{context}", **named)
    body = response.json()
    judge_body(request.operation, body, context)
    summary = body["ValidationSummary"]
    total = summary.get("NrOfItemsInTotal")
    judge("IMP-COUNTS", total == len(request.items), f"NrOfItemsInTotal {total} != items sent{context}")
    # The strategies only build items that pass initial validation (identity present, nested keys present).
    failures = summary.get("NrOfValidationFailures")
    judge("HDR-VALID", failures == 0, f"{failures} valid items failed initial validation{context}", **named)


def assert_rejected(
    client: NorceClient,
    request: ImportRequest,
    response: Any,
    *,
    seed: int,
    rule: str,
    job: dict[str, Any] | JobTimeout | None = None,
) -> None:
    """The documented effect first: a header that breaks `rule` imports nothing (a 4xx with any body, or a job
    whose items all fail; reading back finds none of them), judged at the rule's own level. Then the form:
    a synchronous 400 whose Messages[0].Key is the rule id (HDR-FORM, Q7). `job`: the finished job of an
    accepted import (Rejections waits for them together)."""
    context = explain(client, response, operation=request.operation, seed=seed, rule=rule)
    status = response.status_code
    judge("not_a_server_error", status < 500, f"a header breaking {rule} answered {status}{context}")
    accepted = 200 <= status < 300
    all_failed = True
    if accepted:  # an asynchronous refusal: the job must fail every item
        assert job is not None, "an accepted import is judged once its job is waited for (Rejections)"
        if isinstance(job, JobTimeout):
            raise ContractViolation("JOB-FINISHES", f"{job}{context}")
        record_judged("JOB-FINISHES", "JobGet")
        all_failed = (
            job.get("Fail") == job.get("Totals") and not job.get("Inserts") and not job.get("Updates")
        )
    written = written_items(client, request)
    # Without a payload there is nothing to write: the job itself, which would read Norce's file area, is
    # what the recommendation refuses (Q14).
    refused = not accepted if rule == NO_PAYLOAD_RULE else (not accepted or all_failed) and not written
    judge(
        rule,
        refused,
        f"a header breaking {rule} imported {written or 'items'}{context}",
        operation=request.operation,
        media_type=request.content_type,
    )
    if (
        accepted
        and rule == "HDR-XML-INT-ENUMS"
        and waivers.waive(
            "W-Q3-XML-ENUM-NAMES", request.operation, f"names under XML: {request.header_value}"
        )
    ):
        return
    if is_refusal(response):  # refused below HTTP (a reset): the effect is judged above, the form is not 400
        judge(
            "HDR-FORM",
            False,
            f"expected 400 with Messages[0].Key {rule!r}{context}",
            operation=request.operation,
        )
        return
    try:
        body = response.json()
    except ValueError:
        body = None
    errors = connect_component_errors("ErrorMessage", body) if body is not None else ["no JSON body"]
    keys = [m.get("Key") for m in (body or {}).get("Messages") or [] if isinstance(m, dict)]
    form_ok = status == 400 and not errors and keys[:1] == [rule]
    if (
        not form_ok
        and status == 400
        and waivers.waive(
            "W-Q7-CONNECT-ERROR-BODY", request.operation, f"{rule}: body {response.text[:200]!r}"
        )
    ):
        return
    judge(
        "HDR-FORM",
        form_ok,
        f"expected 400 with Messages[0].Key {rule!r}; got {status}, keys {keys[:1]}, {errors}{context}",
        operation=request.operation,
        media_type=request.content_type,
    )


@dataclass
class Rejections:
    """The rule-breaking requests of one property test. One refused at once is judged at once; one accepted
    for processing (refused asynchronously, if at all: Q7) is judged after the property has run, when the
    jobs of all such requests have been waited for together: on a tenant whose jobs queue for seconds, one
    job's time instead of one per example. A late verdict names its request (curl) but is not shrunk."""

    client: NorceClient
    seed: int
    accepted: list[tuple[ImportRequest, Any, str]] = field(default_factory=list)

    def judge(self, request: ImportRequest, response: Any, rule: str) -> None:
        if 200 <= response.status_code < 300:
            self.accepted.append((request, response, rule))
            return
        self.verdict(request, response, rule)

    def verdict(self, request: ImportRequest, response: Any, rule: str, job: Any = None) -> None:
        judged(
            request.operation,
            request.content_type,
            rule,
            lambda: assert_rejected(self.client, request, response, seed=self.seed, rule=rule, job=job),
        )

    def judge_accepted(self) -> None:
        job_ids = [int(response.json()["JobId"]) for _, response, _ in self.accepted]
        jobs = self.client.wait_for_jobs(job_ids)
        for (request, response, rule), job_id in zip(self.accepted, job_ids, strict=True):
            self.verdict(request, response, rule, jobs[job_id])


def written_items(client: NorceClient, request: ImportRequest) -> list[str]:
    """The codes of the request's items that exist on the target now (each item carries a fresh run code)."""
    lookup = "GetCustomerByCode" if request.operation == IMPORT_CUSTOMERS else "GetCompanyByCode"
    found = []
    for item in request.items:
        code = item.get("Code") if isinstance(item, dict) else None
        if isinstance(code, str) and code and entity_exists(client.call(lookup, params={"code": code})):
            found.append(code)
    return found


@pytest.mark.parametrize(("operation", "media_type", "rule"), _params(REJECTION_PLAN))
def test_header_breaking_a_rule_is_rejected(
    norce: NorceClient,
    run_namespace: RunNamespace,
    norce_seed: int,
    norce_max_examples: int | None,
    operation: str,
    media_type: str,
    rule: str,
) -> None:
    has_payload = rule != NO_PAYLOAD_RULE
    sent: list[str] = []
    rejections = Rejections(norce, norce_seed)

    @st.composite
    def cases(draw: st.DrawFn) -> ImportRequest:
        request = draw(import_requests(operation, run_prefix=run_namespace.prefix, media_types=[media_type]))
        value = draw(invalid_header_strategies(operation, media_type, has_payload=has_payload)[rule])
        if not has_payload:
            return replace(request, header_value=value, header=None, items=[], body=b"")
        return replace(request, header_value=value, header=None)

    def check(request: ImportRequest) -> None:
        # The oracle and the strategy must agree before the server is judged.
        oracle = expected_violation(operation, request.header_value, media_type, has_payload=has_payload)
        assert oracle == rule, (
            f"strategy for {rule} produced a header the oracle judges {oracle}: {request.header_value!r}"
        )
        response = send(norce, request, broken=True)
        sent.append(rule)
        rejections.judge(request, response, rule)

    run_property(check, cases(), seed=norce_seed, max_examples=norce_max_examples)
    rejections.judge_accepted()
    assert sent, f"{rule} was never sent for {operation} {media_type}"


@pytest.mark.parametrize(("operation", "media_type", "rule"), _params(ACCEPTANCE_PLAN))
def test_ignored_header_members_are_accepted(
    norce: NorceClient,
    run_namespace: RunNamespace,
    norce_seed: int,
    norce_max_examples: int | None,
    operation: str,
    media_type: str,
    rule: str,
) -> None:
    """HDR-JOBID-IGNORED and HDR-SUPPLIER-NEEDS-STORAGE describe members that are ignored, not errors."""
    sent: list[str] = []

    @st.composite
    def cases(draw: st.DrawFn) -> ImportRequest:
        header = draw(header_objects(operation, media_type, storage=False))
        if rule == "HDR-JOBID-IGNORED":
            header = replace(header, job_id=draw(st.integers(1, 10**6) | st.integers(1, 10**6).map(str)))
        else:
            header = replace(header, supplier_id=draw(st.integers(1, 10**6)), storage_name=None)
        value = draw(st.sampled_from([to_json, to_xml]))(header)
        items = draw(import_items(header, operation, run_prefix=run_namespace.prefix))
        body = encode_body(operation, items, media_type)
        return ImportRequest(operation, media_type, value, items, body, header)

    def check(request: ImportRequest) -> None:
        assert expected_violation(operation, request.header_value, media_type) is None
        response = send(norce, request)
        sent.append(rule)
        judged(
            operation,
            media_type,
            rule,
            lambda: assert_accepted(norce, request, response, seed=norce_seed, rule=rule),
        )

    run_property(check, cases(), seed=norce_seed, max_examples=norce_max_examples)
    assert sent


@pytest.mark.parametrize("operation", OPERATIONS)
def test_valid_header_and_body_combinations_are_accepted(
    norce: NorceClient,
    run_namespace: RunNamespace,
    norce_seed: int,
    norce_max_examples: int | None,
    operation: str,
) -> None:
    """Header forms (JSON ints/names/mixed, XML ints) x body media types x 0-3 items: 200 + JobResponse."""

    def check(request: ImportRequest) -> None:
        assert expected_violation(operation, request.header_value, request.content_type) is None
        assert_accepted(norce, request, send(norce, request), seed=norce_seed, rule=None)

    strategy = import_requests(operation, run_prefix=run_namespace.prefix)
    run_property(check, strategy, seed=norce_seed, max_examples=2 * (norce_max_examples or 5))


@pytest.mark.parametrize("operation", OPERATIONS)
def test_mixed_header_and_body_cases_get_the_documented_answer(
    norce: NorceClient,
    run_namespace: RunNamespace,
    norce_seed: int,
    norce_max_examples: int | None,
    operation: str,
) -> None:
    """Valid and rule-breaking requests drawn together: each gets exactly the answer the oracle expects."""
    rejections = Rejections(norce, norce_seed)

    def check(case: tuple[ImportRequest, Expected]) -> None:
        request, expected = case
        response = send(norce, request, broken=expected.status != 200)
        if expected.status == 200:
            assert_accepted(norce, request, response, seed=norce_seed, rule=None)
        else:
            assert expected.rule_id is not None
            rejections.judge(request, response, expected.rule_id)

    strategy = header_and_body_cases(operation, run_prefix=run_namespace.prefix)
    run_property(check, strategy, seed=norce_seed, max_examples=2 * (norce_max_examples or 5))
    rejections.judge_accepted()


def test_every_header_rule_is_exercised() -> None:
    """Every HeaderRules id in enums.yaml is covered by a test above (each checks the rule was sent)."""
    planned = {rule for _, _, rule in REJECTION_PLAN} | {rule for _, _, rule in ACCEPTANCE_PLAN}
    missing = set(header_rules()) - planned
    unknown = planned - set(header_rules())
    assert not missing, f"header rules never exercised: {sorted(missing)}"
    assert not unknown, f"rule ids not in openapi/enums.yaml: {sorted(unknown)}"
