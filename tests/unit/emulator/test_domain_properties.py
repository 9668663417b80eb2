"""Property: arbitrary header strings and body bytes only ever raise DomainError (never a crash)."""

from __future__ import annotations

import contextlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.domain.connect import ConnectService
from emulator.domain.errors import DomainError
from emulator.domain.store import Store
from emulator.faults import Faults

VALID_HEADER = json.dumps({"AccountId": 1, "CustomerFieldsThatAreSet": [2, 3, 6, 8, 14, 16, 19]})
CONTENT_TYPES = st.sampled_from(["application/json", "application/xml", "text/plain", ""])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["Code", "Id", "EmailAddress", "Flags", "Accounts", "Companies", "FirstName"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=10,
)


@settings(max_examples=50, derandomize=True, deadline=None)
@given(
    header=st.one_of(st.none(), st.text(max_size=80), st.just(VALID_HEADER)),
    body=st.binary(max_size=200),
    content_type=CONTENT_TYPES,
)
def test_random_headers_and_bytes_raise_only_domain_errors(
    header: str | None, body: bytes, content_type: str
) -> None:
    service = ConnectService(Store(), Faults(), timing="immediate")
    with contextlib.suppress(DomainError):
        service.import_customers(header, content_type, body)


@settings(max_examples=50, derandomize=True, deadline=None)
@given(items=st.lists(json_values, max_size=4))
def test_random_json_items_never_fail_the_job_internally(items: list[object]) -> None:
    service = ConnectService(Store(), Faults(), timing="immediate")
    response = service.import_customers(VALID_HEADER, "application/json", json.dumps(items).encode())
    job = service.get_job(int(response["JobId"]))
    assert job is not None and job["StatusId"] != 3
    assert job["Totals"] == job["Inserts"] + job["Updates"] + job["Fail"]
