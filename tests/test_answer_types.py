"""Answer types read closely: a "what year" question wants a year, a "how many" question a count
(not an amount of money), a leading clause does not set the type, and a typed question whose first
search holds no span of its type searches again, deeper."""

from __future__ import annotations

from pathlib import Path

from rag import Assistant, HashingEmbedder, load_config
from rag.answer.expected import has_expected_type
from rag.answer.facts import facts_of
from rag.answer.lexicon import Lexicon
from rag.answer.question import analyse, expected_type
from rag.query.pipeline import Pipeline
from rag.query.state import Request
from rag.query.widen import Widen
from rag.retrieve.lexical import tokenize
from tests.conftest import write_corpus

LEXICON = Lexicon({})


def _holds(question: str, sentence: str, lexicon: Lexicon = LEXICON) -> bool:
    q = analyse(question, lexicon)
    facts = (facts_of(t, tokenize(t), lexicon) for t in (q.wording, sentence))
    return has_expected_type(q, *facts)


def test_what_year_wants_a_year_not_a_relative_date() -> None:
    assert not _holds("What year will the plan be reviewed?", "Less than two years later, it was adopted.")
    assert _holds("What year will the plan be reviewed?", "It will be reviewed in 2027.")
    assert _holds("When did the US publish its plan?", "It came three days prior to the release.")


def test_a_question_about_what_is_to_come_wants_a_date_still_to_come() -> None:
    question = "when is the next world artificial intelligence conference"
    assert not _holds(question, "On July 26, the 2025 World Artificial Intelligence Conference released the plan.")
    assert _holds(question, "The next conference will be held in July 2026.")
    assert _holds("when was the conference held", "On July 26, the 2025 conference released the plan.")
    # "will" alone asks no occurrence still to come, and the present tense can state one
    assert _holds("When will the Data Law take effect?", "The Data Law takes effect on 1 January 2027.")
    assert _holds("When did they show the political will to act?", "In March 2024 they acted.")


def test_when_prefers_a_date_to_a_date_relative_to_something_else() -> None:
    """ "three days prior to the release" dates another thing than the release asked about: it
    answers, but a sentence with the date itself scores higher."""
    from rag.answer.support import RELATIVE_ONLY, asking, signals_for, support_factor

    q = analyse("when was the action plan released", LEXICON)
    ask = asking(q, facts_of(q.wording, q.tokens, LEXICON), LEXICON, {}, 1.0)

    def factor(sentence: str) -> float:
        return support_factor(signals_for(ask, facts_of(sentence, tokenize(sentence), LEXICON)))

    relative = factor("Three days prior to the release of the action plan, the White House issued its own.")
    dated = factor("On July 26, the conference released the action plan.")
    assert dated == 1.0 and relative == RELATIVE_ONLY < 1.0


def test_how_many_wants_a_count_not_an_amount_of_money() -> None:
    assert not _holds("How many chips did China import?", "China invested more than $8 billion in 2025.")
    assert not _holds("How many screens showed it?", "It grossed $70–75 million.")
    assert _holds("How many screens showed it?", "It opened on 3,927 screens, grossing $70–75 million.")
    assert _holds("How much did China invest?", "China invested more than $8 billion in 2025.")
    # a count of what is asked about: "how many countries" is not answered by "11 proposals"
    assert not _holds("how many countries signed the plan", "In 2023 China put forward 11 proposals.")
    assert _holds("how many countries signed the plan", "Some 40 countries signed the plan.")
    assert _holds("How many of the 13 actions concern data?", "Four actions concern data.")
    assert _holds("How many new members joined the board?", "Twelve members joined the board in 2025.")
    assert _holds("How many were killed?", "12 people died.")  # no counted word: any count
    assert _holds("How many AI labs opened?", "Five labs opened in 2024.")
    assert not _holds("how many staff will the dialogue employ", "The dialogue holds 2 meetings a year.")


def test_a_leading_clause_does_not_set_the_type() -> None:
    assert expected_type("When the store was launched, what file format was used?") is None
    assert expected_type("After the release, who criticised it?") == "person"
    assert expected_type("When was the store launched?") == "date"


CORPUS = {
    "a.txt": "Zorland spending on parks is praised in spending reviews of Zorland spending.",
    "b.txt": "Zorland spending debates fill the Zorland papers every week.",
    "c.txt": "Reportedly, Zorland spending exceeds $8 billion a year.",
}


def _assistant(tmp_path: Path) -> Assistant:
    write_corpus(tmp_path / "corpus", CORPUS)
    config = load_config(
        tmp_path,
        embed_model="hashing-256",
        chunk_tokens=24,
        chunk_overlap=4,
        evidence_depth=1,
        k=1,
    )
    return Assistant.load(config, HashingEmbedder(256), progress=False)


