"""Token-sized chunks with offsets computed here, not by the splitter: langchain's
`add_start_index` is wrong when length is measured in tokens, so each chunk is located in its
block and checked against the document text."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rag.corpus.boilerplate import content_blocks
from rag.errors import CitationError
from rag.types import Chunk, Document

TokenCounter = Callable[[str], int]
SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]


def make_splitter(chunk_tokens: int, overlap: int, count_tokens: TokenCounter):  # type: ignore[no-untyped-def]
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        chunk_size=chunk_tokens,
        chunk_overlap=overlap,
        length_function=count_tokens,
        separators=SEPARATORS,
        keep_separator="end",
        strip_whitespace=True,
    )


def locate(pieces: Sequence[str], text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Offsets of each piece inside text[start:end], in order; pieces may overlap."""
    spans, cursor = [], start
    for piece in pieces:
        pos = text.find(piece, cursor, end)
        if pos < 0:
            raise CitationError(f"chunk text {piece[:40]!r} is not a substring of its block: splitter bug")
        spans.append((pos, pos + len(piece)))
        cursor = pos + 1
    return spans


def chunk_id(doc_id: str, n: int) -> str:
    """The id of a document's n-th chunk (0: its opening, where a byline stands)."""
    return f"{doc_id}#{n}"


def chunk_document(doc: Document, chunk_tokens: int, overlap: int, count_tokens: TokenCounter) -> list[Chunk]:
    splitter = make_splitter(chunk_tokens, overlap, count_tokens)
    chunks: list[Chunk] = []
    for b_start, b_end in content_blocks(doc.text, doc.boilerplate):
        pieces = [p for p in splitter.split_text(doc.text[b_start:b_end]) if p.strip()]
        for s, e in locate(pieces, doc.text, b_start, b_end):
            chunk = Chunk(chunk_id(doc.doc_id, len(chunks)), doc.doc_id, s, e, doc.text[s:e])
            chunks.append(chunk)
    return chunks


def word_count(text: str) -> int:
    """A model-free token counter for tests and for models without a tokenizer."""
    return len(text.split())
