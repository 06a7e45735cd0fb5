"""Word-level analysis shared by the BM25 side index and evidence scoring.

One tokeniser (bm25s's), one English Snowball stemmer and one stop-word list, so
that a term counted when indexing is the same term counted when answering.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable, Sequence

__all__ = ["terms", "fold", "stemmer", "resolve_aliases", "variant_terms", "unify_spelling", "ANAPHOR", "BODY_NOUNS", "DESCRIPTION", "BULLET",
           "is_list_item", "is_table_row", "table_header", "lead_of", "NUMBERED", "QUESTION_WORDS",
           "LEXICAL_VERSION"]

# Bumped whenever ``terms`` analyses text differently: an index whose BM25 side was built
# with another version is rewritten from its records by the next ingest (nothing re-embedded).
LEXICAL_VERSION = 2

# Words that shape a question but say nothing about its topic.
QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how does do did is are was were "
    "can could would should will much many the a an of in on for to by with "
    "tell me about please name list give describe explain briefly according brief "
    "briefing briefings source sources mention mentioned say says said".split()
)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
# Nouns that name a body or a programme: "The institute is directed by ..." refers back to the
# institute the sentence before named; "Which institute opened in Pune?" asks to name one.
BODY_NOUNS = ("institute|centre|center|office|lab|laboratory|platform|body|programme|program|"
              "network|campus|fund|hub|agency|initiative|group|committee|council|board|company|"
              "firm|university|academy|school|project|scheme|mission|facility|observatory|"
              "station|foundation|partnership|agreement|treaty|accord|corridor|alliance|forum|"
              "consortium|society|centres|centers|institutes|laboratories|bodies|secretariat|"
              "task force|commission|unit|bureau|authority|directorate")
# A definite description of a body the text before named: "The institute is directed by ...",
# "The centre has a budget of ..." (it ends with the body's noun).
# "The Centre is directed by ..." capitalises the noun as a name; "The Council of Europe" is one
DESCRIPTION = rf"The (?:[a-z][\w-]+ ){{0,2}}?(?i:{BODY_NOUNS})\b(?!\s+(?:of|for|on)\b)"
# A sentence opening with one of these continues the sentence before it (but not the empty
# "It may be noted that ...").
ANAPHOR = re.compile(r"^(?:(This|These|It|Its|They|Their|Such|The latter|The former|He|She|His|Her)\b"
                     r"(?! (?:may|might|is|was|can|should|must) (?:be )?(?:noted|said|seen|clear|"
                     r"important|likely|possible|expected)\b)"
                     rf"|{DESCRIPTION})")


BULLET = re.compile(r"^\s*[-*•–+]\s")
NUMBERED = re.compile(r"^\s*\(?(\d{1,2})[.)]\s")  # "2. Advance geothermal research ..."
LIST_LINE_WORDS = 8


_TABLE_RULE = re.compile(r"^[\s|:+-]+$")


def is_table_row(text: str) -> bool:
    """A row of a table as the readers write it ("2023 | 51 | 17", "| Secretariat | Hanoi |"),
    not its rule line ("|---|---|")."""
    return text.count("|") >= 2 and not _TABLE_RULE.match(text)


def table_header(row: int, texts: list[str]) -> int | None:
    """The index in ``texts`` (consecutive sentences) of the first row of the table that
    ``texts[row]`` is a row of, rule lines skipped; None when that is the row itself."""
    first = row
    for i in range(row - 1, -1, -1):
        if is_table_row(texts[i]):
            first = i
        elif not _TABLE_RULE.match(texts[i]):
            break
    return first if first != row else None


def lead_of(row: int, kinds: Sequence[str], texts: Sequence[str], reach: int) -> int | None:
    """The index of the line that consecutive sentence ``row`` (``kinds``, ``texts``) is read
    after: for a table row, its table's first row; for an item of a list, the nearest line
    within ``reach`` before it that is not itself an item (a heading, a lead-in sentence);
    None for other sentences, or when there is none."""
    if kinds[row] != "body":
        return None
    if is_table_row(texts[row]):
        return table_header(row, texts)
    if not is_list_item(texts[row]):
        return None
    return next((i for i in range(row - 1, max(-1, row - 1 - reach), -1)
                 if kinds[i] != "body" or not is_list_item(texts[i])), None)


def is_list_item(text: str) -> bool:
    """A bulleted line, or a short unpunctuated line of its own ("Aalborg University" under
    "Partners"): an item of a list, read with the line that leads into the list."""
    return BULLET.match(text) is not None or NUMBERED.match(text) is not None or (
        "\n" not in text and len(text.split()) <= LIST_LINE_WORDS and text[-1:].isalnum())



@lru_cache(maxsize=1)
def stemmer() -> Any:
    """The English Snowball stemmer (PyStemmer), loaded once."""
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def terms(text: str, *, drop_question_words: bool = False) -> list[str]:
    """Lower-cased, accent-folded, spelling-unified, stemmed content terms of ``text`` (stop
    words removed): "Québec" and "Quebec", "defence" and "defense", "programme" and
    "program" give the same term."""
    stop = _stopwords() | QUESTION_WORDS if drop_question_words else _stopwords()
    words = [unify_spelling(w) for w in _TOKEN.findall(fold(text)) if w not in stop]
    return list(stemmer().stemWords(words))


# Letters NFKD does not take apart into a base letter and an accent.
_PLAIN = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae",
                        "œ": "oe", "ı": "i", "ħ": "h"})


def fold(text: str) -> str:
    """``text`` lower-cased with accents and ligatures folded to plain letters ("Łódź" -> "lodz")."""
    import unicodedata

    lowered = text.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered.translate(_PLAIN))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# British and American spellings of one word, unified to the American (applied to whole words
# of both the briefs and the questions, so a rare collision costs nothing).
_SPELLING_RULES = [
    (re.compile(r"^(.{3,})programme(s?)$|^programme(s?)$"), lambda m: (m.group(1) or "") + "program"
     + (m.group(2) or m.group(3) or "")),
    (re.compile(r"^(def|off|pret)ence(s?)$"), lambda m: f"{m.group(1)}ense{m.group(2)}"),
    (re.compile(r"^licence(s|d)?$"), lambda m: "license" + (m.group(1) or "")),
    (re.compile(r"^(.{2,}[^aeiou])is(e|es|ed|ing|ation|ations|er|ers)$"),
     lambda m: f"{m.group(1)}iz{m.group(2)}"),
    (re.compile(r"^(.{2,})ys(e|es|ed|ing)$"), lambda m: f"{m.group(1)}yz{m.group(2)}"),
    (re.compile(r"^(.{3,})our(s|ed|ing|ite|ites|able|ful|hood)?$"),
     lambda m: f"{m.group(1)}or{m.group(2) or ''}"),
    (re.compile(r"^(.{2,})tre(s?)$"), lambda m: f"{m.group(1)}ter{m.group(2)}"),
    (re.compile(r"^(.{3,})ogue(s?)$"), lambda m: f"{m.group(1)}og{m.group(2)}"),
]
_SPELLING_WORDS = {"judgement": "judgment", "ageing": "aging", "grey": "gray",
                   "aluminium": "aluminum", "mould": "mold", "plough": "plow", "kerb": "curb"}


def unify_spelling(word: str) -> str:
    """A lower-case word's American spelling ("litres" -> "liters", "programme" -> "program")."""
    if len(word) < 5:
        return word
    if word in _SPELLING_WORDS:
        return _SPELLING_WORDS[word]
    for pattern, repl in _SPELLING_RULES:
        if pattern.match(word):
            return pattern.sub(repl, word, count=1)
    return word