def test_a_typed_question_searches_deeper_when_its_first_passages_hold_no_amount(tmp_path: Path) -> None:
    assistant = _assistant(tmp_path)
    question = "How much is Zorland spending?"
    answer = assistant.ask(question)  # at the configured threshold: the first search alone refuses
    assert not answer.abstained and any("$8 billion" in c.quote for c in answer.citations)
    pipeline = assistant.pipeline
    narrow = Pipeline(pipeline.intake, tuple(s for s in pipeline.steps if not isinstance(s, Widen)))
    first = narrow.run(Request(question), assistant.view)
    assert first.abstained and not first.citations  # what the second search adds
    assert [p.chunk_id for p in answer.passages] == [p.chunk_id for p in first.passages]  # shown: the first's
    assert answer.confidence > first.confidence
    for c in answer.citations:
        assert assistant.documents[c.doc_id].text[c.start : c.end] == c.quote


def test_a_yes_no_question_on_a_place_is_answered_by_where_and_a_swap_answers_no() -> None:
    from rag.answer.support import asking, signals_for

    lexicon = Lexicon({"shanghai": 3, "public": 2, "plan": 5})
    q = analyse("was the plan launched in beijing", lexicon)
    assert q.polar and q.expected == "place"
    assert analyse("was it held in public", lexicon).expected == "yesno"  # a word the corpus uses so
    assert _holds("was the plan launched in beijing", "It was announced in Shanghai.", lexicon)
    assert _holds("was the plan launched in Shanghai", "It was announced in Shanghai.", lexicon)  # "yes"
    assert not _holds("was the plan launched in beijing", "China announces the plan.", lexicon)
    for no_place in ("Was it agreed at once?", "Was it published in English?", "Was it released in May?"):
        assert analyse(no_place, lexicon).expected == "yesno"
    # "Was it released in 2024?" is answered "no" by the sentence giving 2025: no swap.
    polar = analyse("Was the plan released in 2024?", lexicon)
    sentence = "The plan was released in 2025."
    ask = asking(polar, facts_of(polar.wording, polar.tokens, lexicon), lexicon, {}, 3.0)
    assert not signals_for(ask, facts_of(sentence, tokenize(sentence), lexicon)).number_swapped
    wh = analyse("What was released in 2024?", lexicon)
    ask = asking(wh, facts_of(wh.wording, wh.tokens, lexicon), lexicon, {}, 3.0)
    assert signals_for(ask, facts_of(sentence, tokenize(sentence), lexicon)).number_swapped


def test_words_that_look_like_values_are_none() -> None:
    from rag.verify import numbers

    assert not _holds("What year will the plan be reviewed?", "It may be reviewed later.")  # "may": no month
    assert _holds("When did the five-year plan begin?", "The five-year plan began in March.")  # no year asked
    assert not _holds("How many audits did the board order?", "It ordered third-party audits.")  # no count
    assert not _holds("How many firms ranked?", "It came fourth.")  # a rank is no count
    assert _holds("How many yuan did it cost?", "It cost 5 million yuan.")  # money asked in a count
    assert numbers("it may rain") == set() and numbers("In May 2025") == {"may", "2025"}
    assert numbers("sixty first-time buyers") == {"60"}


def test_a_question_for_a_named_body_or_thing_wants_a_name_it_does_not_give() -> None:
    assert expected_type("what new bodies does china want to create") == "organisation"
    assert expected_type("Which company made Spectre?") == "name"
    assert expected_type("what un thing does it align with") == "name"
    assert expected_type("What do both documents say about it?") is None  # no qualifier is a function word
    assert expected_type("which group of countries stands to benefit") is None  # a group of things, no body
    assert expected_type("which organisation does china align with") == "organisation"
    assert expected_type("what things should I know") is None
    assert expected_type("what is the cost of us export controls for china") is None  # no amount asked
    assert expected_type("what year was the funding announced") == "date"
    bodies = "what new bodies does china want to create"
    assert not _holds(bodies, "China's plan to lead global AI standards through new international bodies.")
    assert not _holds(bodies, "It reflects China's Global AI Governance Action Plan.")  # a name, but of no body
    assert _holds(bodies, "It proposes new entities such as the International AI Science Group.")
    thing = "what un thing does it align with"
    assert not _holds(thing, "This plan aligns with UN frameworks.")  # the only name is the question's
    assert _holds(thing, "It aligns with the objectives of the UN's Global Digital Compact.")
    assert _holds("Which company produces the iPod?", "The iPod is made by Apple.")
    # a sentence's first word is capitalised by position, and an initialism alone names nothing here
    assert not _holds("Which company produces the iPod?", "Engineers produce the iPod with AI tools.")


