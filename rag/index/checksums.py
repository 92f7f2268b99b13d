"""Checksums of a build's files. The manifest records each file's size, sha256 and mtime; a load
re-hashes only files whose size or mtime changed since they were last hashed (re-hashing 10 GB at
every start took longer than the rest of loading), and `rag index --verify` re-hashes them all.

`verified.json`, beside the manifest, records (size, mtime_ns) of files re-hashed after the build
(a copied index keeps its contents but not its mtimes) and marks files `--verify` found damaged, so
the next load rebuilds. It is a cache, not part of the build: deleting it only costs a re-hash."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import IndexCorruptError

MANIFEST = "manifest.json"
VERIFIED = "verified.json"
Stamp = list[int] | None  # [size, mtime_ns]; None: damaged, re-hash before trusting


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_table(folder: Path) -> dict[str, dict[str, Any]]:
    table = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name not in (MANIFEST, VERIFIED):
            st = p.stat()
            table[p.relative_to(folder).as_posix()] = {
                "bytes": st.st_size,
                "sha256": sha256_of(p),
                "mtime_ns": st.st_mtime_ns,
            }
    return table


def _stamp(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns] if path.is_file() else None


def _read_verified(build: Path) -> dict[str, Stamp]:
    try:
        table = json.loads((build / VERIFIED).read_text(encoding="utf-8"))
        return dict(table["files"]) if isinstance(table, dict) and isinstance(table.get("files"), dict) else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # a cache: without it every file is judged from the manifest


def _write_verified(build: Path, files: dict[str, Stamp]) -> None:
    """Best effort and atomic: a read-only index folder still loads, only re-hashing again."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".verified-", dir=build)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"files": files}, fh)
        os.chmod(tmp, 0o644)  # as readable as the build's other files (mkstemp makes it private)
        os.replace(tmp, build / VERIFIED)
    except OSError:
        pass


def _damaged(path: Path) -> IndexCorruptError:
    return IndexCorruptError(f"index file {path} is missing or damaged: rebuild with `rag index`")


def check_files(build: Path, manifest: dict[str, Any]) -> None:
    """At load: sizes always, contents only of files whose size or mtime moved since last hashed."""
    verified, changed = _read_verified(build), False
    for name, want in manifest.get("files", {}).items():
        path = build / name
        now = _stamp(path)
        if now is None or now[0] != want["bytes"]:
            raise _damaged(path)
        known = verified[name] if name in verified else [want["bytes"], want.get("mtime_ns")]
        if now == known:
            continue
        if sha256_of(path) != want["sha256"]:
            raise _damaged(path)
        verified[name], changed = now, True
    if changed:
        _write_verified(build, verified)


@dataclass(frozen=True)
class Verification:
    files: int
    bytes: int
    seconds: float
    damaged: tuple[str, ...]  # "name: why" for each bad file


def verify_build(build: Path, manifest: dict[str, Any]) -> Verification:
    """Re-hash every file the manifest lists; damaged files are marked so the next load rebuilds."""
    started, damaged, total = time.perf_counter(), [], 0
    stamps: dict[str, Stamp] = {}
    for name, want in manifest.get("files", {}).items():
        path = build / name
        now = _stamp(path)
        if now is None:
            damaged.append(f"{path}: missing")
        elif now[0] != want["bytes"]:
            damaged.append(f"{path}: {now[0]} bytes, the manifest says {want['bytes']}")
        elif sha256_of(path) != want["sha256"]:
            damaged.append(f"{path}: contents differ from the manifest's sha256")
        else:
            stamps[name], total = now, total + now[0]
            continue
        stamps[name] = None
    _write_verified(build, stamps)
    return Verification(len(stamps), total, time.perf_counter() - started, tuple(damaged))
