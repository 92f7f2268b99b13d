"""One writer per index folder (issue 13): a second builder waits and, finding the index fresh,
does not build it again; the lock names its owner and a dead owner's lock file blocks no one."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rag import HashingEmbedder
from rag.index import live
from rag.index.lock import LOCK_FILE, index_lock


def test_concurrent_opens_build_once(config, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    builds: list[float] = []
    real = live.build_index

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        builds.append(time.monotonic())
        time.sleep(0.5)  # a build long enough for the other opener to arrive while it runs
        return real(*args, **kwargs)

    monkeypatch.setattr(live, "build_index", counted)
    said: list[str] = []
    results = []

    def open_it() -> None:
        results.append(live.open_index(config, HashingEmbedder(256), progress=False, say=said.append))

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 2 and len(builds) == 1, (builds, said)
    assert any(m.startswith("Waiting for PID") for m in said), said
    assert results[0].path == results[1].path


def test_a_lock_left_by_a_dead_process_blocks_nobody(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    code = (
        "import sys, time; from pathlib import Path; from rag.index.lock import index_lock\n"
        "with index_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout and proc.stdout.readline().strip() == "held"
    assert f"PID {proc.pid}" in (folder / LOCK_FILE).read_text()
    said: list[str] = []

    def wait_for_it() -> None:
        with index_lock(folder, said.append):
            pass

    waiter = threading.Thread(target=wait_for_it)
    waiter.start()
    time.sleep(0.5)
    assert waiter.is_alive() and said and f"PID {proc.pid}" in said[0]  # waits for a live owner
    proc.kill()  # the owner dies without releasing: the kernel drops its flock
    proc.wait()
    waiter.join(timeout=10)
    assert not waiter.is_alive()
