"""Schemathesis fuzzes every operation of /openapi.json on the app in process (tiny corpus, hashing
embedder): valid and invalid bodies, paths and query strings never get a 5xx, and responses match the
schema they declare. Bounded: 250 examples per mode, derandomised, no deadline; about ten seconds."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from rag.http.app import create_app
from tests.conftest import tiny_assistant

MAX_EXAMPLES = 250  # per mode, over the four operations together
# Beyond the defaults: a schema-valid question may still be empty once control characters and
# whitespace are stripped (422 saying so), and any body over 64 KiB is 413 before it is parsed.
CHECKS = {
    "positive_data_acceptance": {"expected-statuses": ["2xx", "404", "422"]},
    "negative_data_rejection": {"expected-statuses": ["400", "404", "405", "413", "415", "422"]},
}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    # schemathesis calls the app as host "testserver": allowed like any configured host name
    app = create_app(tiny_assistant(tmp_path_factory.mktemp("fuzz")), allowed_hosts=("testserver",))
    return schemathesis.openapi.from_asgi(
        "/openapi.json", app, config=schemathesis.Config.from_dict({"checks": CHECKS})
    )


# schemathesis.pytest.from_fixture would parametrise per operation, but its plugin reads a private
# pytest attribute that pytest 9 no longer has; the Hypothesis strategy over all operations does the
# same work through the public API.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_api_never_answers_5xx_and_keeps_its_schema(api_schema: Any, mode: GenerationMode) -> None:
    @given(case=api_schema.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,  # the same examples every run: a failure here is reproducible, not flaky
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Any) -> None:
        case.call_and_validate()

    fuzz()
