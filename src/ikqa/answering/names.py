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
from functools import lru_cache
from typing import Callable, Iterable, Sequence

from ..indexing.lexical import BODY_NOUNS, fold, terms

__all__ = ["NameMatcher", "adjective_words", "asked_terms", "in_order", "name_phrases", "name_terms",
           "name_heads", "name_words", "names_a_sibling",
           "subject_terms", "surface_of"]

_NAME_UNICODE = re.compile(r"\b[^\W\d_][\w&'-]*\b")
MIN_LENGTH = 5  # shorter terms have too many neighbours at distance 1
LONG = 9  # from this length, two edits are allowed


def name_words(question: str) -> list[str]:
    """The capitalised words of ``question`` after its first word ("Who heads IKCRI?" -> IKCRI)."""
    words = question.strip().split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    parts = (p for w in _NAME_UNICODE.findall(rest) for p in w.split("-"))  # "Delhi-based"
    return [p for p in parts if p[:1].isupper()]


_TOKENS = re.compile(r"[^\W\d_][\w&'’]*|[^\w\s]")


def name_phrases(question: str) -> list[list[str]]:
    """The names ``question`` states, each as its analysed terms in order ("Who was flown to New
    Mexico?" -> [["new", "mexico"]]): runs of capitalised words after the first word (capitalised
    anyway, unless all capitals: "IMAX"), split at any other word ("President of India" is two),
    dashes, punctuation and a possessive, without nationality words ("Korean"), a title before a
    name ("Doctor") or words of one or two letters ("TV", "UK"). Names offered as alternatives
    ("X or Y") are left out: each is asked of its own brief."""
    tokens = _TOKENS.findall(question.strip())
    if tokens and not (tokens[0].isupper() and len(tokens[0]) > 1):
        tokens = tokens[1:]
    runs: list[list[str]] = [[]]
    alternatives: set[int] = set()  # "X or Y": the runs either side ("Which is older, X or Y?")
    after_or = False
    for token in tokens:
        if _in_a_name(token, runs[-1]):
            if after_or and not runs[-1]:
                alternatives.add(len(runs) - 1)
                after_or = False
            runs[-1].append(token)
            if token.endswith(("'s", "’s")):  # "the DDWT's Letea station": two names
                runs.append([])
            continue
        if token.lower() == "or":
            alternatives.add(len(runs) - 1 if runs[-1] else len(runs) - 2)
            after_or = True
        if runs[-1]:  # "ISRO–KASA", "Indo-Korean": names side by side
            runs.append([])
    return [phrase for n, run in enumerate(runs) if n not in alternatives
            and (phrase := [t for w in run for t in terms(w, drop_question_words=True)])]


def names_a_sibling(question: str, text: str) -> bool:
    """``text`` names, by the same head word, another thing than a name of the question and not
    that one: "The Baroque Garden ... was replanted in 1994" for "When was the Rock Garden
    replanted?" (two of a garden's parts), "the Palm House" for "the Tropical House"."""
    phrases = [p for p in _name_phrases(question) if len(p) >= 2 and p[-1] in _kind_heads()]
    if not phrases:
        return False
    said = terms(text)
    runs = [[t for w in run.split() for t in terms(w)] for run in _CAPITALISED_RUN.findall(text)]
    for phrase in phrases:
        if in_order([{t} for t in phrase], said):
            continue
        # "The Baroque Garden", not "This Working Group" for the Joint Working Group
        if any(run and run[-1] == phrase[-1] and set(run) - set(phrase) for run in runs):
            return True
    return False


_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)+")
# Head words of names of things a text may name several of ("the Rock Garden", "the Baroque
# Garden"); a name ending in a proper noun ("IIT Bombay") is left alone.
_KIND_HEADS = (f"{BODY_NOUNS}|garden|gardens|house|hall|church|cathedral|chapel|abbey|bridge|"
               "river|lake|bay|street|road|avenue|park|museum|library|college|tower|building|"
               "palace|castle|gate|square|island|mountain|valley|bank|party|army|war|battle|act|"
               "festival|team|club|award|awards|prize|cup|league|championship|album|tour|line|"
               "railway|airport|port|harbour|hospital|prison|theatre|theater|stadium|temple|"
               "dynasty|empire|kingdom|province|county|district|region|city|town|village|"
               "ministry|department|court|series")


@lru_cache(maxsize=1)
def _kind_heads() -> frozenset[str]:
    return frozenset(t for w in _KIND_HEADS.split("|") for t in terms(w))


@lru_cache(maxsize=64)
def _name_phrases(question: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(p) for p in name_phrases(question))


