"""Authentication on every operation of both APIs (ARCHITECTURE.md "Auth", docs/norce-facts.md §4.3, Q10).

No credentials, or a wrong bearer token, must get 401 with `WWW-Authenticate` on every operation in the
vendored specs; so must a valid token sent with someone else's application id. Connect also accepts the legacy
`Basic base64(<applicationId>:<secretKey>)` (a wrong Basic secret is refused); Customer Service 1.1 does not.
The token endpoint answers 429 with Retry-After once a client asks too often, and its answer to the run's own
token request is JSON with access_token, token_type Bearer, expires_in (at most 3600 s) and scope.

Token expiry (AUTH-TOKEN-EXPIRY): Norce tokens live 3600 s and the token endpoint allows 3 requests a minute,
so the suite cannot wait for a normal token to expire. A target may declare a second "expiry probe" client
(NORCE_EXPIRY_CLIENT_ID/SECRET) whose tokens live seconds; the embedded emulator documents one. Without it the
check is not applicable (skipped, with the reason) on a tenant, and a failure on the embedded emulator.
"""

from __future__ import annotations

import json
import time
from typing import Any, NoReturn

import httpx
import pytest

from contracts.oracle.header import HEADER_NAME, CustomerHeader, to_json
from contracts.oracle.response_checks import negotiation_problems
from contracts.oracle.spec import CONNECT_SPEC, CUSTOMER_SERVICE_SPEC, Operation, load_spec
from contracts.reports.recorder import register_secret
from contracts.reports.verdicts import judge
from contracts.suite.flows import JSON, XML, compact, explain
from contracts.transport.auth import (
    APPLICATION_ID_HEADER,
    WITHHELD,
    AuthSession,
    TokenError,
    basic_headers,
    bearer_headers,
    client_credentials_form,
    retry_after_seconds,
)
from contracts.transport.client import NorceClient
from contracts.transport.redact import redact_body

pytestmark = pytest.mark.contract

WRONG_TOKEN = "not-a-valid-token"
WRONG_SECRET = "00000000-0000-0000-0000-000000000000"
WRONG_APPLICATION_ID = "999999"
TOKEN_PROBE_LIMIT = 3 + 20 + 1  # 3 a minute plus the documented burst of 20, then one that must be refused
SAMPLE_VALUES = {"integer": 1, "boolean": "true", "number": 1}
EXPIRY_RULE = "AUTH-TOKEN-EXPIRY"
EXPIRY_PROBE_MAX_SECONDS = 10  # a probe token living longer would stall the suite: then not applicable
MAX_TOKEN_RETRY_AFTER = 60.0  # one wait for a per-IP 429 on a tenant, never more
FRESH_MARGIN_SECONDS = 0.5  # server clocks count whole seconds: a call this close to expiry proves nothing
# The Connect operation credentials are probed on: Job/Get is documented with its path; Job/List is not (Q6),
# and a tenant may not offer it. Any answer but 401/403 (a job, null, 404 for an unknown id) lets a caller in.
CONNECT_PROBE = "JobGet"
REFUSED = (401, 403)


def _operations() -> list[tuple[str, Operation]]:
    return [("connect", op) for op in load_spec(CONNECT_SPEC).operations()] + [
        ("customer", op) for op in load_spec(CUSTOMER_SERVICE_SPEC).operations()
    ]


def _params() -> list[Any]:
    """POSTs carry the `writes` marker: a read-only tenant's guard refuses them, credentials or not."""
    return [
        pytest.param(api, op, id=op.operation_id, marks=[pytest.mark.writes] if op.method == "post" else [])
        for api, op in _operations()
    ]


OPERATIONS = _params()


def request_parts(api: str, operation: Operation) -> dict[str, Any]:
    """A well-formed request for the operation (required query parameters, a small body), minus credentials:
    only the credentials decide the answer."""
    spec = load_spec(CONNECT_SPEC if api == "connect" else CUSTOMER_SERVICE_SPEC)
    params: dict[str, Any] = {}
    headers: dict[str, str] = {"Accept": JSON}
    for raw in operation.definition.get("parameters", []):
        parameter = spec.resolve(raw)
        if parameter.get("in") == "query" and parameter.get("required"):
            kind = spec.resolve(parameter.get("schema", {})).get("type")
            params[parameter["name"]] = SAMPLE_VALUES.get(kind if isinstance(kind, str) else "", "x")
    content = None
    if "requestBody" in operation.definition:
        headers["Content-Type"] = JSON
        body: Any = [] if operation.operation_id.startswith("Import") else {}
        content = json.dumps(body).encode()
    if operation.operation_id == "ImportCompanies":
        headers[HEADER_NAME] = to_json(CustomerHeader(1, company_fields=(2,)))
    elif operation.operation_id == "ImportCustomers":
        headers[HEADER_NAME] = to_json(CustomerHeader(1, customer_fields=(2,)))
    return {"params": params, "headers": headers, "content": content}


