"""Load test against a live `rag serve` (real model, real corpus) on 127.0.0.1: concurrent clients
through POST /api/ask and through the chat's /ask endpoint (gradio_client); zero errors, every
citation verbatim. Small by default; RAG_LOAD_FULL=1 runs the full size (20 clients × 25 questions
through the API, 5 × 10 through the chat endpoint). The figures are printed and written to
test-output/loadtest-*.json."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.loadtest import QUESTIONS, run_load
from tests.conftest import REPO
from tests.serving import live_server

pytestmark = pytest.mark.integration

FULL = os.environ.get("RAG_LOAD_FULL", "").lower() in ("1", "true", "yes")
SIZES = {"api": (20, 25) if FULL else (4, 5), "gradio": (5, 10) if FULL else (2, 3)}
TIME_LIMIT_S = 240.0


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = tmp_path_factory.mktemp("load")
    shutil.copytree(REPO / "corpus", project / "corpus")
    with live_server(project, timeout=600) as url:
        yield url


@pytest.mark.parametrize("via", ["api", "gradio"])
def test_concurrent_clients_get_verbatim_citations_and_no_errors(
    served: str, via: str, capsys: pytest.CaptureFixture[str]
) -> None:
    clients, per_client = SIZES[via]
    report = run_load(served, clients, per_client, time_limit_s=TIME_LIMIT_S, via=via)
    summary = {"via": via, "clients": clients, "per_client": per_client, **report.summary()}
    out = REPO / "test-output"
    out.mkdir(exist_ok=True)
    (out / f"loadtest-{via}.json").write_text(json.dumps(summary, indent=2) + "\n")
    with capsys.disabled():
        print(
            f"\nload via {via}: {clients}×{per_client} → {report.requests} requests, "
            f"p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, {report.errors} errors, "
            f"{report.bad_citations} bad citations"
        )
    assert report.errors == 0, report.error_samples
    assert report.requests == clients * per_client and report.unfinished == 0
    assert report.bad_citations == 0
    assert report.answered > 0
    if clients + per_client - 1 >= len(QUESTIONS):  # every question asked, the out-of-scope one included
        assert report.abstained > 0


def test_load_test_refuses_targets_off_this_machine() -> None:
    with pytest.raises(SystemExit, match="only 127"):
        run_load("http://192.0.2.1:7860", 1, 1)


def test_load_test_counts_a_dead_server_as_errors(tmp_path: Path) -> None:
    from tests.serving import free_port

    report = run_load(f"http://127.0.0.1:{free_port()}", 2, 2, time_limit_s=20)
    assert report.errors == 4 and report.requests == 4 and report.error_samples


WRK_OUTPUT = """Running 4s test @ http://127.0.0.1:7887/api/ask
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   102.9ms   21.4ms  300.1ms   80.00%
  Latency Distribution
     50%  102.73ms
     75%  110.00ms
     90%  141.93ms
     99%    1.20s
  845 requests in 4.00s, 4.8MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    211.09
"""


def test_wrk_figures_are_read_from_its_report() -> None:
    from eval.loadtest import _wrk_figures

    assert _wrk_figures(WRK_OUTPUT) == {"rps": 211.09, "p50_ms": 102.73, "p90_ms": 141.93, "errors": 7.0}
    assert _wrk_figures("wrk: invalid option")["rps"] == 0.0  # a failed run reads as no throughput
