"""Every documented form of the X-StormConnect-Header is read (docs/norce-facts.md §3): each is sent once, in
a header valid for one new item, and the import must be accepted and the item written (HDR-VALID).

The forms, each a sentence of §3:
- `client-json`: compact one-line JSON, integer enums, unused members left out, as the official C# client
  writes it (rule 10; rule 1's JSON serialization);
- `xml`: the DataContract XML form (rule 1's XML serialization; "XML form of the header": the root in
  …Contracts.Customer, the base members AccountId and SerializationType first in …Contracts, then the field
  lists with AccountField/CompanyField/CustomerField items in …Customer.Fields);
- `serialization-type`: JSON with SerializationType naming the body's serialization (0 Json with a JSON body,
  1 DataContractSerializer with an XML body; §3 SerializationType values);
- `older-variant` (JSON bodies): the older spec variant's [string] forms still on the page,
  `"SerializationType": ["JSON"]` and, on ImportCustomers, `"AccountFieldsThatAreSet": ["Status"]` (rule 8);
- `docs-example` (ImportCompanies, JSON body): the docs' example header, its values in the docs' order, with
  the run's AccountId (F-HDR-EXAMPLE).

A form left unread shows as a refusal, or as a job that writes nothing (a target may judge the header in the
job: Q7); either way the documented effect, an import, is missing. Members whose treatment is only our
recommendation (JobId, SupplierId without StorageName: Q14) are left out, so every verdict is documented.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest

from contracts.oracle.enums import serialization_types
from contracts.oracle.header import CustomerHeader, expected_violation, header_members, to_json, to_xml
from contracts.oracle.strategies.requests import encode_body
from contracts.reports.plugin import case_param
from contracts.reports.recorder import record_judged
from contracts.reports.verdicts import ContractViolation, judge
from contracts.suite.entities import COMPANIES, CUSTOMERS, entity_by_code, insert_header, new_entity
from contracts.suite.flows import JSON, XML, account_id, compact, explain
from contracts.transport.client import JobTimeout, NorceClient
from contracts.transport.namespace import RunNamespace

# One worker runs the module: its imports are sent side by side and their jobs waited for together.
pytestmark = [pytest.mark.contract, pytest.mark.writes, pytest.mark.xdist_group("header-forms")]

# The docs' example (docs/norce-facts.md §3 rules, SEED1), verbatim but for the AccountId.
DOCS_EXAMPLE = (
    '{"AccountId":1,"CompanyFieldsThatAreSet":[0,2,3,4,5,6,9,10,11,14,17,18,19,20,12,22],'
    '"CustomerFieldsThatAreSet":[0,2,14,3,6,9,11,12,13],"AccountFieldsThatAreSet":[1,3,4],'
    '"SerializationType":0}'
)
OLDER_SERIALIZATION_TYPE = "JSON"  # the older variant's example: "SerializationType": ["JSON"]

FORMS = ("client-json", "xml", "serialization-type", "older-variant", "docs-example")
JSON_BODY_ONLY = ("older-variant", "docs-example")


def _plan() -> list[tuple[str, str, str]]:
    plan = []
    for operation in (CUSTOMERS, COMPANIES):
        for body in (JSON, XML):
            for form in FORMS:
                if form in JSON_BODY_ONLY and body != JSON:
                    continue
                if form == "docs-example" and operation != COMPANIES:
                    continue  # on ImportCustomers the example breaks rule 6 (docs/norce-facts.md §3)
                plan.append((operation, body, form))
    return plan


PLAN = _plan()


def serialization_type(body: str) -> int:
    value = serialization_types().value_of("DataContractSerializer" if body == XML else "Json")
    assert value is not None, "SerializationType lacks a documented member"
    return value


def header_value(operation: str, body: str, form: str) -> str:
    """The header of an insert of one new item, in `form`."""
    header: CustomerHeader = insert_header(operation)
    if form == "client-json":
        return to_json(header)
    if form == "xml":
        return to_xml(replace(header, serialization_type=serialization_type(body)))
    if form == "serialization-type":
        return to_json(replace(header, serialization_type=serialization_type(body)))
    if form == "older-variant":
        if operation == CUSTOMERS:  # Accounts (14) makes the account list meaningful (rule 4)
            header = insert_header(operation, "Accounts")
        members: dict[str, Any] = header_members(header)
        members["SerializationType"] = [OLDER_SERIALIZATION_TYPE]
        if operation == CUSTOMERS:
            members["AccountFieldsThatAreSet"] = ["Status"]
        return json.dumps(members, separators=(",", ":"))
    example = json.loads(DOCS_EXAMPLE)
    example["AccountId"] = account_id()
    return json.dumps(example, separators=(",", ":"))


@dataclass
class Sent:
    """One form's import: the item, the header as sent, the answer, and the job of an accepted import."""

    item: dict[str, Any]
    value: str
    oracle: str | None
    response: httpx.Response | None = None
    job: dict[str, Any] | JobTimeout | None = None


