"""The Milvus vector store (vector_store = "milvus"): exact inner-product search (a FLAT index, IP
metric, over the same normalised vectors) so its top-k is FAISS flat's, served by a Milvus server or
cluster at a URI, or by Milvus Lite from a local file (default <index_dir>/milvus.db).

Each build writes a collection of its own and its folder keeps only milvus.json naming it, so the
CURRENT pointer still switches builds atomically; pruning a build drops its collection. pymilvus is
imported on first use only, so a FAISS index never loads it."""

from __future__ import annotations

import calendar
import functools
import hashlib
import json
import logging
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Self

import numpy as np

from rag.config import MILVUS_SCHEMES
from rag.errors import ConfigError, IndexCorruptError, RagError, VectorStoreError
from rag.protocols import Ranked

FILE = "milvus.json"
TOKEN_ENV = "RAG_MILVUS_TOKEN"  # read when connecting, never written to a setting or the manifest
INSERT_BATCH = 2000  # rows per insert call: well under gRPC's 64 MB message limit at 1024 dimensions
TIMEOUT_S = 10.0
# As for temp build folders: a younger collection no build names may belong to a build still running.
ORPHAN_AGE_S = 600
STAMP = "%Y%m%d_%H%M%S"  # UTC, in every collection name after the index folder's prefix
INSTALL = "pip install 'gaigap-rag[milvus]' (pymilvus and milvus-lite)"

_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


