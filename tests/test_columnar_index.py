"""The schema-2 index: columnar records read back lazily, memory-mapped arrays, stored evidence
tables, and file checks that re-hash only what changed (rag index --verify re-hashes everything)."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag import Assistant, HashingEmbedder
from rag.answer.evidence import sentences_of_chunk
from rag.answer.lexicon import Lexicon
from rag.answer.tables import EvidenceTables
from rag.cli import main
from rag.errors import IndexCorruptError
from rag.index import checksums
from rag.index.arrays import ArrayFile, save_array
from rag.index.columns import read_records, write_records
from rag.index.store import current_build, load_index
from rag.retrieve.lexical import idf_table, tokenize
from rag.stores.bm25_lexical import SAMPLED_TOP_K, top_k
from rag.types import Chunk, Document, DocumentMeta, Sentence

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=60)


@st.composite
def records(draw: st.DrawFn) -> tuple[list[Document], list[Chunk], list[Sentence]]:
    docs, chunks, sents = [], [], []
    for d in range(draw(st.integers(1, 4))):
        text = draw(TEXT)
        cuts = sorted(draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=8)))
        meta = DocumentMeta(title=draw(TEXT), author=draw(st.sampled_from(["", "Xinhua", "é"])))
        doc = Document(f"d{d}", f"corpus/d{d}.txt", text, meta, "ab" * 32, ((0, cuts[0]),))
        docs.append(doc)
        for n, (a, b) in enumerate(itertools.pairwise(cuts)):
            chunks.append(Chunk(f"d{d}#{n}", doc.doc_id, a, b, text[a:b]))
            sents.append(Sentence(len(sents), doc.doc_id, a, b, text[a:b]))
    return docs, chunks, sents


@settings(max_examples=60, deadline=None)
@given(records())
def test_columns_read_back_the_records_they_were_written_from(tmp_path_factory, recs) -> None:  # type: ignore[no-untyped-def]
    docs, chunks, sents = recs
    folder = tmp_path_factory.mktemp("cols")
    write_records(folder, docs, chunks, sents)
    got_docs, got_chunks, got_sents = read_records(folder)
    assert list(got_docs) == docs and list(got_chunks) == chunks and list(got_sents) == sents
    assert got_chunks[-1] == chunks[-1] if chunks else len(got_chunks) == 0
    assert got_docs.mapping()["d0"] == docs[0] and list(got_docs.mapping()) == [d.doc_id for d in docs]
    for i, c in enumerate(chunks):
        assert got_chunks.ordinal(c.chunk_id) == i
    assert got_chunks.ordinal("d0#999") is None and got_chunks.ordinal("nope#0") is None
    with pytest.raises(IndexError):
        got_sents[len(sents)]


def test_a_chunk_that_is_not_its_documents_slice_is_refused(tmp_path: Path) -> None:
    doc = Document("d", "corpus/d.txt", "Hello world.", DocumentMeta("T"), "")
    with pytest.raises(IndexCorruptError, match="is not the next"):
        write_records(tmp_path, [doc], [Chunk("d#0", "d", 0, 5, "Jello")], [])
    with pytest.raises(IndexCorruptError, match="'d#1' is not the next"):  # numbers must run 0, 1, …
        write_records(tmp_path, [doc], [Chunk("d#1", "d", 0, 5, "Hello")], [])


def test_loaded_index_is_lazy_and_memory_mapped(assistant: Assistant) -> None:
    data = assistant.data
    for vectors in (data.chunk_vectors, data.sentence_vectors):
        assert isinstance(vectors, ArrayFile)  # on disk: rows are read when asked for
    assert isinstance(data.chunks.rows.base, np.memmap) and not data.chunks.rows.flags.writeable
    assert not isinstance(data.chunks, tuple) and data.tables is not None
    for c in data.chunks:
        doc = assistant.documents[c.doc_id]
        assert doc.text[c.start : c.end] == c.text
    assert data.dense.search(np.asarray(data.chunk_vectors[1]), 1)[0][0] == 1


def test_stored_evidence_tables_equal_the_ones_computed_in_memory(assistant: Assistant) -> None:
    data = assistant.data
    chunks, sents = list(data.chunks), list(data.sentences)
    tokens = [tokenize(s.text) for s in sents]
    lexicon = Lexicon.of(sents, tokens)
    stored = EvidenceTables.load(data.path)
    assert stored.counts == lexicon.counts and stored.names == lexicon.names and stored.idf == idf_table(tokens)
    expected = sentences_of_chunk(chunks, sents)
    assert {c.chunk_id: list(assistant.evidence.sentences_of_chunk[c.chunk_id]) for c in chunks} == expected
    assert assistant.evidence.sentence_tokens[3] == tokens[3]


def _count_hashes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    hashed: list[Path] = []
    real = checksums.sha256_of

    def counting(path: Path) -> str:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(checksums, "sha256_of", counting)
    return hashed


def test_an_unchanged_index_is_not_rehashed_and_a_touched_file_once(assistant: Assistant, config, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    hashed = _count_hashes(monkeypatch)
    load_index(config.index_path)
    assert hashed == []
    touched = current_build(config.index_path) / "sentence_vectors.npy"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))  # a copy, same bytes
    load_index(config.index_path)
    assert hashed == [touched]
    load_index(config.index_path)  # recorded in verified.json: not hashed again
    assert hashed == [touched]


def test_a_changed_byte_with_a_touched_mtime_is_caught_at_load(assistant: Assistant, config) -> None:  # type: ignore[no-untyped-def]
    path = current_build(config.index_path) / "texts.npy"
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0x01  # same size
    path.write_bytes(bytes(raw))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    with pytest.raises(IndexCorruptError, match=r"texts\.npy is missing or damaged: rebuild with `rag index`"):
        load_index(config.index_path)


def test_verify_ok_then_damaged_through_the_cli(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index"]) == 0
    capsys.readouterr()
    assert main(["index", "--verify"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: ") and " files, " in out and " bytes match the manifest" in out
    build = current_build(cli_project / ".rag" / "index")
    victim = build / "chunk_vectors.npy"
    stamp = victim.stat()
    raw = bytearray(victim.read_bytes())
    raw[-1] ^= 0xFF
    victim.write_bytes(bytes(raw))
    os.utime(victim, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # the load's stat check alone would miss it
    assert main(["index", "--verify"]) == 1
    err = capsys.readouterr().err
    assert f"damaged: {victim}: contents differ" in err and "1 of " in err and "rebuild with `rag index`" in err
    assert main(["index"]) == 0  # --verify marked the file: the next load rebuilds instead of trusting it
    assert "Building the index" in capsys.readouterr().err
    assert main(["index", "--verify"]) == 0


def test_verify_without_an_index_exits_2(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "--verify"]) == 2
    assert "rag index" in capsys.readouterr().err


def test_index_help_explains_verify(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["index", "--help"])
    out = capsys.readouterr().out
    assert "--verify" in out and "re-hash every file" in out and "exit 1" in out


def test_an_index_of_the_previous_schema_is_rebuilt(assistant: Assistant, config) -> None:  # type: ignore[no-untyped-def]
    path = current_build(config.index_path) / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "schema_version": 1}))
    messages: list[str] = []
    again = Assistant.load(config, HashingEmbedder(256), progress=False, on_message=messages.append)
    assert messages[0].startswith("Building the index (index schema 1 is not 2")
    assert again.data.manifest["schema_version"] == 2 and again.ask("When was the plan released?").citations


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 50), st.sampled_from([0.0, 0.5, 0.99]))
def test_sampled_top_k_finds_the_same_scores_as_a_full_partition(seed: int, k: int, zeros: float) -> None:
    rng = np.random.default_rng(seed)
    scores = np.round(rng.random(SAMPLED_TOP_K + int(rng.integers(0, 5000))), 2).astype(np.float32)  # ties
    scores[rng.random(len(scores)) < zeros] = 0
    full = np.argpartition(-scores, k - 1)[:k]
    assert sorted(scores[top_k(scores, k)]) == sorted(scores[full])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 6), st.integers(1, 4), st.sampled_from(["<f4", "<i8", "|u1"]), st.data())
def test_array_file_reads_what_a_memory_map_reads(tmp_path_factory, rows: int, cols: int, dtype: str, data) -> None:  # type: ignore[no-untyped-def]
    array = (np.arange(rows * cols) * 7 % 251).astype(dtype).reshape(rows, cols)
    path = tmp_path_factory.mktemp("arr") / "a.npy"
    save_array(path, array)
    disk, ref = ArrayFile(path), np.load(path, mmap_mode="r")
    assert disk.shape == ref.shape and len(disk) == rows and np.array_equal(np.asarray(disk), ref)
    if rows:
        i = data.draw(st.integers(-rows, rows - 1))
        picks = data.draw(st.lists(st.integers(0, rows - 1), max_size=5))
        assert np.array_equal(disk[i], ref[i]) and np.array_equal(disk[picks], ref[picks] if picks else ref[:0])
    a, b, step = data.draw(st.integers(-8, 8)), data.draw(st.integers(-8, 8)), data.draw(st.integers(1, 3))
    assert np.array_equal(disk[a:b:step], ref[a:b:step])
    with pytest.raises(IndexError):
        disk[rows]


def test_decoded_texts_are_kept_within_the_cache_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rag.index.columns as columns

    docs = [Document(f"d{i}", f"corpus/d{i}.txt", f"Text number {i}. " * 10, DocumentMeta("T"), "") for i in range(5)]
    write_records(tmp_path, docs, [], [])
    monkeypatch.setattr(columns, "TEXT_CACHE", 3)
    got, chunks, _ = read_records(tmp_path)
    assert [got.text(i) for i in (0, 1, 2, 3, 0)] == [docs[i].text for i in (0, 1, 2, 3, 0)]
    assert list(got._texts) == [2, 3, 0]  # least recently used first; 1 was dropped
    assert chunks.ordinal("d1#0") is None
    monkeypatch.setattr(columns, "TEXT_CACHE_CHARS", 1)
    assert got.text(4) == docs[4].text and list(got._texts) == [4]  # one text over the bound is still kept
