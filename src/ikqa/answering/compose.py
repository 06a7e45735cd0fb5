"""Turn scored evidence into a short answer with ``[n]`` markers, or abstain.

Extractive: the answer is made of the best evidence sentences (trimmed to the clauses
that carry the question's rarest terms when a sentence is long), each followed by the
marker of the exact source sentence it came from. A list question ("Which mechanisms...")
may gather several close sentences. We abstain when the best evidence is weak, does not
state the kind of fact asked for, or when the question names something the briefs never
mention.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ..config import Settings
from ..indexing.lexical import ANAPHOR, BODY_NOUNS, is_table_row, terms
from .claims import numbers
from .confidence import confidence, features
from .names import asked_terms, name_terms, subject_terms, surface_of
from .qtype import is_list_question, is_plural
from .retrieve import SEAT_TERMS, W_TYPE, Retrieval, asks_where_it_sits, is_list_item, is_role_line, \
    named_by_acronyms, same_meaning, says_where_it_sits, seat_terms
from ..types import Answer, Citation, Evidence, parse_sentence_id, sentence_id

__all__ = ["compose_answer", "row_cells", "items_after", "asked_cell", "gives_another_cell", "joined_answer", "compares", "abstention_reason", "related_evidence", "is_list_question",
           "sub_questions", "states_numbers", "stated_numbers", "asked_numbers", "matched_note",
           "ABSTAIN_TEXT"]

ABSTAIN_TEXT = "The briefings don't say. No indexed source answers this question."
# A further sentence joins the answer only if it scores this close to the best one
# (a list question gathers from further down, since its items are spread over sentences).
FOLLOW_MARGIN = 0.08
LIST_MARGIN = 0.2
TYPE_GAP = 0.20
# Kinds a sentence can state about anything (a date, a number, a place): one that states it
# may be about another subject. An expansion "(FORGE)" or the byline is bound to its subject.
_TOPICAL_KINDS = {"date", "duration", "frequency", "money", "share", "quantity", "magnitude", "place"}
# An abstention's "related" passage shares a question term, or is at least this close in
# meaning (gibberish and unrelated questions reach ~0.3 on the test brief).
RELATED_DENSE = 0.45
LIST_WORDS_FACTOR = 2.0  # a list answer may run to 120 words where a factoid gets 60
_NEAR_DUPLICATE = 0.6
# A number of two or more digits in a question (a year, a day, an amount) is part of what it
# asks about: "Which two parties settled in November 2003?" is not answered by a sentence about
# November 2013. A passage must state it (the sentence, the one it refers back to, or its
# brief's title), one of the best NUMBER_LOOKAHEAD must, or ikqa abstains.
_FACT_NUMBER = re.compile(r"(?<![\d.,])\d{2,}(?:[.,]\d+)*")
NUMBER_LOOKAHEAD = 5
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+")


_SECOND_QUESTION = re.compile(r",?\s+and\s+(?=(?:(?:on|in|at|for|by|from|since|until|to|with)\s+)?"
                              r"(?:what|which|who|whom|when|where|how)\b)", re.I)
# Two question words sharing one clause: "On what date, and in which city, was the chair
# elected?", "Where and when will the committee meet next?" -> a question of each
_ASKED_BY = (r"(?:(?:on|in|at|for|by|from|since|until|to|with)\s+)?(?:(?:what|which)(?:\s+[\w-]+){0,2}?|"
             r"how(?:\s+(?:many|much|long|often|far)(?:\s+[\w-]+)?)?|who|whom|when|where|why)")
_SHARED_CLAUSE = re.compile(
    rf"^\s*(?P<a>{_ASKED_BY})\s*,?\s+and\s+(?P<b>{_ASKED_BY})"
    r"\s*,?\s+(?P<rest>(?:is|are|was|were|will|would|did|does|do|has|have|had|can|could|should)\s.+?)"
    r"\s*\?*\s*$", re.I)


# Comparisons of two named things, asked as the same question about each:
# "Compare the budgets of Tidewater and Harbourline" / "How do X and Y differ in budget?"
_NAME_A = r"(?:the\s+)?(?P<a>[A-Z][^,?]*?)"
_NAME_B = r"(?:the\s+)?(?P<b>[A-Z][^,?]*?)"
_COMPARE_OF = re.compile(r"^\s*(?i:compare)\s+(?:the\s+)?(?P<what>[\w\s-]+?)\s+of\s+"
                         rf"{_NAME_A}\s+(?:and|with|to)\s+{_NAME_B}\s*[?.]?\s*$")
_DIFFER_IN = re.compile(rf"^\s*how\s+do\s+{_NAME_A}\s+and\s+{_NAME_B}\s+(?:differ|compare)\s+"
                        r"(?:in|on)\s+(?:their\s+)?(?P<what>[\w\s-]+?)\s*\?\s*$", re.I)
# "Which was founded first, Tidewater or Harbourline?" / "Which has the larger budget, X or Y?"
_X_OR_Y = rf"\s*,?\s*{_NAME_A}\s+or\s+{_NAME_B}\s*\?\s*$"
_WHICH_FIRST = re.compile(r"^\s*(?:which|who)\s+(?:one\s+)?(?P<aux>was|were|is)\s+(?P<verb>\w+ed)\s+"
                          r"(?:first|earlier|later|last|most recently|sooner)" + _X_OR_Y, re.I)
_WHICH_MORE = re.compile(r"^\s*(?:which|who)\s+(?:one\s+)?(?:has|had|gets|got|receives)\s+(?:the\s+|a\s+)?"
                         r"(?:larger|largest|bigger|biggest|higher|highest|smaller|smallest|lower|"
                         r"lowest|more|most|less|fewer)\s+(?P<what>[\w\s-]+?)" + _X_OR_Y, re.I)


def _comparison_parts(question: str) -> list[str]:
    """A comparison of two named things as the same question about each ("Which was founded
    first, X or Y?" -> "When was X founded?", "When was Y founded?"); none otherwise."""
    first = _WHICH_FIRST.match(question)
    if first:
        return [f"When {first['aux'].lower()} {first[x]} {first['verb']}?" for x in ("a", "b")]
    found = _COMPARE_OF.match(question) or _DIFFER_IN.match(question) or _WHICH_MORE.match(question)
    if found:
        words = found["what"].split()
        if is_plural(words[-1]):  # "the budgets of X and Y": the budget of each
            words[-1] = words[-1][:-1]
        return [f"What is the {' '.join(words)} of {found[x]}?" for x in ("a", "b")]
    return []


def compares(question: str) -> bool:
    """Whether ``question`` compares two named things ("Which was founded first, X or Y?")."""
    return bool(_comparison_parts(question))


def sub_questions(question: str) -> list[str]:
    """The parts of a question that asks two things ("Which agency partners with ISRO, and on
    what date did that group begin?" -> its two questions; "Where and when will it meet?" ->
    where it will meet, when it will; "Which was founded first, X or Y?" -> when each was
    founded); one part otherwise."""
    compared = _comparison_parts(question)
    if compared:
        return compared
    shared = _SHARED_CLAUSE.match(question)
    if shared:
        return [f"{shared.group(x)[0].upper()}{shared.group(x)[1:]} {shared.group('rest')}?"
                for x in ("a", "b")]
    parts = [p.strip(" ,?") for p in _SECOND_QUESTION.split(question, maxsplit=1)]
    if len(parts) < 2 or min(len(p.split()) for p in parts) < 3:
        return [question]
    return [f"{p[0].upper()}{p[1:]}?" for p in parts]


def joined_answer(question: str, answers: Sequence[Answer]) -> Answer:
    """One answer to a question that asks two things, from the answers to its parts (each
    answered on its own): their texts in order, markers renumbered; a part the briefings do not
    answer is named in the note. All parts unanswered: the first part's abstention."""
    given = [a for a in answers if not a.abstained]
    if not given:
        return replace(answers[0], question=question)
    texts: list[str] = []
    citations: list[Citation] = []
    for a in given:
        number = {c.marker: _marker_of(c, citations) for c in a.citations}
        text = _MARKER.sub(lambda m: f"[{number.get(int(m.group(1)), m.group(1))}]", a.text)
        # both parts answered by one sentence: it is given once
        texts += [piece for piece in _CITED_PIECE.findall(text) if piece not in texts]
    unanswered = [a.question.rstrip("?") for a in answers if a.abstained]
    notes = [a.note for a in given if a.note]
    if unanswered:
        notes.append("The briefings don't say: " + "; ".join(f"“{q}?”" for q in unanswered) + ".")
    return Answer(question=question, text=" ".join(texts), citations=citations,
                  confidence=min(a.confidence for a in given), short="; ".join(
                      a.short for a in given if a.short) if all(a.short for a in given) else "",
                  mode=given[0].mode, note=" ".join(notes),
                  struck=[x for a in given for x in a.struck])


_MARKER = re.compile(r"\[(\d+)\]")
_CITED_PIECE = re.compile(r"\S.*?(?:\[\d+\](?:\s*\[\d+\])*[.;]?(?=\s|$)|$)", re.S)


def _marker_of(citation: Citation, citations: list[Citation]) -> int:
    """The marker of the sentence ``citation`` cites among ``citations`` (added when new)."""
    for c in citations:
        if (c.source, c.start, c.end) == (citation.source, citation.start, citation.end):
            return c.marker
    citations.append(replace(citation, marker=len(citations) + 1))
    return len(citations)




# "Which programme was launched in Gdańsk?", "What institute does Dr. Rao direct?",
# "Semiconductors were on the agenda; which initiative sets up ...?": the answer names a body or a
# programme.
_NAMES_A_BODY = re.compile(rf"(?:^|[;:,])\s*(?:which|what)\s+(?:[\w-]+\s+){{0,2}}?(?:{BODY_NOUNS})s?\b", re.I)


def _with_referent(chosen: list[Evidence], retrieval: Retrieval, question: str) -> list[Evidence]:
    """For a question asking which body or programme did something, an answer sentence that
    says "It was launched in 2021 in Gdańsk." names none: the sentence it refers back to,
    which names it, is given (and cited) before it; so for one asking who did something,
    answered by "She later served as Minister of Labour."."""
    best = chosen[0]
    referent = retrieval.referents.get(best.sentence_id)
    asks_a_name = _NAMES_A_BODY.search(question) or \
        _ASKS_WHO.match(question) and (_A_PERSON_BEFORE.match(best.text) or is_role_line(best.text))
    if referent is None or not asks_a_name or \
            any(c.sentence_id == referent.sentence_id for c in chosen):
        return chosen
    return [referent, *chosen]


# "Which coach stayed for 22 years?" - "He remained in charge for 22 years ...": the sentence
# before names him
_ASKS_WHO = re.compile(r"^\s*(?:who|whom|whose|which)\b", re.I)
_A_PERSON_BEFORE = re.compile(r"^(?:He|She|His|Her|They|Their)\b")


def compose_answer(question: str, retrieval: Retrieval, settings: Settings,
                   parts: Sequence[Retrieval] = (), *, force: bool = False) -> Answer:
    """The answer to ``question`` from ``retrieval``'s evidence (or a plain abstention).

    ``parts`` are the retrievals of a two-part question's first part: its best sentence
    joins the answer when the whole question's evidence missed it. ``force`` answers from the
    best evidence even where ikqa would abstain (for calibration and for a model to judge).
    ``Answer.confidence`` is the calibrated chance the answer is right (for an abstention:
    that abstaining is).
    """
    evidence = retrieval.evidence
    unknown = _unknown_names(retrieval)
    p = confidence(features(retrieval, len(unknown)))
    reason = "" if force and evidence else abstention_reason(question, retrieval, settings, p)
    if reason:
        related = [_citation(n, e) for n, e in enumerate(related_evidence(evidence), start=1)]
        return Answer(question=question, text=ABSTAIN_TEXT, abstained=True, related=related,
                      confidence=1.0 - p, note=f"Not answered: {reason}.")
    evidence = _asked_first(_stating_the_numbers_first(question, retrieval), retrieval)
    is_list = is_list_question(question)
    lead = _lead_of_best(evidence, retrieval) if is_list else evidence[0]
    items = items_after(lead, evidence)
    if evidence[0].sentence_id in retrieval.asked_items:  # "objective 3 of X": that item alone
        chosen = [evidence[0]]
    elif items:  # "AGON's partners are:" states none of them: the items it leads into do
        chosen = [lead, *items]
    else:
        chosen = _with_referent(_select(evidence, retrieval, is_list, settings), retrieval,
                                question)[:max(2, settings.max_answer_sentences)]
    for part in parts:
        if part.evidence and not abstention_reason(part.question, part, settings):
            best = part.evidence[0]
            if all(c.sentence_id != best.sentence_id for c in chosen):
                chosen.append(best)
    parts, citations = [], []
    budget = int(settings.max_answer_words * (LIST_WORDS_FACTOR if is_list else 1))
    for n, e in enumerate(chosen, start=1):
        excerpt = _row_reading(e.text, retrieval.previous.get(e.sentence_id, "")) \
            if is_table_row(e.text) else _excerpt(e.text, retrieval.term_weights, max(budget, 12))
        budget -= len(excerpt.split())
        parts.append(f"{excerpt} [{n}]")
        citations.append(_citation(n, e))
    return Answer(question=question, text=" ".join(parts), citations=citations,
                  confidence=p, note=matched_note(retrieval, citations))


def matched_note(retrieval: Retrieval, citations: list[Citation]) -> str:
    """"Read 'Bangalre' as 'Bangalore'." for each near name the question was matched by (as the
    cited sentences spell it, else the passages retrieved)."""
    texts = [c.text for c in citations] + [f"{e.title} {e.text}" for e in retrieval.evidence]
    return " ".join(f"Read {word!r} as {surface_of(term, texts)!r}."
                    for word, term in retrieval.matched.items())


def related_evidence(evidence: Sequence[Evidence], limit: int = 3) -> list[Evidence]:
    """The passages an abstention may offer as "related": only those that share a content term
    with the question or are close in meaning (dense >= RELATED_DENSE), so gibberish gets none."""
    return [e for e in evidence if e.coverage > 0 or e.dense >= RELATED_DENSE][:limit]


def abstention_reason(question: str, retrieval: Retrieval, settings: Settings,
                      p: float | None = None) -> str:
    """Why we should not answer (empty string: answer).

    The best sentence does not state the kind of fact asked for (a date for "when", a number
    for "how many") about the question's subject, the question names something no brief
    mentions, or the calibrated confidence ``p`` is under ``settings.abstain_threshold``.
    """
    if not retrieval.evidence:
        return "nothing was found"
    unknown_names = _unknown_names(retrieval)
    if unknown_names:  # said first: it is the plainest reason; as the question spells them
        said = [_in_its_name(surface_of(t, [retrieval.question]), retrieval.question)
                for t in unknown_names]
        return f"the briefs never mention {', '.join(said)}"
    best = retrieval.evidence[0]
    if not best.typed:
        return "no passage states the kind of fact asked for about its subject"
    if retrieval.kinds & _TOPICAL_KINDS and _off_topic(best, retrieval):
        return "the passages about the subject do not state the kind of fact asked for"
    asked = asked_numbers(question)
    if asked and _stating(retrieval, asked) is None:
        return f"no passage about it states {', '.join(sorted(asked))} as the question does"
    if not retrieval.query_terms:
        return "the question has no word to look for"
    if best.score < settings.abstain_threshold:
        return f"the best passage scores {best.score:.2f}, under {settings.abstain_threshold:.2f}"
    if p is None:
        p = confidence(features(retrieval, 0))
    if p < settings.min_confidence:
        return f"confidence {p:.2f} is under the {settings.min_confidence:.2f} cut-off"
    return ""


def states_numbers(e: Evidence, previous: dict[str, str], asked: set[str]) -> bool:
    """True when passage ``e`` (read with the sentence it refers back to and its title) states
    every number of ``asked``, in digits or spelled out ("from age 13": "from the age of
    thirteen")."""
    text = f"{e.title} {previous.get(e.sentence_id, '')} {e.text}"
    return asked <= stated_numbers(text) | numbers(text)


def asked_numbers(question: str) -> set[str]:
    """The numbers of two or more digits ``question`` states, in digits or spelled out ("in
    under fifteen minutes" states 15; "one" or "two" is too common to require). A century
    ("the 19th-century station") is no number a sentence states: it gives the year, "1896"."""
    question = _CENTURY.sub(" ", question)
    return stated_numbers(question) | {n for n in numbers(question) if len(n) >= 2}


_CENTURY = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)[\s-]+centur(?:y|ies)\b", re.I)


