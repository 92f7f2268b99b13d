"""Gold questions written by reading the corpus: evidence spans, reference answers, a fixed split.

A gold file is JSON lines. Each evidence span names a `fact`: spans sharing a fact are alternative
places that state the same thing (the news article repeats itself), distinct facts are all needed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import ConfigError

KINDS = ("answerable", "out_of_scope")
SPLITS = ("dev", "test")
_QUOTE_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


@dataclass(frozen=True)
class GoldSpan:
    fact: int
    doc_id: str
    source: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class GoldItem:
    id: str
    split: str
    kind: str
    question: str
    answer: str
    evidence: tuple[GoldSpan, ...] = ()
    history: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        return self.kind == "answerable"


def locate(text: str, quote: str) -> tuple[int, int]:
    """The only (start, end) where `quote` stands in `text`; typographic quotes may differ."""
    for hay, needle in ((text, quote), (text.translate(_QUOTE_FOLD), quote.translate(_QUOTE_FOLD))):
        first = hay.find(needle)
        if first >= 0:
            if hay.find(needle, first + 1) >= 0:
                raise ConfigError(f"quote {quote[:60]!r} occurs more than once: quote a longer stretch")
            return first, first + len(needle)
    raise ConfigError(f"quote {quote[:60]!r} is not in the document: copy it from the corpus file")


def _span(raw: dict[str, Any]) -> GoldSpan:
    return GoldSpan(int(raw.get("fact", 1)), raw["doc_id"], raw["source"], raw["start"], raw["end"], raw["quote"])


def parse_item(raw: dict[str, Any]) -> GoldItem:
    item = GoldItem(
        id=str(raw["id"]),
        split=raw["split"],
        kind=raw["kind"],
        question=raw["question"],
        answer=raw.get("answer", ""),
        evidence=tuple(_span(e) for e in raw.get("evidence", ())),
        history=tuple(raw.get("history", ())),
        tags=tuple(raw.get("tags", ())),
    )
    if item.kind not in KINDS or item.split not in SPLITS:
        raise ConfigError(f"gold item {item.id}: kind must be one of {KINDS} and split one of {SPLITS}")
    if item.answerable == (not item.evidence):
        raise ConfigError(f"gold item {item.id}: answerable items need evidence, out-of-scope ones none")
    return item


def load_gold(path: Path) -> list[GoldItem]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read gold file {path} ({exc}): run from the project folder") from exc
    items = []
    for n, line in enumerate(lines, start=1):
        if line.strip():
            try:
                items.append(parse_item(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise ConfigError(f"{path}:{n} is not a valid gold item ({exc!r}): fix that line") from exc
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{path} repeats an id: every gold item needs its own")
    return items