@functools.cache
def _quiet_logs() -> None:
    # Both log every failed call with a traceback on stderr; the RagError raised here says it once.
    for name in ("pymilvus", "milvus_lite"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _pymilvus() -> Any:
    try:
        import pymilvus
    except ImportError as exc:
        raise ConfigError(f'vector_store = "milvus" needs pymilvus ({exc}): {INSTALL}') from exc
    _quiet_logs()
    return pymilvus


def recorded_uri(address: str, index_dir: Path) -> str:
    """The address as the manifest keeps it: a Lite file inside the index folder relative to it
    (the folder may move), anything else as given (config refuses credentials in the URI)."""
    if address.startswith(MILVUS_SCHEMES):
        return address
    path = Path(address).absolute()
    try:
        return path.relative_to(index_dir.absolute()).as_posix()
    except ValueError:
        return str(path)


def _address(recorded: str, index_dir: Path) -> str:
    return recorded if recorded.startswith(MILVUS_SCHEMES) else str(index_dir / recorded)


def _lite_in_use(address: str) -> bool:
    """Milvus Lite holds an flock on <file>/LOCK while a process has it open."""
    import fcntl

    try:
        with open(Path(address) / "LOCK", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fh, fcntl.LOCK_UN)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def _unreachable(address: str, exc: Exception) -> VectorStoreError:
    if not address.startswith(MILVUS_SCHEMES) and _lite_in_use(address):
        return VectorStoreError(
            f"the Milvus Lite file {address} is open in another process (Milvus Lite serves one process "
            "at a time): stop that process (a running `rag serve` re-indexes by itself when the corpus "
            "changes), or run a Milvus server and set RAG_MILVUS_URI=http://host:19530"
        )
    reason = getattr(exc, "message", "") or str(exc)
    return VectorStoreError(
        f"cannot use Milvus at {address} ({reason}): start the server or fix RAG_MILVUS_URI (milvus_uri in "
        f"rag.toml), set {TOKEN_ENV} if it needs a token, or switch back with RAG_VECTOR_STORE=faiss"
    )


def _client(address: str) -> Any:
    """One client per address and process: Milvus Lite starts its in-process server once per file."""
    pymilvus = _pymilvus()
    with _clients_lock:
        if address not in _clients:
            try:
                token = os.environ.get(TOKEN_ENV, "")
                _clients[address] = pymilvus.MilvusClient(uri=address, token=token, timeout=TIMEOUT_S)
            except pymilvus.MilvusException as exc:
                raise _unreachable(address, exc) from exc
        return _clients[address]


def collection_prefix(index_dir: Path) -> str:
    """Collections of one index folder share a prefix, so several projects can share one server."""
    return "rag_" + hashlib.sha256(str(index_dir.absolute()).encode()).hexdigest()[:8] + "_"


def _age_s(name: str, prefix: str) -> float:
    try:
        return time.time() - calendar.timegm(time.strptime(name[len(prefix) :][: len("20200101_000000")], STAMP))
    except ValueError:
        return 0.0  # not a name this module made: leave it alone


class MilvusStore:
    FILE = FILE

    def __init__(self, client: Any, collection: str, uri: str, dimension: int, count: int = 0) -> None:
        self.client = client
        self.collection = collection
        self.uri = uri  # as recorded (see recorded_uri)
        self.dimension = dimension
        self._count = count

    def _call(self, what: str, method: str, *args: Any, **kwargs: Any) -> Any:
        pymilvus = _pymilvus()
        try:
            return getattr(self.client, method)(*args, **kwargs)
        except pymilvus.MilvusException as exc:
            reason = getattr(exc, "message", "") or str(exc)
            raise VectorStoreError(
                f"Milvus could not {what} collection {self.collection!r} at {self.uri} ({reason}): check the "
                "server, or rebuild with `rag index`"
            ) from exc

    @classmethod
    def create(cls, address: str, index_dir: Path, dimension: int) -> Self:
        """A new, empty collection for one build, named after the index folder and the time."""
        pymilvus = _pymilvus()
        if not address.startswith(MILVUS_SCHEMES):
            Path(address).parent.mkdir(parents=True, exist_ok=True)
        client = _client(address)
        name = collection_prefix(index_dir) + time.strftime(STAMP, time.gmtime()) + "_" + uuid.uuid4().hex[:8]
        schema = pymilvus.MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", pymilvus.DataType.INT64, is_primary=True)
        schema.add_field("vector", pymilvus.DataType.FLOAT_VECTOR, dim=dimension)
        params = pymilvus.MilvusClient.prepare_index_params()
        params.add_index(field_name="vector", index_type="FLAT", metric_type="IP")
        store = cls(client, name, recorded_uri(address, index_dir), dimension)
        store._sweep(index_dir)
        # Strong consistency: a search right after the inserts of a build sees all of them.
        store._call("create", "create_collection", name, schema=schema, consistency_level="Strong")
        # sync=False: an index on an empty collection is ready at once, and waiting for it polls an
        # RPC Milvus Lite lacks (its server logs a traceback for each call) after a 0.5 s sleep.
        store._call("index", "create_index", name, params, sync=False)
        store._call("load", "load_collection", name)
        return store

    def _sweep(self, index_dir: Path) -> None:
        """Drop this index folder's collections that no build names and that are old: what a build
        killed between creating its collection and writing its folder left behind."""
        named = set()
        for record in (index_dir / "builds").glob(f"*/{FILE}"):
            try:
                named.add(json.loads(record.read_text(encoding="utf-8"))["collection"])
            except (OSError, ValueError, KeyError):
                continue
        prefix = collection_prefix(index_dir)
        for name in self._call("list the collections beside", "list_collections"):
            if name.startswith(prefix) and name not in named and _age_s(name, prefix) > ORPHAN_AGE_S:
                self._call("drop an old collection beside", "drop_collection", name)

    @classmethod
    def of(cls, vectors: np.ndarray, address: str, index_dir: Path) -> Self:
        store = cls.create(address, index_dir, int(vectors.shape[1]))
        try:
            store.add(vectors)
        except BaseException:
            store.drop(best_effort=True)
            raise
        return store

    @property
    def location(self) -> dict[str, str]:
        """What the manifest records to reconnect: URI (no secrets) and collection."""
        return {"uri": self.uri, "collection": self.collection}

    def add(self, vectors: np.ndarray) -> None:
        rows = np.ascontiguousarray(vectors, dtype=np.float32)
        for start in range(0, len(rows), INSERT_BATCH):
            batch = rows[start : start + INSERT_BATCH]
            data = [{"id": self._count + i, "vector": v} for i, v in enumerate(batch)]
            self._call("insert into", "insert", self.collection, data)
            self._count += len(batch)

    def search(self, query: np.ndarray, k: int) -> Ranked:
        k = min(k, self._count)
        if k <= 0:
            return []
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        found = self._call(
            "search",
            "search",
            self.collection,
            data=[q],
            limit=k,
            output_fields=[],
            search_params={"metric_type": "IP"},
        )
        return [(int(hit["id"]), float(hit["distance"])) for hit in found[0]]

    def count(self) -> int:
        return self._count

    def drop(self, best_effort: bool = False) -> None:
        """Drop this collection; best_effort when a failed build cleans up: its own error is the
        one to report, not the drop's."""
        try:
            self._call("drop", "drop_collection", self.collection)
        except VectorStoreError:
            if not best_effort:
                raise

    def save(self, folder: Path) -> None:
        self._call("flush", "flush", self.collection)  # persisted before the build can become CURRENT
        record = {**self.location, "dimension": self.dimension, "count": self._count}
        (folder / FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Self:
        record = json.loads((folder / FILE).read_text(encoding="utf-8"))
        uri, name = str(record["uri"]), str(record["collection"])
        store = cls(_client(_address(uri, folder.parent.parent)), name, uri, int(record["dimension"]))
        if not store._call("look up", "has_collection", name):
            raise IndexCorruptError(
                f"Milvus collection {name!r} is missing at {uri} (dropped, or another server): rebuild with `rag index`"
            )
        fields = store._call("describe", "describe_collection", name)["fields"]
        dims = [int(f["params"]["dim"]) for f in fields if f["name"] == "vector"]
        store._call("load", "load_collection", name)
        rows = store._call("count", "query", name, output_fields=["count(*)"])
        store._count = int(rows[0]["count(*)"])
        if dims != [store.dimension] or store._count != int(record["count"]):
            raise IndexCorruptError(
                f"Milvus collection {name!r} at {uri} holds {store._count} vectors of dimension {dims}, not the "
                f"{record['count']} of dimension {store.dimension} the index recorded: rebuild with `rag index`"
            )
        return store

    @classmethod
    def discard(cls, folder: Path) -> None:
        """Drop the collection a build folder names (before the folder is pruned); a server that is
        down (or pymilvus gone after a switch back to FAISS) leaves it behind rather than failing
        the build that prunes."""
        try:
            record = json.loads((folder / FILE).read_text(encoding="utf-8"))
            store = cls(_client(_address(str(record["uri"]), folder.parent.parent)), str(record["collection"]), "", 0)
            if store._call("look up", "has_collection", store.collection):
                store.drop()
        except (OSError, ValueError, KeyError, RagError):
            pass