def stated_numbers(text: str) -> set[str]:
    """The numbers of two or more digits ``text`` states ("3,000" as "3000")."""
    return {n.replace(",", "") for n in _FACT_NUMBER.findall(text)}


_NAME_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:(?:of|for|and|the|de|du|des|di|da|&)\s+)?"
                       r"[A-Z][\w'’.-]*)*")


def _in_its_name(word: str, question: str) -> str:
    """``word`` with the longer name it is part of: "Blue (in “Baltic Blue Carbon
    Programme”)"; the word alone when it is the whole name."""
    for match in _NAME_RUN.finditer(question):
        name = match.group(0).rstrip(".")
        if re.search(rf"\b{re.escape(word)}\b", name) and name != word:
            return f"{word} (in “{name}”)"
    return word


def _unknown_names(retrieval: Retrieval) -> list[str]:
    """The question's names (as analysed terms) that occur nowhere in the indexed briefs (a
    nationality qualifies a name and is not one: "European" when the briefs say "Europe"; but
    "Caspian", of which no brief says anything, is unknown)."""
    return sorted(set(subject_terms(retrieval.question)) & set(retrieval.unknown_terms)
                  | set(retrieval.unknown_adjectives))


def _off_topic(best: Evidence, retrieval: Retrieval) -> bool:
    """True when the best sentence stating the asked-for kind of fact ranks there only by that
    kind: without its type bonus it trails the best sentence lacking it by more than TYPE_GAP
    ("When did India join Pax Silica?" answered by the date of another initiative) and it does
    not hold every word the question asks with besides its names ("Its budget is CHF 7.2
    million" does answer "What is the budget of the São Paulo–Zürich Water Exchange?", trailing
    a sentence that only repeats the long name)."""
    untyped = next((e for e in retrieval.evidence if not e.typed), None)
    if untyped is None or (best.score - W_TYPE) >= untyped.score - TYPE_GAP:
        return False
    asked = asked_terms(retrieval.question) - _kind_words(retrieval.question) - _QUALIFIERS
    # the brief's title names its subject's words too ("the Pacific tuna commission" of "The PTSC
    # has 26 members" under "The Pacific Tuna Stewardship Commission ...")
    said = set(terms(f"{best.title} {best.text} {retrieval.previous.get(best.sentence_id, '')}"))
    said |= named_by_acronyms(best.text, retrieval.acronyms)  # "the TSC": the steering committee
    if "place" in retrieval.kinds and asks_where_it_sits(retrieval.question) and \
            says_where_it_sits(best.text):
        said |= SEAT_TERMS | seat_terms(retrieval.question)  # "- Seat: Gaborone" says where X
        # is headquartered; "It will be hosted in Tromsø" where it will be housed
    return not asked or not asked <= said


