import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag import Assistant, QuestionError, Turn
from rag.answer.followup import needs_context, retrieval_query


def check_citations(assistant: Assistant, answer) -> None:  # type: ignore[no-untyped-def]
    for c in answer.citations:
        doc = assistant.documents[c.doc_id]
        assert doc.text[c.start : c.end] == c.quote
        assert f"[{c.n}]" in answer.answer
        assert (assistant.data.manifest["documents"][c.doc_id]["source"]) == c.source


def test_answer_cites_exact_spans(assistant: Assistant) -> None:
    answer = assistant.ask("When was the Action Plan released?")
    assert not answer.abstained
    assert "July 26, 2025" in answer.citations[0].quote
    check_citations(assistant, answer)
    data = answer.to_dict()
    assert set(data) >= {"question", "answer", "abstained", "confidence", "citations", "passages", "timings_ms"}
    assert set(data["citations"][0]) >= {"n", "doc_id", "title", "source", "start", "end", "quote", "chunk_id", "score"}
    assert data["timings_ms"]["total"] > 0


def test_boilerplate_is_never_cited(assistant: Assistant) -> None:
    answer = assistant.ask("Subscribe to our newsletter for weekly tips")
    assert all("newsletter" not in c.quote for c in answer.citations)
    assert all("newsletter" not in p.text for p in answer.passages)


def test_out_of_scope_abstains_with_related_reading(assistant: Assistant) -> None:
    answer = assistant.ask("zebra quantum cupcake recipe")
    assert answer.abstained and not answer.citations
    assert answer.answer.startswith("The documents don't answer this question.")
    assert "related reading" in answer.answer
    assert answer.passages


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=80).filter(lambda s: s.strip()))
def test_any_question_gets_verbatim_citations_or_abstains(assistant: Assistant, question: str) -> None:
    try:
        answer = assistant.ask(question)
    except QuestionError:
        return
    assert answer.abstained == (not answer.citations)
    check_citations(assistant, answer)


@pytest.mark.parametrize("bad", ["", "   \n\t", "\x00\x01", 42])
def test_unusable_questions_raise_question_error(assistant: Assistant, bad: object) -> None:
    with pytest.raises(QuestionError):
        assistant.ask(bad)  # type: ignore[arg-type]


def test_overlong_question_is_refused_with_the_limit(assistant: Assistant) -> None:
    with pytest.raises(QuestionError, match="2000"):
        assistant.ask("why " * 1000)


def test_bad_k_and_mode(assistant: Assistant) -> None:
    with pytest.raises(QuestionError):
        assistant.ask("plan", k=0)
    with pytest.raises(QuestionError):
        assistant.ask("plan", mode="magic")


def test_follow_up_uses_the_previous_question_for_retrieval(assistant: Assistant) -> None:
    history = [Turn("What does the plan say about the Global South?", "…")]
    answer = assistant.ask("and what do critics say about it?", history=history)
    assert answer.retrieval_query.startswith("What does the plan say about the Global South?")
    assert assistant.ask("What do observers call the two plans?", history=history).retrieval_query == (
        "What do observers call the two plans?"
    )


def test_needs_context_rules() -> None:
    assert needs_context("and the critics?")
    assert needs_context("why?")
    assert not needs_context("What does the plan say about open source?")
    assert retrieval_query("why?", [], 2) == "why?"


def test_max_sentences_limits_citations(assistant: Assistant) -> None:
    answer = assistant.ask("plan actions Global South critics", max_sentences=1)
    assert len(answer.citations) <= 1


