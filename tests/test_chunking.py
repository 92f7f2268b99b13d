from hypothesis import given, settings
from hypothesis import strategies as st

from rag.corpus.boilerplate import find_boilerplate, repeated_lines
from rag.text.chunking import chunk_document, locate, word_count
from rag.types import Document, DocumentMeta

WORDS = st.sampled_from(["alpha", "beta", "gamma", "AI", "plan.", "x", "governance,", "Open", "13", "é", "中文"])
SEPS = st.sampled_from([" ", " ", " ", "\n", "\n\n", "  ", "\t", "\n\n\n\n"])
TEXTS = st.lists(st.tuples(WORDS, SEPS), min_size=1, max_size=300).map(lambda xs: "".join(a + b for a, b in xs))


def doc(text: str) -> Document:
    return Document("d", "corpus/d.txt", text, DocumentMeta("t"), "h", find_boilerplate(text, repeated_lines([text])))


@settings(max_examples=150, deadline=None)
@given(TEXTS, st.integers(8, 40), st.integers(0, 7))
def test_chunk_spans_index_the_document_exactly(text: str, size: int, overlap: int) -> None:
    d = doc(text)
    chunks = chunk_document(d, size, overlap, word_count)
    for c in chunks:
        assert d.text[c.start : c.end] == c.text
        assert c.text == c.text.strip() and c.text
        assert word_count(c.text) <= size
        assert all(not (s < c.end and c.start < e) for s, e in d.boilerplate)
    starts = [c.start for c in chunks]
    assert starts == sorted(starts)


def test_every_content_word_is_in_some_chunk() -> None:
    text = "one two three four five six seven eight nine ten\n\neleven twelve thirteen"
    chunks = chunk_document(doc(text), 4, 1, word_count)
    covered = " ".join(c.text for c in chunks).split()
    assert set(text.split()) <= set(covered)


def test_locate_rejects_text_not_in_block() -> None:
    import pytest

    from rag.errors import CitationError

    with pytest.raises(CitationError):
        locate(["missing"], "some text", 0, 9)
