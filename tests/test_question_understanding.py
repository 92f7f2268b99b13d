"""Question understanding, answer-type facts, spelling correction and coherent quoting (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

from rag import Assistant, HashingEmbedder, load_config
from rag.answer.coherence import cohere, dangling
from rag.answer.compose import Scored
from rag.answer.expected import has_expected_type
from rag.answer.facts import facts_of, quantities
from rag.answer.lexicon import Lexicon, edit_distance
from rag.answer.question import analyse, dominant_script, expected_type
from rag.answer.support import ENTITY_ABSENT
from rag.retrieve.lexical import tokenize
from tests.conftest import write_corpus


def _lexicon(assistant: Assistant) -> Lexicon:
    return assistant.evidence.lexicon


def test_expected_answer_types() -> None:
    cases = {
        "When was the plan released?": "date",
        "how many actions are there": "number",
        "How much money did China invest?": "money",
        "who wrote the piece": "person",
        "where was it announced": "place",
        "Which countries signed it?": "country",
        "List the principles one by one": "list",
        "Does the plan mention open source?": "yesno",
        "What does the plan say about open source?": None,
    }
    assert {q: expected_type(q) for q in cases} == cases


def test_spelling_is_fixed_against_the_corpus_but_real_words_stay(assistant: Assistant) -> None:
    lexicon = _lexicon(assistant)
    assert lexicon.correct("opensource") == "open source"
    assert lexicon.correct("aigovernance") == "ai governance"
    assert lexicon.correct("openai") is None  # a name ending in a short word, not "open ai"
    assert lexicon.correct("goverance") == "governance"
    assert lexicon.correct("deal") is None  # an English word the corpus lacks is not a typo
    assert lexicon.correct("plan") is None and lexicon.correct("xyz") is None
    assert edit_distance("principel", "principle") == 1 and edit_distance("abc", "abc") == 0


def test_a_slip_from_an_ordinary_word_is_that_word_not_a_corpus_word_further_away() -> None:
    lexicon = Lexicon({"despite": 3, "commerce": 2, "characterized": 1, "plan": 4})
    assert lexicon.correct("descibe") == "describe"  # one slip from 'describe', two from 'despite'
    assert lexicon.correct("comentary") == "commentary"  # not 'momentary': slips seldom hit the first letter
    # 'characterised' less a letter is spelt right: no English word to prefer over the corpus's spelling
    assert lexicon.correct("characterise") == "characterized"
    assert lexicon.correct("regulaton") is None  # 'regulation' or 'regulator': left alone
    assert Lexicon({"despite": 3}).correct("despote") == "despite"  # a corpus word one slip away wins
    # a plural ending dropped for the lookup comes back, but not onto a correction with its own ending
    assert analyse("how is the plan characterises", lexicon).corrected == "how is the plan characterized"
    assert analyse("what did critcs say", Lexicon({"critic": 2})).corrected == "what did critics say"
    assert analyse("what were the findngs", Lexicon({"finding": 2})).corrected == "what were the findings"


def test_keyword_variants_are_forms_of_the_word_not_words_sharing_a_prefix() -> None:
    lexicon = Lexicon({"transparency": 9, "transformation": 2, "reaction": 3, "development": 5, "developing": 4})
    assert lexicon.variants("transform") == ["transformation"]
    assert lexicon.variants("reacted") == ["reaction"]
    assert lexicon.variants("development") == ["developing"]


def test_analysis_finds_names_unknown_words_and_script(assistant: Assistant) -> None:
    lexicon = _lexicon(assistant)
    q = analyse("what did critcs say about the White House plan in Korea", lexicon)
    assert q.corrected.startswith("what did critics say")
    assert {"white", "house", "korea"} <= set(q.entities)
    assert "korea" in q.unknown and "plan" not in q.unknown
    assert analyse("shanghai plan", lexicon).entities == ("shanghai",)  # a corpus name, though lower case
    assert dominant_script("该计划关于开源说了什么？") == "CJK" and dominant_script("open source") == "LATIN"


def test_facts_tell_counts_from_dates(assistant: Assistant) -> None:
    assert quantities("On July 26, 2025 it listed 13 actions, three days earlier than six others") == {"13", "6"}
    lexicon = _lexicon(assistant)
    facts = facts_of("by Liang Zheng", tokenize("by Liang Zheng"), lexicon)
    assert facts.byline and facts.people == {"liang zheng"}
    us = facts_of("The U.S. imposed export controls.", tokenize("The U.S. imposed export controls."), lexicon)
    assert us.countries == {"us"}


def test_a_sentence_must_hold_a_new_span_of_the_expected_type(assistant: Assistant) -> None:
    lexicon = _lexicon(assistant)

    def supports(question: str, sentence: str) -> bool:
        q = analyse(question, lexicon)
        return has_expected_type(
            q, facts_of(q.wording, q.tokens, lexicon), facts_of(sentence, tokenize(sentence), lexicon)
        )

    assert supports("How many actions does it list?", "It lists 13 actions for AI governance.")
    assert not supports("How many actions does it list?", "It lists actions for AI governance.")
    assert supports("When was it released?", "The Action Plan was released on July 26, 2025 in Shanghai.")
    assert not supports("When was the 2025 plan released?", "The 2025 plan promotes open sharing.")
    assert supports("Where was it released?", "The Action Plan was released on July 26, 2025 in Shanghai.")


def test_answers_show_the_corrected_question(assistant: Assistant) -> None:
    answer = assistant.ask("What does the plan say about opensource?")
    assert answer.corrected_question == "What does the plan say about open source?"
    assert answer.to_dict()["corrected_question"] == answer.corrected_question
    assert not answer.abstained and "open-source" in answer.answer
    assert assistant.ask("When was the Action Plan released?").corrected_question == ""


def test_a_name_the_corpus_never_mentions_lowers_support(assistant: Assistant) -> None:
    plain = assistant.ask("When was the Action Plan released?")
    swapped = assistant.ask("When was the Korea Action Plan released?")
    assert swapped.confidence <= plain.confidence * ENTITY_ABSENT + 1e-6


def test_a_question_the_model_cannot_read_is_told_so(assistant: Assistant) -> None:
    answer = assistant.ask("该计划关于开源说了什么？")
    assert answer.abstained and answer.sentences == ()
    assert "English" in answer.answer and "embed_model" in answer.answer
    assert json.dumps(answer.to_dict(), ensure_ascii=False)


def test_a_dangling_opening_quote_brings_its_antecedent(assistant: Assistant) -> None:
    ev = assistant.evidence
    lists = next(s for s in ev.sentences if s.text.startswith("It lists 13 actions"))
    item = Scored(lists, 0.9, 0.9, 0.9, "c")
    assert dangling(lists.text) and not dangling("The plan lists 13 actions.")
    lead = cohere([item], ev, max_sentences=4)
    # One quote, one exact span: the antecedent is not cited on its own as if it answered.
    doc = assistant.documents[lists.doc_id].text
    assert len(lead) == 1 and lead[0].sentence.text.startswith("The Action Plan was released")
    assert lead[0].sentence.text.endswith("It lists 13 actions for AI governance.")
    assert doc[lead[0].sentence.start : lead[0].sentence.end] == lead[0].sentence.text
    assert lead[0].sentence.sent_id == lists.sent_id
    other = next(s for s in ev.sentences if s.text.startswith("Critics doubt"))
    assert cohere([Scored(other, 0.9, 0.9, 0.9, "c"), item], ev, 4) == [Scored(other, 0.9, 0.9, 0.9, "c")]


def test_a_dangling_later_quote_joins_the_sentence_it_leans_on(assistant: Assistant) -> None:
    ev = assistant.evidence
    lists = next(s for s in ev.sentences if s.text.startswith("It lists 13 actions"))
    released = ev.sentences[lists.sent_id - 1]
    joined = cohere([Scored(released, 0.9, 0.9, 0.9, "a"), Scored(lists, 0.8, 0.8, 0.8, "b")], ev, 4)
    assert [(c.sentence.start, c.sentence.end, c.chunk_id) for c in joined] == [(released.start, lists.end, "a")]


def test_an_opening_link_word_alone_is_cut_without_bringing_the_sentence_before(assistant: Assistant) -> None:
    from dataclasses import replace as swap

    ev = assistant.evidence
    critics = next(s for s in ev.sentences if s.text.startswith("Critics doubt"))
    # "However, critics doubt …" would name its own subject once the link word is cut.
    linked = swap(critics, start=critics.start - len("However, "), text="However, " + critics.text)
    lead = cohere([Scored(linked, 0.9, 0.9, 0.9, "c")], ev, 4)
    assert [c.sentence.text for c in lead] == [critics.text] and lead[0].sentence.start == critics.start


def test_an_aside_in_brackets_is_no_antecedent_and_on_the_other_hand_is_a_link_word(tmp_path: Path) -> None:
    text = (
        "Growth is fast. Growth nears a singularity.\n(Note: a singularity is a point of no return.)\n"
        "It remains weak and uneven.\nOn the other hand, consensus remains weak."
    )
    write_corpus(tmp_path / "corpus", {"a.txt": text})
    ev = Assistant.load(load_config(tmp_path), HashingEmbedder(), progress=False).evidence
    weak = next(s for s in ev.sentences if s.text.startswith("It remains"))
    lead = cohere([Scored(weak, 0.9, 0.9, 0.9, "c")], ev, 4)
    assert [c.sentence.text for c in lead] == ["Growth nears a singularity.", weak.text]
    other = next(s for s in ev.sentences if s.text.startswith("On the other hand"))
    assert [c.sentence.text for c in cohere([Scored(other, 0.9, 0.9, 0.9, "c")], ev, 4)] == ["consensus remains weak."]


def test_a_refusal_names_what_the_documents_never_mention(assistant: Assistant) -> None:
    from rag.answer.abstain import absent_names, refusal

    q = analyse("What does South Korea's AI Basic Act require?", _lexicon(assistant))
    assert absent_names(q) == ["South Korea's AI Basic Act"]
    hits = assistant.ask("When was the Action Plan released?").passages
    assert hits
    text = refusal(q, [], assistant.documents)
    assert text == "The documents don't answer this question. They never mention South Korea's AI Basic Act."
    assert absent_names(analyse("When was the Action Plan released?", _lexicon(assistant))) == []


def test_the_chat_shows_the_engines_own_refusal(assistant: Assistant) -> None:
    from ui.render import answer_html

    answer = assistant.ask("该计划关于开源说了什么？")
    html = answer_html(answer, 1, assistant.documents)
    assert "rag-abstain" in html and "reads English only" in html and "don&#x27;t cover" not in html


def _candidates(assistant: Assistant, question: str):  # type: ignore[no-untyped-def]
    """The state the composer produced for the question (analysis, hits, candidate sentences)."""
    from dataclasses import replace

    from rag.query.pipeline import Compose
    from rag.query.state import Request

    seen = []
    composer = next(s for s in assistant.pipeline.steps if isinstance(s, Compose)).composer

    class Keep:
        def compose(self, state):  # type: ignore[no-untyped-def]
            seen.append(composer.compose(state))
            return seen[-1]

    steps = tuple(replace(s, composer=Keep()) if isinstance(s, Compose) else s for s in assistant.pipeline.steps)
    replace(assistant.pipeline, steps=steps).run(Request(question), assistant.view)
    return seen[0]


def test_a_refusal_says_what_kind_of_answer_the_passages_about_the_name_lack(assistant: Assistant) -> None:
    from rag.answer.abstain import type_gap

    def gap(question: str) -> str:
        state = _candidates(assistant, question)
        return type_gap(state.analysis, assistant.evidence, state.evidence_hits or state.hits)

    assert gap("How much funding does the Action Plan receive?") == (
        "They mention the Action Plan, but none of the passages found about it gives an amount of money."
    )
    # "It lists 13 actions" follows a sentence naming the plan: its number counts, so no such claim.
    assert gap("How many actions does the Action Plan list?") == ""
    assert gap("Why do critics doubt the plan?") == ""  # no expected type: no claim
    assert gap("Who wrote the Action Plan?") == ""  # names sit in bylines and headings: never claimed
    answer = assistant.ask("How much funding does the Action Plan receive?")
    assert answer.abstained and "gives an amount of money" in answer.answer


def test_a_link_word_is_left_out_of_an_opening_quote(assistant: Assistant) -> None:
    from dataclasses import replace as swap

    from rag.answer.coherence import unlinked
    from rag.answer.compose import display_text, shown
    from rag.types import AnswerSentence

    plan = next(s for s in assistant.evidence.sentences if s.text.startswith("On open-source"))
    doc = assistant.documents[plan.doc_id].text
    item = Scored(plan, 0.9, 0.9, 0.9, "c")
    assert unlinked(item) == item  # "On open-source …" has no link word
    start = doc.index("the plan promotes")
    linked = swap(plan, start=start - len("Also, "), text="Also, " + plan.text[plan.text.index("the plan") :])
    cut = unlinked(Scored(linked, 0.9, 0.9, 0.9, "c")).sentence
    assert cut.text == "the plan promotes open sharing of technical documentation." and cut.start == start
    assert doc[cut.start : cut.end] == cut.text
    assert shown(cut.text) == "…" + cut.text and shown("iPod sales rose.") == "iPod sales rose."
    assert display_text([AnswerSentence(cut.text, (1,))]).startswith("…the plan promotes")


def test_what_a_question_sets_aside_is_not_what_it_asks() -> None:
    from rag.answer.question import excluded_tokens
    from rag.answer.support import EXCLUDED_RESTATED, Signals, support_factor

    assert excluded_tokens("What characterises the plan besides cooperation?") == ("cooperation",)
    assert excluded_tokens("apart from open source, what does it promote") == ("open", "source")
    assert excluded_tokens("Who other than China signed?") == ("china",)  # "signed" is what is asked
    assert excluded_tokens("What does the plan say about open source?") == ()
    plain = Signals(False, 1.0, 0.0, 0, False, 0)
    restating = Signals(False, 1.0, 0.0, 0, False, 0, restates_excluded=True)
    assert support_factor(restating) == EXCLUDED_RESTATED * support_factor(plain)


def test_a_sentence_restating_the_set_aside_topic_is_marked(assistant: Assistant) -> None:
    from rag.answer.support import asking, signals_for

    ev, lexicon = assistant.evidence, _lexicon(assistant)
    q = analyse("Besides the release, what does the Action Plan list?", lexicon)
    asked = facts_of(q.wording, q.tokens, lexicon)
    top = max(ev.idf.values())

    def restates(start: str) -> bool:
        sid = next(s.sent_id for s in ev.sentences if s.text.startswith(start))
        return signals_for(asking(q, asked, lexicon, ev.idf, top), ev.facts(sid)).restates_excluded

    assert restates("The Action Plan was released") and not restates("It lists 13 actions")


def _supports(assistant: Assistant, question: str, sentence: str) -> bool:
    lexicon = _lexicon(assistant)
    q = analyse(question, lexicon)
    return has_expected_type(q, facts_of(q.wording, q.tokens, lexicon), facts_of(sentence, tokenize(sentence), lexicon))


def test_a_list_question_needs_a_series_as_long_as_it_asks(assistant: Assistant) -> None:
    from rag.answer.facts import series_length

    assert series_length("It covers manufacturing, consumption, commerce, healthcare and education.") == 5
    assert series_length("It covers development, security and governance of AI.") == 3
    assert series_length("The plan, while strategic and ambitious, faces criticism.") == 0
    assert series_length("The plan outlines six core principles and 13 concrete actions.") == 0
    assert _supports(assistant, "List the areas the plan covers", "It covers health, education, farming and trade.")
    assert not _supports(assistant, "List the six principles one by one", "It covers health, education and trade.")
    assert not _supports(assistant, "List the six principles one by one", "The plan outlines six core principles.")


def test_where_needs_a_place_not_a_country_doing_something(assistant: Assistant) -> None:
    assert _supports(assistant, "Where was the plan announced?", "It was announced at a conference in Shanghai.")
    assert not _supports(assistant, "Where was the plan announced?", "China announced the plan with great fanfare.")


def test_a_question_naming_a_document_is_scoped_to_it() -> None:
    from rag.answer.scope import reference_words, scoped_documents
    from rag.types import Document, DocumentMeta

    docs = {
        "a": Document("a", "a.txt", "x", DocumentMeta("A", author="Ann Lee", outlet="Xinhua", kind="commentary"), ""),
        "b": Document("b", "b.txt", "y", DocumentMeta("B", outlet="AI news site", kind="news analysis"), ""),
    }
    refs = reference_words(docs)
    idf = {"ai": 0.1, "xinhua": 2.0}

    def scope(question: str) -> tuple[set[str], set[str]]:
        found = scoped_documents(tokenize(question), refs, idf, 2.0, len(docs))
        return set(found.documents), set(found.words)

    assert scope("What does the commentary expect?") == ({"a"}, {"commentary"})
    assert scope("What does the news analysis say?") == ({"b"}, {"new", "analysis"})
    assert scope("What does AI do?") == (set(), set())  # a word the text uses everywhere names nothing
    assert scope("Does the commentary agree with the news?") == (set(), set())  # two named: a tie
    assert scope("What does the plan say?") == (set(), set())
    # "editor" names b by its metadata, but a's text writes "Editor's note": the phrase points at a,
    # and stays asked about (the note is what is quoted)
    docs["b"] = Document("b", "b.txt", "y", DocumentMeta("B", author="Bo Li (editor)", kind="news analysis"), "")
    refs = reference_words(docs, {"editor note": {"a"}})
    assert scope("How does the editor's note define it?") == ({"a"}, set())
    assert scope("What does the editor think?") == ({"b"}, {"editor"})


def test_the_index_records_the_phrases_that_point_at_another_document_than_their_word() -> None:
    from rag.answer.tables import EvidenceTables
    from rag.text.sentences import split_document
    from rag.types import Document, DocumentMeta

    docs = [
        Document(
            "a",
            "a.txt",
            "Editor's note: the author teaches.\nThe plan is new.",
            DocumentMeta("A", kind="commentary"),
            "",
        ),
        Document("b", "b.txt", "The plan has six principles.", DocumentMeta("B", author="Bo Li (editor)"), ""),
    ]
    first = split_document(docs[0])
    sentences = first + split_document(docs[1], first_id=len(first))
    refs = EvidenceTables.of([], sentences, with_ranges=False, documents=docs).references
    assert refs["editor note"] == {"a"} and refs["editor"] == {"b"}
    assert not any(" " in k and "plan" in k for k in refs)  # phrases without a metadata word are not kept


def test_sentences_of_another_document_than_the_one_named_score_lower() -> None:
    from rag.answer.support import OTHER_DOCUMENT, Signals, support_factor

    plain = Signals(False, 1.0, 0.0, 0, False, 0)
    other = Signals(False, 1.0, 0.0, 0, False, 0, other_document=True)
    assert support_factor(other) == OTHER_DOCUMENT * support_factor(plain)


def test_bylines_and_questions_about_who_wrote_or_edited() -> None:
    from rag.answer.question import authorship
    from rag.text.sentences import byline_kind

    assert byline_kind("by Liang Zheng") == "written" and byline_kind("Edited By\nMackenzie Ferguson") == "edited"
    assert byline_kind("by far the largest plan") == "" and byline_kind("By 2030, China may lead.") == ""
    assert authorship("Who wrote the Xinhua commentary?") == "written"
    assert authorship("who edited the news article") == "edited" and authorship("Who is the editor?") == "edited"
    assert authorship("What did the author say?") == ""


def test_who_wrote_a_piece_is_answered_by_its_byline(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rag import HashingEmbedder, load_config
    from tests.conftest import write_corpus

    files = {
        "piece.txt": "by Ann Lee\nThe Action Plan was released on July 26, 2025 in Shanghai. "
        "It lists 13 actions for AI governance. Critics doubt that it can be enforced.\n" * 3,
        "other.txt": "Edited By\nTom Reed\nThe White House issued its own AI Action Plan three days earlier.\n",
    }
    write_corpus(tmp_path / "corpus", files)
    config = load_config(tmp_path, embed_model="hashing-256", chunk_tokens=24, chunk_overlap=4)
    assistant = Assistant.load(config, HashingEmbedder(256), progress=False)
    wrote = assistant.ask("Who wrote the piece about the Action Plan?")
    assert wrote.citations and wrote.citations[0].quote == "by Ann Lee"
    edited = assistant.ask("Who edited the piece about the White House plan?")
    assert edited.citations and edited.citations[0].quote == "Edited By\nTom Reed"


def test_a_qualified_role_is_not_the_role_asked_about(assistant: Assistant) -> None:
    from rag.answer.support import asking, signals_for

    lexicon, ev = _lexicon(assistant), assistant.evidence
    top = max(ev.idf.values())

    def requalified(question: str, sentence: str) -> bool:
        q = analyse(question, lexicon)
        facts = facts_of(sentence, tokenize(sentence), lexicon)
        return signals_for(asking(q, facts_of(q.wording, q.tokens, lexicon), lexicon, ev.idf, top), facts).requalified

    assert requalified("Who is the dean of the institute?", "He is also vice dean of the institute.")
    assert not requalified("Who is the vice dean of the institute?", "He is also vice dean of the institute.")
    assert not requalified("Who is the dean of the institute?", "She is the dean of the institute.")
    assert requalified("Who was the minister?", "The former minister spoke first.")


def test_nationality_adjectives_are_countries_and_durations_answer_how_many_days(assistant: Assistant) -> None:
    from rag.answer.facts import countries

    assert countries("the American plan", tokenize("the American plan")) == {"us"}
    assert countries("Chinese firms", tokenize("Chinese firms")) == {"china"}
    # Asked about the American and the Chinese plans, a sentence about America is no swap.
    assert _supports(assistant, "How many days separated the American plan from China's?", "It came three days prior.")
    assert not _supports(assistant, "How many actions does the plan list?", "It came three days prior.")


def test_review_edge_cases_of_the_answer_rules() -> None:
    from rag.answer.facts import countries, series_length
    from rag.answer.question import authorship, excluded_tokens

    def where(text: str) -> set[str]:
        return countries(text, tokenize(text))

    assert where("can you tell us what the plan says") == set() and where("the US plan") == {"us"}
    assert where("which came out first, the us plan or chinas") == {"us", "china"}
    assert where("published in English and Chinese") == {"china"}  # a language is no country
    assert series_length("In 2023, China and the US signed a deal.") == 0
    assert series_length("However, officials and experts disagree.") == 0
    assert excluded_tokens("what else, other than the US and China, signed") == ("us", "china")
    assert authorship("What does the author of the commentary argue?") == "written"  # the phrase alone…
    assert analyse("What does the author of the commentary argue?", Lexicon({})).authorship == ""  # …not who
    assert analyse("Who is the author of the commentary?", Lexicon({})).authorship == "written"


def test_short_slips_are_fixed_and_function_words_are_no_content() -> None:
    lexicon = Lexicon({"time": 3, "word": 2, "plan": 4, "action": 2})
    # the stem "tim" is too short to correct, the word "tims" is not; "teh" is a slip of "the"
    assert analyse("how many tims does it say teh word", lexicon).corrected == "how many time does it say the word"
    assert analyse("hwo made it", lexicon).corrected == ""  # "how" or "who": left alone
    assert analyse("wich plan", lexicon).corrected == "which plan"  # a question word less a letter
    # single letters, initialisms and contractions are no slips
    for kept in ("can u explain the plan", "What does the U.S. want?", "What'd the R&D plan do?", "hes plan"):
        assert analyse(kept, lexicon).corrected == "", kept
    assert "what" not in analyse("whats the plan", lexicon).tokens  # "whats" is "what", no content word


def test_countries_and_well_known_bodies_are_names_however_written() -> None:
    lexicon = Lexicon({"plan": 4, "china": 3})
    assert analyse("did russia endorse the plan", lexicon).entities == ("russia",)
    assert set(analyse("what does the eu ai act require", lexicon).entities) == {"eu"}
    assert analyse("can you tell us about the plan", lexicon).entities == ()  # "us" is no country here
    assert analyse("what did openai say about the plan", lexicon).unknown == ("openai",)
    assert "openai" in analyse("what did openai say about the plan", lexicon).entities
    assert "chinese" not in analyse("what do chinese officials say", lexicon).unknown  # its country is known


def test_an_amount_asked_by_its_name_wants_money() -> None:
    assert expected_type("whats the budget of tsinghuas institute") == "money"
    assert expected_type("whats chinas ai investment target for 2030") == "money"
    assert expected_type("What does the plan say about investment?") is None


def test_names_are_never_corrected_into_corpus_words() -> None:
    lexicon = Lexicon({"recent": 4, "binding": 3, "plan": 5})
    assert lexicon.correct("tencent") is None  # two slips, one of them the first letter: another word
    assert analyse("what did tencent announce", lexicon).corrected == ""
    assert analyse("what did xi jinping say about the plan", lexicon).corrected == ""
    assert {"xi", "jinping"} <= set(analyse("what did xi jinping say about the plan", lexicon).entities)
    assert Lexicon({"governance": 2}).correct("goverance") == "governance"  # a slip past the first letter


def test_a_publishers_disclaimer_answers_only_a_question_about_whose_views_a_piece_gives(tmp_path: Path) -> None:
    from rag.text.sentences import is_disclaimer

    disclaimer = "The views expressed in this article are those of the author and do not necessarily reflect Xinhua."
    assert is_disclaimer(disclaimer) and not is_disclaimer("The plan reflects broad international consensus.")
    text = f"The author is a professor at Tsinghua University.\n{disclaimer}\n"
    write_corpus(tmp_path / "corpus", {"a.txt": text})
    assistant = Assistant.load(load_config(tmp_path, abstain_threshold=0.0), HashingEmbedder(), progress=False)
    cited = [c.quote for c in assistant.ask("where does the author of this article work?").citations]
    assert cited and disclaimer not in cited
    assert assistant.ask("Does the article speak for Xinhua?").citations[0].quote == disclaimer