def test_a_quoted_word_or_an_asked_rank_must_be_in_the_sentence() -> None:
    from rag.answer.required import lacks_required, required_words

    counts = 'Words such as "cooperation" and "exchange" occur 21 times.'
    asked = required_words("how many times does the word security appear in the plan")
    assert asked == ("security",)
    assert lacks_required(asked, facts_of(counts, tokenize(counts), LEXICON))
    held = 'The word "security" appears 4 times.'
    assert not lacks_required(asked, facts_of(held, tokenize(held), LEXICON))
    first = required_words("when was the first world ai conference held")
    assert first == ("first",)
    last = "On July 26, the 2025 World Artificial Intelligence Conference released the plan."
    assert lacks_required(first, facts_of(last, tokenize(last), LEXICON))
    inaugural = "The inaugural conference was held in 2018."
    assert not lacks_required(first, facts_of(inaugural, tokenize(inaugural), LEXICON))
    assert required_words('what does it say about "digital sovereignty"') == ("digital", "sovereignty")
    assert required_words("what does it say about the plan") == ()


def _signals(question: str, sentence: str, before: str = "", lexicon: Lexicon = LEXICON):  # type: ignore[no-untyped-def]
    from rag.answer.support import asking, signals_for

    q = analyse(question, lexicon)
    ask = asking(q, facts_of(q.wording, q.tokens, lexicon), lexicon, {}, 3.0)
    leaned = facts_of(before, tokenize(before), lexicon) if before else None
    return signals_for(ask, facts_of(sentence, tokenize(sentence), lexicon), leaned=leaned)


def test_a_sentence_that_only_restates_the_question_is_no_answer() -> None:
    why = "why does the commentary say the geopolitical undertones are unmistakable?"
    assert _signals(why, "The geopolitical undertones are unmistakable.").echo
    assert not _signals(why, "It calls for preventing adversaries from free-riding.").echo
    known = Lexicon({"undertone": 1, "unmistakable": 1, "geopolitical": 1})
    assert _signals(
        "why are the undertones unmistakable?", "The geopolitical undertones are unmistakable.", "", known
    ).echo
    # a lookup question is answered by the sentence it quotes
    assert not _signals("which article says the undertones are unmistakable", "The undertones are unmistakable.").echo
    # a yes/no question is answered by its restatement
    assert not _signals("are the geopolitical undertones unmistakable?", "The undertones are unmistakable.").echo


def test_a_sentence_referring_back_names_what_the_one_before_names() -> None:
    question = "how long after the 2023 initiative did the plan come out"
    before = "In October 2023, China put forward the initiative."
    now = "Now, less than two years later, the initiative became a plan."
    alone, leaning = _signals(question, now), _signals(question, now, before)
    assert alone.entity_elsewhere + alone.entity_absent > 0  # alone it lacks the question's 2023
    assert leaning.entity_elsewhere + leaning.entity_absent == 0
    assert _holds(question, now) and not _holds(question, before)  # "how long" wants a length of time


def test_a_superlative_an_office_or_its_first_are_conditions_of_the_answer() -> None:
    biggest = "what is the biggest risk of ai according to the commentary?"
    assert _signals(biggest, "We must mitigate emerging risks of AI.").superlative_missing
    assert not _signals(biggest, "The greatest risk of AI is misuse.").superlative_missing
    assert not _signals(biggest, "Skepticism is particularly pronounced.").superlative_missing  # ranks so
    assert _signals(biggest, "A key risk of AI is misuse.").superlative_missing  # "key" ranks nothing
    assert not _signals("is it the biggest risk?", "We must mitigate emerging risks.").superlative_missing  # "no"
    first = "when will the dialogue hold its first meeting?"
    assert _signals(first, "The dialogue met in July 2025.").required_missing
    assert not _signals("is the plan the first of its kind?", "The plan was released in 2025.").required_missing
    assert "secretary" in analyse("did the un secretary-general endorse it", Lexicon({"un": 2})).entities


def test_a_why_question_that_a_sentence_restates_is_answered_beside_it(tmp_path: Path) -> None:
    text = (
        "The plan asks allies to share research.\n"
        "It calls for preventing rivals from free-riding on innovation and investment.\n"
        "The geopolitical undertones are unmistakable.\n"
    )
    write_corpus(tmp_path / "corpus", {"a.txt": text})
    config = load_config(tmp_path, embed_model="hashing-256", abstain_threshold=0.05)
    assistant = Assistant.load(config, HashingEmbedder(256), progress=False)
    answer = assistant.ask("why are the geopolitical undertones unmistakable?")
    assert not answer.abstained
    quotes = [c.quote for c in answer.citations]
    # the reason is quoted (after the sentence its "It" refers to), the bare restatement is not first
    assert any(q.startswith("It calls for preventing rivals") for q in quotes), quotes
    assert not quotes[0].startswith("The geopolitical undertones")