def send_unauthenticated(
    client: NorceClient, api: str, operation: Operation, credentials: dict[str, str]
) -> httpx.Response:
    base = client.target.connect_url if api == "connect" else client.target.customer_url
    parts = request_parts(api, operation)
    parts["headers"].update(credentials)
    return client.raw(operation.method.upper(), base + operation.path, authenticate=False, **parts)


def assert_unauthorized(
    client: NorceClient, response: httpx.Response, operation: str, seed: int, judgement: str = "AUTH-REQUIRED"
) -> None:
    """Refused: 401 or 403 (documented: OAuth2 is required); the form, 401 with WWW-Authenticate, is Q10."""
    context = explain(client, response, operation=operation, seed=seed)
    judge(judgement, response.status_code in REFUSED, f"expected 401 or 403{context}", operation=operation)
    form = response.status_code == 401 and bool(response.headers.get("WWW-Authenticate"))
    judge("AUTH-401-FORM", form, f"expected 401 with WWW-Authenticate{context}", operation=operation)


def _expiry_not_applicable(client: NorceClient, reason: str) -> NoReturn:
    """A tenant may have no short-lived client: say what it must provide. The embedded emulator documents one
    (README "The emulator"), so there a missing or long-lived probe is a failure, never a skip."""
    message = (
        f"{EXPIRY_RULE} not applicable: {reason}; the target must provide NORCE_EXPIRY_CLIENT_ID and "
        f"NORCE_EXPIRY_CLIENT_SECRET for a client of the same application whose tokens live at most "
        f"{EXPIRY_PROBE_MAX_SECONDS} s"
    )
    if client.target.is_emulator:
        pytest.fail(f"{message} (the embedded emulator documents one)", pytrace=False)
    pytest.skip(message)


def _probe_token_response(client: NorceClient) -> httpx.Response:
    """One token request for the expiry-probe client (its own rate budget on the emulator; Norce limits per
    IP, so a 429 is waited out once, as the run's token cache would)."""
    credentials = client.target.credentials
    form = client_credentials_form(
        credentials.expiry_client_id, credentials.expiry_client_secret, credentials.scope
    )
    with httpx.Client(timeout=15.0) as http:
        response = http.post(client.target.token_url, data=form, headers={"Accept": JSON})
        wait = retry_after_seconds(response, default=MAX_TOKEN_RETRY_AFTER)
        if response.status_code == 429 and wait <= MAX_TOKEN_RETRY_AFTER:
            time.sleep(wait)
            response = http.post(client.target.token_url, data=form, headers={"Accept": JSON})
    return response


def _probe_token(client: NorceClient, seed: int) -> tuple[str, int, float]:
    """(access token, expires_in, monotonic time it arrived) for the expiry-probe client, shape asserted."""
    response = _probe_token_response(client)
    received_at = time.monotonic()
    shown = redact_body(response.content[:2000], response.headers.get("content-type"))
    context = f"\n  rule={EXPIRY_RULE} seed={seed}\n  token endpoint: {response.status_code} {shown}"
    assert response.status_code == 200, f"{EXPIRY_RULE}: the expiry-probe client got no token{context}"
    try:
        body = response.json()
    except ValueError:
        body = None
    access_token = body.get("access_token") if isinstance(body, dict) else None
    assert isinstance(access_token, str) and access_token, f"{EXPIRY_RULE}: no access_token{context}"
    register_secret("expiry_probe_token", access_token)  # never leaks; a recording tells it apart
    expires_in = body.get("expires_in") if isinstance(body, dict) else None
    assert isinstance(expires_in, int) and not isinstance(expires_in, bool) and expires_in > 0, (
        f"{EXPIRY_RULE}: expires_in must be a positive whole number of seconds, got {expires_in!r}{context}"
    )
    if expires_in > EXPIRY_PROBE_MAX_SECONDS:
        _expiry_not_applicable(client, f"the expiry-probe client's tokens live {expires_in} s")
    return access_token, expires_in, received_at