# Names a question may use for a country that the briefs name otherwise: capitals and
# short forms used as metonyms ("Seoul signed up" = Korea); abbreviated titles ("CEO"). Applied only to a name the
# index does not know, so a brief that does mention Seoul keeps it as it is.
_ALIASES = {
    "seoul": "Korea",
    "south korea": "Korea",
    "washington": "United States",
    "us": "United States",
    "u.s.": "United States",
    "usa": "United States",
    "america": "United States",
    "american": "United States",
    "delhi": "India",
    "new delhi": "India",
    "bengaluru": "Bangalore",
    "bangalore": "Bengaluru",
    "mumbai": "Bombay",
    "bombay": "Mumbai",
    "chennai": "Madras",
    "madras": "Chennai",
    "kolkata": "Calcutta",
    "calcutta": "Kolkata",
    "gurugram": "Gurgaon",
    "gurgaon": "Gurugram",
    "peking": "Beijing",
    "saigon": "Ho Chi Minh City",
    "ho chi minh city": "Saigon",
    "hanoi": "Ha Noi",
    "ha noi": "Hanoi",
    "burma": "Myanmar",
    "myanmar": "Burma",
    "ceylon": "Sri Lanka",
    "kiev": "Kyiv",
    "kyiv": "Kiev",
    "beijing": "China",
    "tokyo": "Japan",
    # titles and terms briefs spell out: "Who is the CEO of X?" for "a chief executive officer"
    "ceo": "chief executive",
    "cfo": "chief financial officer",
    "coo": "chief operating officer",
    "dg": "director-general",
    "md": "managing director",
    "hq": "headquarters",
    "mou": "memorandum of understanding",
    # months as dates abbreviate them ("by 31 Aug 2024")
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "jun": "June",
    "jul": "July", "aug": "August", "sep": "September", "sept": "September", "oct": "October",
    "nov": "November", "dec": "December",
}
_ALIAS_PATTERN = re.compile(r"\b(" + "|".join(sorted((re.escape(k) for k in _ALIASES), key=len,
                                                     reverse=True)) + r")\b", re.I)


@lru_cache(maxsize=1)
def _variant_terms() -> dict[str, set[str]]:
    """Analysed terms of the names written two ways ("bengaluru" and "bangalore")."""
    variants: dict[str, set[str]] = {}
    for one, other in _ALIASES.items():
        if _ALIASES.get(other.lower(), "").lower() == one:  # both ways: one name, two spellings
            a, b = terms(one), terms(other)
            if len(a) == 1 and len(b) == 1:
                variants.setdefault(a[0], set()).add(b[0])
    return variants


def variant_terms(term: str) -> set[str]:
    """The analysed terms of the other spellings of the name ``term`` ("bangalore" ->
    {"bengaluru"}); empty for most terms."""
    return _variant_terms().get(term, set())


def resolve_aliases(question: str, known: Callable[[str], bool]) -> str:
    """``question`` with each alias the index does not know replaced by the name it stands for.

    "US" must be written in capitals to count (lower-case "us" is a pronoun).
    """
    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.lower() in {"us", "u.s."} and not word.isupper():
            return word
        if all(known(t) for t in terms(word)):
            return word
        return _ALIASES[word.lower()]

    return _ALIAS_PATTERN.sub(swap, question)