def test_word_forms_meet_but_words_that_only_start_alike_do_not() -> None:
    from rag.answer.facts import same_word

    assert same_word("reacted", "reaction") and same_word("transform", "transformation")
    assert same_word("invest", "investment") and same_word("sustainable", "sustainability")
    assert not same_word("commission", "commitment") and not same_word("transform", "transparency")
    sentence = "It reflects China's sustained commitment."
    assert not facts_of(sentence, tokenize(sentence), LEXICON).has("commission")


def test_the_topic_asked_about_must_be_in_the_sentence() -> None:
    question = "what does the white house plan say about open source?"
    assert _signals(question, "The White House issued its own plan.").topic_missing
    assert not _signals(question, "The White House plan backs open-source models.").topic_missing
    assert not _signals("what does the plan say?", "The plan says little.").topic_missing  # no topic asked
    assert _signals("what does the plan say about deepfakes", "The plan sets AI safety standards.").topic_missing


def test_an_exact_day_a_ministry_or_a_european_body_are_asked_for() -> None:
    assert expected_type("what exact day in october 2023 was it announced?") == "date"
    assert expected_type("which chinese ministry drafted the plan?") == "organisation"
    assert "european" in analyse("what did the european commission say", LEXICON).entities


def test_only_openings_that_refer_back_lean_on_the_sentence_before() -> None:
    from rag.answer.neighbours import _LEANS

    for leaning in (
        "It calls for more.",
        "He is also vice dean.",
        "Now, less than two years later, it came.",
        "These bodies meet.",
    ):
        assert _LEANS.match(leaning), leaning
    for standing in (
        "It was suggested that he go.",
        "It's likely that it fails.",
        "This year the plan came.",
        "That said, it works.",
        "Then-President Obama spoke.",
    ):
        assert not _LEANS.match(standing), standing


def test_a_title_an_official_a_qualified_country_or_a_chip_are_asked_for() -> None:
    assert expected_type("What academic positions does the author hold?") == "role"
    assert expected_type("what is his job") == "role"
    assert expected_type("What role should AI governance play between countries?") is None  # a manner
    assert _holds("What positions does the author hold?", "The author is a professor at Tsinghua.")
    assert not _holds("What positions does the author hold?", "The views are those of the author.")
    assert not _holds("Editor's note: besides professor, what post does he hold?", "He is a professor.")
    assert expected_type("Which specific countries released it with China?") == "country"
    assert not _holds("Which specific countries released it with China?", "China released it with partners.")
    assert expected_type("Which Chinese official announced the plan?") == "person"
    assert expected_type("Which Nvidia chip models are covered?") == "name"
    assert expected_type("which governance model does China promote") is None
    for stance in (
        "What position does China hold on open-source AI?",
        "What role does the UN have in AI governance?",
        "What is the title of the commentary?",
        "What does the author do in the conclusion?",
        "Which article states that the plan has 13 points?",
        "What chip export controls did the US impose?",
    ):
        assert expected_type(stance) is None, stance
    assert expected_type("Which expert group does the plan create?") == "organisation"
    assert expected_type("What United Nations body does it support?") == "organisation"


def test_a_capital_stands_for_its_country_and_a_name_is_never_corrected() -> None:
    from rag.answer.facts import token_countries

    assert token_countries(["beijing", "plan"]) == {"beijing": "china"}
    assert token_countries(["washington"]) == {"washington": "us"}
    lexicon = Lexicon({"liang": 3, "premier": 1, "presented": 1})
    assert analyse("Was it Premier Li Qiang who presented it?", lexicon).corrected == ""
    assert analyse("was it li qiang who presentd it?", lexicon).corrected  # lower case: a slip is fixed
    assert analyse("What Does The Plan Say About Liang Presentd?", lexicon).corrected  # Title Case tells no names
    assert "beijing" in analyse("why does beijing want it", lexicon).entities


def test_chat_spellings_of_question_words_and_a_deadline_wants_a_date() -> None:
    lexicon = Lexicon({"body": 2, "china": 3, "create": 1})
    q = analyse("wat new bodys does china create", lexicon)
    assert q.wording.startswith("what new bodys") and q.expected == "organisation"
    assert analyse("what did premier wen say", lexicon).corrected == ""  # a name, not "when"
    assert analyse("What is the deadline for compliance?", lexicon).expected == "date"
    assert _holds("What is the deadline for compliance?", "The deadline for compliance is 31 December 2026.")
    assert not _holds("What is the deadline for compliance?", "Compliance is checked by the agency.")