# "In which city ...?", "What year ...?": the noun naming the kind of fact asked for, which the
# sentence stating it need not repeat ("It will be hosted in Tromsø")
_KIND_NOUN = re.compile(r"^\s*(?:(?:in|on|at|by|from|to|during|for)\s+)?(?:which|what)\s+(city|town|"
                        r"country|region|province|state|place|year|month|date|day|decade|century)\b",
                        re.I)


# "the new PCRE Data Facility": a sentence about it need not say "new" ("It will be hosted ...")
_QUALIFIERS = set(terms("new current"))


def _kind_words(question: str) -> set[str]:
    kind = _KIND_NOUN.match(question)
    return set(terms(kind.group(1))) if kind else set()


def _select(evidence: list[Evidence], retrieval: Retrieval, is_list: bool,
            settings: Settings) -> list[Evidence]:
    """The best sentence, plus close runners-up that add question terms it lacks (for a
    list question: any close runner-up of the same kind that is not a near-duplicate)."""
    best = evidence[0]
    chosen = [best]
    wanted = set(retrieval.query_terms)
    covered = set(terms(best.text)) & wanted
    words = len(best.text.split())
    margin = LIST_MARGIN if is_list else FOLLOW_MARGIN
    for e in evidence[1:]:
        if len(chosen) >= settings.max_answer_sentences:
            break
        if e.score < best.score - margin and not _continues(e, chosen, covered, wanted):
            continue
        # an item of a list adds the terms of the line that leads into it ("Partners:")
        lead = retrieval.previous.get(e.sentence_id, "") if is_list_item(e.text) else ""
        new_terms = (set(terms(f"{lead} {e.text}")) & wanted) - covered
        if not e.typed or not (new_terms or (is_list and _near(e, chosen))):
            continue
        if any(_overlap(e.text, c.text) > _NEAR_DUPLICATE for c in chosen):
            continue
        if words + len(e.text.split()) > settings.max_answer_words * LIST_WORDS_FACTOR:
            continue
        chosen.append(e)
        covered |= new_terms
        words += len(e.text.split())
    return chosen


