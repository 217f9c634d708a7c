"""The JSON API against its own OpenAPI description: schemathesis generates requests (bounded) for every
operation and checks status codes, content types and response bodies; no request may fail with a 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.result import Ok

from tests.http_support import OTHER_ARTICLES, STORY_ARTICLES, jsonl, make_service

pytestmark = pytest.mark.unit

EXAMPLES_PER_OPERATION = 25
TOKEN = "schema-test-token"  # set, so that schemathesis also checks that a wrong token is refused


def test_api_conforms_to_its_openapi_description(tmp_path: Path) -> None:
    service = make_service(tmp_path, max_push_bytes=50_000, api_token=TOKEN)
    try:
        service.push(jsonl(*STORY_ARTICLES, *OTHER_ARTICLES), "test")
        # The alert stream never ends by itself: test_http_api reads it.
        schema = schemathesis.openapi.from_asgi("/openapi.json", service.app()).exclude(path="/api/alerts/stream")
        results = list(schema.get_all_operations())
        operations = [result.ok() for result in results if isinstance(result, Ok)]
        assert len(operations) == len(results), "every operation of the description loads"
        assert {operation.path for operation in operations} >= {
            "/api/search",
            "/api/stories/{story_id}",
            "/api/documents/{doc_id}",
            "/api/alerts",
            "/api/rules",
            "/api/health",
            "/api/articles",
        }
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
            def conforms(case: Case) -> None:
                # A cursor is opaque: one this store never handed out is a documented 400, not a valid request.
                cursor = case.operation.path == "/api/alerts" and "since" in (case.query or {})
                case.call_and_validate(
                    headers={"Authorization": f"Bearer {TOKEN}"},
                    excluded_checks=[positive_data_acceptance] if cursor else [],
                )

            conforms()
    finally:
        service.close()
