"""The corpus boundary (issue 13): only regular files inside the corpus folder are documents, and
no face shows an absolute server path."""

from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi.testclient import TestClient

from rag import Assistant, HashingEmbedder, load_config
from rag.corpus.reader import corpus_files, refused_files
from rag.http.app import create_app
from tests.conftest import TINY, write_corpus

LOCAL = "http://127.0.0.1"


def _load(root: Path, corpus: Path) -> Assistant:
    config = load_config(root, corpus_dir=corpus, embed_model="hashing-256", chunk_tokens=24, chunk_overlap=4)
    return Assistant.load(config, HashingEmbedder(256), progress=False)


def test_a_link_out_of_the_corpus_is_skipped_and_never_served(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("The launch codes are 0000. Nobody outside may read this sentence.\n")
    corpus = write_corpus(tmp_path / "project" / "corpus", TINY)
    (corpus / "passwd.txt").symlink_to(secret)
    (corpus / "inner.txt").symlink_to(corpus / "notes.md")  # a link that stays inside is fine
    assert [p.name for p, _ in refused_files(corpus)] == ["passwd.txt"]
    assert "inner.txt" in [p.name for p in corpus_files(corpus)]
    assistant = _load(tmp_path / "project", corpus)
    assert all("launch codes" not in d.text for d in assistant.documents.values())
    skipped = assistant.data.manifest["skipped"]
    assert any(s["source"] == "corpus/passwd.txt" and "outside the corpus" in s["reason"] for s in skipped)
    assert str(secret) not in json.dumps(assistant.data.manifest)
    with TestClient(create_app(assistant), base_url=LOCAL) as client:
        listed = client.get("/api/documents").json()
        assert "passwd" not in {d["doc_id"] for d in listed}
        assert client.get("/api/documents/passwd").status_code == 404
        answer = client.post("/api/ask", json={"question": "What are the launch codes?"}).json()
    assert "Nobody outside" not in json.dumps(answer) and "0000" not in json.dumps(answer["passages"])


def test_devices_fifos_and_sockets_are_skipped_without_hanging(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", TINY)
    os.mkfifo(corpus / "pipe.txt")  # reading it would block forever
    assert [(p.name, "not a regular file" in why) for p, why in refused_files(corpus)] == [("pipe.txt", True)]
    assistant = _load(tmp_path, corpus)
    assert {d.source for d in assistant.documents.values()} == {"corpus/plan.txt", "corpus/notes.md"}


def test_a_corpus_outside_the_project_gets_relative_sources(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "elsewhere" / "shared-docs", TINY)
    project = tmp_path / "project"
    project.mkdir()
    assistant = _load(project, corpus.resolve())
    sources = {d.source for d in assistant.documents.values()}
    assert sources == {"shared-docs/plan.txt", "shared-docs/notes.md"}
    with TestClient(create_app(assistant), base_url=LOCAL) as client:
        body = client.get("/api/documents").text + client.post("/api/ask", json={"question": "plan"}).text
    assert str(tmp_path) not in body