MAX_LIST_ITEMS = 12


def _stating_the_numbers_first(question: str, retrieval: Retrieval) -> list[Evidence]:
    """The evidence, with the best of the first ``NUMBER_LOOKAHEAD`` that states the numbers
    the question states ("… in 2022") and the kind of fact asked about its subject moved first
    when the best does not ("NOK 18.4 million in 2024" is no budget for 2022)."""
    evidence = retrieval.evidence
    asked = asked_numbers(question)
    if not asked or states_numbers(evidence[0], retrieval.previous, asked):
        return evidence
    stating = _stating(retrieval, asked)
    if stating is None:
        return evidence
    return [stating, *(e for e in evidence if e is not stating)]


def _stating(retrieval: Retrieval, asked: set[str]) -> Evidence | None:
    """The best of the first ``NUMBER_LOOKAHEAD`` sentences about the subject, stating the kind
    of fact asked, that states the numbers ``asked`` (None when none does)."""
    return next((e for e in retrieval.evidence[:NUMBER_LOOKAHEAD] if e.typed and e.anchored
                 and states_numbers(e, retrieval.previous, asked)), None)


ASKED_MARGIN = 0.2  # how far behind the best a sentence holding every asked word may be


def _asked_first(evidence: list[Evidence], retrieval: Retrieval) -> list[Evidence]:
    """For a question asking a kind of fact of something named ("Where is the seat of CPAL?"):
    when the best sentence states that kind of fact but not the words asked besides the names
    ("seat"), a close one about the subject that holds them all comes first ("The Commission's
    seat has been in Lausanne since 1919", not "CPAL, known in French as …")."""
    if not retrieval.kinds or not evidence:
        return evidence
    names = set(name_terms(retrieval.question))
    asked = asked_terms(retrieval.question)
    best = evidence[0]

    def holds(e: Evidence, words: set[str], title: str = "") -> bool:
        text = f"{title} {e.text} {retrieval.previous.get(e.sentence_id, '')}"
        said = set(terms(text))  # "BIBP" names the Baltic Institute ...; "relocates", "move"
        return words <= said | same_meaning(said) | named_by_acronyms(text, retrieval.acronyms)
    if not asked or holds(best, asked):
        return evidence
    better = next((e for e in evidence[1:] if e.score >= best.score - ASKED_MARGIN and e.typed
                   and holds(e, asked)
                   and (holds(e, names, e.title) or _spelled_out(e, names, retrieval))),
                  None)  # its names too ("OZRBC" where the brief spells it out)
    return evidence if better is None else [better, *(e for e in evidence if e is not better)]


