"""Load test for a running server on this machine: N concurrent clients × M questions through
POST /api/ask (or the chat's /ask endpoint with --via gradio), every citation checked verbatim
against GET /api/documents/{doc_id}.

    python -m eval.loadtest --url http://127.0.0.1:7860 --clients 20 --per-client 25
    python -m eval.loadtest --via gradio --clients 5 --per-client 10

Bounded in count and time; only loopback addresses are accepted as targets."""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

QUESTIONS = [
    "What does the plan say about open source?",
    "When was the Global AI Governance Action Plan released?",
    "How many actions does the plan contain?",
    "What does the plan offer the Global South?",
    "What do critics say about the plan?",
    "How does the plan relate to the United Nations?",
    "What is the capital of Australia?",
    "What did the White House publish before the plan?",
]


@dataclass
class LoadReport:
    requests: int = 0
    errors: int = 0
    bad_citations: int = 0
    answered: int = 0
    abstained: int = 0
    unfinished: int = 0  # questions not asked before the time limit
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    error_samples: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies_ms)
        pct = (lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))], 1)) if lat else (lambda q: 0.0)
        data = {k: v for k, v in asdict(self).items() if k != "latencies_ms"}
        data.update(
            p50_ms=pct(0.50),
            p95_ms=pct(0.95),
            max_ms=round(lat[-1], 1) if lat else 0.0,
            mean_ms=round(statistics.fmean(lat), 1) if lat else 0.0,
            rps=round(self.requests / self.seconds, 1) if self.seconds else 0.0,
        )
        return data


def _check_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit(f"refusing to load-test {host!r}: only 127.0.0.0/8, ::1 or localhost")


VIAS = ("api", "gradio")


def _asker(via: str, api: Any, headers: dict[str, str]) -> Callable[[str], dict[str, Any]]:
    """One client's way to ask: POST /api/ask on its httpx client `api`, or the chat's /ask endpoint
    through gradio_client."""
    if via == "gradio":
        from gradio_client import Client

        chat = Client(str(api.base_url), analytics_enabled=False, verbose=False, headers=headers or None)
        return lambda question: dict(chat.predict(question, api_name="/ask"))

    def ask(question: str) -> dict[str, Any]:
        resp = api.post("/api/ask", json={"question": question})
        resp.raise_for_status()
        return dict(resp.json())

    return ask


def run_load(
    url: str,
    clients: int = 20,
    per_client: int = 25,
    questions: Sequence[str] = QUESTIONS,
    token: str | None = None,
    time_limit_s: float = 300.0,
    via: str = "api",
) -> LoadReport:
    """`clients` threads each ask `per_client` questions (via "api" or "gradio"); every citation is
    checked verbatim against GET /api/documents/{doc_id}. Errors are counted, never raised."""
    import httpx

    _check_loopback(url)
    if via not in VIAS:
        raise ValueError(f"via={via!r}: use one of {VIAS}")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    report, lock = LoadReport(), threading.Lock()
    texts: dict[str, str] = {}
    deadline = time.monotonic() + time_limit_s

    def doc_text(client: httpx.Client, doc_id: str) -> str:
        if doc_id not in texts:
            resp = client.get(f"/api/documents/{doc_id}")
            resp.raise_for_status()
            texts[doc_id] = resp.json()["text"]
        return texts[doc_id]

    def failed(exc: Exception) -> None:
        with lock:
            report.requests += 1
            report.errors += 1
            if len(report.error_samples) < 5:
                report.error_samples.append(f"{type(exc).__name__}: {str(exc)[:200]}")

    def worker(n: int) -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=60.0) as client:
            try:
                ask = _asker(via, client, headers)
            except Exception as exc:  # a client that cannot even connect counts as one error
                failed(exc)
                return
            for i in range(per_client):
                if time.monotonic() > deadline:
                    return
                question = questions[(n + i) % len(questions)]
                t0 = time.perf_counter()
                try:
                    answer = ask(question)
                    elapsed = (time.perf_counter() - t0) * 1000
                    bad = sum(
                        doc_text(client, c["doc_id"])[c["start"] : c["end"]] != c["quote"] for c in answer["citations"]
                    )
                except Exception as exc:  # any failure of any kind is what this tool counts
                    failed(exc)
                    continue
                with lock:
                    report.requests += 1
                    report.latencies_ms.append(elapsed)
                    report.bad_citations += bad
                    report.abstained += bool(answer["abstained"])
                    report.answered += not answer["abstained"]

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, deadline - time.monotonic() + 5))
    report.seconds = time.perf_counter() - started
    report.unfinished = clients * per_client - report.requests
    return report


