"""Reading request bodies under the 10 MiB limit: refused from Content-Length up front, or while streaming."""

from __future__ import annotations

from starlette.requests import Request

from emulator.domain.body import FRONT_END_MAX_BODY_BYTES
from emulator.http.errors import BadRequest, RequestTooLarge
from emulator.variants import Variants


def body_limit(configured: int, variants: Variants) -> int:
    """The API's body limit: ours (10 MiB by default), or with no-body-limit only the front end's."""
    return max(configured, FRONT_END_MAX_BODY_BYTES) if variants.is_on("no-body-limit") else configured


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise BadRequest("Content-Length is not a number.", key="BodyMalformed")
        if int(declared) > limit:
            raise RequestTooLarge(f"The body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestTooLarge(f"The body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)