def _spelled_out(e: Evidence, names: set[str], retrieval: Retrieval) -> bool:
    """``e`` is about the question's subject by its acronym's expansion (the question's
    "OZRBC" is the brief's "Okavango–Zambezi River Basin Commission", which its title holds):
    read so by retrieval (``Evidence.anchored``) and every name the brief does not spell as
    in the question is an acronym."""
    return e.anchored and all(re.fullmatch(r"[A-Z]{2,6}", surface_of(t, [retrieval.question]))
                              for t in names - set(terms(f"{e.title} {e.text}")))


def _lead_of_best(evidence: list[Evidence], retrieval: Retrieval) -> Evidence:
    """For a question asking for several things whose best sentence is one item of a list
    ("- University of Zurich"), the retrieved line leading into that list ("AGON's partners
    are:"), so the whole list is given; a line leading into a list of what is asked
    ("objectives") that scores close to a best sentence not naming it; else the best."""
    best = evidence[0]
    lead = retrieval.previous.get(best.sentence_id, "")
    if is_list_item(best.text) and lead.endswith(":"):
        return next((e for e in evidence if e.source == best.source and lead.endswith(e.text)
                     and e.text.endswith(":")), best)
    # "The SMP is delivered with the following partner organisations:" close behind a sentence
    # that names the programme but lists nothing
    asked = asked_terms(retrieval.question)  # "objectives" of "the São Tomé programme"
    if not asked or asked <= set(terms(best.text)):
        return best
    return next((e for e in evidence[1:] if e.score >= best.score - LIST_MARGIN and e.typed
                 and asked <= set(terms(e.text)) and len(items_after(e, evidence)) > 1), best)


