"""Shared fixtures: a tiny inline corpus indexed with the deterministic hashing embedder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from rag import Assistant, HashingEmbedder, load_config

REPO = Path(__file__).resolve().parent.parent

TINY = {
    "plan.txt": (
        "The Action Plan\n"
        "The Action Plan was released on July 26, 2025 in Shanghai. It lists 13 actions for AI governance.\n"
        "On open-source innovation, the plan promotes open sharing of technical documentation.\n\n"
        "Subscribe to our newsletter for weekly tips!\n\n\n\n"
        "The plan supports capacity building in the Global South. Critics doubt that it can be enforced.\n"
        "Subscribe to our newsletter for weekly tips!\n"
    ),
    "notes.md": (
        "# Notes\n\nThe White House issued its own AI Action Plan three days earlier. "
        "Observers called the two plans rivals.\n"
    ),
}


def write_corpus(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "corpus", TINY)
    return tmp_path


@pytest.fixture
def cli_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tiny project as the current folder, for CLI tests: hashing model, small chunks."""
    monkeypatch.chdir(project)
    monkeypatch.delenv("RAG_HOME", raising=False)
    monkeypatch.setenv("RAG_EMBED_MODEL", "hashing-256")
    (project / "rag.toml").write_text("[rag]\nchunk_tokens = 24\nchunk_overlap = 4\nabstain_threshold = 0.3\n")
    return project


@pytest.fixture
def config(project: Path):  # type: ignore[no-untyped-def]
    return load_config(project, embed_model="hashing-256", chunk_tokens=24, chunk_overlap=4, abstain_threshold=0.3)


@pytest.fixture
def assistant(config) -> Assistant:  # type: ignore[no-untyped-def]
    return Assistant.load(config, HashingEmbedder(256), progress=False)


def tiny_assistant(root: Path) -> Assistant:
    """The `assistant` fixture's setup in a folder of its own, for module-scoped fixtures."""
    write_corpus(root / "corpus", TINY)
    config = load_config(root, embed_model="hashing-256", chunk_tokens=24, chunk_overlap=4, abstain_threshold=0.3)
    return Assistant.load(config, HashingEmbedder(256), progress=False)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    """Skipped tests are said loudly in every run: a green run with skips is not what CI checks."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    terminalreporter.section(f"{len(skipped)} TESTS WERE SKIPPED: this run checked less than CI does", red=True)
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        terminalreporter.write_line(f"SKIPPED {report.nodeid}: {reason}", yellow=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI every test must run: a skip there (missing chromium, missing seeds…) fails the run."""
    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        for report in skipped:
            reporter.write_line(f"CI: skipped test is an error here: {report.nodeid} ({report.longrepr})", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