Case = tuple[str, str, str]


def selected_cases(request: pytest.FixtureRequest) -> list[Case]:
    """The cases of this module the session runs (-k may have left fewer)."""
    cases = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if getattr(item, "module", None) is request.module and callspec is not None:
            params = callspec.params
            cases.append((params["operation"], params["body"], params["form"]))
    return cases


@pytest.fixture(scope="module")
def sent(norce: NorceClient, run_namespace: RunNamespace, request: pytest.FixtureRequest) -> dict[Case, Sent]:
    """Every selected form's import, sent one after another; the accepted ones' jobs waited for together."""
    made: dict[Case, Sent] = {}
    accepted: dict[int, Sent] = {}
    for case in selected_cases(request):
        operation, body, form = case
        item = new_entity(operation, run_namespace)
        value = header_value(operation, body, form)
        one = made[case] = Sent(item, value, expected_violation(operation, value, body))
        if one.oracle is not None:
            continue  # the test reports it: nothing is sent for a header the oracle does not accept
        send = norce.import_customers if operation == CUSTOMERS else norce.import_companies
        one.response = send(encode_body(operation, [item], body), value, body)
        if one.response.status_code == 200:
            accepted[int(one.response.json()["JobId"])] = one
    for job_id, job in norce.wait_for_jobs(list(accepted)).items():
        accepted[job_id].job = job
    return made


@pytest.mark.parametrize(
    ("operation", "body", "form"),
    [case_param(op, body, form, operation=op, rule=form, media_type=body) for op, body, form in PLAN],
)
def test_each_documented_header_form_is_read(
    sent: dict[Case, Sent], norce: NorceClient, norce_seed: int, operation: str, body: str, form: str
) -> None:
    one = sent[(operation, body, form)]
    assert one.oracle is None, f"the oracle refuses the {form} header ({one.oracle}): {one.value}"
    response = one.response
    assert response is not None
    context = explain(norce, response, operation=operation, seed=norce_seed)
    refused = f"the {form} header{context}"
    judge("not_a_server_error", response.status_code < 500, refused, operation=operation)
    accepted = judge(
        "HDR-VALID",
        response.status_code == 200,
        f"the {form} header was refused: {one.value}{context}",
        operation=operation,
        media_type=body,
    )
    if not accepted:
        return
    if isinstance(one.job, JobTimeout):
        raise ContractViolation("JOB-FINISHES", f"{one.job}{context}")
    assert one.job is not None
    record_judged("JOB-FINISHES", operation)
    written = entity_by_code(norce, operation, one.item["Code"], seed=norce_seed) is not None
    judge(
        "HDR-VALID",
        written and one.job.get("Inserts") == 1,
        f"the {form} header was accepted but the item not imported (written: {written}): {one.value}; "
        f"job {compact(one.job)}{context}",
        operation=operation,
        media_type=body,
    )