def items_after(lead: Evidence, evidence: list[Evidence]) -> list[Evidence]:
    """The items of the list ``lead`` leads into ("AGON's partners are:" then "- University of
    Zurich", ...): the run of list items right after it, as retrieved; none when ``lead`` does
    not end with a colon."""
    if lead.kind != "body" or not lead.text.rstrip().endswith(":"):
        return []
    parsed = parse_sentence_id(lead.sentence_id)
    if parsed is None:
        return []
    by_id = {e.sentence_id: e for e in evidence}
    items = []
    for n in range(parsed[1] + 1, parsed[1] + 1 + MAX_LIST_ITEMS):
        item = by_id.get(sentence_id(parsed[0], n))
        if item is None or not is_list_item(item.text):
            break
        items.append(item)
    return items


def _continues(e: Evidence, chosen: list[Evidence], covered: set[str], wanted: set[str]) -> bool:
    """``e`` opens with "This"/"It"... right after a chosen sentence and adds question terms:
    it finishes that sentence's thought ("... a Joint Working Group ... This Working Group
    will promote ..."), whatever its own score."""
    position = _position(e.sentence_id)
    follows = position is not None and any(
        c.source == e.source and _position(c.sentence_id) == position - 1 for c in chosen)
    return follows and ANAPHOR.match(e.text) is not None and bool((set(terms(e.text)) & wanted) - covered)


