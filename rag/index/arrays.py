""".npy files of an index: written through Python's file object, read back memory-mapped or, for
the big ones a question reads a few rows of, with positioned reads.

Why not map the vector files too: on this Linux (6.x page cache with large folios) touching one
row of a mapped file maps the whole folio around it, and neither MADV_RANDOM nor anything else a
process may set stops it: a few dozen questions, each reading ~40 sentence vectors, made a
368 MB sentence_vectors.npy fully resident (6 GB at a million chunks). `ArrayFile` reads just the
rows asked for with pread (microseconds each); the kernel's page cache still serves them, but they
are not this process's memory."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def save_array(path: Path, array: np.ndarray) -> None:
    """np.save's format, written through Python's file object: a full disk is then an OSError
    saying so (np.save's tofile reports only "N requested and M written")."""
    array = np.ascontiguousarray(array)
    with path.open("wb") as fh:
        np.lib.format.write_array_header_1_0(fh, np.lib.format.header_data_from_array_1_0(array))
        fh.write(array.reshape(-1).view(np.uint8).data)


def save_texts(path: Path, texts: Sequence[str], size: int) -> None:
    """Texts as one UTF-8 uint8 .npy of `size` bytes, written one text at a time (the joined
    bytes of a million chunks' documents would be another copy of the corpus in memory)."""
    with path.open("wb") as fh:
        header = {"descr": "|u1", "fortran_order": False, "shape": (size,)}
        np.lib.format.write_array_header_1_0(fh, header)
        for text in texts:
            fh.write(text.encode("utf-8"))


def mapped(path: Path) -> np.ndarray:
    """A read-only memory map of an .npy file, as a plain ndarray (np.memmap's Python-level
    indexing cost 3 ms a question in MMR)."""
    return np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)


class ArrayFile:
    """A C-order .npy array on disk, read a row (or a range, or a list of rows) at a time."""

    def __init__(self, path: Path) -> None:
        self._fd = -1
        with path.open("rb") as fh:
            version = np.lib.format.read_magic(fh)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read(fh)
            self.offset = fh.tell()
        if fortran or dtype.hasobject:
            raise ValueError(f"{path} is not a C-order numeric array")
        self.path, self.dtype = path, np.dtype(dtype)
        self.shape: tuple[int, ...] = tuple(shape)
        self.row_bytes = int(np.prod(self.shape[1:], dtype=np.int64)) * self.dtype.itemsize
        if os.path.getsize(path) != self.offset + self.row_bytes * (self.shape[0] if self.shape else 1):
            raise ValueError(f"{path} is shorter or longer than its header says")
        self._fd = os.open(path, os.O_RDONLY)
        self._lock = threading.Lock()  # only for closing

    def __len__(self) -> int:
        return self.shape[0]

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def nbytes(self) -> int:
        return self.row_bytes * len(self)

    def _read(self, start: int, stop: int) -> np.ndarray:
        size = (stop - start) * self.row_bytes
        raw = os.pread(self._fd, size, self.offset + start * self.row_bytes) if size else b""
        if len(raw) != size:
            raise OSError(f"{self.path} ended early: the index file was changed while in use")
        return np.frombuffer(raw, dtype=self.dtype).reshape((stop - start, *self.shape[1:]))

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            rows = self._read(start, max(start, stop))
            return rows[::step] if step != 1 else rows
        if isinstance(key, (int, np.integer)):
            i = range(len(self))[int(key)]
            return self._read(i, i + 1)[0]
        picks = np.asarray(key, dtype=np.int64).reshape(-1)
        if len(picks) == 0:
            return np.zeros((0, *self.shape[1:]), dtype=self.dtype)
        return np.stack([self[int(i)] for i in picks])

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        whole = self[:]
        return whole.astype(dtype) if dtype is not None else whole

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def __del__(self) -> None:
        self.close()