def test_a_follow_up_is_answered_about_what_was_asked_before(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rag import HashingEmbedder, load_config
    from tests.conftest import write_corpus

    write_corpus(
        tmp_path / "corpus",
        {
            "a.txt": "The plan supports training in the Global South.\n"
            "Critics say that the plan lacks any enforcement at all.\n"
            "Critics say that its Global South support hides economic aims.\n"
        },
    )
    assistant = Assistant.load(load_config(tmp_path, abstain_threshold=0.0), HashingEmbedder(), progress=False)
    history = [Turn("What does the plan say about the Global South?")]
    answer = assistant.ask("and what do critics say about it?", history=history)
    assert answer.citations[0].quote.startswith("Critics say that its Global South support")
    assert not needs_context("What are the risks that the plan identifies?")
    assert needs_context("what does that mean?") and needs_context("how does this affect them?")
    assert needs_context("what technology do those controls target?")  # "those" points back
    assert not needs_context("What does this plan say about open source?")


def test_where_someone_works_wants_a_body_or_a_place() -> None:
    from rag.answer.expected import has_expected_type
    from rag.answer.facts import facts_of
    from rag.answer.lexicon import Lexicon
    from rag.answer.question import analyse
    from rag.retrieve.lexical import tokenize

    lexicon = Lexicon({})
    q = analyse("Where does the author work?", lexicon)
    assert q.expected == "workplace"

    def holds(sentence: str) -> bool:
        return has_expected_type(
            q, facts_of(q.wording, q.tokens, lexicon), facts_of(sentence, tokenize(sentence), lexicon)
        )

    assert holds("He is vice dean of the Institute for AI International Governance, Tsinghua University.")
    assert not holds("The author argues for cooperation.")


def test_a_follow_up_naming_its_own_document_is_scoped_by_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    from dataclasses import replace

    from rag import HashingEmbedder, load_config
    from rag.answer.compose import _scoped
    from rag.answer.question import analyse
    from tests.conftest import write_corpus

    meta = {
        "documents": {"a.txt": {"title": "A", "kind": "commentary"}, "b.txt": {"title": "B", "kind": "news analysis"}}
    }
    files = {"a.txt": "The plan is bold.\n", "b.txt": "The plan is vague.\n", "metadata.json": json.dumps(meta)}
    write_corpus(tmp_path / "corpus", files)
    ev = Assistant.load(load_config(tmp_path), HashingEmbedder(), progress=False).evidence
    top = max(ev.idf.values())

    def scoped(question: str, context: tuple[str, ...]) -> set[str]:
        q = replace(analyse(question, ev.lexicon), context=context)
        return {ev.documents[d].source for d in _scoped(ev, q, q.tokens, top)[2].documents}

    assert scoped("and who wrote the commentary?", ("new", "analysis")) == {"corpus/a.txt"}  # its own naming wins
    assert scoped("and who wrote it?", ("new", "analysis")) == {"corpus/b.txt"}  # else the one named before


def test_a_question_asking_two_things_quotes_an_answer_to_each(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rag import HashingEmbedder, load_config
    from rag.answer.compound import parts
    from tests.conftest import write_corpus

    assert parts("Which bodies does it propose, and what are they meant to achieve?") == (
        "Which bodies does it propose",
        "what are they meant to achieve?",
    )
    assert parts("What do the US and China say?") == ("What do the US and China say?",)  # one question
    assert parts("and why?") == ("and why?",)
    write_corpus(
        tmp_path / "corpus",
        {
            "a.txt": "The plan proposes a Science Group for research.\n"
            "Observers praise the Science Group widely and often.\n"
            "The reaction abroad has been mixed overall.\n"
            "However, skepticism stems from doubts about transparency.\n"
        },
    )
    assistant = Assistant.load(load_config(tmp_path, abstain_threshold=0.0), HashingEmbedder(), progress=False)
    answer = assistant.ask("How has the reaction abroad been, and what is the source of the skepticism?")
    quotes = [c.quote for c in answer.citations]
    assert any(q.startswith("The reaction abroad") for q in quotes)
    assert "skepticism stems from doubts about transparency." in quotes  # quoted from after "However,"


def test_each_part_answers_within_the_limits_once_each_and_in_the_named_document(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from rag import HashingEmbedder, load_config
    from rag.answer.compound import parts
    from tests.conftest import write_corpus

    assert parts("Which countries attended the summit and did not sign it?") == (
        "Which countries attended the summit and did not sign it?",
    )
    assert parts("Who decides which uses are allowed and which are banned?")[0].startswith("Who decides")
    assert len(parts("what is the reaction abroad, and what , , , ?")) == 1  # punctuation is no part
    meta = {
        "documents": {"a.txt": {"title": "A", "kind": "commentary"}, "b.txt": {"title": "B", "kind": "news analysis"}}
    }
    files = {
        "a.txt": "Meanwhile, the budget of the plan is not disclosed anywhere.\n"
        "This secrecy worries many critics of the plan.\nThe reaction abroad has been mixed overall.\n",
        "b.txt": "The budget of the plan is large and public, say officials.\n",
        "metadata.json": json.dumps(meta),
    }
    write_corpus(tmp_path / "corpus", files)
    config = load_config(tmp_path, abstain_threshold=0.0)
    assistant = Assistant.load(config, HashingEmbedder(), progress=False)
    question = "What does the commentary say about the budget, and what worries critics of the plan?"
    for most in (1, 2, 4):
        answer = assistant.ask(question, max_sentences=most)
        spans = [(c.doc_id, c.start, c.end) for c in answer.citations]
        assert 1 <= len(spans) <= most
        # no sentence quoted twice, whole and cut after its link word
        assert all(a[0] != b[0] or a[2] <= b[1] or b[2] <= a[1] for i, a in enumerate(spans) for b in spans[i + 1 :])
        assert all(c.source == "corpus/a.txt" for c in answer.citations)  # the commentary, for both parts
    from rag.answer.compound import each_part
    from rag.query.state import Request

    pipeline = assistant.pipeline
    state = pipeline.intake.start(Request(question), assistant.view)
    for step in pipeline.steps:
        state = step(state)
    chosen = list(state.scored[:1])
    hits = state.evidence_hits or state.hits
    args = (state.analysis, assistant.evidence, hits, state.part_vectors, 10)
    assert each_part(chosen, *args, 2.0, 4) == chosen  # no part passes a floor above every score
    assert len(each_part(chosen, *args, 0.0, 4)) > len(chosen)  # below it, a part's best joins