def _near(e: Evidence, chosen: list[Evidence], distance: int = 2) -> bool:
    """Within ``distance`` sentences of a chosen one in the same brief (items of one list)."""
    position = _position(e.sentence_id)
    return position is not None and any(
        c.source == e.source and (p := _position(c.sentence_id)) is not None
        and abs(p - position) <= distance for c in chosen)


def _position(sid: str) -> int | None:
    parsed = parse_sentence_id(sid)
    return parsed[1] if parsed else None


def _overlap(a: str, b: str) -> float:
    """Jaccard overlap of two sentences' terms (near-duplicates score high)."""
    ta, tb = set(terms(a)), set(terms(b))
    return len(ta & tb) / max(1, len(ta | tb))


def _excerpt(sentence: str, weights: dict[str, float], max_words: int) -> str:
    """The sentence itself, or, when longer than ``max_words``, its window of clauses that
    holds the most question-term weight (rare terms count more), marked "…" where cut."""
    if len(sentence.split()) <= max_words:
        return " ".join(sentence.split())  # a hard-wrapped sentence's line breaks as spaces
    clauses = _CLAUSE_BREAK.split(sentence)
    best: tuple[float, int, int, int] | None = None  # (-weight, -words, i, j)
    for i in range(len(clauses)):
        words = 0
        for j in range(i, len(clauses)):
            words += len(clauses[j].split())
            if words > max_words:
                break
            found = set(terms(" ".join(clauses[i:j + 1]))) & set(weights)
            key = (-sum(weights[t] for t in found), -words, i, j)
            if best is None or key < best:
                best = key
    if best is None:
        return " ".join(sentence.split()[:max_words]) + " …"
    _, _, i, j = best
    text = " ".join(clauses[i:j + 1]).rstrip(",;:")
    return ("… " if i > 0 else "") + text + (" …" if j < len(clauses) - 1 else "")