def scaling(url: str, clients: int, requests: int, rounds: int, token: str | None = None) -> dict[str, Any]:
    """Requests/s of one client against `clients` at once, `requests` each, in alternating rounds
    (so a machine that slows down mid-run slows both); the ratio is the median of the rounds'."""
    rows = []
    for _ in range(rounds):
        one = run_load(url, 1, requests, token=token).summary()
        many = run_load(url, clients, max(1, requests // clients), token=token).summary()
        rows.append({"one": one, "many": many, "ratio": round(many["rps"] / one["rps"], 3) if one["rps"] else 0.0})
    ratios = sorted(r["ratio"] for r in rows)
    return {"clients": clients, "requests": requests, "rounds": rows, "median_ratio": ratios[len(ratios) // 2]}


WRK_SCRIPT = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
%s
local questions = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, questions[(i %% #questions) + 1])
end
"""


def wrk_rps(url: str, connections: int, seconds: int, token: str | None = None) -> dict[str, float]:
    """Requests/s and latency through POST /api/ask from wrk, a load generator in C: its own work
    then takes almost none of the cores it measures. Needs `wrk` on PATH (Debian: apt install wrk)."""
    import shutil
    import subprocess
    import tempfile

    _check_loopback(url)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk, or leave out --engine wrk")
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"' if token else ""
    bodies = ", ".join("[[" + json.dumps({"question": q}) + "]]" for q in QUESTIONS)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_SCRIPT % (auth, bodies))
    threads = str(min(connections, 2))
    cmd = ["wrk", "-t", threads, "-c", str(connections), "-d", f"{max(1, seconds)}s", "-s", fh.name, "--latency"]
    out = subprocess.run([*cmd, f"{url}/api/ask"], capture_output=True, text=True, timeout=seconds + 60).stdout
    Path(fh.name).unlink()
    return _wrk_figures(out)


def _wrk_figures(out: str) -> dict[str, float]:
    import re

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\b", out, re.MULTILINE)
        if not m:
            return 0.0
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*?(\d+).*?(\d+).*?(\d+).*?(\d+)", out)
    socket_errors = sum(int(g) for g in errors.groups()) if errors else 0
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": round(ms("50%"), 2),
        "p90_ms": round(ms("90%"), 2),
        "errors": float((int(bad.group(1)) if bad else 0) + socket_errors),
    }


def wrk_scaling(url: str, clients: int, seconds: int, rounds: int, token: str | None = None) -> dict[str, Any]:
    """One connection against `clients` at once through wrk, in alternating rounds; citations are
    checked separately by the Python client (every answer of a shorter run)."""
    rows = []
    for _ in range(rounds):
        one, many = wrk_rps(url, 1, seconds, token), wrk_rps(url, clients, seconds, token)
        rows.append({"one": one, "many": many, "ratio": round(many["rps"] / one["rps"], 3) if one["rps"] else 0.0})
    check = run_load(url, clients, 5, token=token).summary()
    ratios = sorted(r["ratio"] for r in rows)
    return {"engine": "wrk", "clients": clients, "seconds": seconds, "rounds": rows, "citation_check": check,
            "median_ratio": ratios[len(ratios) // 2]}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.loadtest", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860", help="server base URL (loopback only)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=25)
    parser.add_argument("--via", choices=VIAS, default="api", help="POST /api/ask, or the chat's /ask endpoint")
    parser.add_argument("--token", help="bearer token, when the server requires one")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds before clients stop")
    parser.add_argument("--out", type=Path, help="write the summary JSON here")
    parser.add_argument(
        "--scaling",
        type=int,
        metavar="ROUNDS",
        help="compare 1 client with --clients clients, --per-client × --clients requests each, in ROUNDS rounds",
    )
    parser.add_argument(
        "--engine",
        choices=("python", "wrk"),
        default="python",
        help="with --scaling: load from Python threads (default), or from wrk, whose own work leaves the cores "
        "to the server (citations then checked by a short Python run)",
    )
    parser.add_argument("--seconds", type=int, default=8, help="with --engine wrk: seconds per run")
    args = parser.parse_args(argv)
    if args.scaling and args.engine == "wrk":
        return _print_rounds(
            wrk_scaling(args.url, args.clients, args.seconds, args.scaling, args.token), args, "p90_ms"
        )
    if args.scaling:
        result = scaling(args.url, args.clients, args.clients * args.per_client, args.scaling, args.token)
        return _print_rounds(result, args, "p95_ms", extra=("bad_citations", "unfinished"))
    report = run_load(
        args.url, args.clients, args.per_client, token=args.token, time_limit_s=args.time_limit, via=args.via
    )
    summary = report.summary()
    print(json.dumps(summary, indent=2))
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if report.errors == report.bad_citations == report.unfinished == 0 else 1


def _print_rounds(result: dict[str, Any], args: argparse.Namespace, tail: str, extra: tuple[str, ...] = ()) -> int:
    """One line per round (one client against many), the median ratio; exit 1 on any error."""
    for r in result["rounds"]:
        one, many = r["one"], r["many"]
        bad = sum(int(x[k]) for x in (one, many) for k in ("errors", *extra))
        print(
            f"1 client {one['rps']} req/s (p50 {one['p50_ms']} ms, {tail[:3]} {one[tail]}) | {args.clients} clients "
            f"{many['rps']} req/s (p50 {many['p50_ms']} ms, {tail[:3]} {many[tail]}) | ratio {r['ratio']} | "
            f"errors and bad answers {bad}",
            flush=True,
        )
    check = result.get("citation_check")
    note = f"; citation check: {check['requests']} answers, {check['bad_citations']} bad" if check else ""
    print(f"median ratio {result['median_ratio']}{note}")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    bad = sum(
        int(r[w][k]) + (r[w]["rps"] == 0) for r in result["rounds"] for w in ("one", "many") for k in ("errors", *extra)
    )
    if check:
        bad += check["errors"] + check["bad_citations"] + check["unfinished"]
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
