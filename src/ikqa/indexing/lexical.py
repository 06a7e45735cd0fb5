"""Word-level analysis shared by the BM25 side index and evidence scoring.

One tokeniser (bm25s's), one English Snowball stemmer and one stop-word list, so
that a term counted when indexing is the same term counted when answering.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

__all__ = ["terms", "stemmer", "resolve_aliases", "ANAPHOR", "QUESTION_WORDS"]

# Words that shape a question but say nothing about its topic.
QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how does do did is are was were "
    "can could would should will much many the a an of in on for to by with "
    "tell me about please name list give describe explain briefly according brief "
    "briefing briefings source sources mention mentioned say says said".split()
)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
# A sentence opening with one of these continues the sentence before it (but not the empty
# "It may be noted that ...").
ANAPHOR = re.compile(r"^(This|These|It|Its|They|Their|Such|The latter|The former)\b"
                     r"(?! (?:may|might|is|was|can|should|must) (?:be )?(?:noted|said|seen|clear|"
                     r"important|likely|possible|expected)\b)")


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
    """Lower-cased, stemmed content terms of ``text`` (stop words removed)."""
    stop = _stopwords() | QUESTION_WORDS if drop_question_words else _stopwords()
    words = [w for w in _TOKEN.findall(text.lower()) if w not in stop]
    return list(stemmer().stemWords(words))


# Names a question may use for a country that the briefs name otherwise: capitals and
# short forms used as metonyms ("Seoul signed up" = Korea). Applied only to a name the
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
    "beijing": "China",
    "tokyo": "Japan",
}
_ALIAS_PATTERN = re.compile(r"\b(" + "|".join(sorted((re.escape(k) for k in _ALIASES), key=len,
                                                     reverse=True)) + r")\b", re.I)


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
