"""`rag serve --workers N`: several processes answer the API on one port (issue 12)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import TINY, write_corpus
from tests.serving import free_port, live_server

HASHING = {"RAG_EMBED_MODEL": "hashing-256", "RAG_CHAT_UI": ""}


def _project(root: Path) -> Path:
    write_corpus(root / "corpus", TINY)
    (root / "rag.toml").write_text("[rag]\nchunk_tokens = 24\nchunk_overlap = 4\nabstain_threshold = 0.3\n")
    return root


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _cpu_ticks(pid: int) -> int:
    fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _server_pid(port: int) -> int:
    out = subprocess.run(["pgrep", "-f", f"rag serve --port {port} --workers"], capture_output=True, text=True)
    return int(out.stdout.split()[0])


def test_two_workers_share_the_port_and_both_answer(tmp_path: Path) -> None:
    project = _project(tmp_path)
    with live_server(project, HASHING, args=("--workers", "2")) as url:
        port = int(url.rsplit(":", 1)[1])
        deadline = time.monotonic() + 120  # the first worker answers before the second is ready
        while "from 2 processes" not in (project / "serve.log").read_text() and time.monotonic() < deadline:
            time.sleep(0.3)
        workers = _children(_server_pid(port))
        assert len(workers) == 2
        before = {p: _cpu_ticks(p) for p in workers}

        def ask(n: int) -> httpx.Response:
            with httpx.Client(base_url=url, timeout=60) as client:
                return client.post("/api/ask", json={"question": f"When was the Action Plan released? {n}"})

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(ask, range(160)))
        assert all(r.status_code == 200 for r in answers)
        assert all(r.json()["citations"] or r.json()["abstained"] for r in answers)
        # Each worker did some of the answering (one connection per request spreads them).
        assert all(_cpu_ticks(p) > before[p] for p in workers)
    assert not any(_alive(p) for p in workers)  # stopping the server stopped its workers


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_stop_when_their_parent_is_killed(tmp_path: Path) -> None:
    project = _project(tmp_path)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")} | HASHING
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag", "serve", "--port", str(port), "--workers", "2"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while len(_children(proc.pid)) < 2 or not _answers(port):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.5)
        workers = _children(proc.pid)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 15
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not any(_alive(p) for p in workers), "a worker outlived its killed parent"
    assert not _answers(port)


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def test_workers_with_the_chat_are_refused_with_the_fix(tmp_path: Path) -> None:
    project = _project(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")} | {"RAG_EMBED_MODEL": "hashing-256"}
    out = subprocess.run(
        [sys.executable, "-m", "rag", "serve", "--port", str(free_port()), "--workers", "2"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "--workers 2 serves the API alone" in out.stderr and 'chat_ui = ""' in out.stderr


@pytest.mark.parametrize("bad", ["0", "x", "65"])
def test_a_bad_worker_count_is_a_usage_error(bad: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "rag", "serve", "--workers", bad], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2 and f"workers {bad!r} is not a number from 1 to 64" in out.stderr


def test_workers_share_kept_alive_connections_and_a_taken_port_is_refused(tmp_path: Path) -> None:
    """Sixteen connections opened at once reach both workers (each has its own listening socket;
    with one shared socket, one worker could accept them all), and a second
    server on the same port is refused instead of joining the first one's workers."""
    project = _project(tmp_path)
    with live_server(project, HASHING, args=("--workers", "2")) as url:
        port = int(url.rsplit(":", 1)[1])
        deadline = time.monotonic() + 120  # until both workers accept (the first answers alone before)
        while "from 2 processes" not in (project / "serve.log").read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        # a burst, as a load generator opens them: with one shared socket one worker accepts it all
        burst = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
        try:
            time.sleep(1.0)
            owners = _connection_owners(port)
            assert len(owners) == 2 and sum(owners.values()) == 16, owners
        finally:
            for conn in burst:
                conn.close()
        again = subprocess.run(
            [sys.executable, "-m", "rag", "serve", "--port", str(port), "--workers", "2"],
            cwd=project,
            env={**{k: v for k, v in os.environ.items() if not k.startswith("RAG_")}, **HASHING},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode != 0 and f"cannot listen on 127.0.0.1:{port}" in again.stderr


def _connection_owners(port: int) -> dict[int, int]:
    """pid → established connections on the server's port (/proc/net/tcp* by socket inode)."""
    inodes: dict[str, int] = {}
    for name in ("tcp", "tcp6"):
        table = Path("/proc/net") / name
        for line in table.read_text().splitlines()[1:] if table.exists() else ():
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":  # 01: ESTABLISHED
                inodes[fields[9]] = 0
    owners: dict[int, int] = {}
    for pid in _children(_server_pid(port)):
        for fd in (Path("/proc") / str(pid) / "fd").iterdir():
            with contextlib.suppress(OSError):
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    owners[pid] = owners.get(pid, 0) + 1
    return owners


def test_the_held_port_is_refused_to_a_second_server_at_once() -> None:
    """The parent listens as soon as it binds: another server asking for the port while the first
    still builds its index gets the one-line error, not a share of its connections."""
    from rag.errors import ConfigError
    from rag.http.workers import listen

    held = listen("127.0.0.1", 0)
    try:
        port = held.getsockname()[1]
        with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
            listen("127.0.0.1", port)
    finally:
        held.close()
