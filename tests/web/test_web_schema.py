"""schemathesis against the OpenAPI schema: generated requests never get a 500.

Bounded (a few examples per operation) so the suite stays fast; every answer must be
below 500 and, when it is an error, have the one error shape.
"""

from __future__ import annotations

import warnings
from typing import Any

from hypothesis import HealthCheck, given, settings
from web_world import make_client

from unstuck.store import Store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis


def test_no_generated_request_gets_a_server_error(world: Store) -> None:
    client = make_client(world)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", client.app)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: Any) -> None:
            case.headers = {**(case.headers or {}), "x-requested-with": "schemathesis"}
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, response.text)
            if response.status_code >= 400:
                assert set(response.json()["error"]) == {"code", "message", "details"}

        check()
        checked.append(operation.label)
    assert len(checked) >= 20
