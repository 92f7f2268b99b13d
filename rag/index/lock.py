"""One writer per index folder: `rag index`, a server's live refresh and the Python API take this
lock before deciding whether to build, so two of them never build the same index twice. It is an
flock on <index_dir>/LOCK holding the owner's PID: the kernel releases it when the owner dies, so a
stale lock file left by a crash never blocks anyone."""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

LOCK_FILE = "LOCK"


def _owner(fh: TextIO) -> str:
    """Who holds the lock, as its owner wrote it; the owner writes just after locking, so wait a moment."""
    for _ in range(50):
        fh.seek(0)
        written = fh.read().strip()
        if written:
            return written
        time.sleep(0.01)
    return "another process"


@contextmanager
def index_lock(index_dir: Path, say: Callable[[str], None] = lambda _msg: None) -> Iterator[None]:
    """Hold the folder's lock; when another process (or thread) holds it, say so and wait."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_FILE
    with path.open("a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _owner(fh)
            say(f"Waiting for {owner}, which is building the index in {index_dir} …")
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write(f"PID {os.getpid()} on {socket.gethostname()}\n")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