def _cells(row: str) -> list[str]:
    return [" ".join(c.split()) for c in row.strip().strip("|").split("|")]


def row_cells(row: str, header: str) -> list[tuple[str, str]]:
    """A table row's cells, each with its column's name from ``header`` (its table's first row)
    when the table has one ("" names otherwise). A first row holding a figure is a row of
    facts, not a header."""
    cells = _cells(row)
    names = _cells(header) if header and is_table_row(header) else []
    if len(names) != len(cells) or any(ch.isdigit() for ch in header):
        names = [""] * len(cells)
    return list(zip(names, cells))


def _row_reading(row: str, header: str) -> str:
    """A table row as a reader can take it in: each cell named by its header when the table
    has one ("Year: 2023; Budget (USD million): 9.1; Projects funded: 23"), a two-cell row as
    the key and its value ("Secretariat: Hanoi"). A first row holding a figure is a row of
    facts, not a header. The citation keeps the row as written."""
    named = row_cells(row, header)
    cells = [cell for _, cell in named]
    if len(cells) >= 3 and any(name for name, _ in named):
        return "; ".join(f"{name}: {cell}" if name else cell for name, cell in named)
    if len(cells) == 2 and all(cells):
        return f"{cells[0]}: {cells[1]}"
    return " | ".join(cells)


def asked_cell(question: str, cited: Citation, retrieval: Retrieval) -> str:
    """When an answer cites a table row: the cell the question asks for, by its column's name
    ("" otherwise). It wins over a phrase a model picked from the row."""
    from .short import cell_short

    if not is_table_row(cited.text):
        return ""
    header = next((retrieval.previous.get(e.sentence_id, "") for e in retrieval.evidence
                   if e.source == cited.source and e.start == cited.start), "")
    return cell_short(question, row_cells(cited.text, header))


def gives_another_cell(answer: Answer, cell: str) -> bool:
    """The answer is one cell of its only cited table row ("36 [1].", or "3.0 [1]." without
    its column's unit) but not ``cell``, the one whose column the question names, as given."""
    said = _MARKER.sub("", answer.text).strip(" .;")
    row = answer.citations[0].text
    return len(answer.citations) == 1 and is_table_row(row) and said in _cells(row) \
        and said != cell


def _citation(marker: int, e: Evidence) -> Citation:
    return Citation(marker=marker, source=e.source, title=e.title, text=e.text,
                    start=e.start, end=e.end, score=round(e.score, 4), page=e.page)
