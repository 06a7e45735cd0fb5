"""A model's draft answer cut into claims, and the checks that need no model.

The model is asked for the fewest words that answer (or a list), with ``[n]`` after each
claim. ``parse_draft`` reads what it wrote whatever the layout it chose: a first line without
a marker before longer lines (the short answer, then sentences), a marker
before a sentence ("[2] IKCRI is based ...") or after it, "[1, 3]" or "[1][3]", bullets or
numbered items. ``grounded`` is the cheap half of checking a claim: every name, number and
date it states must occur in the sentences it cites (or in the question), and most of its
content words too, so a claim the model made up or carried over from elsewhere fails
before the model is asked to judge it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from ..indexing.lexical import terms, unify_spelling
from .qtype import SPELLED_NUMBERS

__all__ = ["respelled", "Claim", "Draft", "parse_draft", "grounded", "numbers", "quoted", "restates", "with_asked_noun",
           "with_unit", "describes_subject",
           "SUPPORT_SHARE"]

# Share of a claim's content terms (those not in the question) its cited sentences must hold.
SUPPORT_SHARE = 0.6
SHORT_WORDS = 12  # a first line longer than this is a claim, not the short answer
_MARKERS = re.compile(r"\[(\d+(?:\s*[,;–-]\s*\d+)*)\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*[,;–-]\s*\d+)*\])+\s*")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")
_LABEL = re.compile(r"^\s*(?:short answer|short|answer)\s*[:：-]\s*", re.I)
# A sentence ends at ". " before a capital (not after an initial: "Sanjeev K. Varshney"), or
# after a marker before a capital ("... New Delhi [1] It also ...").
_SENTENCE_END = re.compile(r"(?<!\b[A-Z]\.)(?<=[.!?])\s+(?=[\[\"“(]?[A-Z0-9])|(?<=\])\s+(?=[A-Z])")
_DECLINED = re.compile(r"^\W*(?:not stated|not answered|the (?:numbered )?sentences do not|"
                       r"i (?:do not|don't|cannot|can't) )", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*")
_CURRENCY = re.compile(r"[$€£₹₩¥]")
_ABBREVIATION = re.compile(r"\b(?:Mr|Ms|Mrs|Dr|Prof|St|Jr|Sr|Gen|Col|Lt|Capt|Cdr|Adm|Rev|Hon|Mt|"
                           r"Fr|Sen|Rep|Gov|No|Nos|Vol|vs|etc|approx|retd|Inc|Ltd|Co|Corp)\.\)?\s")
_JOIN = "\ue000"  # holds an abbreviation's space while a line is cut into sentences
# A quote may add this many words to the claim it replaces ("flute, violin" -> "flute and violin").
QUOTE_SLACK = 3
_WORD = re.compile(r"\w+(?:[.,'’]\w+)*")
# What is kept before a quote: an article, and before a number the source's own qualification of
# it ("over 150", "at least 12").
_ARTICLE_BEFORE = re.compile(r"\b(?:the|an?)\s+$", re.I)
_QUALIFIER_BEFORE = re.compile(r"\b(?:up to|at least|at most|more than|less than|fewer than|"
                               r"as (?:many|much|few) as|over|about|around|nearly|almost|"
                               r"approximately|roughly|some|only|under|just|exactly|circa)\s+$",
                               re.I)
_CURRENCY_BEFORE = re.compile(r"(?:\b[A-Z]{1,3})?[$€£₹₩¥]\s?$")
_UNIT_AFTER = re.compile(r"^\s?(?:%|per ?cent\b)")
# After a whole noun phrase: punctuation, the end, a lower-case function word or preposition, or a
# verb of the sentence ("The Solzinc process under development ...", "The Chicago Sunday Tribune
# noted ...": the name keeps its article).
_PHRASE_ENDS = re.compile(r"^\s*(?:$|[^\w\s]|(?:which|who|that|and|or|but|in|on|at|of|for|to|"
                          r"by|with|from|under|over|during|after|before|into|through|between|"
                          r"against|near|across|within|without|about|was|were|is|are|has|had|have|"
                          r"as|since|until|when|where|said|says|wrote|writes|[a-z]+ed)\b)")


@dataclass(frozen=True)
class Claim:
    """One sentence or list item of a draft: its text without markers, and the markers."""

    text: str
    markers: tuple[int, ...]
    item: bool = False  # a list item (often a fragment: "semiconductors")


@dataclass(frozen=True)
class Draft:
    """What the model wrote: the short answer line, the claims, or a refusal."""

    short: str
    claims: tuple[Claim, ...]
    declined: bool = False


def parse_draft(text: str) -> Draft:
    """The short answer and the claims of a model's reply (``declined`` when it says the
    sentences do not answer)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines or _DECLINED.match(lines[0]):
        return Draft("", (), declined=True)
    short = ""
    first = _LABEL.sub("", lines[0])
    if len(lines) > 1 and len(first.split()) <= SHORT_WORDS and not _MARKERS.search(first) \
            and not _BULLET.match(lines[0]):
        short = _clean(first).rstrip(".")
        lines = lines[1:]
    claims: list[Claim] = []
    for line in lines:
        item = _BULLET.match(line) is not None
        line = _LABEL.sub("", _BULLET.sub("", line))
        opening = _LEADING_MARKERS.match(line) is not None  # "[2] The centre is ... [1] It ..."
        pending: tuple[int, ...] = ()
        for piece in _sentences(line):
            markers, text = _marker_numbers(piece), _clean(piece)
            if text.strip(" .;:,"):
                claims.append(Claim(text, tuple(dict.fromkeys(pending + markers)), item))
                pending = ()
            elif opening:
                pending += markers
            elif claims:  # "... New Delhi. [1]": the marker closes the sentence before it
                last = claims.pop()
                claims.append(Claim(last.text, tuple(dict.fromkeys(last.markers + markers)),
                                    last.item))
    return Draft(short, tuple(claims), declined=not claims and not short)


