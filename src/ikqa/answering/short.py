"""The shortest phrase that answers: a date, an amount, a place, an expansion.

When a question asks for a typed fact (see ``qtype``) and the answer's cited sentence states
one the question does not already give, that phrase is ``Answer.short`` ("20 April 2026",
"€12 million", "New Delhi", "Korea India Defense Accelerator"). Regular expressions only, so
it costs nothing in any answer mode.
"""

from __future__ import annotations

import re
from typing import Sequence

from .qtype import CURRENCY_CODES, FREQUENCY, SEAT_WORDS, SHARE

__all__ = ["typed_short", "cell_short", "in_full"]

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"\b{_DAY}\s+{_MONTH},?\s+\d{{3,4}}\b|\b{_MONTH}\s+{_DAY},?\s+\d{{3,4}}\b|"
    rf"\b{_MONTH}\s+\d{{3,4}}\b|\b\d{{4}}\s*[–-]\s*\d{{2,4}}\b|\b{_DAY}\s+{_MONTH}\b|"
    rf"\b(?:1\d{{3}}|20\d\d)s?\b|\b\d{{2,4}}\s+(?:AD|CE|BC|BCE)\b")
_SCALE = r"(?:\s+(?:million|billion|trillion|crores?|lakhs?|thousand)|(?:m|bn|k|mn)\b)?"
_CURRENCY = rf"(?:US\$|CA\$|A\$|HK\$|[$€£₹₩¥]|(?:{CURRENCY_CODES})\s?|Rs\.?\s?)"
_UNIT = (rf"(?:dollars|euros|rupees|won|yen|francs|pounds|crowns|kronor|kroner|kronur|złoty|zloty|"
         rf"zlotys|pesos|shillings|reais|rand|yuan|rubles|roubles|cedis|{CURRENCY_CODES})")
_MONEY = re.compile(rf"{_CURRENCY}\d[\d,.]*{_SCALE}|\b\d[\d,.]*{_SCALE}\s+{_UNIT}\b")
_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                 "fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
                 "sixty|seventy|eighty|ninety|hundred|dozen")
# a whole number word: "eighteen months", never the "eight" of it
_COUNT = re.compile(rf"\b(?:\d[\d,.]*|(?:{_NUMBER_WORDS})(?:-(?:{_NUMBER_WORDS}))?\b)"
                    rf"(?:\s+(?:per\s?cent|percent|%))?(?:\s+(?:[a-z][\w-]*)){{0,2}}", re.I)
_PLACE = re.compile(r"\b(?:in|at|out of|based in|located in|headquartered in|seat in|(?:moved|relocated|"
                    r"transferred)\s+(?:its\s+|their\s+)?(?:seat|headquarters|secretariat|office)\s+to)\s+"
                    r"((?:the\s+)?[A-Z][\w’'-]+(?:\s+(?:de|da|do|of|upon|on)?\s*[A-Z][\w’'-]+)*)")
_STOP_AFTER_COUNT = {"and", "or", "to", "in", "of", "the", "a", "for", "by", "with", "which",
                     "that", "from", "on", "at", "as", "is", "are", "was", "were"}


def typed_short(kinds: set[str], sentence: str, question: str) -> str:
    """The phrase of ``sentence`` that states the kind of fact ``kinds`` asks for, and that the
    question does not already give ("" when there is none)."""
    for kind in sorted(kinds):
        phrase = _phrase(kind, sentence, question)
        if phrase:
            return phrase
    return ""


def _phrase(kind: str, sentence: str, question: str) -> str:
    if kind == "date":
        return _first_new(_DATE, sentence, question)
    if kind == "money":
        return _first_new(_MONEY, sentence, question)
    if kind == "frequency":
        return _first_new(FREQUENCY, sentence, question)
    if kind == "share":
        return _first_new(SHARE, sentence, question)
    if kind in {"amount", "quantity", "magnitude", "duration"}:
        return _first_new(_MONEY, sentence, question) or _count(sentence, question)
    if kind == "place":
        return _first_new(_PLACE, sentence, question, group=1,
                          prefer=_seated if _ASKS_SEAT.search(question) else None)
    if kind.startswith("expansion:"):
        return _expansion(kind.split(":", 1)[1], sentence)
    return ""