def test_expired_token_gets_401(norce: NorceClient, norce_seed: int) -> None:
    """A bearer token is refused once its `expires_in` has passed (docs/norce-facts.md §4.3: the token
    endpoint reports `expires_in`, the token is valid for that long; RFC 6749 §5.1: `expires_in` is its
    lifetime in seconds). First in this module so that `pytest -x` stops here early."""
    credentials = norce.target.credentials
    if not credentials.has_expiry_probe:
        _expiry_not_applicable(norce, "the target declares no expiry-probe client")
    probe = load_spec(CONNECT_SPEC).operation(CONNECT_PROBE)
    application_id = credentials.application_id or "1"
    for _attempt in range(2):
        token, expires_in, received_at = _probe_token(norce, norce_seed)
        headers = bearer_headers(token, application_id)
        sent_age = time.monotonic() - received_at
        fresh = send_unauthenticated(norce, "connect", probe, headers)
        # Judged only if surely sent inside the lifetime; a loaded machine may be late, then one more token.
        if sent_age < expires_in - FRESH_MARGIN_SECONDS:
            assert fresh.status_code not in REFUSED and fresh.status_code < 500, (
                f"{EXPIRY_RULE}: a probe token {sent_age:.1f} s old (expires_in={expires_in}) was refused"
                f"{explain(norce, fresh, operation=CONNECT_PROBE, seed=norce_seed, rule=EXPIRY_RULE)}"
            )
            break
    time.sleep(max(0.0, received_at + expires_in + 1 - time.monotonic()))
    expired = send_unauthenticated(norce, "connect", probe, headers)
    age = time.monotonic() - received_at
    context = explain(norce, expired, operation=CONNECT_PROBE, seed=norce_seed, rule=EXPIRY_RULE)
    judge(
        EXPIRY_RULE,
        expired.status_code in REFUSED,
        f"a token {age:.1f} s old was accepted although expires_in was {expires_in}{context}",
    )
    form = expired.status_code == 401 and bool(expired.headers.get("WWW-Authenticate"))
    judge("AUTH-401-FORM", form, f"expected 401 with WWW-Authenticate{context}")


def skip_unless_offered(
    client: NorceClient, response: httpx.Response, api: str, operation: Operation
) -> None:
    """A 404 without valid credentials proves nothing if the operation answers 404 with them too: the target
    does not offer it (Job/List, whose path the docs do not give: Q6). Then there is nothing to refuse."""
    if response.status_code != 404:
        return
    base = client.target.connect_url if api == "connect" else client.target.customer_url
    with_credentials = client.raw(
        operation.method.upper(), base + operation.path, **request_parts(api, operation)
    )
    if with_credentials.status_code != 404:
        return
    if operation.operation_id == "JobList":
        judge("JOB-LIST", False, "Job/List answers 404 with valid credentials", operation="JobList")
    pytest.skip(f"{operation.operation_id} is not offered by this target (404 with valid credentials)")


@pytest.mark.parametrize(("api", "operation"), OPERATIONS)
def test_no_credentials_get_401(norce: NorceClient, norce_seed: int, api: str, operation: Operation) -> None:
    response = send_unauthenticated(norce, api, operation, {})
    skip_unless_offered(norce, response, api, operation)
    assert_unauthorized(norce, response, operation.operation_id, norce_seed)


@pytest.mark.parametrize(("api", "operation"), OPERATIONS)
def test_wrong_token_gets_401(norce: NorceClient, norce_seed: int, api: str, operation: Operation) -> None:
    application_id = norce.target.credentials.application_id or "1"
    credentials = {"Authorization": f"Bearer {WRONG_TOKEN}", APPLICATION_ID_HEADER: application_id}
    response = send_unauthenticated(norce, api, operation, credentials)
    skip_unless_offered(norce, response, api, operation)
    assert_unauthorized(norce, response, operation.operation_id, norce_seed)