def _sentences(line: str) -> list[str]:
    """The sentences of one line; "Dr. Agnieszka Wójcik", "Ms. Trần" stay whole."""
    kept = _ABBREVIATION.sub(lambda m: m.group(0).replace(" ", _JOIN), line)
    return [piece.replace(_JOIN, " ") for piece in _SENTENCE_END.split(kept)]


def _marker_numbers(text: str) -> tuple[int, ...]:
    found: list[int] = []
    for group in _MARKERS.findall(text):
        bounds = [int(n) for n in re.findall(r"\d+", group)]
        if re.search(r"[–-]", group) and len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= 5:
            bounds = list(range(bounds[0], bounds[1] + 1))  # "[1-3]"
        found.extend(bounds)
    return tuple(dict.fromkeys(found))


def _clean(text: str) -> str:
    """``text`` without markers, with tidy spaces before punctuation."""
    text = _MARKERS.sub("", _LEADING_MARKERS.sub("", text))
    text = re.sub(r"\s+([.,;:!?)])", r"\1", " ".join(text.split()))
    return re.sub(r"([.,;:])\1+", r"\1", text).strip()


_SPELLED = SPELLED_NUMBERS
_SPELLED_NUMBER = re.compile(rf"\b(?:{'|'.join(_SPELLED)})\b", re.I)


def numbers(text: str, spelled: bool = True) -> set[str]:
    """The numbers ``text`` states, without thousands separators ("3,000" -> "3000"), and with
    ``spelled`` a number spelled out as its digits ("eight meters" states 8, as the model may
    write it)."""
    return {n.replace(",", "") for n in _NUMBER.findall(text)} | \
        ({_SPELLED[w.lower()] for w in _SPELLED_NUMBER.findall(text)} if spelled else set())


def respelled(claim: str, support: str) -> str:
    """``claim`` with each number it writes in digits that ``support`` spells out written as
    ``support`` writes it ("7" -> "Seven" from "Seven of the world's top eight ...")."""
    digits = numbers(support, spelled=False)
    spelled = {_SPELLED[w.lower()]: w for w in _SPELLED_NUMBER.findall(support)}

    def word(m: re.Match[str]) -> str:
        n = m.group(0)
        return spelled[n] if n not in digits and n in spelled else n
    return _as_spelled(re.sub(r"(?<![\d.,])\d+(?![\d.,]\d)", word, claim), support)


def _as_spelled(claim: str, support: str) -> str:
    """``claim`` with each word ``support`` spells the other way (British or American) written
    as ``support`` writes it ("liters" -> "litres")."""
    written = {unify_spelling(w.lower()): w for w in re.findall(r"[A-Za-z]{5,}", support)}

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        theirs = written.get(unify_spelling(w.lower()))
        if theirs is None or theirs.lower() == w.lower():
            return w
        return theirs[:1].upper() + theirs[1:] if w[:1].isupper() else theirs
    return re.sub(r"[A-Za-z]{5,}", word, claim)


# A range whose two ends are one number: a slip of the model's, unless its sentence says so
_SAME_ENDS = re.compile(r"(?<![\d.,])(\d[\d,.]*)\s*(?:to|–|-|and)\s*\1(?![\d.,]\d)")


