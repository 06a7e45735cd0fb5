"""What kind of fact a question asks for, and whether a sentence states one.

A question that asks *when* needs a date in its evidence, *how many* (or a population...)
needs a number, *how much* (or a budget, a cost...) an amount of money, *who wrote* needs the byline, and
"who is the director of X" needs the sentence to name that role. A sentence about
the right topic that lacks the asked-for kind of fact is not an answer: this is what
lets us abstain on questions that sound close to the brief.
"""

from __future__ import annotations

import re

__all__ = ["expected_types", "supplies"]

_DATE_Q = re.compile(r"^\s*when\b|\b(what|which|in which) (year|date|month|day)\b|\bsince when\b", re.I)
_QUANTITY_Q = re.compile(
    r"\bhow (many|long|large|big)\b|\bnumber of\b|\b(population|percentage|percent|share)\b", re.I)
_MONEY_Q = re.compile(
    r"\bhow much\b|\b(budget|budgets|cost|costs|funding|funds|fund|price|revenue|investment|"
    r"salary|worth|grant|grants)\b", re.I)
_AUTHOR_Q = re.compile(r"\b(wrote|written|author|authored|authors)\b", re.I)
_ROLE_Q = re.compile(
    r"\bwho is (?:the )?(director|head|chief|ceo|chair|chairman|chairperson|founder|secretary|"
    r"minister|ambassador|leader|president|manager|coordinator)\b", re.I)
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_DATE = re.compile(rf"\b(1[89]\d\d|20\d\d)\b|\b({_MONTHS})\b", re.I)
_MONEY = re.compile(r"[$€£₹₩¥]|\b(usd|inr|krw|eur|dollars?|rupees?|won|crores?|lakhs?|"
                    r"million|billion|trillion)\b", re.I)
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|"
                     r"million|billion|dozen)\b", re.I)


def expected_types(question: str) -> set[str]:
    """The kinds of fact ``question`` asks for: "date", "money", "quantity", "author", "role:<word>"."""
    found: set[str] = set()
    if _DATE_Q.search(question):
        found.add("date")
    if _MONEY_Q.search(question):
        found.add("money")
    elif _QUANTITY_Q.search(question):
        found.add("quantity")
    if _AUTHOR_Q.search(question):
        found.add("author")
    role = _ROLE_Q.search(question)
    if role:
        found.add(f"role:{role.group(1).lower()}")
    return found


def supplies(kind: str, sentence: str, sentence_kind: str, question: str) -> bool:
    """True when ``sentence`` states a fact of ``kind`` that the question does not already give."""
    if kind == "date":
        return _new_match(_DATE, sentence, question)
    if kind == "money":
        return _new_match(_MONEY, sentence, question) and _NUMBER.search(sentence) is not None
    if kind == "quantity":
        return _new_match(_NUMBER, sentence, question)
    if kind == "author":
        return sentence_kind == "byline"
    if kind.startswith("role:"):
        return re.search(rf"\b{re.escape(kind[5:])}", sentence, re.I) is not None
    return True


def _new_match(pattern: re.Pattern[str], sentence: str, question: str) -> bool:
    given = {m.group(0).lower() for m in pattern.finditer(question)}
    return any(m.group(0).lower() not in given for m in pattern.finditer(sentence))
