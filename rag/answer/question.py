"""Question understanding without an LLM: what kind of answer is expected (a date, a number, a
place…), which words name the things asked about, which words the corpus never uses, spelling
fixed against the corpus vocabulary, and whether the question is in a script the model reads."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rag.answer.kinds import expected_type
from rag.answer.lexicon import MIN_CORRECTABLE, Lexicon, english_stems
from rag.answer.required import required_words
from rag.retrieve.lexical import STOPWORDS, stem, tokenize
from rag.text.gazetteer import COUNT_MODIFIERS, COUNTRIES, COUNTRY_WORDS, KNOWN_NAMES, MONTHS, ROLE_WORDS

# "What else does X reflect besides tech ambitions?": the words after "besides" are what the asker
# already knows, so a sentence restating them is not the answer (the phrase ends at a comma, a
# question word or the end).
_EXCLUDING = re.compile(
    r"\b(?:besides|apart from|aside from|other than|except(?: for)?|in addition to)\s+(.+?)"
    r"(?=[,?.;!]|\s+(?:what|which|who|whom|how|where|when|why|does|do|did|is|are|was|were)\b|$)",
    re.IGNORECASE,
)
# A why or how question (not "how many", "how long"…): a reason or a manner, which may stand beside
# the claim the question restates (rag/answer/neighbours.py).
_EXPLAINS = re.compile(r"^\W*(?:why\b|how\b(?!\s+(?:many|much|long|often|far|old|soon|big|large)\b))", re.I)
# "what does the plan say about deepfakes", "anything regarding open source": the topic asked about.
_ABOUT = re.compile(r"\b(?:about|regarding|concerning)\s+([^?.!,;]+)", re.IGNORECASE)
_WH_FIRST = re.compile(r"^\s*(what|which|who|whom|how|where|when|why)(\s+else)?\s*$", re.IGNORECASE)
# Who wrote or edited a piece ("who wrote the commentary", "the author of the article").
_AUTHORSHIP = re.compile(
    r"\bwho (?:wrote|writes|authored|penned|(edit)(?:ed|s))\b|\b(?:the )?(?:author|writer|(edit)or)s? of\b|"
    r"\bwho is the (?:author|writer|(edit)or)\b|\bwritten by\b|\b(edit)ed by\b",
    re.IGNORECASE,
)
# Words after "in"/"at" that name no place: languages and nationalities ("published in English").
_NOT_PLACE_WORDS = (
    "english french spanish chinese german japanese russian arabic portuguese korean italian hindi "
    "effect general particular total time full part public private secret short advance person"
)
_NOT_PLACES = frozenset(_NOT_PLACE_WORDS.split())
_SLOT = re.compile(r"\b(?:in|at)\s+(?:the\s+)?([^\W\d_]+)\s*[?.!]?\s*$")
_CAPITALISED = re.compile(r"\b[A-Z][^\W_]*")
_LATIN = "LATIN"


@dataclass(frozen=True)
class Question:
    text: str  # as asked (cleaned)
    corrected: str  # the question with spelling fixed against the corpus ('' when nothing changed)
    tokens: tuple[str, ...]  # lexical tokens of the corrected question
    expected: (
        str | None
    )  # date, duration, number, money, person, place, country, list, organisation, name, yesno or None
    entities: tuple[str, ...]  # tokens that name things: written as names here or in the corpus
    unknown: tuple[str, ...]  # content tokens the corpus never uses, even after correction
    script: str  # the question's dominant writing system, e.g. LATIN, CJK, CYRILLIC
    excluded: tuple[str, ...] = ()  # tokens after "besides"/"other than": known to the asker, not asked
    authorship: str = ""  # "written" or "edited" when it asks who wrote or edited a piece
    polar: bool = False  # a yes/no question: a sentence giving another value than asked answers "no"
    asks_next: bool = False  # a date still to come: "when is the next conference"
    counted: str = ""  # what "how many" counts: "country" in "how many countries signed"
    required: tuple[str, ...] = ()  # words it quotes or ranks by: "security" in "the word security"
    explains: bool = False  # why, or how something is done: its answer is a reason or a manner
    topic: tuple[str, ...] = ()  # what it asks about: the tokens after "about" ("say about open source")
    context: tuple[str, ...] = ()  # a follow-up's words from the questions before it (rag/answer/followup.py)

    @property
    def wording(self) -> str:
        """The text to search with: the corrected question when there is one."""
        return self.corrected or self.text


def analyse(text: str, lexicon: Lexicon) -> Question:
    corrected = _correct(text, lexicon)
    wording = corrected or text
    tokens = tuple(t for t in tokenize(wording) if t not in STOPWORDS)  # "whats" → "what", no content word
    expected = expected_type(wording)
    polar = expected == "yesno"
    if polar and _place_slot(wording, lexicon):
        expected = "place"  # "was it launched in beijing" is answered by where it was launched
    return Question(
        text=text,
        corrected=corrected,
        tokens=tokens,
        expected=expected,
        entities=_entities(wording, tokens, lexicon),
        unknown=tuple(t for t in dict.fromkeys(tokens) if not _known(t, lexicon) and not t.isdigit()),
        script=dominant_script(text),
        excluded=excluded_tokens(wording),
        authorship=authorship(wording) if expected == "person" else "",  # not "what did the author argue"
        polar=polar,
        asks_next=expected == "date" and bool(_NEXT_ASKED.search(wording)),
        counted=counted_word(wording, tokens),
        required=required_words(wording, polar),
        explains=bool(_EXPLAINS.match(wording)),
        topic=tuple(t for m in _ABOUT.finditer(wording) for t in tokenize(m.group(1)) if t not in STOPWORDS),
    )


def _known(token: str, lexicon: Lexicon) -> bool:
    """The corpus uses the word, or for a people's name its country ("chinese" in a corpus of "China")."""
    # the country's own token, not a stopword: "us" is written for the U.S. and for "tell us"
    return lexicon.knows(token) or (token in COUNTRY_WORDS and COUNTRY_WORDS[token] in lexicon.counts)


