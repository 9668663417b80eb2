"""Test doubles: a fake clock and a small fake Norce tenant (token endpoint with Norce's 3/min limit, bearer
checks, the Customer Service operations the cleanup uses, Connect import + job), served through
httpx.MockTransport or, for the embedded-server and CLI tests, as a Starlette app.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.transport.target import CONNECT_PATH, CUSTOMER_PATH, TOKEN_PATH, Credentials, Target

BASE = "https://acme.api-se.stage.norce.tech"
CREDENTIALS = Credentials(
    client_id="suite-client",
    client_secret="s3cr3t-client-value",
    application_id="42",
    scope="stage",
    basic_application_id="42",
    basic_secret_key="0b6f3f0e-1111-4c2d-9a55-3c1f5e0d7a11",
)


def tenant_target(base: str = BASE, **changes: Any) -> Target:
    fields: dict[str, Any] = {
        "name": base,
        "connect_url": base + CONNECT_PATH,
        "customer_url": base + CUSTOMER_PATH,
        "token_url": base + TOKEN_PATH,
        "credentials": CREDENTIALS,
    }
    fields.update(changes)
    return Target(**fields)


@dataclass
class FakeClock:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(seconds, 0.0)


@dataclass
class FakeNorce:
    clock: FakeClock
    expires_in: int = 3600
    token_limit: int = 3
    customers: dict[str, int] = field(default_factory=dict)  # code -> id
    companies: dict[str, int] = field(default_factory=dict)
    token_requests: list[float] = field(default_factory=list)
    calls: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # (method, op, params)
    revoked: set[str] = field(default_factory=set)
    reject_all_tokens: bool = False
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry
    fail_operations: set[str] = field(default_factory=set)
    last_customer_of: set[int] = field(default_factory=set)  # company ids whose relation delete is refused
    jobs_finish_after: int = 1
    job_polls: int = 0
    jobs_submitted: int = 0

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith(TOKEN_PATH):
            return self._token(request)
        if not self._authorized(request):
            return httpx.Response(401, headers={"WWW-Authenticate": "Bearer"})
        params = {k: v for k, v in request.url.params.items()}
        operation = path.rsplit("/", 1)[-1]
        self.calls.append((request.method, operation, params))
        if operation in self.fail_operations:
            return _error(500, "InternalError")
        if CUSTOMER_PATH in path:
            return self._customer_service(operation, params)
        if operation in ("ImportCustomers", "ImportCompanies"):
            self.jobs_submitted += 1
            job = {"JobId": 6 + self.jobs_submitted, "StatusCode": 0, "ValidationSummary": None}
            return httpx.Response(200, json=job)
        if operation == "Get":
            self.job_polls += 1
            finished = self.job_polls >= self.jobs_finish_after
            return httpx.Response(200, json={"Id": int(params["id"]), "IsFinished": finished})
        return httpx.Response(404)

    def _token(self, request: httpx.Request) -> httpx.Response:
        window = [t for t in self.token_requests if self.clock.now - t < 60]
        if len(window) >= self.token_limit:
            return httpx.Response(429, headers={"Retry-After": "60"})
        form = parse_qs(request.content.decode())
        if form.get("client_secret") != [CREDENTIALS.client_secret]:
            return httpx.Response(401)
        self.token_requests.append(self.clock.now)
        token = f"tok-{len(self.token_requests)}"
        self.tokens[token] = self.clock.now + self.expires_in
        body = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "scope": "stage",
        }
        return httpx.Response(200, json=body)

    def _authorized(self, request: httpx.Request) -> bool:
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Basic "):
            return True
        token = authorization.removeprefix("Bearer ")
        if (
            self.reject_all_tokens
            or token not in self.tokens
            or token in self.revoked
            or self.tokens[token] <= self.clock.now
        ):
            return False
        return request.headers.get("application-id") == CREDENTIALS.application_id

    def _customer_service(self, operation: str, params: dict[str, str]) -> httpx.Response:
        if operation == "GetCustomerByCode":
            found = self.customers.get(params["code"])
            return httpx.Response(200, json=None if found is None else {"Id": found, "Code": params["code"]})
        if operation == "GetCompanyByCode":
            found = self.companies.get(params["code"])
            return httpx.Response(200, json=None if found is None else {"Id": found, "Code": params["code"]})
        if operation == "DeleteCompanyCustomer" and int(params["companyId"]) in self.last_customer_of:
            return _error(400, "CannotDeleteLastCustomer")
        if operation in ("InactivateCustomer", "InactivateCompany", "DeleteCompanyCustomer"):
            return httpx.Response(200)
        return httpx.Response(200, json=[])

    def writes(self) -> list[tuple[str, dict[str, str]]]:
        return [(operation, params) for method, operation, params in self.calls if method == "POST"]


def _error(status: int, key: str) -> httpx.Response:
    body = {"MessageId": 1, "Message": key, "Orchestration": None, "TimeStamp": "2026-01-01T00:00:00Z"}
    body |= {"Record": None, "Messages": [{"Key": key, "Value": key}]}
    return httpx.Response(status, json=body)


def create_app() -> Starlette:
    """A Starlette app over FakeNorce; `/seed` reports NORCE_EMULATOR_SEED as seen at creation."""
    seed_at_creation = os.environ.get("NORCE_EMULATOR_SEED")
    fake = FakeNorce(FakeClock(), customers={"nct-abcd1234-c-1": 11}, companies={"nct-abcd1234-co-2": 21})

    async def seed(_: Request) -> Response:
        return Response(json.dumps({"seed": seed_at_creation}), media_type="application/json")

    async def everything(request: Request) -> Response:
        if request.url.path == "/calls":
            return Response(json.dumps(fake.calls), media_type="application/json")
        if request.url.path == "/fail":  # test control: make an operation answer 500 from now on
            fake.fail_operations.add(request.query_params["operation"])
            return Response(status_code=204)
        fake.clock.now = 1000.0  # tokens never expire in this app
        outgoing = httpx.Request(
            request.method, str(request.url), headers=request.headers.raw, content=await request.body()
        )
        answer = fake.handle(outgoing)
        return Response(answer.content, status_code=answer.status_code, headers=dict(answer.headers))

    return Starlette(
        routes=[
            Route("/seed", seed),
            Route("/{path:path}", everything, methods=["GET", "POST"]),
        ]
    )