def grounded(claim: str, support: str, question: str, spelled: bool = True) -> bool:
    """True when every number, currency sign and name of ``claim`` occurs in ``support`` (the
    cited sentences, and the sentences they refer back to) or the question, and at least
    ``SUPPORT_SHARE`` of its other content terms occur in ``support``. Without ``spelled`` a
    number must be written alike ("5" is not "five")."""
    if not numbers(claim, spelled) <= numbers(support, spelled) | numbers(question, spelled):
        return False
    for same in _SAME_ENDS.finditer(claim):  # "2,900 to 2,900 metres" of "between 1,800 and 2,900"
        if same.group(0) not in support:
            return False
    if not set(_CURRENCY.findall(claim)) <= set(_CURRENCY.findall(support + question)):
        return False  # "$41.7 million" where the sentence says "£41.7 million"
    known = set(terms(support)) | set(terms(question))
    for word in _CAPITALISED.findall(claim):
        if not set(terms(word)) <= known:
            return False
    new = set(terms(claim)) - set(terms(question)) - set(_SPELLED)  # "eight" is its number
    return not new or len(new & set(terms(support))) / len(new) >= SUPPORT_SHARE


def restates(claim: str, question: str) -> bool:
    """True when ``claim`` states nothing its question does not already give ("Beyoncé" for
    "Who did Beyoncé marry?"): no term or number of its own. An answer to a choice question
    ("Skyfall or Spectre?") or a yes/no answer may repeat the question's words."""
    if re.search(r"\bor\b", question, re.I) or re.match(r"\W*(?:yes|no)\b", claim, re.I):
        return False
    return not set(terms(claim)) - set(terms(question)) and numbers(claim) <= numbers(question)


def describes_subject(phrase: str, question: str) -> bool:
    """A short phrase, as its sentence words it (``quoted``), whose only names are the
    question's own plus at most one other word ("the merchant Inácio Ferreira" for "What did
    Inácio Ferreira chair?"): it describes the subject, it does not answer. Capitals are read
    as the sentence has them, so "Wall Street" names Wall."""
    words = [w for w in _WORD.findall(phrase) if w.lower() not in {"the", "a", "an"}]
    if not 0 < len(words) <= 6 or numbers(phrase) - numbers(question) or \
            re.search(r"\bor\b", question, re.I):  # "Skyfall or Spectre?" names its answers
        return False
    names = [w for w in words if w[:1].isupper() and terms(w)]
    asked = set(terms(question))
    return bool(names) and all(set(terms(n)) <= asked for n in names) and \
        len(set(terms(phrase)) - asked) <= 1


def quoted(claim: str, sentences: Sequence[str]) -> str:
    """``claim`` in the words of the first of ``sentences`` that states all its content words:
    the shortest stretch of that sentence holding them, with the article or qualifier before it
    ("Flute, violin" -> "flute and violin", "150" -> "over 150", "Solzinc process" -> "the
    Solzinc process"). The claim itself when no sentence holds it within ``QUOTE_SLACK`` more
    words: an answer is then shown in the source's exact words whenever it can be."""
    wanted = Counter(key for key in map(_key, _WORD.findall(claim)) if key)
    if not wanted:
        return claim
    for sentence in sentences:
        span = _shortest_span(wanted, sentence, len(_WORD.findall(claim)) + QUOTE_SLACK)
        if span:
            return span
    return claim


# "Which sector ...?", "How many lakes ...?": the words a question names as the kind of thing it
# asks for (after "which"/"what" only when a verb or preposition follows: "What shows ...?").
_ASKED_NOUN = re.compile(r"\b(?:(?:which|what)\s+([a-z][a-z-]+)\s+(?:is|are|was|were|did|does|do|"
                         r"has|have|had|will|would|can|of|in|on|at|for|to|by)\b|how many\s+("
                         r"[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}))", re.I)
# Words that follow "which"/"what" without naming a thing (function words are cut first).
_NOT_A_NOUN = {"should", "kind", "type", "sort", "other", "else", "two", "three", "new", "main",
               "year", "date", "day", "month"}
_FUNCTION_WORDS = {"after", "before", "of", "in", "on", "at", "for", "to", "by", "from", "with",
                   "does", "did", "do", "is", "are", "was", "were", "has", "have", "had", "will",
                   "would", "can", "could", "the", "a", "an", "and", "or"}


def with_asked_noun(phrase: str, sentences: Sequence[str], question: str) -> str:
    """``phrase`` with the noun the question asks for when its sentence has that noun right
    after it ("Which sector ...?": "Space" -> "Space sector", where the sentence says "In the
    Space sector"; "How many lakes ...?": "14" -> "14 lakes"; "How many music certifications
    ...?": "64" -> "64 certifications", the head noun alone), so the answer names the thing asked
    for as the brief names it."""
    asked = _ASKED_NOUN.search(question)
    words = (asked.group(1) or asked.group(2)).split() if asked else []
    cut = next((i for i, w in enumerate(words) if w.lower() in _FUNCTION_WORDS), len(words))
    words = words[:cut]  # "How many years after X ...?" asks for years
    if not words or words[0].lower() in _NOT_A_NOUN or not phrase:
        return phrase
    for sentence in sentences:
        at = sentence.casefold().find(phrase.casefold())
        if at < 0:
            continue
        rest = sentence[at + len(phrase):]
        runs = [words[:n] for n in range(len(words), 0, -1)] + [words[k:] for k in
                                                                 range(1, len(words))]
        for run in runs:  # the longest run of the asked words that follows, then its head noun
            named = r"\s+".join(re.escape(w) for w in run)
            if re.search(rf"\b{named}s?$", phrase, re.I):
                return phrase  # the phrase already names it
            after = re.match(rf"\s+{named}s?\b", rest, re.I)
            if after:
                return phrase + after.group(0)
        return phrase
    return phrase


