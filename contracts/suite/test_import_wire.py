"""How an import crosses the wire, beyond the documented array and header spelling: items streamed back to
back and a chunked transfer, as the official client sends them (docs/norce-facts.md §4.1 "Body framing", Q2),
and the header name in another case than the docs print it (§1A, §3 rule 9: HTTP field names are
case-insensitive).

These are recommendations (IMP-FRAMING, HDR-NAME-CASE): a target that refuses is a deviation on a tenant, so
these tests send and judge by themselves rather than through `flows.run_import`, whose acceptance check is
documented. Every test runs with a JSON and with an XML body (and header).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from contracts.oracle.header import HEADER_NAME, CustomerHeader
from contracts.oracle.strategies.requests import encode_body, encode_streamed
from contracts.oracle.xml_data import decode_body
from contracts.reports.verdicts import judge
from contracts.suite.entities import (
    COMPANIES,
    CUSTOMERS,
    OPERATIONS,
    entity_by_code,
    insert_header,
    new_entity,
)
from contracts.suite.flows import BODY_IDS, BODY_TYPES, XML, compact, explain, serialize
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

pytestmark = [
    pytest.mark.contract,
    pytest.mark.writes,
    pytest.mark.parametrize("body", BODY_TYPES, ids=BODY_IDS),
]


def send(
    norce: NorceClient,
    operation: str,
    content: bytes,
    header: CustomerHeader,
    body: str,
    header_name: str = HEADER_NAME,
    *,
    chunked: bool = False,
) -> httpx.Response:
    value = serialize(header, "xml" if body == XML else "json")
    import_ = norce.import_customers if operation == CUSTOMERS else norce.import_companies
    return import_(content, value, body, header_name=header_name, chunked=chunked)


def imported(
    norce: NorceClient, operation: str, response: httpx.Response, items: list[dict[str, Any]], seed: int
) -> tuple[dict[str, Any], list[str]]:
    """The finished job of an accepted import, and the items that do not read back (by Code)."""
    job = norce.wait_for_job(int(response.json()["JobId"]))
    missing = [
        item["Code"] for item in items if entity_by_code(norce, operation, item["Code"], seed=seed) is None
    ]
    return job, missing


def judge_imported(
    norce: NorceClient,
    operation: str,
    response: httpx.Response,
    items: list[dict[str, Any]],
    *,
    judgement: str,
    what: str,
    body: str,
    seed: int,
    count_totals: bool = True,
) -> None:
    """The shared verdict of these tests: no server error; `judgement` holds when the import is accepted and
    every item reads back (and, with `count_totals`, the job counted them all)."""
    context = explain(norce, response, operation=operation, seed=seed)
    judge("not_a_server_error", response.status_code < 500, f"{what}{context}", operation=operation)
    refused = f"{what}: refused{context}"
    if not judge(judgement, response.status_code == 200, refused, operation=operation, media_type=body):
        return
    job, missing = imported(norce, operation, response, items, seed)
    counted = not count_totals or job.get("Totals") == len(items)
    detail = f"{what}: job {compact(job)}; not imported: {missing}{context}"
    judge(judgement, not missing and counted, detail, operation=operation, media_type=body)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_items_sent_back_to_back_are_all_imported(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, operation: str, body: str
) -> None:
    """A body of items back to back, as the official client streams them (JSON objects with no brackets or
    separators; XML one root element per item), is accepted and every item imported (IMP-FRAMING, Q2)."""
    items = [new_entity(operation, run_namespace) for _ in range(3)]
    response = send(norce, operation, encode_streamed(operation, items, body), insert_header(operation), body)
    what = f"{len(items)} items back to back"
    judge_imported(
        norce, operation, response, items, judgement="IMP-FRAMING", what=what, body=body, seed=norce_seed
    )


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_chunked_body_is_imported(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, operation: str, body: str
) -> None:
    """A body sent with Transfer-Encoding: chunked and no Content-Length, as the official helper sends it
    (docs/norce-facts.md §4.1 "Body framing": "the transfer is chunked"), is accepted and every item imported
    (IMP-FRAMING, Q2). The body is the documented array (XML: ArrayOfX), so only the transfer is judged."""
    items = [new_entity(operation, run_namespace) for _ in range(2)]
    content = encode_body(operation, items, body)
    response = send(norce, operation, content, insert_header(operation), body, chunked=True)
    what = f"a chunked body of {len(items)} items"
    judge_imported(
        norce, operation, response, items, judgement="IMP-FRAMING", what=what, body=body, seed=norce_seed
    )


# Each import with the header named in the other spelling of the docs (docs/norce-facts.md §3 rule 9): the
# docs print X-StormConnect-Header on ImportCompanies and x-stormconnect-header on ImportCustomers.
OTHER_SPELLING = {COMPANIES: "x-stormconnect-header", CUSTOMERS: "X-StormConnect-Header"}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_header_name_is_read_whatever_its_case(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, operation: str, body: str
) -> None:
    """The header named in lower case on ImportCompanies and in mixed case on ImportCustomers is read: the
    import is accepted and the item written (HDR-NAME-CASE: HTTP field names are case-insensitive)."""
    name = OTHER_SPELLING[operation]
    item = new_entity(operation, run_namespace)
    response = send(
        norce, operation, encode_body(operation, [item], body), insert_header(operation), body, name
    )
    what = f"the header named {name!r}"
    judge_imported(
        norce,
        operation,
        response,
        [item],
        judgement="HDR-NAME-CASE",
        what=what,
        body=body,
        seed=norce_seed,
        count_totals=False,
    )


def test_job_list_lists_the_run_s_job(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    """Job/List lists the application's jobs (docs/norce-facts.md §1B "List Job"; its path and JobDto[] answer
    are ours, Q6, so JOB-LIST is a recommendation): after an import's job finishes, the list, asked for in
    the body's media type, answers 200 and holds that job."""
    items = [new_entity(CUSTOMERS, run_namespace)]
    content = encode_body(CUSTOMERS, items, body)
    response = send(norce, CUSTOMERS, content, insert_header(CUSTOMERS), body)
    assert response.status_code == 200, (
        f"import refused{explain(norce, response, operation=CUSTOMERS, seed=norce_seed)}"
    )
    job_id = int(response.json()["JobId"])
    norce.wait_for_job(job_id)
    listed = norce.raw("GET", f"{norce.target.connect_url}/Job/List", headers={"Accept": body})
    context = explain(norce, listed, operation="JobList", seed=norce_seed)
    if not judge(
        "JOB-LIST",
        listed.status_code == 200,
        f"Job/List answered {listed.status_code}{context}",
        operation="JobList",
    ):
        return
    content_type = listed.headers.get("content-type", body)
    jobs = decode_body("JobList", 200, content_type, listed.content) or []
    ids = {str(job.get("JobId")) for job in jobs if isinstance(job, dict)}
    judge(
        "JOB-LIST",
        str(job_id) in ids,
        f"job {job_id} is not in Job/List ({len(ids)} jobs){context}",
        operation="JobList",
        media_type=body,
    )
