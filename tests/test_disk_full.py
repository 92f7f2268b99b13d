"""Disk full while indexing (issue 13), on a real tmpfs: a one-line error naming the folder, exit 2,
the previous build untouched and still loaded by a running assistant. Needs root for `mount`; CI
runs as root, and a skip there fails the run (tests/conftest.py)."""

from __future__ import annotations

import gc
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag import Assistant, HashingEmbedder, load_config
from rag.cli import main
from rag.index.store import CURRENT, load_index


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        gc.collect()  # a loaded index keeps its files open (memory maps) until it is collected
        subprocess.run(["umount", str(mount)], check=False)


def _grow(project: Path) -> None:
    """A document whose index cannot fit in what is left of the small disk."""
    words = " ".join(f"word{i}" for i in range(60_000))
    (project / "corpus" / "big.txt").write_text(f"The big report. {words}.\n", encoding="utf-8")


def test_a_full_disk_is_a_one_line_error_and_the_previous_index_stays(
    cli_project: Path, small_disk: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RAG_INDEX_DIR", str(small_disk / "index"))
    assert main(["index"]) == 0
    before = (small_disk / "index" / CURRENT).read_text()
    capsys.readouterr()
    _grow(cli_project)
    assert main(["index"]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and err.count("\n") <= 2, err  # progress lines aside, one error line
    line = err.splitlines()[-1]
    assert line.startswith("error: cannot write the index in ") and str(small_disk / "index") in line
    assert "No space left on device" in line and "MB" in line and "untouched" in line
    assert (small_disk / "index" / CURRENT).read_text() == before
    assert load_index(small_disk / "index").manifest["counts"]["documents"] == 2  # verified, intact
    assert not [p for p in (small_disk / "index" / "builds").iterdir() if p.name.startswith(".tmp")]


def test_a_live_refresh_on_a_full_disk_keeps_serving_the_previous_index(cli_project: Path, small_disk: Path) -> None:
    config = load_config(
        cli_project, index_dir=small_disk / "index", embed_model="hashing-256", chunk_tokens=24, chunk_overlap=4
    )
    said: list[str] = []
    assistant = Assistant.load(config, HashingEmbedder(256), progress=False, on_message=said.append)
    before = assistant.data.path
    assistant.live.FRESHNESS_INTERVAL_S = 0.0
    _grow(cli_project)
    answer = assistant.ask("When was the Action Plan released?")
    assert answer.citations and assistant.data.path == before
    assert any(m.startswith("Re-indexing failed, still answering from the previous index") for m in said), said


@pytest.mark.integration
def test_a_full_disk_during_the_onnx_export_is_a_one_line_error_with_exit_2(
    small_disk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rag.embed.query import select_query_embedder
    from rag.embed.sentence_transformer import SentenceTransformerEmbedder
    from rag.errors import StorageError
    from tests.conftest import REPO, TINY, write_corpus

    config = load_config(REPO, cache_dir=small_disk / "cache", index_dir=small_disk / "index")
    model = SentenceTransformerEmbedder()
    for backend in ("auto", "onnx"):  # auto does not hide a full disk behind its fallback
        with pytest.raises(StorageError, match="No space left on device") as caught:
            select_query_embedder(config.with_overrides(query_backend=backend), model)
        assert str(small_disk / "cache") in str(caught.value) and "RAG_QUERY_BACKEND=torch" in str(caught.value)
        assert not list((small_disk / "cache").rglob("*.onnx"))  # the half-written export is gone
    assert select_query_embedder(config.with_overrides(query_backend="torch"), model) is model  # the named fix

    # The CLI on a tiny project with the real model: the index builds, the export cannot be written.
    write_corpus(tmp_path / "corpus", TINY)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RAG_EMBED_MODEL", raising=False)
    monkeypatch.setenv("RAG_CACHE_DIR", str(small_disk / "cache"))
    capsys.readouterr()
    assert main(["ask", "When was the Action Plan released?"]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and err.splitlines()[-1].startswith("error: cannot write the ONNX export in "), err