@pytest.mark.parametrize(("api", "operation_id"), [("customer", "GetCustomer"), ("connect", CONNECT_PROBE)])
def test_401_body_is_in_the_negotiated_type(
    norce: NorceClient, norce_seed: int, api: str, operation_id: str
) -> None:
    """A 401 body is optional (docs/norce-facts.md Q10), but one that is sent speaks the type Accept asked for
    (docs/norce-facts.md §4.5)."""
    operation = load_spec(CUSTOMER_SERVICE_SPEC if api == "customer" else CONNECT_SPEC).operation(
        operation_id
    )
    response = send_unauthenticated(norce, api, operation, {"Accept": XML})
    assert_unauthorized(norce, response, operation_id, norce_seed)
    problems = negotiation_problems(
        XML, response.status_code, response.headers.get("content-type"), response.content
    )
    context = explain(norce, response, operation=operation_id, seed=norce_seed)
    judge("NEGOTIATION-OTHER", not problems, f"{problems}{context}", operation=operation_id)


@pytest.mark.parametrize(("api", "operation_id"), [("customer", "GetCustomer"), ("connect", CONNECT_PROBE)])
def test_wrong_application_id_gets_401(
    norce: NorceClient, norce_auth: AuthSession, norce_seed: int, api: str, operation_id: str
) -> None:
    """A valid bearer token with an application id the client does not own is refused (docs/norce-facts.md
    §4.3: the token plus the application id header identify the caller)."""
    operation = load_spec(CUSTOMER_SERVICE_SPEC if api == "customer" else CONNECT_SPEC).operation(
        operation_id
    )
    credentials = norce_auth.headers("oauth")
    credentials[APPLICATION_ID_HEADER] = WRONG_APPLICATION_ID
    response = send_unauthenticated(norce, api, operation, credentials)
    assert_unauthorized(norce, response, operation_id, norce_seed, "AUTH-APPLICATION-ID")


def test_legacy_basic_is_refused_on_customer_service(norce: NorceClient, norce_seed: int) -> None:
    """Basic is Connect's legacy scheme only (docs/norce-facts.md §4.3); Customer Service 1.1 takes OAuth2
    bearer tokens."""
    application_id, secret = _basic_credentials(norce)
    operation = load_spec(CUSTOMER_SERVICE_SPEC).operation("GetCustomer")
    response = send_unauthenticated(norce, "customer", operation, basic_headers(application_id, secret))
    assert_unauthorized(norce, response, "GetCustomer", norce_seed, "AUTH-BASIC-NOT-ON-1.1")


def test_token_endpoint_is_rate_limited(norce: NorceClient, norce_auth: AuthSession, norce_seed: int) -> None:
    """More than 3 token requests a minute get 429 with Retry-After (docs/norce-facts.md §4.3; "a burst of 20"
    is tolerated, so the probe allows up to 3 + 20 successes). The run's own token is cached first: the probe
    must not starve it, and it stops at the first 429."""
    norce_auth.headers("oauth")
    credentials = norce.target.credentials
    form = client_credentials_form(credentials.client_id, credentials.client_secret, credentials.scope)
    statuses: list[int] = []
    with httpx.Client(timeout=15.0) as http:
        for _ in range(TOKEN_PROBE_LIMIT):
            response = http.post(norce.target.token_url, data=form, headers={"Accept": JSON})
            statuses.append(response.status_code)
            if response.status_code != 200:
                break
    context = f"\n  token endpoint statuses in order: {statuses} seed={norce_seed}"
    limited = statuses[-1] == 429
    judge("AUTH-TOKEN-RATE", limited, f"no 429 after {len(statuses)} token requests{context}")
    if limited:
        retry_after = response.headers.get("Retry-After", "").strip()
        judge("AUTH-TOKEN-RATE", bool(retry_after), f"429 without Retry-After{context}")


DOCUMENTED_LIFETIME = 3600  # seconds: "a JWT valid for 3600 s" (docs/norce-facts.md §4.3)


