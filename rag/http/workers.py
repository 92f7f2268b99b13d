"""Several processes answering the API on one port (`rag serve --workers N`).

Threads of one process share one interpreter lock, so on two cores a second request thread mostly
waits; N processes answer N questions at once. The parent binds the port, starts the workers one
by one (the first one alone, so that it alone exports the ONNX query model when the cache has
none), passes each a listening socket, and stops them all when it is stopped. A worker stops by
itself when its parent dies, so no orphan keeps the port.

On Linux each worker gets a listening socket of its own on the port (SO_REUSEPORT), and the kernel
spreads new connections over them. Sharing one socket instead lets whichever worker wakes first
accept a whole burst of keep-alive connections: in half the 20-client runs one worker held all 20
while the other idled (0.9x one client's requests/s instead of 2.1x, eval/bench/)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rag.errors import ConfigError

# A worker not ready in this long (index loaded, model warmed up) is taken as failed.
READY_TIMEOUT_S = 300
STOP_TIMEOUT_S = 15
BACKLOG = 2048


# Connections spread over one socket per worker where the kernel balances them (Linux); elsewhere
# SO_REUSEPORT does not balance, and the workers share the parent's socket.
SPREAD = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listen(host: str, port: int) -> socket.socket:
    """The bound, listening socket that holds the port: the first worker's (inheritable)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        if SPREAD:  # a plain bind fails where any socket holds the port, SO_REUSEPORT ones too
            with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(infos[0][4])
        sock = _bound(infos[0][0], infos[0][4])
        sock.listen(BACKLOG)  # at once: a socket merely bound would let another server bind the port too
    except OSError as exc:
        raise _unavailable(host, port, exc) from None
    sock.set_inheritable(True)
    return sock


def _unavailable(host: str, port: int, exc: OSError) -> ConfigError:
    reason = exc.strerror or str(exc)
    return ConfigError(f"cannot listen on {host}:{port} ({reason}): choose another --port or --host")


def _bound(family: int, address: tuple[Any, ...]) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if SPREAD:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _listener(held: socket.socket, first: bool) -> socket.socket:
    """A worker's listening socket: the held one for the first worker (and for all of them where
    the kernel does not spread connections), a socket of its own on the same port for the others."""
    if first or not SPREAD:
        return held
    try:
        sock = _bound(held.family, held.getsockname())
        sock.listen(BACKLOG)
    except OSError as exc:
        host, port = held.getsockname()[:2]
        raise _unavailable(host, port, exc) from None
    sock.set_inheritable(True)
    return sock


def supervise(sock: socket.socket, workers: int, argv: Sequence[str], on_ready: Callable[[], None]) -> int:
    """Run `workers` copies of `python -m rag <argv> --worker LISTEN:READY` until stopped, calling
    `on_ready` once all answer; the exit code is 0 after Ctrl+C or SIGTERM, 1 when a worker fails."""
    procs: list[subprocess.Popen[bytes]] = []
    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        stopping.set()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        for n in range(workers):
            worker = _start(sock, argv, first=n == 0)
            procs.append(worker.proc)
            if not _ready(worker, stopping):
                return 0 if stopping.is_set() else _failed(n + 1, worker.proc)
        on_ready()
        while not stopping.is_set():
            dead = next((p for p in procs if p.poll() is not None), None)
            if dead is not None:
                return _failed(procs.index(dead) + 1, dead)
            stopping.wait(0.5)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        _stop_all(procs)
        signal.signal(signal.SIGTERM, previous)
        sock.close()


@dataclass(frozen=True)
class _Worker:
    proc: subprocess.Popen[bytes]
    ready_fd: int  # the read end of the pipe the worker writes to once it answers


def _start(held: socket.socket, argv: Sequence[str], first: bool) -> _Worker:
    sock = _listener(held, first)
    read, write = os.pipe()
    os.set_blocking(read, False)
    fds = (sock.fileno(), write)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rag", *argv, "--worker", f"{sock.fileno()}:{write}"], pass_fds=fds
        )
    finally:
        os.close(write)
        if sock is not held:
            sock.close()  # the worker holds it now: when the worker stops, the kernel stops sending it connections
    return _Worker(proc, read)


def _ready(worker: _Worker, stopping: threading.Event) -> bool:
    """True once the worker wrote to its ready pipe; False when it exited or timed out first."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    try:
        while time.monotonic() < deadline and not stopping.is_set() and worker.proc.poll() is None:
            try:
                if os.read(worker.ready_fd, 1):
                    return True
            except BlockingIOError:
                pass
            stopping.wait(0.1)
        return False
    finally:
        os.close(worker.ready_fd)


def _failed(n: int, proc: subprocess.Popen[bytes]) -> int:
    code = proc.poll()
    why = f"exited with code {code}" if code is not None else f"was not ready in {READY_TIMEOUT_S} s"
    print(f"error: worker {n} {why} (its messages are above): stopping the others", file=sys.stderr)
    return 1


def _stop_all(procs: Sequence[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def worker_sockets(spec: str) -> tuple[socket.socket, int]:
    """The listening socket and ready-pipe descriptor a worker was given (`--worker LISTEN:READY`)."""
    listen_fd, _, ready_fd = spec.partition(":")
    return socket.socket(fileno=int(listen_fd)), int(ready_fd)


def announce_ready(ready_fd: int) -> None:
    os.write(ready_fd, b"1")
    os.close(ready_fd)


def exit_with_parent() -> None:
    """Stop this worker (SIGTERM, so the server shuts down cleanly) once its parent is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