_BARE_NUMBER = re.compile(r"^(?:about |around |some |nearly |over )?\d[\d,.]*"
                          r"(?:\s?[–-]\s?\d[\d,.]*)?$")  # "10–13" too
_UNIT = re.compile(r"\s*(?:%|per ?cent\b|°\s?[CF]\b|(?:mm|cm|m|km|kg|g|t|ha|mph|km/h|kW|MW|GW|kWh|"
                   r"MWh|GWh|ft|in|lb|oz|metres?|meters?|kilometres?|kilometers?|centimetres?|"
                   r"centimeters?|millimetres?|millimeters?|miles?|feet|foot|inches|yards?|"
                   r"tonnes?|tons?|grams?|kilograms?|hectares?|acres?|knots?|litres?|liters?|"
                   r"gallons?|nautical miles|square (?:kilometres|kilometers|miles|metres|meters))\b)")


def with_unit(phrase: str, sentences: Sequence[str]) -> str:
    """A bare number with the unit its sentence writes after it ("597" -> "597 mm" where the
    sentence says "a gauge of 1 ft 11½ in (597 mm)"): a number alone is no size."""
    if not _BARE_NUMBER.match(phrase.strip()):
        return phrase
    for sentence in sentences:
        for at in re.finditer(rf"(?<![\d.,]){re.escape(phrase.strip())}(?![\d])", sentence):
            unit = _UNIT.match(sentence, at.end())
            if unit:
                return phrase.strip() + unit.group(0)
    return phrase


def _key(word: str) -> str:
    """A word as compared when quoting: its stemmed content term, a number without separators,
    a capital letter standing alone ("Wii U"), "" for a stop word."""
    if any(ch.isdigit() for ch in word):
        return word.replace(",", "")
    if len(word) == 1 and word.isupper() and word != "A":
        return word
    found = terms(word)
    return found[0] if found else ""


def _shortest_span(wanted: Counter[str], sentence: str, limit: int) -> str:
    """The shortest stretch of ``sentence`` (at most ``limit`` words) holding every word of
    ``wanted`` as often as the claim does, with its article, qualifier, currency and unit."""
    words = list(_WORD.finditer(sentence))
    keys = [_key(w.group(0)) for w in words]
    best: tuple[int, int] | None = None
    for i, key in enumerate(keys):
        if key not in wanted:
            continue
        seen: Counter[str] = Counter()
        for j in range(i, min(len(keys), i + limit)):
            if keys[j] in wanted:
                seen[keys[j]] += 1
            if seen >= wanted:
                if best is None or j - i < best[1] - best[0]:
                    best = (i, j)
                break
    if best is None:
        return ""
    start, end = words[best[0]].start(), words[best[1]].end()
    end += _match_len(_UNIT_AFTER, sentence[end:])
    start -= _match_len(_CURRENCY_BEFORE, sentence[:start])
    if sentence[start].isdigit():
        start -= _match_len(_QUALIFIER_BEFORE, sentence[:start])
    if _PHRASE_ENDS.match(sentence[end:]):  # "the Solzinc process," but not "the Space sector"
        start -= _match_len(_ARTICLE_BEFORE, sentence[:start])
    return _balanced(sentence[start:end], sentence[end:])


def _match_len(pattern: re.Pattern[str], before: str) -> int:
    found = pattern.search(before)
    return len(found.group(0)) if found else 0


def _balanced(span: str, rest: str) -> str:
    """``span`` with the closing quote or bracket it opens (from ``rest``, the text after it),
    or "" when its brackets or quotes cannot be balanced ("ISRO) and Korea Aerospace
    Administration (KASA")."""
    for opening, closing in (("(", ")"), ("[", "]"), ("“", "”")):
        depth = 0
        for ch in span:
            depth += (ch == opening) - (ch == closing)
            if depth < 0:
                return ""
        if depth > 1:
            return ""
        if depth == 1:
            span = _closed(span, rest, closing)
            if not span:
                return ""
    if span.count('"') % 2:
        return _closed(span, rest, '"')
    return span


def _closed(span: str, rest: str, closing: str) -> str:
    end = rest.find(closing)
    return span + rest[:end + 1] if 0 <= end <= 40 else ""