# "Where is TSUN's secretariat?": "Rabat" of "founded in Fès, and its secretariat has been based
# in Rabat"; "Bergen" of "founded in Copenhagen but moved its seat to Bergen"
_ASKS_SEAT = re.compile(rf"\b(?:{SEAT_WORDS})\b", re.I)
_SEAT_BEFORE = re.compile(r"\b(?:based|headquarter\w*|seat|hosted|located|situated|secretariat|offices?)"
                          r"\b[^,.;]{0,30}$", re.I)


def _seated(sentence: str, match: re.Match) -> bool:
    """The place of ``match`` follows a word saying where something sits ("its secretariat
    has been based in", "moved its seat to")."""
    return _SEAT_BEFORE.search(sentence[max(0, match.start() - 45):match.start(1)]) is not None


def _first_new(pattern: re.Pattern[str], sentence: str, question: str, group: int = 0,
               prefer=None) -> str:
    """The phrase the question does not give, nearest to what the question asks about ("in
    Cần Thơ" beside "station" for "Where is MDRI's field station?", not "in Hanoi" beside
    "secretariat"); the first when the sentence does not word what is asked."""
    asked = question.casefold()
    found = [m for m in pattern.finditer(sentence)
             if m.group(group).strip(" ,.") and m.group(group).strip(" ,.").casefold() not in asked]
    if not found:
        return ""
    near = _asked_positions(sentence, question)
    match = min(found, key=lambda m: (prefer is not None and not prefer(sentence, m),
                                      min((abs(m.start() - p) for p in near), default=0)))
    phrase = match.group(group).strip(" ,.")
    return re.sub(r"^the\s+", "", phrase, flags=re.I) if group else phrase


def _asked_positions(sentence: str, question: str) -> list[int]:
    """Where ``sentence`` words what the question asks, its names aside ("field", "station")."""
    from ..indexing.lexical import terms
    from .names import asked_terms

    asked = asked_terms(question)
    return [m.start() for m in re.finditer(r"[^\W_][\w'’-]*", sentence)
            if set(terms(m.group(0))) & asked]


_PART_Q = re.compile(r"\bhow many of\b", re.I)
_OF_A_WHOLE = re.compile(r"\s+(?:out\s+)?of\s+(?:the|its|their|these|those|all)?\s*(?:\d|[a-z]+\s)")


def _count(sentence: str, question: str) -> str:
    """A number with the words it counts ("3,000 tonnes", "42 fellowships", "three years")."""
    from .qtype import counted_terms
    from ..indexing.lexical import terms

    without_dates = _DATE.sub(lambda m: " " * len(m.group(0)), sentence)
    asked = question.casefold()
    counted = counted_terms(question)
    matches = list(_COUNT.finditer(without_dates))
    if counted:  # "9 of the 23 monitored lakes": 23 counts the lakes asked about
        matches.sort(key=lambda m: not counted & set(terms(" ".join(
            without_dates[m.start():].split()[:4]))))
    if _PART_Q.search(question):  # "How many of the grantees were women-led?": the part,
        for match in matches:  # "3" of "only 3 of the 14 grantees"
            number = match.group(0).split()[0]
            if _OF_A_WHOLE.match(without_dates, match.start() + len(number)) and \
                    number.casefold() not in asked.split():
                return number
        # not the whole of "Of the 32 rooms, 11 are in Kumasi"
        matches.sort(key=lambda m: re.search(r"\bof\s+(?:the\s+|its\s+|their\s+)?$",
                                             without_dates[:m.start()], re.I) is not None)
    for match in matches:
        words = match.group(0).split()
        # "112 automated river gauges", not "112 automated river": on to the counted noun
        after = [] if re.search(r"[,.;:]\s*$", match.group(0)) else \
            without_dates[match.end():].split()[:2]
        reach = max((n for n, w in enumerate(after) if re.fullmatch(r"[\w'’-]+[,.;:]?", w)
                     and counted & set(terms(w))), default=None)
        if reach is not None and all(re.fullmatch(r"[\w'’-]+", w) for w in after[:reach]):
            words += [w.strip(",.;:") for w in after[:reach + 1]]
        while len(words) > 1 and words[-1].lower() in _STOP_AFTER_COUNT:
            words.pop()
        phrase = " ".join(words).strip(" ,.")
        if phrase.split()[0].casefold() not in asked.split():
            return phrase
    return ""


