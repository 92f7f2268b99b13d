import subprocess
import sys

import rag


def test_public_api_is_explicit() -> None:
    assert set(rag.__all__) <= set(dir(rag))
    for name in ("Assistant", "Answer", "Citation", "RagError", "load_config", "Embedder"):
        assert name in rag.__all__


def test_import_is_light() -> None:
    """Importing rag must not pull torch, faiss, gradio or sentence-transformers."""
    heavy = "('torch', 'faiss', 'gradio', 'sentence_transformers')"
    code = f"import sys, rag; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_exceptions_form_one_family() -> None:
    for name in (
        "ConfigError",
        "CorpusError",
        "IndexCorruptError",
        "IndexMissingError",
        "ModelError",
        "QuestionError",
        "CitationError",
    ):
        assert issubclass(getattr(rag, name), rag.RagError)
