"""Generic boilerplate detection. Nothing here knows the seed documents: it finds lines repeated
within or across documents (promotional blocks, navigation), runs of blank lines, and lines in a
script other than the document's own (captions such as a QR-code note in another language)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from rag.types import Span

MIN_REPEATED_CHARS = 20
BLANK_RUN = re.compile(r"(?:[ \t]*\n){3,}")


def line_spans(text: str) -> list[Span]:
    """(start, end) of every line without its newline."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        spans.append((pos, pos + len(body)))
        pos += len(line)
    return spans


def _norm(line: str) -> str:
    return " ".join(line.split()).casefold()


def repeated_lines(texts: Sequence[str]) -> set[str]:
    """Normalised lines of at least MIN_REPEATED_CHARS that occur more than once in the corpus."""
    counts: Counter[str] = Counter()
    for text in texts:
        for s, e in line_spans(text):
            key = _norm(text[s:e])
            if len(key) >= MIN_REPEATED_CHARS:
                counts[key] += 1
    return {line for line, n in counts.items() if n > 1}


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ")[0] if name else "UNKNOWN"


def dominant_script(text: str) -> str:
    counts = Counter(_script(ch) for ch in text if ch.isalpha())
    return counts.most_common(1)[0][0] if counts else "LATIN"


def _foreign(line: str, script: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    if len(letters) < 4:
        return False
    own = sum(1 for ch in letters if _script(ch) == script)
    return own / len(letters) < 0.5


def merge_spans(spans: Iterable[Span], text: str) -> tuple[Span, ...]:
    """Sort and merge spans that overlap or are separated only by whitespace."""
    merged: list[Span] = []
    for s, e in sorted(spans):
        if merged and (s <= merged[-1][1] or not text[merged[-1][1] : s].strip()):
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return tuple(merged)


def find_boilerplate(text: str, repeated: set[str]) -> tuple[Span, ...]:
    script = dominant_script(text)
    spans: list[Span] = []
    for s, e in line_spans(text):
        line = text[s:e]
        if _norm(line) in repeated or _foreign(line, script):
            spans.append((s, e))
    spans.extend(m.span() for m in BLANK_RUN.finditer(text))
    return merge_spans(spans, text)


def content_blocks(text: str, boilerplate: Sequence[Span]) -> list[Span]:
    """The maximal stretches of `text` outside boilerplate, trimmed of surrounding whitespace."""
    blocks, pos = [], 0
    for s, e in [*boilerplate, (len(text), len(text))]:
        seg = text[pos:s]
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            blocks.append((pos + lead, pos + len(seg.rstrip())))
        pos = max(pos, e)
    return blocks