def in_order(phrase: Sequence[set[str]], words: Sequence[str], gap: int = 0) -> bool:
    """``words`` hold a spelling of each of ``phrase``'s terms in its order, at most ``gap``
    other words between two."""
    for start, word in enumerate(words):
        if word not in phrase[0]:
            continue
        at = start
        for spellings in phrase[1:]:
            window = words[at + 1:at + 2 + gap]
            hits = [n for n, w in enumerate(window) if w in spellings]
            if not hits:
                break
            at += 1 + hits[0]
        else:
            return True
    return False


def _in_a_name(token: str, run: list[str]) -> bool:
    """``token`` is a word of a name: capitalised, not a nationality, longer than two letters,
    not a title opening the name ("Doctor")."""
    return token[:1].isupper() and token[:1].isalpha() and not _DEMONYM.match(token) and \
        len(token) > 2 and not (token in _HONORIFICS and not run)


# Titles before a name ("Doctor Adam Łyszczyński" is the brief's "physician Adam Łyszczyński")
_HONORIFICS = {"Doctor", "Dr", "Professor", "Prof", "Mr", "Mrs", "Ms", "Miss", "Sir", "Dame",
               "Lord", "Lady", "President", "Chairman", "Chairwoman", "Minister", "Director",
               "Secretary", "General", "Captain", "Colonel", "King", "Queen", "Prince",
               "Princess", "Cardinal", "Bishop", "Father", "Saint"}


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
    adjectives ("Who heads the Korean office in Hanoi?" -> office's name "Hanoi") and months or
    weekdays: "the flood of October 1953" is the subject of "As a result of the 1953 flood, ..."."""
    return [t for w in name_words(question) if not _DEMONYM.match(w) and not _CALENDAR.fullmatch(w)
            for t in terms(w, drop_question_words=True)]


@lru_cache(maxsize=256)
def name_heads(question: str) -> frozenset[str]:
    """The common nouns a question's names of two or more words open or end with, lower-cased
    ("war" of "the War of the Hallen Succession", "park" of "Millbank Park"): a brief that
    names the thing in full may go on to call it "the war", "the park"."""
    words = question.strip().split(maxsplit=1)
    heads = set()
    rest = words[1] if len(words) > 1 else ""
    for run in _NAME_RUN.finditer(rest):
        parts = [re.sub(r"['’]s?$", "", w) for w in run.group(0).split()]  # "Federation's"
        after = _NOUN_AFTER.match(rest, run.end())  # "the Blue Carbon Mapping flagship"
        if after and len(parts) > 1 and after.group(1) not in _NOT_A_HEAD \
                and not run.group(0).endswith(("'s", "’s")):  # not "peak" of "X's peak"
            heads.add(after.group(1))
        if len(parts) > 1:
            heads |= {w.lower() for w in (parts[0], parts[-1])
                      if w.isalpha() and len(w) > 2 and not _CALENDAR.fullmatch(w)}
    return frozenset(heads)


_NOUN_AFTER = re.compile(r"\s+([a-z]{3,})(?:['’]s)?\b(?!\s+(?:the|a|an|of|to|in|on|at|by|for|from)\b)")
_NOT_A_HEAD = frozenset({"and", "the", "was", "were", "has", "had", "have", "did", "does", "is",
                         "are", "been", "will", "would", "can", "could", "should", "may", "might",
                         "say", "said", "get", "got", "give", "gave", "receive", "received"})


_NAME_RUN = re.compile(r"[A-Z][\w'’–-]*(?:\s+(?:(?:of|for|and|the|de)\s+)*[A-Z][\w'’–-]*)*")
_CALENDAR = re.compile(r"January|February|March|April|May|June|July|August|September|October|"
                       r"November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")


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
        near = self._near(term)
        return min(near, key=lambda c: (near[c], self._idf(c), c)) if near else None

    def variants(self, term: str) -> list[str]:
        """The indexed terms near enough to ``term`` to be its spelling ("wodzinska" of
        "wodzinski"), ``term`` excluded."""
        return [c for c in self._near(term) if c != term]

    def _near(self, term: str) -> dict[str, int]:
        """Indexed terms within the allowed edit distance of ``term``, with their distance."""
        from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

        if len(term) < MIN_LENGTH or not term.isalpha():
            return {}
        limit = 2 if len(term) >= LONG else 1
        near = {}
        buckets = self._buckets()
        for length in range(len(term) - limit, len(term) + limit + 1):
            for candidate in buckets.get(length, ()):
                distance = min(Levenshtein.distance(term, candidate, score_cutoff=limit),
                               DamerauLevenshtein.distance(term, candidate, score_cutoff=limit))
                if distance <= limit and (candidate[0] == term[0] or distance <= 1):
                    near[candidate] = distance
        return near


def surface_of(term: str, texts: Iterable[str]) -> str:
    """A word of ``texts`` whose analysed term is ``term`` (to name the match to a reader)."""
    for text in texts:
        for word in re.findall(r"[^\W_][\w'-]*", text):
            if fold(word) and terms(word) == [term]:
                return word
    return term
