"""A question that gives a value (a year, a month, a day, a rank) is not answered by a sentence that
states another value of that kind: the number swaps of SQuAD 2.0's unanswerable questions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rag.answer.facts import facts_of
from rag.answer.lexicon import Lexicon
from rag.answer.support import NUMBER_SWAPPED, Signals, number_swapped, support_factor
from rag.retrieve.lexical import tokenize
from rag.verify import numbers, ordinals

LEXICON = Lexicon({})


def _swapped(question: str, sentence: str) -> bool:
    facts = (facts_of(t, tokenize(t), LEXICON) for t in (question, sentence))
    return number_swapped(*facts)


def test_ranks_are_read_in_words_and_digits() -> None:
    assert ordinals("the twenty-fourth James Bond film") == {"24th"} == ordinals("the 24th film")
    assert ordinals("his fourth performance, the Thirty-First") == {"4th", "31st"}
    assert ordinals("at first, a second time") == set()  # mostly no rank
    assert numbers("twenty-four hours in ninety-nine days") == {"24", "99"}
    assert numbers("the thirty-fourth film") == {"34th"}  # not "30" and "4th"


def test_another_value_of_the_kind_given_is_a_swap() -> None:
    assert _swapped("What is the thirty-fourth James Bond film?", "Spectre is the twenty-fourth James Bond film.")
    assert _swapped("What was released on 15 September 2015?", "The song was released on 25 September 2015.")
    assert _swapped("It premiered on 26 December of what year?", "It was released on 26 October 2015.")
    assert _swapped("What was revealed in 2004?", "The cast was revealed in December 2014.")


def test_the_same_value_or_no_value_of_that_kind_is_no_swap() -> None:
    assert not _swapped("What is the twenty-fourth Bond film?", "Spectre (2015) is the 24th Bond film.")
    assert not _swapped("What was revealed in December 2004?", "A trailer was shown at the Expo 2004.")
    assert not _swapped("What happened on July 26?", "The plan was released in Shanghai.")
    # A count says how much is asked, not which thing: "two landmarks" against "a five-week shoot".
    assert not _swapped("What are two landmarks in Rome?", "It had a five-week shoot in Rome.")


def test_a_swap_costs_as_much_as_a_swapped_country() -> None:
    plain = Signals(False, 1.0, 0.0, 0, False, 0)
    assert support_factor(Signals(False, 1.0, 0.0, 0, False, 0, number_swapped=True)) == NUMBER_SWAPPED
    assert support_factor(plain) == 1.0


@given(st.integers(min_value=3, max_value=99))
def test_a_rank_written_in_digits_reads_as_itself(n: int) -> None:
    (rank,) = ordinals(f"the {n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')} film")
    assert int(rank[:-2]) == n


def test_a_country_asked_in_one_spelling_is_met_in_another() -> None:
    from rag.answer.facts import countries, token_countries
    from rag.answer.question import analyse
    from rag.answer.support import asking, signals_for

    assert token_countries(tokenize("the United States and America")) == {
        "united": "us",
        "state": "us",
        "america": "us",
    }
    assert countries("South Korea", tokenize("South Korea")) == {"south korea", "korea"}
    lexicon = Lexicon({"american": 1, "adversary": 3, "plan": 5, "us": 2})
    q = analyse("What does the American plan say about adversaries of the United States?", lexicon)
    ask = asking(q, facts_of(q.wording, q.tokens, lexicon), lexicon, {"american": 2.0, "united": 2.0}, 3.0)

    def missing(sentence: str) -> float:
        return signals_for(ask, facts_of(sentence, tokenize(sentence), lexicon)).entity_elsewhere

    assert missing("It calls for preventing U.S. adversaries from free-riding.") == 0  # the US in any spelling
    assert missing("It calls for preventing adversaries from free-riding.") > 0
