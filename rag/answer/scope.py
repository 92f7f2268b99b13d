"""Which document a question points at by how people name documents ("the commentary", "the news
article", "the Xinhua piece"): words of a document's kind, outlet and author in its metadata that
the running text rarely uses and that no other document shares. Sentences of other documents then
answer less well; a question naming no document, or several, is scoped to none."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from rag.retrieve.lexical import tokenize
from rag.types import Document

# A metadata word names a document only when the corpus text rarely uses it: IDF at least this share
# of the highest IDF ("commentary", "Xinhua"; not "AI", which every passage uses).
RARE_SHARE = 0.6


@dataclass(frozen=True)
class Scope:
    documents: frozenset[str] = frozenset()  # the document the question names (empty: none)
    words: frozenset[str] = frozenset()  # the question's words that name it: not what it asks about


def reference_words(
    documents: Mapping[str, Document],
    phrases: Mapping[str, set[str]] | None = None,
    idf: Mapping[str, float] | None = None,
) -> dict[str, frozenset[str]]:
    """Metadata word → the documents whose kind, outlet or author holds it; and of `phrases` (two-word
    phrases with a metadata word → the documents whose text writes them) those that point at another
    document than the word does: "the editor's note" points at the commentary that holds one, not at
    the news analysis its editor signed. Only those can ever decide a scope, so only those are kept."""
    refs = {t: frozenset(ids) for t, ids in metadata_words(documents).items()}
    top = max(idf.values(), default=1.0) if idf else 1.0

    def rare(word: str) -> bool:
        return idf is None or idf.get(word, top) >= RARE_SHARE * top

    for phrase, docs in (phrases or {}).items():
        if len(docs) == 1 and any(w in refs and rare(w) and refs[w] != docs for w in phrase.split()):
            refs[phrase] = frozenset(docs)
    return refs


def metadata_words(documents: Mapping[str, Document]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for doc in documents.values():
        for token in tokenize(f"{doc.meta.kind} {doc.meta.outlet} {doc.meta.author}"):
            found[token].add(doc.doc_id)
    return found


def scoped_documents(
    tokens: Sequence[str], refs: Mapping[str, frozenset[str]], idf: Mapping[str, float], top: float, total: int
) -> Scope:
    """The one document the question's words name most often, or none. A phrase a document's text
    writes names that document, and its words name no other by metadata."""
    votes: dict[str, set[str]] = defaultdict(set)
    phrased: set[str] = set()

    def names(word: str) -> bool:
        return word in refs and idf.get(word, top) >= RARE_SHARE * top

    for a, b in pairwise(tokens):
        docs = refs.get(f"{a} {b}", frozenset())
        named = {w for w in (a, b) if names(w)}
        # a phrase overrides only a metadata word of another document ("editor" of the news analysis)
        if len(docs) == 1 and len(docs) < total and named and any(refs[w] != docs for w in named):
            votes[next(iter(docs))].add(f"{a} {b}")
            phrased |= {a, b}
    for token in dict.fromkeys(tokens):
        docs = refs.get(token, frozenset())
        if token not in phrased and len(docs) == 1 and len(docs) < total and names(token):
            votes[next(iter(docs))].add(token)
    ranked = sorted(votes.items(), key=lambda kv: -len(kv[1]))
    if not ranked or (len(ranked) > 1 and len(ranked[0][1]) == len(ranked[1][1])):
        return Scope()
    # the words that name the document by metadata are not asked about; a phrase of its text may be
    return Scope(frozenset([ranked[0][0]]), frozenset(w for w in ranked[0][1] if " " not in w))