def _place_slot(question: str, lexicon: Lexicon) -> bool:
    """A yes/no question ending on a place ("… launched in beijing?"): the word after "in"/"at" is
    written as a name, or the corpus writes it as one, or never uses it; not a month or a year."""
    m = _SLOT.search(question)
    if not m:
        return False
    word = m.group(1)
    token = stem(word.casefold())
    if token in MONTHS or token in STOPWORDS or token in _NOT_PLACES or not word.isalpha():
        return False  # "in May", "at once", "in English"
    return word[:1].isupper() or token in lexicon.names or token not in lexicon.counts


def authorship(question: str) -> str:
    """ "edited" for "who edited the article", "written" for "who wrote it", "" otherwise."""
    m = _AUTHORSHIP.search(question)
    if not m:
        return ""
    return "edited" if any(m.groups()) else "written"


def excluded_tokens(question: str) -> tuple[str, ...]:
    """The tokens of what a question sets aside: "besides deregulation" → ("deregulation",)."""
    out: list[str] = []
    for m in _EXCLUDING.finditer(question):
        words = tokenize(m.group(1))[:3]  # content words: "other than the US and China" sets aside two
        if len(words) > 1 and _WH_FIRST.match(question[: m.start()]):
            words = words[:-1]  # "Who other than China signed?": the last word is what is asked
        out += words
    return tuple(dict.fromkeys(out))


