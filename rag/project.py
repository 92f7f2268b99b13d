"""The project folder: the one holding corpus/, rag.toml and .rag/. The installed `rag` command and
`Assistant.load()` find it from any folder, in this order: an explicit folder (`--project DIR`,
`load_config(root)`), RAG_HOME, the nearest folder from the current one upwards that holds corpus/
or rag.toml, the source checkout the package runs from (an editable install) when it holds a
corpus, else the current folder, whose missing corpus/ is then reported by name."""

from __future__ import annotations

import os
from pathlib import Path

from rag.errors import ConfigError

HOME_ENV = "RAG_HOME"
CORPUS_DIR = "corpus"
SETTINGS_FILE = "rag.toml"


def is_project(folder: Path) -> bool:
    corpus = folder / CORPUS_DIR
    # rag/corpus/ is this package's own loader code, not documents: a Python package is no corpus.
    return (folder / SETTINGS_FILE).is_file() or (corpus.is_dir() and not (corpus / "__init__.py").is_file())


def source_checkout() -> Path | None:
    """The repository this package is imported from, when it is one with a corpus (an editable
    install or a plain checkout; an installed wheel lives in site-packages and has none)."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() and is_project(root) else None


def find_project(explicit: str | Path | None = None, start: Path | None = None) -> Path:
    """The project folder, resolved (see the module docstring for the order)."""
    chosen, origin = (explicit, "--project") if explicit else (os.environ.get(HOME_ENV), HOME_ENV)
    if chosen:
        root = Path(chosen).expanduser().resolve()
        if not root.is_dir():
            raise ConfigError(
                f"project folder {root} (from {origin}) does not exist: name the folder that holds corpus/"
            )
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    return source_checkout() or here
