"""Run from anywhere: `rag` and `Assistant.load()` find the project (--project, RAG_HOME, the nearest
folder upwards with corpus/ or rag.toml, the checkout they are installed from) and, when there is
none, say which folder they looked in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import rag
from rag.cli import main
from rag.errors import ConfigError
from rag.project import find_project, source_checkout
from tests.conftest import REPO

QUESTION = "When was the Action Plan released?"


@pytest.fixture
def elsewhere(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder outside any project, as the current folder."""
    folder = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(folder)
    return folder


def cited_source(capsys: pytest.CaptureFixture[str]) -> str:
    return str(json.loads(capsys.readouterr().out)["citations"][0]["source"])


def test_ask_from_a_subfolder_finds_the_project_upwards(
    cli_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    deeper = cli_project / "notes" / "drafts"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    assert main(["ask", "--json", QUESTION]) == 0
    assert cited_source(capsys) == "corpus/plan.txt"
    assert not (deeper / ".rag").exists() and (cli_project / ".rag" / "index").is_dir()


def test_project_option_and_rag_home_work_from_any_folder(
    cli_project: Path, elsewhere: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "--json", "--project", str(cli_project), QUESTION]) == 0
    assert cited_source(capsys) == "corpus/plan.txt"
    monkeypatch.setenv("RAG_HOME", str(cli_project))
    assert main(["ask", "--json", QUESTION]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["citations"] and f"Project: {cli_project}" in out.err
    assert not (elsewhere / ".rag").exists()


def test_the_python_api_finds_the_project_from_a_subfolder(cli_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(cli_project / "corpus")  # inside the project, not at its root
    assistant = rag.Assistant.load(progress=False)
    assert assistant.config.root == cli_project.resolve()
    assert assistant.ask(QUESTION).citations[0].source == "corpus/plan.txt"


def test_outside_any_project_the_checkout_rag_runs_from_is_used(elsewhere: Path) -> None:
    assert source_checkout() == REPO  # the tests import the package from this checkout
    assert find_project(start=elsewhere) == REPO
    assert rag.load_config().root == REPO


@pytest.mark.parametrize("inside", ["rag", "rag/corpus", "ui", "tests/browser", "corpus"])
def test_every_folder_of_the_checkout_belongs_to_it(inside: str) -> None:
    """rag/corpus/ is Python code, not a corpus: from rag/ the project is still the checkout."""
    assert find_project(start=REPO / inside) == REPO


def test_a_missing_project_or_corpus_is_named(
    cli_project: Path, elsewhere: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = elsewhere / "no-such-project"
    assert main(["ask", "--project", str(missing), QUESTION]) == 2
    err = capsys.readouterr().err
    assert f"project folder {missing} (from --project) does not exist" in err and "\n" not in err.strip()
    monkeypatch.setenv("RAG_HOME", str(missing))
    with pytest.raises(ConfigError, match="from RAG_HOME"):
        rag.load_config()
    (elsewhere / "rag.toml").write_text("[rag]\n", encoding="utf-8")  # a project without its corpus
    assert main(["index", "--project", str(elsewhere)]) == 2
    err = capsys.readouterr().err
    assert f"corpus folder {elsewhere / 'corpus'} does not exist" in err and "--project" in err


def test_the_installed_command_runs_from_another_folder(cli_project: Path, elsewhere: Path) -> None:
    command = Path(sys.executable).parent / "rag"
    assert command.is_file(), "make setup installs the rag command into .venv/bin"
    env = {**os.environ, "RAG_EMBED_MODEL": "hashing-256"}
    env.pop("RAG_HOME", None)
    done = subprocess.run(
        [str(command), "ask", "--json", "--project", str(cli_project), QUESTION],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["citations"][0]["source"] == "corpus/plan.txt"
