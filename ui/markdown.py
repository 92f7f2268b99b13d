"""A markdown document in the reader: headings, emphasis, lists, quotes and code shown as such, with a
cited span highlighted. Citation offsets index the raw file, so this renderer walks the raw text and
keeps every visible character at its offset; markdown syntax is hidden, never interpreted as HTML.
Links keep only their text and images only their alt text: nothing in a document can point the
page elsewhere or make it fetch anything."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape

# A piece of output: a tag to emit as is, or the raw text between two offsets.
Piece = tuple[str, int, int]  # ("tag", 0, 0) with the markup in the first slot, or ("", start, end)

_HEADING = re.compile(r"(#{1,6})[ \t]+")
_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_QUOTE = re.compile(r"[ \t]*>[ \t]?")
_RULE = re.compile(r"[ \t]*(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_FENCE = re.compile(r"[ \t]*(```|~~~)")
_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"  # a link target, one level of parentheses inside
_INLINE = re.compile(
    r"(?P<code>`)(?P<code_in>[^`\n]+)`"
    r"|!\[(?P<alt>[^\]\n]*)\]"
    + _TARGET
    + r"|\[(?P<link>[^\]\n]+)\]"
    + _TARGET
    + r"|(?P<strong>\*\*|__)(?P<strong_in>(?!\s).+?(?<!\s))(?P=strong)"
    r"|(?P<em>\*|(?<![\w])_)(?P<em_in>(?![\s*_]).+?(?<![\s\\]))(?P=em)(?![\w])"
)


def inline(text: str, a: int, b: int) -> Iterator[Piece]:
    """Text pieces and inline tags of text[a:b]; the markers themselves are left out."""
    pos = a
    for m in _INLINE.finditer(text, a, b):
        if m.start() > pos:
            yield ("", pos, m.start())
        if m.group("code"):
            yield ("<code>", 0, 0)
            yield ("", m.start("code_in"), m.end("code_in"))
            yield ("</code>", 0, 0)
        elif m.group("alt") is not None:
            yield ("", m.start("alt"), m.end("alt"))
        elif m.group("link"):
            yield from inline(text, m.start("link"), m.end("link"))
        else:
            tag = "strong" if m.group("strong") else "em"
            yield (f"<{tag}>", 0, 0)
            yield from inline(text, m.start(f"{tag}_in"), m.end(f"{tag}_in"))
            yield (f"</{tag}>", 0, 0)
        pos = m.end()
    if pos < b:
        yield ("", pos, b)


def _lines(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for line in text.splitlines(keepends=True):
        end = pos + len(line.rstrip("\r\n"))
        yield pos, end
        pos += len(line)


def blocks(text: str) -> Iterator[Piece]:
    """Block structure line by line: a paragraph runs until a blank line or another kind of block."""
    open_tag = ""  # the block left open ("p", "blockquote", "pre"), closed when the next one starts

    def switch(tag: str, attrs: str = "") -> Iterator[Piece]:
        nonlocal open_tag
        if open_tag:
            yield (f"</{open_tag}>", 0, 0)
        open_tag = tag
        if tag:
            yield (f"<{tag}{attrs}>", 0, 0)

    for a, b in _lines(text):
        line = text[a:b]
        if _FENCE.match(line):
            yield from switch("" if open_tag == "pre" else "pre")
        elif open_tag == "pre":
            yield ("", a, b)
            yield ("\n", 0, 0)
        elif not line.strip():
            yield from switch("")
        elif _RULE.match(line):
            yield from switch("")
            yield ("<hr>", 0, 0)
        elif heading := _HEADING.match(line):
            yield from switch("")
            level = len(heading.group(1))
            yield (f"<h{min(level + 2, 6)}>", 0, 0)
            yield from inline(text, a + heading.end(), b)
            yield (f"</h{min(level + 2, 6)}>", 0, 0)
        elif item := _ITEM.match(line):
            yield from switch("")
            bullet = line[: item.end()].strip()
            marker = "•" if bullet in "-*+" else escape(bullet)
            yield (f'<div class="rag-md-li"><span class="rag-md-bullet">{marker}</span> ', 0, 0)
            yield from inline(text, a + item.end(), b)
            yield ("</div>", 0, 0)
        else:
            quote = _QUOTE.match(line)
            want = "blockquote" if quote else "p"
            if open_tag == want:
                yield ("", a - 1, a)  # the line break inside a paragraph: a space in normal flow
            else:
                yield from switch(want)
            yield from inline(text, a + (quote.end() if quote else 0), b)
    yield from switch("")


def render(text: str, start: int = 0, end: int = 0, mark_id: str = "") -> str:
    """HTML of a markdown text with [start, end) highlighted; the first highlighted run gets
    `mark_id`, so a span crossing emphasis or lines is several marks and one target."""
    out: list[str] = []
    first = True
    for tag, a, b in blocks(text):
        if tag:
            out.append(tag)
            continue
        lo, hi = max(a, start), min(b, end)
        if lo >= hi:
            out.append(escape(text[a:b]))
            continue
        ident = f' id="{escape(mark_id)}"' if first and mark_id else ""
        first = False
        out.append(
            f'{escape(text[a:lo])}<mark class="rag-doc-mark"{ident}>{escape(text[lo:hi])}</mark>{escape(text[hi:b])}'
        )
    return "".join(out)
