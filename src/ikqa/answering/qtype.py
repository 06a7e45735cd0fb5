"""What kind of fact a question asks for, and whether a sentence states one.

A question that asks *when* needs a date in its evidence, *how many* a count, *how much*
(or a budget, a cost...) an amount of money, *where* a place ("in New Delhi"), *who wrote*
the byline, *what does X stand for* the expansion "... (X)", and "who is the director of
X" a sentence naming that role. A sentence about the right topic that lacks the asked-for
kind of fact is not an answer: this is what lets us abstain on questions that sound close
to the brief, and rank the sentence that does state the fact first.
"""

from __future__ import annotations

import re

__all__ = ["expected_types", "supplies", "asks_enumeration"]

_DATE_Q = re.compile(r"^\s*when\b|\b(what|which|in which|on which|on what) (year|date|month|day)\b|"
                     r"\bsince when\b", re.I)
_QUANTITY_Q = re.compile(r"\bhow many\b|\bnumber of\b", re.I)
# "How many X does the brief list?" is answered by the list itself, not by a stated count.
_ENUMERATION_Q = re.compile(r"\bhow many\b.*\b(are|were|does|do)\b.*\b(list|lists|listed|name|names|"
                            r"named|mention|mentions|mentioned|cite|cites|cited)\b", re.I)
_DURATION_Q = re.compile(r"\bhow long\b|\bhow much time\b|\bhow many (years|months|weeks|days)\b", re.I)
_MAGNITUDE_Q = re.compile(r"\bhow (large|big)\b|\b(population|percentage|percent|share|limit|"
                          r"limits|capacity|volume|size)\b", re.I)
_MONEY_Q = re.compile(
    r"\bhow much\b(?! time\b)|\b(budget|budgets|cost|costs|funding|price|revenue|investment|"
    r"salary|worth|grant|grants)\b", re.I)
_AUTHOR_Q = re.compile(r"^\s*who\b.*\b(wrote|written|authored)\b|\b(the|its|brief's) author\b|"
                       r"\bauthor of\b|\bwho is the author\b", re.I)
_TITLE_Q = re.compile(r"\btitle of\b|\b(its|brief's|the brief's) title\b|\btitled\b", re.I)
_PLACE_Q = re.compile(r"^\s*where\b|\b(which|what) (city|country|place|location|town|state)\b|"
                      r"\b(headquartered|located|based)\b", re.I)
# "Which centre is based in New Delhi?" gives the place and asks for something else.
_PLACE_GIVEN = re.compile(r"\b(based|located|headquartered|held|situated) (in|at) [A-Z]")
_EXPANSION_Q = re.compile(r"\b(?i:what|which) (?i:does|do) ([A-Z][\w&-]*[A-Z][\w&-]*) (?i:stand for)\b|"
                          r"\b(?i:full form|expansion|full name)\b[^?]*?\b(?i:of|for) "
                          r"([A-Z][\w&-]*[A-Z][\w&-]*)\b")
_ROLE_Q = re.compile(
    r"\bwho is (?:the )?(director|head|chief|ceo|chair|chairman|chairperson|founder|secretary|"
    r"minister|ambassador|leader|president|manager|coordinator)\b", re.I)
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_DATE = re.compile(rf"\b(1[89]\d\d|20\d\d)\b|\b({_MONTHS})\b|\b\d{{1,2}}(st|nd|rd|th)\b", re.I)
_MONEY = re.compile(r"[$€£₹₩¥]|\b(usd|inr|krw|eur|dollars?|rupees?|won|crores?|lakhs?|"
                    r"million|billion|trillion)\b", re.I)
_DIGITS = re.compile(r"\b\d[\d,.]*\b(?!\s*(st|nd|rd|th)\b)")  # a number, not an ordinal ("20th")
_COUNT = re.compile(_DIGITS.pattern + r"|\b(one|two|three|four|five|six|seven|eight|nine|ten|"
                    r"eleven|twelve|twenty|hundred|hundreds|thousand|thousands|million|billion|"
                    r"dozen|dozens|several|many)\b", re.I)
_PLACE = re.compile(r"\b(?:in|at|from)\s+(?:the\s+)?[A-Z][\w-]+")


def expected_types(question: str) -> set[str]:
    """The kinds of fact ``question`` asks for ("date", "duration", "money", "quantity", "magnitude", "place",
    "author", "title", "expansion:<ACRONYM>", "role:<word>")."""
    found: set[str] = set()
    if _DATE_Q.search(question):
        found.add("date")
    if _DURATION_Q.search(question):
        found.add("duration")
    elif _MONEY_Q.search(question):
        found.add("money")
    elif _MAGNITUDE_Q.search(question):
        found.add("magnitude")
    elif _QUANTITY_Q.search(question) and not _ENUMERATION_Q.search(question):
        found.add("quantity")
    if _AUTHOR_Q.search(question):
        found.add("author")
    elif _TITLE_Q.search(question):
        found.add("title")
    elif _PLACE_Q.search(question) and "date" not in found and not _PLACE_GIVEN.search(question):
        found.add("place")
    expansion = _EXPANSION_Q.search(question)
    if expansion:
        found.add(f"expansion:{expansion.group(1) or expansion.group(2)}")
    role = _ROLE_Q.search(question)
    if role:
        found.add(f"role:{role.group(1).lower()}")
    return found


def asks_enumeration(question: str) -> bool:
    """"How many X does the brief list/name?": answered by listing them."""
    return _ENUMERATION_Q.search(question) is not None


def supplies(kind: str, sentence: str, sentence_kind: str, question: str) -> bool:
    """True when ``sentence`` states a fact of ``kind`` that the question does not already give."""
    if kind == "date":
        return _new_match(_DATE, sentence, question)
    if kind == "money":
        return _new_match(_MONEY, sentence, question) and _COUNT.search(sentence) is not None
    if kind == "quantity":
        return _new_match(_COUNT, _without_dates(sentence), question)
    if kind == "duration":  # stated as a span ("for three years") or by dates to subtract
        return _new_match(_DATE, sentence, question) or _new_match(_COUNT, _without_dates(sentence),
                                                                   question)
    if kind == "magnitude":
        return _new_match(_DIGITS, _without_dates(sentence), question)
    if kind == "place":
        return _new_match(_PLACE, sentence, question)
    if kind == "author":
        return sentence_kind == "byline"
    if kind == "title":
        return sentence_kind == "title"
    if kind.startswith("expansion:"):
        acronym = re.escape(kind.split(":", 1)[1])
        before = rf"(?:\S+\s+){{1,12}}\({acronym}\)"  # "... emerging technologies (CET)"
        after = rf"\b{acronym}\s*\([^)]{{4,}}\)"  # "KFTC (Korea Financial ...)"
        return re.search(f"{before}|{after}", sentence) is not None
    if kind.startswith("role:"):
        return re.search(rf"\b{re.escape(kind[5:])}", sentence, re.I) is not None
    return True


def _without_dates(sentence: str) -> str:
    return _DATE.sub(" ", sentence)


def _new_match(pattern: re.Pattern[str], sentence: str, question: str) -> bool:
    given = {m.group(0).lower() for m in pattern.finditer(question)}
    return any(m.group(0).lower() not in given for m in pattern.finditer(sentence))
