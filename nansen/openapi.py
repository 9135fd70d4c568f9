"""A service's OpenAPI document made to say everything it answers.

The framework documents each route's success answer and a 422 of its own shape. Our services also
answer refusals as RFC 9457 problem documents (``application/problem+json``), wallet requests'
refusals as OAuth error objects, 413 from the body limit before any route runs, 429 from sign-in
throttling, and some success answers in media types of their own (a status list token, a QR code
PNG, Prometheus text). Each service lists its answers in one table beside its app factory; this
module merges the table into the generated document. Pure: no web framework here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}
OAUTH_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "OAuth 2.0 / OpenID4VCI / OpenID4VP error response",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
}
Answers = Mapping[int, dict[str, Any] | None]  # status -> response object (None: not answered)


def problem(description: str) -> dict[str, Any]:
    return media("application/problem+json", description, PROBLEM_SCHEMA)


def oauth_error(description: str) -> dict[str, Any]:
    return media("application/json", description, OAUTH_ERROR_SCHEMA)


def media(media_type: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": {media_type: {"schema": schema or {}}}}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """A request body the route reads itself (so the framework cannot say what it is)."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def complete(
    document: dict[str, Any],
    *,
    answers: Mapping[str, Answers],
    by_tag: Mapping[str, Answers] | None = None,
    bodies: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``document`` with each operation's answers from ``answers`` (keyed ``"METHOD /path"``) and
    ``by_tag`` (for every operation of a tag: routes added later are covered too), request bodies
    from ``bodies``, the validation error documented as the problem it is, and 413 wherever a body is
    sent. Changes ``document`` in place (and may be called again on it)."""
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            key = f"{method.upper()} {path}"
            if bodies and key in bodies:
                operation["requestBody"] = bodies[key]
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = problem("Invalid or missing fields (named in `fields`).")
            if "requestBody" in operation:
                responses["413"] = problem("The request body is larger than the service accepts.")
                # a body that is not parseable (not UTF-8, not JSON) is refused before the route
                unparsed = problem("The request body could not be parsed.")["content"]
                responses.setdefault("400", {"description": "The request is refused."})
                responses["400"].setdefault("content", {}).update(unparsed)
            tagged: dict[int, dict[str, Any] | None] = {}
            for tag in operation.get("tags", ()):
                tagged.update((by_tag or {}).get(tag, {}))
            for status, response in {**tagged, **answers.get(key, {})}.items():
                if response is None:
                    responses.pop(str(status), None)
                else:
                    responses[str(status)] = response
    return document


def install(app: Any, **table: Any) -> None:
    """Makes ``app.openapi()`` (FastAPI's) return the completed document."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        return complete(generate(), **table)

    app.openapi = openapi
