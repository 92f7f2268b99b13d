from hypothesis import given, settings
from hypothesis import strategies as st

from rag.text.sentences import is_heading, split_spans

PIECES = st.sampled_from(
    ["Dr. Smith", "the U.S. plan", "It works.", "Really?", " ", "\n", "13 actions.", "e.g. this", "“Quote.” Next"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=40).map(" ".join))
def test_sentence_spans_are_exact_trimmed_and_ordered(text: str) -> None:
    spans = split_spans(text, 0, len(text))
    last = 0
    for s, e in spans:
        assert 0 <= last <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()
        last = e


def test_splits_on_sentence_ends_but_not_abbreviations() -> None:
    text = "Dr. Smith met the U.S. delegation. It agreed on 13 actions! Did it work? Yes."
    got = [text[s:e] for s, e in split_spans(text, 0, len(text))]
    assert got == ["Dr. Smith met the U.S. delegation.", "It agreed on 13 actions!", "Did it work?", "Yes."]


def test_lines_are_sentence_boundaries() -> None:
    text = "Heading without stop\nBody sentence here."
    assert [text[s:e] for s, e in split_spans(text, 0, len(text))] == ["Heading without stop", "Body sentence here."]


def test_heading_detection() -> None:
    assert is_heading("Key Pillars of China's AI Strategy")
    assert not is_heading("The plan lists 13 actions.")
    assert is_heading("China's Bold Move: Unveils Global AI Governance Plan at World AI Conference")
    assert not is_heading("The Action Plan is both forward-looking and rich in original and practical proposals")


def test_a_byline_lead_line_joins_the_name_below_it() -> None:
    from rag.text.sentences import split_spans

    text = "Last updated:\n\nEdited By\nMackenzie Ferguson\nAI Tools Researcher\nBy the way, it works."
    assert [text[s:e] for s, e in split_spans(text, 0, len(text))] == [
        "Last updated:",
        "Edited By\nMackenzie Ferguson",
        "AI Tools Researcher",
        "By the way, it works.",
    ]