def _correct(text: str, lexicon: Lexicon) -> str:
    """The question with each unknown word replaced by its corpus correction ('' when none applies)."""
    changed = False

    def fix(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group()
        token = stem(word.casefold())
        if word.casefold() in STOPWORDS or token in _NAMES or _in_name(match, lexicon):
            return word  # "tencent", "russia", "Li Qiang": names are never slips of corpus words
        correction = lexicon.correct(token)
        if correction is None and len(token) < MIN_CORRECTABLE <= len(word):
            token = word.casefold()  # "tims" is "time(s)", though its stem "tim" is too short to correct
            correction = lexicon.correct(token)
        if correction is None and not lexicon.knows(token) and not _attached(match):
            correction = function_word(token)  # "teh" → "the", "wich" → "which"
        if correction is None:
            return word
        changed = True
        # The stemmer dropped a plural ending: put it back ("critcs" → "critic" → "critics"), unless
        # the correction has an ending of its own ("characterises" → "characterized", not "…zeds").
        ending = word[len(token) :] if word.casefold().startswith(token) and " " not in correction else ""
        if correction.endswith("ed") or stem(correction + ending) != correction:
            ending = ""  # "findngs" → "findings", but "characterises" → "characterized", "processes" → "process"
        return (correction[:1].upper() + correction[1:] if word[:1].isupper() else correction) + ending

    out = re.sub(r"[^\W\d_]+", fix, text)
    return out if changed else ""


# Function words a slip may have lost a letter of ("wich", "waht" less a letter): the question words.
_QUESTION_WORDS = frozenset(["what", "which", "where", "when", "whom", "whose", "does", "about"])


_NAMES = KNOWN_NAMES | COUNTRIES | COUNTRY_WORDS.keys() | ROLE_WORDS


_WORD_BEFORE = re.compile(r"([^\W\d_]+)\s+$")
_WORD_AFTER = re.compile(r"^\s+([^\W\d_]+)")
_NEAR = 40  # characters either side of a word that hold its neighbours


def _in_name(match: re.Match[str], lexicon: Lexicon) -> bool:
    """The word is capitalised beside another capitalised word the corpus does not know, not at the
    question's start, in a question not written in capitals throughout: part of a name ("Premier Li
    Qiang"), not a slip ("Artifical Intelligence" is corrected)."""
    text, start, end = match.string, match.start(), match.end()
    lead = re.match(r"\W*", text)
    opening = lead.end() if lead else 0
    if not match.group()[:1].isupper() or start <= opening or _title_case(text):
        return False
    base = max(0, start - _NEAR)
    before = _WORD_BEFORE.search(text[base:start])
    after = _WORD_AFTER.match(text[end : end + _NEAR])
    neighbours = [after.group(1)] if after else []
    if before is not None and base + before.start() > opening:  # the first word is capitalised by position
        neighbours.append(before.group(1))
    return any(w[:1].isupper() and not lexicon.knows(stem(w.casefold())) for w in neighbours)


def _title_case(text: str) -> bool:
    """Most words capitalised ("What Does The Plan Say", "WHAT DOES IT SAY"): capitals tell no names."""
    words = re.findall(r"[^\W\d_]+", text[:2000])
    return len(words) > 2 and sum(w[:1].isupper() for w in words) >= 0.6 * len(words)


def _attached(match: re.Match[str]) -> bool:
    """The word is part of an initialism or a contraction ("U.S.", "R&D", "What'd"): no slip."""
    text, start, end = match.string, match.start(), match.end()
    return (start > 0 and text[start - 1] in ".'’&-") or (end < len(text) and text[end] in ".'’&-")


def function_word(word: str) -> str | None:
    """The one function word a short unknown word is a slip of: two letters swapped ("teh", "hte")
    or, for a question word, one left out ("wich"); None when it is an English word, shorter than
    three letters ("u", "d") or several fit ("hwo")."""
    if word in _CHAT_SPELLINGS:
        return _CHAT_SPELLINGS[word]
    if not 3 <= len(word) <= 4 or not word.isalpha() or word in english_stems():
        return None
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)} & STOPWORDS
    inserted = {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in "abcdefghijklmnopqrstuvwxyz"}
    found = swapped or (inserted & _QUESTION_WORDS)
    return next(iter(found)) if len(found) == 1 else None


# Question words as chat writes them ("wat new bodies", "wen was it"), which the English word list
# may hold as words of their own.
# Not "wen", a name ("Premier Wen").
_CHAT_SPELLINGS = {"wat": "what", "wot": "what", "wut": "what", "wher": "where", "wht": "what"}
# "when is the next summit" asks for an occurrence still to come. Not "will" alone: "when will the
# law take effect" is answered by "it takes effect on 1 January 2027".
_NEXT_ASKED = re.compile(r"\b(?:next|upcoming|forthcoming)\b", re.I)
_MANY = re.compile(r"\bmany\s+([^\W\d_]+)")


def counted_word(wording: str, tokens: tuple[str, ...]) -> str:
    """What "how many" counts: the first word after "many" that is no number, or the one after it
    when that one only qualifies it ("how many new members", "how many AI labs", "how many US
    states"); none when a function word follows "many" ("how many were killed") or the count is a
    share ("how many percent")."""
    after = _MANY.search(wording.casefold())
    if after is None or after.group(1) in STOPWORDS or after.group(1) in ("percent", "per"):
        return ""
    rest = tokens[tokens.index("many") + 1 :] if "many" in tokens else ()
    words = [t for t in rest if not t.isdigit()]
    while len(words) > 1 and (
        len(words[0]) <= 3 or words[0] in COUNT_MODIFIERS or words[0] in COUNTRIES or words[0] in COUNTRY_WORDS
    ):
        words = words[1:]
    return words[0] if words else ""


def _entities(wording: str, tokens: tuple[str, ...], lexicon: Lexicon) -> tuple[str, ...]:
    """Tokens written capitalised after the first word, tokens the corpus writes as names, countries,
    their peoples, well-known bodies and offices however written ("did russia endorse it", "the eu ai
    act", "the un secretary-general"; "tell us" names no country), and numbers."""
    capitalised = {t for m in _CAPITALISED.finditer(wording) if m.start() > 0 for t in tokenize(m.group())}
    named = capitalised | lexicon.names | (COUNTRIES - {"us"}) | COUNTRY_WORDS.keys() | KNOWN_NAMES | ROLE_WORDS
    return tuple(t for t in dict.fromkeys(tokens) if t in named or t.isdigit())


def dominant_script(text: str) -> str:
    """The writing system of most of the letters (CJK for Chinese/Japanese ideographs)."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            script = "CJK" if name.startswith(("CJK", "HIRAGANA", "KATAKANA")) else name.split(" ")[0]
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda s: counts[s]) if counts else _LATIN
