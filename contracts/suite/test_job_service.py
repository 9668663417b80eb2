"""The Job service asked about a job that does not exist (docs/norce-facts.md §1B rows 3 and 4): the docs do
not say what it answers, so our reading is a recommendation (Q5, Q6): Job/Get answers 200 with `null` (an
empty body in XML), Job/GetLog an empty list. Either way it must not be a server error. Asked in JSON and in
XML, so that a release that changes the answer shows up in the comparison of two runs (a deterministic test
records the status it saw).
"""

from __future__ import annotations

import pytest

from contracts.oracle.xml_data import decode_body
from contracts.reports.verdicts import judge
from contracts.suite.flows import JSON, XML, explain
from contracts.transport.client import NorceClient

pytestmark = [pytest.mark.contract, pytest.mark.parametrize("accept", [JSON, XML], ids=["json", "xml"])]

# An id no job has: the largest int32 (the documented type of `id`); a tenant's ids count up from small.
UNKNOWN_JOB_ID = 2**31 - 1


def test_job_get_of_an_unknown_id_answers_no_job(norce: NorceClient, norce_seed: int, accept: str) -> None:
    url = f"{norce.target.connect_url}/Job/Get"
    response = norce.raw("GET", url, params={"id": UNKNOWN_JOB_ID}, headers={"Accept": accept})
    context = explain(norce, response, operation="JobGet", seed=norce_seed)
    judge("not_a_server_error", response.status_code < 500, f"Job/Get of an unknown id{context}")
    content = response.content.strip()
    empty = content in (b"", b"null") or (accept == XML and b'nil="true"' in content)
    no_job = response.status_code == 200 and empty
    judge(
        "JOB-NOT-FOUND-FORM",
        no_job,
        f"Job/Get of an unknown id answered {response.status_code} {content[:200]!r}{context}",
        operation="JobGet",
        media_type=accept,
    )


def test_job_log_of_an_unknown_id_is_empty(norce: NorceClient, norce_seed: int, accept: str) -> None:
    url = f"{norce.target.connect_url}/Job/GetLog"
    response = norce.raw("GET", url, params={"id": UNKNOWN_JOB_ID}, headers={"Accept": accept})
    context = explain(norce, response, operation="JobGetLog", seed=norce_seed)
    judge("not_a_server_error", response.status_code < 500, f"Job/GetLog of an unknown id{context}")
    rows = None
    if response.status_code == 200:
        content_type = response.headers.get("content-type", accept)
        try:
            rows = decode_body("JobGetLog", 200, content_type, response.content)
        except ValueError:
            rows = None
    judge(
        "JOB-NOT-FOUND-FORM",
        rows == [],
        f"Job/GetLog of an unknown id answered {response.status_code}, rows {rows!r}{context}",
        operation="JobGetLog",
        media_type=accept,
    )