def _expansion(acronym: str, sentence: str) -> str:
    """The capitalised words just before "(ACRONYM)": "Korea India Defense Accelerator"."""
    match = re.search(rf"((?:[A-Z][\w’'-]*|&|and|for|of|on|the)(?:\s+(?:[A-Z][\w’'-]*|&|and|for|of|"
                      rf"on|the))*)\s*\({re.escape(acronym)}\)", sentence)
    if not match:
        return ""
    words = match.group(1).split()
    while words and not words[0][0].isupper():
        words.pop(0)
    return " ".join(words)


# "Which year ...?", "In what month ...?": a part of a date is what is asked
_PART_OF_DATE = re.compile(rf"(?:1\d{{3}}|20\d\d)|{_MONTH}|{_DAY}\s+{_MONTH}|{_MONTH}\s+{_DAY}|"
                           rf"{_MONTH}\s+\d{{4}}", re.I)
_ASKS_PART_OF_DATE = re.compile(r"\b(?:which|what)\s+(?:year|month|decade|century)\b", re.I)


def in_full(phrase: str, sentences: Sequence[str], question: str) -> str:
    """``phrase`` as the whole amount or date its sentence states it in: "9.5 million" ->
    "EUR 9.5 million", "2,500" -> "2,500 crowns", "2007" -> "26 December 2007", "21 June" ->
    "21 June 1706" (a part of a date stays a part when the question asks for a year or month).
    ``phrase`` itself when no sentence has a fuller date or amount holding it."""
    bare = phrase.strip()
    dated = _PART_OF_DATE.fullmatch(bare) and not _ASKS_PART_OF_DATE.search(question)
    patterns = [_MONEY, _DATE] if dated else [_MONEY] if re.search(r"\d", bare) else []
    within = re.compile(rf"(?<![\w.,]){re.escape(bare)}(?![\w]|[.,]\d)")
    for sentence in sentences:
        if len(within.findall(sentence)) != 1:  # "12" of "12 members ... on 12 May": which?
            continue
        for pattern in patterns:
            for match in pattern.finditer(sentence):
                whole = match.group(0).strip(" ,.")
                if len(whole) > len(bare) and within.search(whole):
                    return whole
    return phrase


def cell_short(question: str, row: list[tuple[str, str]]) -> str:
    """The cell of a table row that the question asks for, by its column's name: "19" for "How
    many projects did MDRI fund in 2022?" from (Year, 2022), (Budget (USD million), 7.8),
    (Projects funded, 19); a unit in the column's name goes with the value ("12.9 (PEN
    million)"); of a two-cell row whose first cell the question names, the second. "" when no
    column's name shares a word with the question (or two tie)."""
    from ..indexing.lexical import terms

    asked = set(terms(question))
    given = question.casefold()
    if len(row) == 2 and set(terms(row[0][1])) & asked and row[1][1].casefold() not in given:
        return row[1][1]  # "| Lead funder | Netherlands Enterprise Agency |": a key and its value
    scored = []
    for name, value in row:
        if not value or value.casefold() in given:  # "2022" is what the question gives
            continue
        plain = re.sub(r"\([^)]*\)", " ", name)
        scored.append((len(set(terms(plain)) & asked), name, value))
    scored.sort(key=lambda x: -x[0])
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return ""
    _, name, value = scored[0]
    unit = re.search(r"\(([^)]*)\)", name)
    return f"{value} ({unit.group(1)})" if unit and any(ch.isdigit() for ch in value) else value
