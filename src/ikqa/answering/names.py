"""Names in a question matched to the names the briefs use: near spellings and typos.

Accents ("Quebec"/"Québec") and British/American spellings ("defence"/"defense") are unified
by ``lexical.terms`` itself, on both sides. What is left is a name the index does not know:
a one-letter typo ("Bangalre") or a near spelling. Such a name is matched to the indexed term
at the smallest edit distance (1, or 2 for long names), never to a short or common word, and
the answer says which name it matched. A name with no near match stays unknown, so a question
about something no brief mentions still abstains.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from ..indexing.lexical import fold, terms

__all__ = ["NameMatcher", "adjective_words", "asked_terms", "name_terms", "name_words", "subject_terms",
           "surface_of"]

_NAME_UNICODE = re.compile(r"\b[^\W\d_][\w&'-]*\b")
MIN_LENGTH = 5  # shorter terms have too many neighbours at distance 1
LONG = 9  # from this length, two edits are allowed


def name_words(question: str) -> list[str]:
    """The capitalised words of ``question`` after its first word ("Who heads IKCRI?" -> IKCRI)."""
    words = question.strip().split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    parts = (p for w in _NAME_UNICODE.findall(rest) for p in w.split("-"))  # "Delhi-based"
    return [p for p in parts if p[:1].isupper()]


def name_terms(question: str) -> list[str]:
    """Analysed terms of the capitalised words of ``question``, ignoring its first word."""
    return [t for w in name_words(question) for t in terms(w, drop_question_words=True)]


# Nationality adjectives and nouns ("Korean", "Japanese", "French", "Americans") qualify a subject;
# they do not name one.
# So do the combining forms of "Indo-Korean", "Sino-Tibetan", "Franco-German".
# (Not every word ending in -i: "Hanoi", "Delhi", "Nairobi" are places.)
_DEMONYM = re.compile(r"^(?!(?:Japan|Iran|Oman|Sudan|Taiwan|Bhutan|Jordan|Milan|Tehran|Wuhan|Busan|"
                      r"Yerevan|Sichuan|Michigan|Yucatan|Isfahan|Abidjan|Astan|Kazan|Multan|Lausan)$|"
                      r"[A-Z][a-z]*stan$)"  # places that end like "Korean", "Americans"
                      r"[A-Z][a-z]+(?:ans?|ese|ish)$|^(?:French|Czech|Swiss|Dutch|Greeks?|"
                      r"Thais?|Welsh|Irish|Scots?|Basques?|Slovaks?|Lao|Khmer|Indo|Sino|Franco|"
                      r"Anglo|Afro|Euro|Russo|Austro|Italo|Greco|Luso|Nippo|Hispano|Germano|"
                      r"Polono|(?:Israel|Pakistan|Iraq|Bangladesh|Nepal|Saud|Oman|Kuwait|Qatar|"
                      r"Emirat|Somal|Yemen|Bahrain|Azerbaijan|Punjab|Bengal|Gujarat|Hind)is?)$")


def asked_terms(question: str) -> set[str]:
    """What ``question`` asks besides its names, as analysed terms: "seat" in "Where is the
    seat of CPAL?", "objectives" in "What are the objectives of the São Tomé programme?"."""
    return set(terms(question, drop_question_words=True)) - set(name_terms(question)) - _AUXILIARY


_AUXILIARY = set(terms("have has had having get gets got"))  # "How many members does X have?"


def adjective_words(question: str) -> list[str]:
    """The capitalised words of ``question`` that read like a nationality ("Korean", "Caspian")."""
    return [w for w in name_words(question) if _DEMONYM.match(w)]


def subject_terms(question: str) -> list[str]:
    """The terms of the names a question asks about (its subject), without nationality
    adjectives: "Who heads the Korean office in Hanoi?" -> office's name "Hanoi"."""
    return [t for w in name_words(question) if not _DEMONYM.match(w)
            for t in terms(w, drop_question_words=True)]


class NameMatcher:
    """Matches an unknown name term to the nearest term of an index's vocabulary."""

    def __init__(self, vocabulary: Callable[[], Iterable[str]],
                 frequency: Callable[[str], float]) -> None:
        self._vocabulary = vocabulary
        self._idf = frequency  # among equally near terms, the most frequent (lowest IDF) wins
        self._by_length: dict[int, list[str]] | None = None

    def _buckets(self) -> dict[int, list[str]]:
        if self._by_length is None:
            buckets: dict[int, list[str]] = {}
            for term in self._vocabulary():
                if len(term) >= MIN_LENGTH - 1 and term.isalpha():
                    buckets.setdefault(len(term), []).append(term)
            self._by_length = buckets
        return self._by_length

    def match(self, term: str) -> str | None:
        """The indexed term nearest to ``term`` (None when nothing is near enough)."""
        from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

        if len(term) < MIN_LENGTH or not term.isalpha():
            return None
        limit = 2 if len(term) >= LONG else 1
        best: tuple[int, float, str] | None = None
        buckets = self._buckets()
        for length in range(len(term) - limit, len(term) + limit + 1):
            for candidate in buckets.get(length, ()):
                distance = min(Levenshtein.distance(term, candidate, score_cutoff=limit),
                               DamerauLevenshtein.distance(term, candidate, score_cutoff=limit))
                if distance > limit or candidate[0] != term[0] and distance > 1:
                    continue
                key = (distance, self._idf(candidate), candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best else None


def surface_of(term: str, texts: Iterable[str]) -> str:
    """A word of ``texts`` whose analysed term is ``term`` (to name the match to a reader)."""
    for text in texts:
        for word in re.findall(r"[^\W_][\w'-]*", text):
            if fold(word) and terms(word) == [term]:
                return word
    return term
