"""Corrections drf-spectacular cannot make from the views alone: every error of this API is an
``application/problem+json`` document (``loket.api.problems``), whatever the status."""

from __future__ import annotations

from typing import Any

from loket.api.problems import PROBLEM

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def problem_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: each 4xx response, and a ``default`` response for the statuses an
    operation does not list (405, 406, 415, 429, ...), is documented as a problem document."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("default", {"description": "Problem (RFC 9457)"})
            for code, response in responses.items():
                if code == "default" or str(code).startswith("4"):
                    response["content"] = {PROBLEM: {"schema": PROBLEM_REF}}
    return result
