import io
import json
from pathlib import Path

import pytest

from rag.cli import main


def test_index_then_ask_json(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index"]) == 0
    assert "Index ready" in capsys.readouterr().err
    assert main(["ask", "--json", "When was the Action Plan released?"]) == 0
    data = json.loads(capsys.readouterr().out)
    c = data["citations"][0]
    text = (cli_project / c["source"]).read_text(encoding="utf-8")
    assert text[c["start"] : c["end"]] == c["quote"]


def test_ask_human_output_lists_sources(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "When was the Action Plan released?"]) == 0
    out = capsys.readouterr().out
    assert "Sources" in out and "[1]" in out and "corpus/plan.txt" in out


def test_ask_after_reads_a_follow_up_with_the_earlier_question(
    cli_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "--json", "--after", "What does the plan say about the Global South?", "and critics?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["retrieval_query"] == "What does the plan say about the Global South? and critics?"


def test_ask_stdin_one_json_per_line(
    cli_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = "When was the plan released?\n\xff\xfe bad bytes\n\nzebra cupcake\n".encode("latin-1")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert main(["ask", "--json", "-"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 3
    assert lines[0]["citations"] and "question" in lines[1]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["ask", ""], "empty"),
        (["ask", "--k", "0", "plan"], "k=0"),
        (["ask", "--k", "many", "plan"], "invalid int"),
        (["frobnicate"], "invalid choice"),
        (["index", "--corpus", "does-not-exist"], "does not exist"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    cli_project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert needle in err.splitlines()[-1]  # progress lines may come first; the error is one line


def test_help_teaches_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["ask", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "--json" in out


def test_bad_config_file_is_a_clear_error(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cli_project / "rag.toml").write_text("[rag]\nmode = 'magic'\n")
    assert main(["ask", "plan"]) == 2
    assert "mode='magic'" in capsys.readouterr().err


def test_closed_pipe_is_quiet(cli_project: Path) -> None:
    """`rag ask --json - | head` closes the pipe while answers are still coming: exit 0, no traceback."""
    import subprocess
    import sys

    script = "import sys; from rag.cli import main; sys.exit(main(['ask', '--json', '-']))"
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=cli_project,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin and proc.stdout and proc.stderr
    proc.stdin.write(b"When was the plan released?\n" * 200)  # real lines: one answer each
    proc.stdin.close()
    first = proc.stdout.read(10)
    proc.stdout.close()  # like `head -c 10`: the reader goes away with answers still to write
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert len(first) == 10 and first.startswith(b"{")
    assert "Traceback" not in err and "BrokenPipeError" not in err
