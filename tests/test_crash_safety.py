"""kill -9 during `rag index` at random points: the previous index must still load and answer."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from rag import Assistant, HashingEmbedder, load_config
from tests.conftest import write_corpus


def big_corpus(folder: Path) -> None:
    rng = random.Random(7)
    words = ["plan", "governance", "open", "source", "data", "safety", "capacity", "global", "south"]
    files = {}
    for d in range(6):
        paras = [" ".join(rng.choice(words) for _ in range(40)).capitalize() + "." for _ in range(150)]
        files[f"doc{d}.txt"] = f"Document {d} about the Action Plan.\n" + "\n".join(paras) + "\n"
    files["anchor.txt"] = "The Action Plan was released on July 26, 2025 in Shanghai.\n"
    write_corpus(folder, files)


def test_kill_9_during_index_never_leaves_a_broken_index(tmp_path: Path) -> None:
    big_corpus(tmp_path / "corpus")
    env = {**os.environ, "RAG_EMBED_MODEL": "hashing-64", "RAG_HOME": str(tmp_path)}
    config = load_config(tmp_path, embed_model="hashing-64")
    Assistant.load(config, HashingEmbedder(64), progress=False)  # the index that must survive
    cmd = [sys.executable, "-m", "rag", "index", "--force"]
    started = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=tmp_path, check=True, capture_output=True)
    full = time.perf_counter() - started
    rng = random.Random(11)
    for _ in range(5):
        proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, full))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        survivor = Assistant.load(config, HashingEmbedder(64), build="never", progress=False)
        answer = survivor.ask("When was the Action Plan released?")
        assert any("July 26, 2025" in c.quote for c in answer.citations)
    # a later build still works and cleans up after itself
    Assistant.load(config, HashingEmbedder(64), build="always", progress=False)
    live = [p for p in (config.index_path / "builds").iterdir() if not p.name.startswith(".tmp-")]
    assert len(live) <= 2
