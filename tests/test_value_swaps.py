"""A question that gives a value (a year, a month, a day, a rank) is not answered by a sentence that
states another value of that kind: the number swaps of SQuAD 2.0's unanswerable questions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rag.answer.facts import facts_of
from rag.answer.lexicon import Lexicon
from rag.answer.support import Signals, number_swapped, support_factor
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
    assert not _swapped("What may the plan achieve by 2030?", "The plan, announced in March, aims high by 2030.")
    assert not _swapped("What did the fourth meeting decide?", "The meeting mandated third-party audits.")
    # A count says how much is asked, not which thing: "two landmarks" against "a five-week shoot".
    assert not _swapped("What are two landmarks in Rome?", "It had a five-week shoot in Rome.")


def test_a_swap_costs_as_much_as_a_swapped_country() -> None:
    plain = Signals(False, 1.0, 0.0, 0, False, 0)
    value = support_factor(Signals(False, 1.0, 0.0, 0, False, 0, number_swapped=True))
    assert value == support_factor(Signals(False, 1.0, 0.0, 0, True, 0)) < 1.0 == support_factor(plain)


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


def test_a_premise_the_best_matching_sentence_contradicts_lowers_confidence(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from rag import Assistant, HashingEmbedder, load_config
    from rag.answer.compose import PREMISE_CONTRADICTED, premise_contradicted
    from rag.query.state import Request
    from tests.conftest import write_corpus

    files = {
        "film.txt": "Filming started in Austria in December 2014, around the glacier road.\n\n"
        "During the December 2014 press conference, the studio unveiled the new car.\n\n"
        "Ticket sales in Australia were strong.\n"  # so the question's country is no unknown name
    }
    write_corpus(tmp_path / "corpus", files)
    config = load_config(tmp_path, embed_model="hashing-256", chunk_tokens=24, chunk_overlap=4, abstain_threshold=0)
    assistant = Assistant.load(config, HashingEmbedder(256), progress=False)

    def state(question: str):  # type: ignore[no-untyped-def]
        st = assistant.pipeline.intake.start(Request(question), assistant.view)
        for step in assistant.pipeline.steps:
            st = step(st)
        return st

    told, trap = state("Filming started in Austria when?"), state("Filming started in Australia when?")
    assert told.citations[0].quote.startswith("Filming started in Austria") and not premise_contradicted(told.scored)
    assert premise_contradicted(trap.scored)  # the documents say Austria
    assert trap.confidence == pytest.approx(min(1.0, trap.scored[0].score) * PREMISE_CONTRADICTED)
    strict = Assistant.load(config.with_overrides(abstain_threshold=0.215), HashingEmbedder(256), progress=False)
    refused = strict.ask("Filming started in Australia when?")
    assert refused.abstained and "names another country than the question does" in refused.answer


def test_in_a_date_question_the_part_asked_for_is_no_swap() -> None:
    from rag.answer.question import analyse
    from rag.answer.support import asking, signals_for

    def swapped(question: str, sentence: str) -> bool:
        q = analyse(question, LEXICON)
        ask = asking(q, facts_of(q.wording, q.tokens, LEXICON), LEXICON, {}, 3.0)
        return signals_for(ask, facts_of(sentence, tokenize(sentence), LEXICON)).number_swapped

    assert not swapped("When was the plan revised after its 2017 launch?", "The plan was revised in 2021.")
    assert not swapped("Which month in 2024 did the trial start?", "The trial started in June 2024.")
    # "of what year" asks the year; the day and month it gives must match.
    assert swapped("It premiered on 26 December of what year?", "It was released on 26 October 2015.")
    assert not swapped("It premiered on 26 October of what year?", "It was released on 26 October 2015.")
