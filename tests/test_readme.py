"""Keep the README quickstart true."""

import re

import pytest

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_quickstart_commands_exist_in_the_makefile() -> None:
    makefile = (REPO / "Makefile").read_text()
    for target in re.findall(r"^make (\w+)", README, flags=re.M):
        assert re.search(rf"^{target}:", makefile, flags=re.M), target
    assert "make test" in (REPO / ".ci" / "run").read_text()


@pytest.mark.integration
def test_sample_output_matches_a_real_answer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rag import Assistant, load_config

    sample = re.search(r'rag ask "([^"]+)"\n', README)
    assert sample
    config = load_config(REPO, index_dir=tmp_path / "i", cache_dir=tmp_path / "c")
    answer = Assistant.load(config, progress=False).ask(sample.group(1))
    shown = re.findall(r"(corpus/\S+):(\d+)-(\d+)", README.split("## Python API")[0])
    real = {(c.source, str(c.start), str(c.end)) for c in answer.citations}
    assert shown and set(shown) <= real
    assert answer.answer.split(" [1]")[0] in README.replace("\n", " ")


def test_robustness_catalogue_names_real_tests_and_the_recorded_load_figures() -> None:
    import json

    section = README.split("## Robustness catalogue")[1].split("\n## ")[0]
    files = set(re.findall(r"`(tests/[\w/]+\.py)`", section))
    assert len(files) >= 10 and all((REPO / f).is_file() for f in files), files
    recorded = json.loads((REPO / "eval" / "loadtest-results.json").read_text())["runs"]
    for run in recorded:
        assert run["errors"] == run["bad_citations"] == 0
        row = f"| {run['requests']} | {round(run['p50_ms'])} ms | {round(run['p95_ms'])} ms | 0 | 0 |"
        assert row in section, row


def test_custom_component_example_runs_as_written(cli_project) -> None:  # type: ignore[no-untyped-def]
    """The README's custom Reranker, executed verbatim against a small two-document project."""
    block = README.split("### Your own component")[1].split("```python\n")[1].split("```")[0]
    printed: list[object] = []
    namespace: dict[str, object] = {"print": printed.append}
    exec(compile(block, "README.md", "exec"), namespace)  # our own README, run as a reader would
    answer = namespace["answer"]
    assert printed and len(printed[0]) == 1  # type: ignore[arg-type]
    assert answer.passages and not answer.abstained  # type: ignore[attr-defined]
    from rag import Assistant

    docs = {p.doc_id for p in Assistant.load(progress=False).ask(answer.question).passages}  # type: ignore[attr-defined]
    assert len(docs) == 2  # the default keeps both documents: the reranker did the narrowing
