"""File → text. For .txt/.md the text is the file's exact UTF-8 content (no newline translation),
so offsets index the file itself; for .html/.pdf it is the extracted text the index stores."""

from __future__ import annotations

import re
from pathlib import Path

from rag.errors import CorpusError

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
MAX_FILE_BYTES = 20 * 1024 * 1024


def read_text_file(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise CorpusError(f"{path.name}: looks binary (NUL bytes), not text: remove it or fix its extension")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path.name}: not valid UTF-8 at byte {exc.start}: re-save it as UTF-8") from exc


def read_html(path: Path) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(read_text_file(path), "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(["script", "style", "noscript", "template", "nav", "footer", "head"]):
        tag.decompose()
    lines = (" ".join(line.split()) for line in soup.get_text("\n").splitlines())
    return "\n".join(line for line in lines if line), title


def read_pdf(path: Path) -> tuple[str, str]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str(reader.metadata.get("/Title") or "") if reader.metadata else ""
    except (PyPdfError, ValueError, OSError, KeyError, TypeError) as exc:
        raise CorpusError(f"{path.name}: cannot parse this PDF ({exc}): re-export it or remove it") from exc
    text = "\n\n".join(re.sub(r"[ \t]+\n", "\n", p).strip() for p in pages if p.strip())
    return text, title


def extract(path: Path) -> tuple[str, str]:
    """Return (text, title guessed from the file) or raise CorpusError naming the file."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise CorpusError(f"{path.name}: unsupported type {suffix!r}: use one of {', '.join(SUFFIXES)}")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise CorpusError(f"{path.name}: {size / 1e6:.0f} MB is over the {MAX_FILE_BYTES / 1e6:.0f} MB limit: split it")
    if suffix in (".html", ".htm"):
        text, title = read_html(path)
    elif suffix == ".pdf":
        text, title = read_pdf(path)
    else:
        text, title = read_text_file(path), ""
    if not text.strip():
        raise CorpusError(f"{path.name}: no text in it: add content or remove the file")
    return text, title or first_line_title(text, path)


def first_line_title(text: str, path: Path) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if 3 <= len(line) <= 120:
            return line
    return path.stem