def seconds(value: Any) -> float | None:
    """A positive JSON number of seconds, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    return float(value)


def test_token_answer(norce: NorceClient, norce_auth: AuthSession, norce_seed: int) -> None:
    """The token endpoint answers the run's client-credentials form post (client_id, client_secret,
    grant_type=client_credentials, scope: docs/norce-facts.md §4.3) with JSON holding access_token,
    token_type Bearer (RFC 6749 §7.1: case-insensitive), expires_in, a positive number of seconds, and scope
    (AUTH-TOKEN-ANSWER); expires_in is at most the documented 3600 s (AUTH-TOKEN-LIFETIME).

    The answer judged is the one to the token request the run made anyway (recorded by its token cache, the
    access token withheld; an xdist worker has the controller's): the endpoint allows 3 requests a minute."""
    try:
        norce_auth.headers("oauth")  # the run's token: asked for now unless the run already holds it
    except TokenError as error:  # the documented endpoint and form post gave no token at all
        judge(
            "AUTH-TOKEN-ANSWER",
            False,
            f"the run's client-credentials form post to {norce.target.token_url} got no token: {error}",
        )
        return
    tokens = norce_auth.tokens
    assert tokens is not None, "the target has no OAuth2 client configured"
    answer = tokens.answer
    assert answer is not None, "the run holds a token but not the token endpoint's answer to it"
    members = answer.members or {}
    token_type, expires_in, scope = (members.get(k) for k in ("token_type", "expires_in", "scope"))
    shown = compact(members) if answer.members is not None else "(not a JSON object)"
    context = (
        f"\n  token endpoint {norce.target.token_url} answered {answer.status} {answer.content_type}: {shown}"
    )
    problems = []
    if "json" not in answer.content_type.lower() or answer.members is None:
        problems.append("the answer is not a JSON object")
    if members.get("access_token") != WITHHELD:
        problems.append("no access_token (a non-empty string)")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        problems.append(f"token_type {token_type!r} is not Bearer")
    lifetime = seconds(expires_in)
    if lifetime is None:
        problems.append(f"expires_in {expires_in!r} is not a positive number of seconds")
    requested = (norce.target.credentials.scope or "").split()
    if not isinstance(scope, str):
        problems.append(f"scope {scope!r} is not a (space-delimited) string")
    elif not set(requested) <= set(scope.split()):
        problems.append(f"scope {scope!r} lacks the scope asked for, {' '.join(requested)!r}")
    judge("AUTH-TOKEN-ANSWER", not problems, f"{'; '.join(problems)}{context}")
    if lifetime is not None:
        judge(
            "AUTH-TOKEN-LIFETIME",
            lifetime <= DOCUMENTED_LIFETIME,
            f"expires_in {expires_in} is longer than the documented {DOCUMENTED_LIFETIME} s{context}",
        )


def _basic_credentials(client: NorceClient) -> tuple[str, str]:
    """Connect's legacy Basic pair. A tenant need not have it ('for a limited time', old integrations only):
    without one that is a reason, not a failure. The embedded emulator documents one."""
    credentials = client.target.credentials
    if not credentials.has_basic:
        reason = "legacy Basic credentials are not configured (NORCE_BASIC_APPLICATION_ID/SECRET_KEY)"
        if client.target.is_emulator:
            pytest.fail(f"{reason}; the embedded emulator documents them", pytrace=False)
        pytest.skip(f"AUTH-BASIC-CONNECT not applicable: {reason}")
    return credentials.basic_application_id or "", credentials.basic_secret_key or ""


def test_legacy_basic_works_on_connect(norce: NorceClient, norce_seed: int) -> None:
    application_id, secret = _basic_credentials(norce)
    probe = load_spec(CONNECT_SPEC).operation(CONNECT_PROBE)
    response = send_unauthenticated(norce, "connect", probe, basic_headers(application_id, secret))
    context = explain(norce, response, operation=CONNECT_PROBE, seed=norce_seed)
    if response.status_code in REFUSED and not norce.target.is_emulator:
        pytest.skip(f"AUTH-BASIC-CONNECT not applicable: the tenant does not take Basic on Connect{context}")
    accepted = response.status_code not in REFUSED and response.status_code < 500
    judge("AUTH-BASIC-CONNECT", accepted, f"Basic rejected{context}", operation=CONNECT_PROBE)


def test_wrong_basic_secret_gets_401(norce: NorceClient, norce_seed: int) -> None:
    application_id, _ = _basic_credentials(norce)
    probe = load_spec(CONNECT_SPEC).operation(CONNECT_PROBE)
    response = send_unauthenticated(norce, "connect", probe, basic_headers(application_id, WRONG_SECRET))
    assert_unauthorized(norce, response, CONNECT_PROBE, norce_seed)
