"""Conversation state and the rewriting of a follow-up into a standalone question.

Rule-based, in this order:

* "And KASA?" / "What about IKSTC?" — the previous question, its subject swapped;
  "And the institute in Belém, when did it open?" — its own question, "it" being that thing;
* "Which of them ...?" after "Which <things> ...?" — "of the <things>";
* a pronoun ("Where is it based?", "What is his position?") — replaced by the subject of
  the previous turn: the person its answer named after a "who" question, else the named
  thing its question asked about, else that question's topic phrase;
* a fragment ("On what date?", "Through what mechanism?") — completed with the topic of
  the previous question.

With ``Settings.condense = "model"`` (the default) and a mode that uses a language model, a
follow-up that leans on the conversation (a pronoun, a fragment, a question naming nothing) is
rewritten by the model instead (a condense step: three worked examples, then the previous
question, its short answer and the follow-up); a rewrite that is empty, runs on, holds two
questions, gives the follow-up back unchanged, drops most of the follow-up's own words or names
something the conversation never named is not used, and neither is a failing model: the rules
above answer then.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from .errors import IkqaError
from .indexing.lexical import BODY_NOUNS
from .types import Answer, Citation, Turn

if TYPE_CHECKING:
    from .assistant import Assistant
    from .llm import LanguageModel

__all__ = ["Conversation", "rewrite_follow_up", "subject_of", "condense_prompt", "model_rewrite",
           "needs_context", "CONDENSE_SYSTEM", "CONDENSE_EXAMPLES"]

CONDENSE_SYSTEM = ("Rewrite the last question so it can be understood alone: replace words such "
                   "as it, they, its, this or that with what they refer to in the earlier question "
                   "or answer. Change nothing else. Reply with the rewritten question only.")
# Worked examples shown to the model before the conversation's own turns: a pronoun after a
# "which"/"who" question names the thing answered; after another question, the thing asked about.
# Chosen on the dev conversations: the same pass rate as without them (seed +1 turn, confusion
# -1), with fewer pronouns left unresolved ("Which principles guide them?" -> "... guide
# India-Korea Digital Bridge?"). Their made-up names are never in a brief, so a rewrite copied
# from them fails the grounding check and the rules answer.
CONDENSE_EXAMPLES = (
    ("Which company makes the Zephyr bicycle?", "Nordvik Cycles", "Where is it based?",
     "Where is Nordvik Cycles based?"),
    ("Where is Nordvik Cycles based?", "Tromsø", "Who founded it?", "Who founded Nordvik Cycles?"),
    ("Who leads the Arctic Soil Survey?", "Dr. Ines Halvorsen", "What is her position?",
     "What is Dr. Ines Halvorsen's position?"),
)
_CONDENSE_ANSWER_WORDS = 25
KEEP_SHARE = 0.8  # of the follow-up's own content words a rewrite must keep
_MARKERS = re.compile(r"\s*\[\d+\]")

# "there" as a place, not "Are there ...?" / "there were"
_THERE = re.compile(r"(?<!\bis\s)(?<!\bare\s)(?<!\bwas\s)(?<!\bwere\s)\bthere\b(?!\s+(?:is|are|was|"
                    r"were|will|would|have|has|had|be|been)\b)", re.I)
_PRONOUN = re.compile(rf"\b(it|they|them|this|that|these|those|he|she|him|her)\b|{_THERE.pattern}",
                      re.I)
_PERSONAL = re.compile(r"\b(he|she|him|her|his|hers)\b", re.I)
_IMPERSONAL = re.compile(r"\b(it|its)\b", re.I)
# "Who leads the Blue Corridor Programme?": what the person answered did something to.
# ("Who is the director of X?" names a role: "it" is still X.)
_WHO_DID_WHAT = re.compile(r"^\s*(?i:who)\s+(?!(?:is|was|are|were)\b)(?:has\s+|had\s+|will\s+)?"
                           r"[a-z]+s?\s+((?:the\s+)?[A-Z]"
                           r"[^?]*?|the\s+[^?]+?)\s*\?*\s*$")
# A short answer naming a body or a place, not a person ("United States", "Ministry of ...").
_NOT_A_PERSON = re.compile(
    r"\d|\b(?:States|Kingdom|Republic|Union|Nations|Ministry|Department|Government|Institute|"
    r"University|College|Council|Agency|Administration|Organi[sz]ation|Corporation|Company|Ltd|Inc|"
    r"Foundation|Bank|Committee|Commission|Office|Cent(?:re|er)|Program(?:me)?|Initiative|Forum|"
    r"Alliance|Association|Society|Group|Authority|Board|Network|Laboratory|Lab|Observatory|"
    r"Academy|School|Hospital|Museum|Party|City|Province|County|District|Island)s?\b")
# "its own" refers inside its own clause ("Which topic has its own accelerator?"): not a follow-up.
# "her position", not the object of "Which foreign leader met her?" or "gave her the award"
_POSSESSIVE = re.compile(r"\b(its|their|his|her(?=\s+(?!(?:to|in|on|at|for|from|with|by|about|"
                         r"and|or|as|the|a|an|that|this|when|after|before|during|if|again|now|"
                         r"then)\b)[^\W\d_]))\b(?!\s+own\b)", re.I)
_WHAT_ABOUT = re.compile(r"^\s*(?:and what about|and how about|what about|how about|and)\s+(.+?)\s*\??\s*$",
                         re.I)
_WH = re.compile(r"^\s*(?:(?:in|on|at|for|by|to|from|with|since|until|during)\s+)?"
                 r"(?:what|which|who|whom|whose|when|where|why|how)\b", re.I)
# Capitalised phrases and acronyms: "India Korea Centre for Research & Innovation", "KIND-X".
# Capitals of Latin scripts, accented ones included ("Ångström", "Łódź", "Đặng")
_UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())
# "Sanjeev", "K.", "Dr.", "KIND-X", "Norway–Chile", "Ångström"
_NAME_WORD = (rf"(?:(?:Dr|Mr|Mrs|Ms|Prof|St)\.(?=\s+[{_UPPER}])|[{_UPPER}]\.(?=\s+[{_UPPER}])|"
              rf"[{_UPPER}][\w&’'–-]*)")
# the lower-case words inside a name: "Centre for Research", "Centro de Investigación en
# Macroalgas Australes", "Instituto Milenio de Algas", "Universidad de Los Lagos"
_NAME_LINK = r"for|of|and|&|the|on|de|del|della|di|da|do|dos|das|du|des|la|le|el|en|y|e|van|von|der"
_ENTITY = re.compile(
    rf"(?<![\w.]){_NAME_WORD}(?:\s+(?:{_NAME_LINK})?\s*{_NAME_WORD})*(?:\s*\([A-Z][\w-]+\))?"
)
_LEADING = {"what", "who", "where", "when", "which", "how", "why", "is", "are", "does", "do",
            "did", "was", "were", "can", "tell", "and", "list", "name", "on", "at", "in", "to",
            "under", "through", "using", "for", "with", "by", "from", "during", "into",
            "since", "until", "after", "before", "so", "then", "but", "or"}  # "Since when?"
_TOPIC_START = re.compile(
    r"^\s*(?:(?:what|which|who|whom|when|where|why|how)(?:\s+(?:kind|sort|type)\s+of)?"
    r"(?:\s+\w+)??\s+(?:is|are|was|were|does|do|did|has|have|had|will|would|can|could)\s+)", re.I)
_CONNECTORS = {"of", "for", "and", "&", "the"}  # "Which of Korea" names "Korea"
_FRAGMENT_WORDS = 6
# "Which of them ...?" after "Which institutional mechanisms ...?": them = those mechanisms.
_PARTITIVE = re.compile(r"\b(?:of|among)\s+(them|(?:these|those)(?=\s+(?:is|are|was|were|has|have|"
                        r"had|does|do|did|will|would|can|could)\b))\b", re.I)
_PLURAL_ASKED = re.compile(r"^\s*(?:which|what|how many)\s+((?:[\w-]+\s+){0,2}[\w-]+s)\s+"
                           r"(?:are|were|has|have|had|did|do|does|will|would)\b", re.I)
# "How many went to Vietnamese researchers?": a count of the things the last question counted
_COUNT_OF_WHAT = re.compile(r"^\s*how many\s+(?=(?:are|were|was|is|went|came|got|have|had|did|do|"
                            r"does|will|would|can|could|remain|remained|[a-z]+ed)\b)", re.I)


def subject_of(question: str, answer_text: str = "") -> str:
    """The named thing a turn was about: from its question, else from its answer."""
    for text in (question, answer_text):
        entities = [e for e in _entities(text) if e.lower() not in _LEADING]
        if entities:
            return max(entities, key=_entity_weight)
    return ""


def _subject_phrase(question: str) -> str:
    """``subject_of(question)``, with the body noun a nationality-like name describes: "the
    Chilean agency", not "Chilean", of "What share of the total is the Chilean agency?"."""
    named = subject_of(question)
    described = re.search(rf"\bthe\s+{re.escape(named)}\s+(?i:{BODY_NOUNS})\b", question) \
        if named and len(named.split()) == 1 else None
    return described.group(0) if described else named


# "the Kenyan one": the kind of thing the conversation last described ("the Chilean agency")
_THE_ONE = re.compile(r"^(the\s+\S+\s+)one\b", re.I)


def _one_as(other: str, previous: str) -> str:
    """``other`` with its "one" made the noun of ``previous`` ("the Kenyan one" after "the
    Chilean agency" -> "the Kenyan agency")."""
    one = _THE_ONE.match(other)
    noun = re.search(rf"\b(?i:{BODY_NOUNS})$", previous)
    return f"{one.group(1)}{noun.group(0)}{other[one.end():]}" if one and noun else other


def _entities(text: str) -> list[str]:
    found = []
    for match in _ENTITY.finditer(text):
        words = match.group(0).split()
        while words and (re.sub(r"['’]s$", "", words[0].lower()) in _LEADING  # "What's"
                         or words[0].lower() in _CONNECTORS):
            words = words[1:]
        if words:
            found.append(re.sub(r"['’]s?$", "", " ".join(words)))  # "LVBFC's budget": LVBFC
    return found


def _entity_weight(entity: str) -> tuple[int, int]:
    """Prefer acronyms and longer names."""
    has_acronym = any(w.isupper() and len(w) > 1 for w in re.split(r"[\s()]+", entity))
    return (int(has_acronym), len(entity.split()))


def _topic(question: str) -> str:
    """The topic phrase of a question: "What are the focus areas of X?" -> "the focus areas of X";
    "Who runs the lab today?" -> "the lab", without the time it is asked at."""
    topic = _TOPIC_START.sub("", question.strip(), count=1).rstrip(" ?")
    topic = topic if topic != question.strip().rstrip(" ?") else re.sub(_WH, "", topic).strip()
    return _ASKED_AT.sub("", topic)


# "today", "now", "at present": when a question asks, not what it asks about
_ASKED_AT = re.compile(r"\s+(?:today|now|currently|at\s+present|nowadays|these\s+days|still|"
                       r"at\s+the\s+moment|so\s+far)$", re.I)


def _referent(turn: Turn, personal: bool, impersonal: bool = False,
              earlier: tuple[Turn, ...] = ()) -> str:
    """What a pronoun in the next question points at: after "Who leads X?", "he"/"her" is the
    person answered, "it"/"its" is X; after a question about "the task force", that task force,
    by the name an ``earlier`` turn gave it. "It"/"its" is never a person ("Where is its field
    station?" after "Since when has Dr. X been director?"): then it is what the turn before
    was about."""
    found = _referent_in(turn, personal, impersonal, earlier)
    if impersonal and not personal and earlier and _A_PERSON.fullmatch(found):
        return _referent(earlier[-1], personal, impersonal, earlier[:-1])
    return found


def _referent_in(turn: Turn, personal: bool, impersonal: bool,
                 earlier: tuple[Turn, ...]) -> str:
    """``_referent`` read in ``turn`` alone (a person may be what "it" stands for here)."""
    asked_who = re.match(r"^\s*who\b", turn.standalone_question, re.I) is not None
    said = "" if turn.answer.abstained else turn.answer.text  # "No indexed source ..." names no one
    asked_of = _A_PERSON.search(turn.standalone_question) or _A_ROLE.search(turn.standalone_question)
    if personal and asked_of and not asked_who:  # "Whom did Dr. X replace?" - "Where did he
        return asked_of.group(0)  # study?": he is still Dr. X, not the one answered
    # (so below, after a question that is no "Who ...?", it names or describes no person)
    if personal or (asked_who and not impersonal):
        person = _person_in(said, turn.standalone_question) if personal else \
            _new_name(said, turn.standalone_question) or subject_of("", said)  # "them"
        if person:
            return person
        if personal:  # never a body or an amount
            return _role_answered(turn.standalone_question) if asked_who else ""
    done_to = _WHO_DID_WHAT.match(turn.standalone_question) if asked_who else None
    if done_to and not _PRONOUN.fullmatch(done_to.group(1)):
        # "Who wrote the mid-term evaluation of X?": it is that evaluation; "Who runs the lab
        # today?": the lab
        return _ASKED_AT.sub("", done_to.group(1))
    answered = _body_answered(turn)
    if answered:  # "Which fund is hosted in Ebène?" - "How much was it established with?"
        return answered
    named = _subject_phrase(turn.standalone_question)
    if named:
        return named
    described = _A_DESCRIPTION.search(turn.standalone_question)
    named = _named_earlier(described.group(0), (*earlier, turn)) if described else ""
    if named or described and len(described.group(0).split()) > 2:  # "the drills working group"
        return named or described.group(0)  # "How many hectares does the task force restore?"
    topic = _topic(turn.standalone_question)
    if re.match(r"^(the|a|an|its|their|this|these)\b", topic, re.I):
        return topic  # "What are the focus areas of X?" -> "the focus areas of X"
    return subject_of("", said) or topic  # "What was launched ...?" -> its answer


# "Dr. Joaquín Peñalver", "Prof. Lars Øvergaard": a person a question names
_A_PERSON = re.compile(rf"\b(?:Dr|Prof|Mr|Ms|Mrs)\.?\s+[{_UPPER}][\w'’-]+(?:\s+[{_UPPER}][\w'’-]+)*")


# "the French minister", "the institute's director": a person a question describes by role
_A_ROLE = re.compile(r"\bthe\s+(?:[\w'’-]+\s+){0,3}?(?:minister|director|president|chair|chairman|"
                     r"chairwoman|chairperson|secretary|ambassador|coordinator|head|leader|"
                     r"founder|governor|mayor|premier|commissioner|rapporteur|spokesperson|"
                     r"spokesman|spokeswoman)\b", re.I)


def _role_answered(question: str) -> str:
    """The person "he"/"she" is when the answer to the "Who ...?" ``question`` named no one: the
    role asked about in "Who is the Spanish minister ...?"; no one after another "Who ...?"
    question (not X of "Who replaced X?")."""
    role = _A_ROLE.search(question)
    return role.group(0) if role and re.match(r"^\s*who\s+(?:is|was)\b", question, re.I) else ""


def _person_in(answer_text: str, question: str) -> str:
    """The first person the answer names that its question did not: a titled name ("Dr. Aylin
    Demirtaş"), else a name of two to six words that is no body, amount or acronym."""
    text = _MARKERS.sub("", answer_text)
    titled = [m.group(0) for m in _A_PERSON.finditer(text) if m.group(0) not in question]
    if titled:
        return titled[0]
    # "The Governing Board extended the mandate of the Executive Secretary, Lucía Ferrándiz":
    # the first name that is no body, amount, acronym, role or place ("in Buenos Aires")
    return next((name for name in _new_names(answer_text, question)
                 if 2 <= len(name.split()) <= 6 and not re.search(r"\d|\b[A-Z]{2,}\b", name)
                 and not re.search(rf"\b(?i:{BODY_NOUNS})\b", name)
                 and not _A_ROLE.fullmatch(f"the {name}")
                 and not re.search(rf"\b(?:in|at|to|from|near)\s+{re.escape(name)}", text)), "")


# "the task force", "the coastal fund": a body the conversation named before
_A_DESCRIPTION = re.compile(r"\b(?:the|that|this)\s+(?:[a-z][\w-]*\s+){0,2}?(?:" + BODY_NOUNS + r")\b")


# "Which fund is hosted in Ebène?", "Which body carries out research from Aqaba?": the answer
# names a body, and "it" in the next question is that body
_ASKS_A_BODY = re.compile(r"^\s*(?:which|what)\s+(?:of\s+the\s+)?(?:[\w-]+\s+){0,2}?(" + BODY_NOUNS +
                          r")s?\b", re.I)  # "Which of the founding institutes ...?" too
_A_BODY_NAME = re.compile(r"\([A-Z][\w-]+\)|\b(?i:" + BODY_NOUNS + r")$")
_AN_ACRONYM = re.compile(r"[A-Z][A-Z&-]{1,7}")


def _body_answered(turn: Turn) -> str:
    """The body the answer to a "Which fund ...?" question names: its first name holding the
    asked noun ("Tsunami Preparedness Trust Fund (TPTF)"), else its first name of a body; empty
    when the question asked no such thing or the answer names none."""
    asked = _ASKS_A_BODY.match(turn.standalone_question)
    if asked is None or turn.answer.abstained:
        return ""
    said = [e for e in _entities(_MARKERS.sub("", turn.answer.text))
            if e.lower() not in _LEADING and e.casefold() not in turn.standalone_question.casefold()]
    noun = asked.group(1).casefold()
    body = next((e for e in said if noun in e.casefold()), "") or \
        _placed_in_asked_place(said, turn) or \
        next((e for e in said if _A_BODY_NAME.search(e)), "") or _short_name(turn) or \
        next((e for e in said if _AN_ACRONYM.fullmatch(e)), "")  # "a hydrologist from ASWA"
    return _without_acronym(body)  # "Tsunami Preparedness Trust Fund", not "... (TPTF)'s"


# "the health-data platform in Lyon", "the mobility lab in Pune"
_PLACED_DESCRIPTION = re.compile(rf"({_A_DESCRIPTION.pattern})(?:\s+(?:in|at|of|from)\s+"
                                 rf"[{_UPPER}][\w'’-]*(?:\s+[{_UPPER}][\w'’-]*)*)?")


def _without_acronym(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)$", "", name)


def _named_earlier(description: str, earlier: tuple[Turn, ...]) -> str:
    """The name an earlier turn's question gave the body ``description`` describes ("the
    Mangrove and Coastal Task Force" for "the task force"), else a fuller description of it an
    earlier turn used ("the brine consortium"), else a fuller name an earlier answer gave it
    ("the Kraków River Survey Office" for "that office"); empty when none did."""
    noun = description.split()[-1].casefold()
    for turn in reversed(earlier):
        named = [e for e in [*_entities(turn.standalone_question), _body_answered(turn)]
                 if _without_acronym(e).casefold().endswith(noun)]
        if named:
            return f"the {max(named, key=_entity_weight)}"
        fuller = _fuller_descriptions(turn.standalone_question, noun, len(description.split()))
        if fuller:
            return re.sub(r"^(?:that|this)\b", "the", fuller[-1])
    for turn in reversed(earlier):  # "that office" after "... renamed the Kraków River Survey
        answered = [] if turn.answer.abstained else _entities(_MARKERS.sub("", turn.answer.text))
        named = [e for e in answered if _without_acronym(e).casefold().endswith(noun)
                 and len(e.split()) > len(description.split())]  # Office": a fuller name
        if named:
            return f"the {named[0]}"
    return ""


def _fuller_descriptions(question: str, noun: str, words: int) -> list[str]:
    """Descriptions in ``question`` of a body of kind ``noun`` longer than ``words`` words:
    "the brine consortium", "the health-data platform in Lyon", "the Tsukuba consortium"."""
    described = [d.group(0) for d in _PLACED_DESCRIPTION.finditer(question)
                 if d.group(1).casefold().endswith(noun) and len(d.group(0).split()) > words]
    named = [f"the {m.group(1)} {noun}" for m in re.finditer(
        rf"((?:[{_UPPER}][\w'’-]*\s+)*[{_UPPER}][\w'’-]*)\s+{re.escape(noun)}\b", question)
        if m.group(1).split()[0].lower() not in _LEADING]
    return described + named


def _new_name(answer_text: str, question: str) -> str:
    """The first name the answer gives that its question did not ("Dr Nguyễn Thị Lan" in "The
    director of MDRI is Dr Nguyễn Thị Lan" for "Who is the director of MDRI?")."""
    return next(iter(_new_names(answer_text, question)), "")


def _new_names(answer_text: str, question: str) -> list[str]:
    """The names the answer gives that its question did not, in order."""
    from .indexing.lexical import terms

    asked = question.casefold()
    return [e for e in _entities(_MARKERS.sub("", answer_text))  # not "Its", "Since"
            if e.lower() not in _LEADING and e.casefold() not in asked and terms(e)
            and (len(e.split()) > 1 or not answer_text.lstrip().startswith(e))]


def _is_fragment(question: str) -> bool:
    """A short question that names nothing and leans on the previous one ("On what date?")."""
    words = question.strip(" ?").split()
    if (len(words) > 2 and words[0].casefold() == "who") or _THAT_NOUN.search(question):
        return False  # "Who runs the other flagship?", "Which body runs that flagship?"
    return 0 < len(words) <= _FRAGMENT_WORDS and not _entities(question) and \
        not _A_DESCRIPTION.search(question) and not \
        re.search(r"\b(is|are|was|were|does|do|did|has|have)\b", question, re.I)


# "that same year", "in the same year", "that day": the time the last answer gave
_THAT_TIME = re.compile(r"\b(?:(?:in|on|during)\s+)?(?:that|the)\s+(?:same\s+)?(?:year|day|month)\b",
                        re.I)
_A_TIME = re.compile(r"^(?:(?:\d{1,2}\s+)?[A-Z][a-z]+\s+)?(?:\d{1,2},?\s+)?\d{3,4}$")


def rewrite_follow_up(question: str, history: list[Turn]) -> str:
    """A standalone version of ``question`` given earlier turns (unchanged if it stands alone)."""
    if not history:
        return question
    last = history[-1]
    that_time = _THAT_TIME.search(question)
    when = last.answer.short.strip()
    if that_time and _A_TIME.match(when):  # "What opened there that year?"
        on = "on" if re.search(r"\d\s+[A-Z]|[a-z]\s+\d{1,2},", when) else "in"  # a day
        question = f"{question[:that_time.start()]}{on} {when}{question[that_time.end():]}"
    that_place = _THAT_PLACE.search(question)
    place = _place_in(last.answer.text) if that_place else ""
    if place:  # "What was that city called until 1976?" after "... hosted ... in Maputo"
        question = f"{question[:that_place.start()]}{place}{question[that_place.end():]}"
    question = _answered_place_for_there(question, last)
    that_person = _THAT_PERSON.search(question)
    person = _person_answered(last) if that_person else ""
    if person:  # "Which body does that person represent?" after "Who drafts ...?" - "S. Håland"
        question = f"{question[:that_person.start()]}{person}{question[that_person.end():]}"
    what_about = _WHAT_ABOUT.match(question)
    elsewhere = _asked_of_another(what_about.group(1), last.standalone_question) \
        if what_about else ""
    if elsewhere:  # "And in 2022?", "And in Ghana?", "And its Hanoi counterpart?"
        return elsewhere
    named_then_asked = _NAMED_THEN_ASKED.match(what_about.group(1)) if what_about else None
    if named_then_asked:  # the question is about the thing it names: "it" is that thing
        thing, asked = named_then_asked.group(1), named_then_asked.group(2).rstrip(" ?")
        resolved = _THAT_ONE.sub(thing, asked, count=1)
        resolved = _put_in(thing, asked) if resolved == asked else resolved
        return f"{resolved[0].upper()}{resolved[1:]}?"
    if what_about and _POSSESSIVE.match(what_about.group(1)):  # "And its budget?": of the same
        question, what_about = f"What is {what_about.group(1).rstrip('?')}?", None
    if what_about and not _WH.match(what_about.group(1)):
        previous_subject = _subject_phrase(last.standalone_question)
        if previous_subject and previous_subject in last.standalone_question:
            before, after = last.standalone_question.split(previous_subject, 1)
            other = _one_as(what_about.group(1), previous_subject)
            if re.search(r"\bthe\s+$", before, re.I) and re.match(r"the\s", other, re.I):
                other = other[4:]  # "the Observatory" -> "the Academia ...", not "the the"
            return f"{before}{other}{after}"
        return f"{last.standalone_question.rstrip('?')} for {what_about.group(1)}?"
    if what_about:
        question = what_about.group(1).rstrip("?") + "?"
        question = question[0].upper() + question[1:]
    # "Who heads the fund today?", "Where is that consortium's secretariat?", "that flagship"
    described = _A_DESCRIPTION.search(question) or _THAT_NOUN.search(question)
    if described and not _entities(question):
        named = _named_earlier(described.group(0), tuple(history))
        body = _A_DESCRIPTION.fullmatch(described.group(0)) is not None
        if named or body and re.match(r"(?:that|this)\b", described.group(0), re.I):  # "that body"
            named = named or "it"  # unnamed stands whole for what the conversation is about
            question = f"{question[:described.start()]}{named}{question[described.end():]}"
    partitive, asked = _PARTITIVE.search(question), _PLURAL_ASKED.match(last.standalone_question)
    if partitive and asked:
        return question[:partitive.start(1)] + f"the {asked.group(1)}" + question[partitive.end(1):]
    counted = _COUNT_OF_WHAT.match(question)
    if counted and asked and re.match(r"\s*how many\b", last.standalone_question, re.I):
        return f"{question[:counted.end()]}{asked.group(1)} {question[counted.end():]}"
    # "that flagship" left unresolved is no pronoun to replace (a body, "that agency", is the
    # body the last turn was about)
    kept: list[str] = []
    pronouns = _THAT_NOUN.sub(lambda m: _keep(m, kept) if not _A_DESCRIPTION.search(m.group(0))
                              else m.group(0), question)
    if _PRONOUN.search(pronouns) or _POSSESSIVE.search(pronouns):
        referent = _referent(last, personal=_PERSONAL.search(pronouns) is not None,
                             impersonal=_IMPERSONAL.search(pronouns) is not None,
                             earlier=tuple(history[:-1]))
        if referent:
            return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))],
                          _put_in(referent, pronouns))
    if _is_fragment(question):
        return f"{question.strip().rstrip('?')}: {_answered_topic(last)}?"
    return question


# "Which lender acts as host to X?", "Who runs X?": the question's subject is what it asks for
_ASKS_THE_SUBJECT = re.compile(r"^\s*(?:(?:which|what)\s+[a-z][\w-]*|who)\s+(?!(?:is|are|was|were|"
                               r"does|do|did|has|have|had|will|would|can|could|should|may|might|"
                               r"must)\b)(?=[a-z])", re.I)


def _answered_topic(turn: Turn) -> str:
    """The topic of the turn's question for a fragment after it ("In what city?"), with the
    name its answer gave in place of the thing it asked for: "FMO acts as host to X" after
    "Which lender acts as host to X?" - "FMO"; else its topic ("lender acts as host to X")."""
    asked = _ASKS_THE_SUBJECT.match(turn.standalone_question)
    named = "" if asked is None or turn.answer.abstained else _short_name(turn)
    if not named:
        return _topic(turn.standalone_question)
    return f"{named} {turn.standalone_question[asked.end():].strip().rstrip(' ?')}"


# "its Hanoi counterpart": the thing the last question asked about, of another place or country
_COUNTERPART = re.compile(rf"(?i:its|the|their)\s+"
                          rf"([{_UPPER}][\w'’-]+(?:\s+[{_UPPER}][\w'’-]+)*)"
                          r"\s+(?i:counterpart|equivalent|twin|sister)s?")
# a capitalised word inside a question, not its first ("Kumasi" of "Who directs the Kumasi ...?")
_NAME_IN_QUESTION = re.compile(rf"(?<=\s)[{_UPPER}][\w'’-]+(?:\s+[{_UPPER}][\w'’-]+)*")
# "in 2022", "for 2025", "in Ghana": the same question asked of another year or place
_YEAR = r"\b(?:1\d{3}|20\d\d)\b"
_IN_A_YEAR = re.compile(rf"(?:(?:in|for|during|by)\s+)?({_YEAR})")
_IN_A_NAMED_PLACE = re.compile(rf"(?:in|at)\s+([{_UPPER}][\w'’-]+(?:\s+[{_UPPER}][\w'’-]+)*)")


def _asked_of_another(asked: str, previous: str) -> str:
    """``previous`` asked of the year, place or counterpart ``asked`` names, its own replaced,
    else added: "How many fellowships were awarded in 2022?" for "in 2022" after "... in 2023?",
    "Who directs the Hanoi post-harvest institute?" for "its Hanoi counterpart" after "Who
    directs the Kumasi ...?"; "" when ``asked`` names none of them."""
    asked = asked.strip()
    year, place = _IN_A_YEAR.fullmatch(asked), _IN_A_NAMED_PLACE.fullmatch(asked)
    counterpart = _COUNTERPART.match(asked)
    if not previous.strip():
        return ""
    if year:
        said = list(re.finditer(_YEAR, previous))
        return _replaced(previous, said[-1].span(), year.group(1)) if said else \
            f"{previous.rstrip(' ?')} in {year.group(1)}?"
    if place:
        said = list(_IN_A_NAMED_PLACE.finditer(previous))
        return _replaced(previous, said[-1].span(1), place.group(1)) if said else \
            f"{previous.rstrip(' ?')} {asked}?"
    named = _NAME_IN_QUESTION.search(previous) if counterpart else None
    return _replaced(previous, named.span(), counterpart.group(1)) if named else ""


def _replaced(text: str, span: tuple[int, int], by: str) -> str:
    """``text`` with its ``span`` replaced ``by`` another word."""
    return f"{text[:span[0]]}{by}{text[span[1]:]}"


def _placed_in_asked_place(said: list[str], turn: Turn) -> str:
    """Of the names the answer gives, the one it puts in the place the question asked about:
    "IHR" of "IECA in Aveiro, ...; and IHR in Kraków" for "Which institute is based in Kraków?"."""
    text = _MARKERS.sub("", turn.answer.text)
    for place in _IN_A_PLACE.findall(turn.standalone_question):
        before = re.search(rf"([^\s,;:]+)\s+(?:in|at)\s+{re.escape(place)}\b", text)
        if before and before.group(1) in said:
            return before.group(1)
    return ""


# "that person", "this official": the one the last answer named
_THAT_PERSON = re.compile(r"\b(?:that|this|the\s+same)\s+(?:person|man|woman|official|individual|"
                          r"scientist|researcher|expert|representative)\b", re.I)
_ASKS_WHERE = re.compile(r"^\s*(?:where\b|(?:in|at|to)\s+which\s+(?:city|town|country|place|region)\b|"
                         r"which\s+(?:city|town|country|place|region)\b)", re.I)


def _person_answered(turn: Turn) -> str:
    """The person the answer to a "Who ...?" question named: its short answer when that is a
    name, else the first person its text names that the question did not."""
    if turn.answer.abstained or not re.match(r"^\s*who\b", turn.standalone_question, re.I):
        return ""
    return _short_name(turn) or _person_in(turn.answer.text, turn.standalone_question)


def _short_name(turn: Turn) -> str:
    """The turn's short answer when it is a name its question does not already say."""
    short = turn.answer.short.strip()
    return short if _looks_like_a_name(short) and \
        short.casefold() not in turn.standalone_question.casefold() else ""


def _looks_like_a_name(text: str) -> bool:
    """A short answer that is a name: capitalised, at most six words, no digits."""
    return bool(text) and text[0].isupper() and len(text.split()) <= 6 and \
        not re.search(r"\d", text)


def _answered_place_for_there(question: str, last: Turn) -> str:
    """``question`` with "there" made the place the last answer gave when the last question asked
    where ("Which minister invited the partners there?" after "Where will the conference take
    place?" - "Kraków"); unchanged otherwise."""
    there = _THERE.search(question)
    if there is None or last.answer.abstained or not _ASKS_WHERE.match(last.standalone_question):
        return question
    short = last.answer.short.strip()
    place = short if _looks_like_a_name(short) else _place_in(last.answer.text)
    return f"{question[:there.start()]}in {place}{question[there.end():]}" if place else question


# "that city", "the same town": the place the last answer gave
_THAT_PLACE = re.compile(r"\b(?:that|this|the\s+same)\s+(?:city|town|village|port|capital|place|"
                         r"country|region|province|island|site)\b", re.I)
_IN_A_PLACE = re.compile(rf"\b(?:in|at)\s+((?:[{_UPPER}][\w'’-]+)(?:[\s-]+[{_UPPER}][\w'’-]+)*)")


def _place_in(answer_text: str) -> str:
    """The last place the answer's first sentence puts something in or at ("Maputo" in
    "... hosted at Eduardo Mondlane University in Maputo. [1]"), empty when it names none."""
    first = _MARKERS.split(answer_text, maxsplit=1)[0]
    places = [p for p in _IN_A_PLACE.findall(first) if not re.fullmatch(_MONTH, p)]
    return places[-1] if places else ""


_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December)")


def _put_in(referent: str, question: str) -> str:
    """``question`` with its first possessive ("its") made ``referent``'s, else its first
    pronoun ("it") made ``referent``."""
    subject, owned = _SUBJECT_PRONOUN.search(question), _POSSESSIVE.search(question)
    if subject and owned and subject.start() < owned.start():  # "Where did he do his PhD?"
        return f"{question[:subject.start()]}{referent}{question[subject.end():]}"
    owner = referent if referent.endswith(("'s", "’s")) else f"{referent}'s"
    rewritten = _POSSESSIVE.sub(owner, question, count=1)
    return rewritten if rewritten != question else _PRONOUN.sub(referent, question, count=1)


def _keep(match: "re.Match[str]", kept: list[str]) -> str:
    """A placeholder for ``match``'s text, kept in ``kept`` to be put back."""
    kept.append(match.group(0))
    return f"\x00{len(kept) - 1}\x00"


# "that flagship?", "this agency's budget": a demonstrative before the phrase's last word
_THAT_NOUN = re.compile(r"\b(?:that|this|these|those)\s+([a-z][\w-]+)(?=['’]s\b|\s*[?,.]|\s*$)", re.I)
_SUBJECT_PRONOUN = re.compile(r"\b(?:he|she|it|they)\b", re.I)


def needs_context(question: str) -> bool:
    """A question that leans on the conversation: it refers back ("it", "its", "of them",
    "And KASA?"), is a fragment, or names nothing."""
    return bool(_PRONOUN.search(question) or _POSSESSIVE.search(question)
                or _WHAT_ABOUT.match(question) or _PARTITIVE.search(question)
                or _is_fragment(question)
                or not [e for e in _entities(question) if e.lower() not in _LEADING])


def condense_prompt(question: str, last: Turn) -> list:
    """The chat messages asking the model to make ``question`` standalone after turn ``last``."""
    from .llm import Message

    said = last.answer.short or " ".join(_MARKERS.sub("", last.answer.text).split()
                                         [:_CONDENSE_ANSWER_WORDS])
    said = "(not answered)" if last.answer.abstained else said
    shots = [m for (q, a, f, r) in CONDENSE_EXAMPLES
             for m in (Message("user", _condense_turn(q, a, f)), Message("assistant", r))]
    return [Message("system", CONDENSE_SYSTEM), *shots,
            Message("user", _condense_turn(last.standalone_question, said, question.strip()))]


def _condense_turn(earlier: str, said: str, question: str) -> str:
    return f"Earlier question: {earlier}\nIts answer: {said}\nLast question: {question}"


def model_rewrite(question: str, history: list[Turn], llm: "LanguageModel") -> str:
    """The model's standalone version of ``question`` ("" when it is not usable)."""
    from .answering.claims import grounded
    from .indexing.lexical import terms

    if not history:
        return ""
    reply = llm.complete(condense_prompt(question, history[-1]), max_tokens=48, stop=["\n"])
    rewritten = re.sub(r"^\s*(?:rewritten|standalone)?\s*question\s*:\s*", "", reply.strip(),
                       flags=re.I).strip(" \"'“”")
    if not rewritten or len(rewritten.split()) > 2 * len(question.split()) + 15:
        return ""
    if rewritten.rstrip(" ?").count("?") or (_same_words(rewritten, question)
                                             and _bare_what_about(question)):
        return ""  # two questions run together, or "And Kestrel?" given back unresolved
    last = history[-1]
    known = " ".join([question, last.standalone_question, last.answer.short,
                      _MARKERS.sub("", last.answer.text)])
    if not grounded(rewritten, known, question):  # it may only use the conversation's words
        return ""
    if _person_for_it(rewritten, question, last):
        return ""  # "Where is it based?" after "Who leads X?" asks where X is, not the person
    own = set(terms(question))
    if own and len(own & set(terms(rewritten))) < KEEP_SHARE * len(own):
        return ""  # it rewrote another question ("What climate actions...?" for "And minerals?")
    return rewritten if rewritten.endswith("?") else rewritten.rstrip(".") + "?"


# "And the institute in Belém, when did it open?", "And the task force — where is that run out
# of?": a named thing, then a question about it.
_NAMED_THEN_ASKED = re.compile(r"^(.+?)(?:[,?:;]|\s+[—–-]{1,2})\s*((?:what|which|who|whom|whose|when|"
                               r"where|why|how)\b"
                               r".+)$", re.I)
_THAT_ONE = re.compile(r"\b(?:that|this|the same) one\b", re.I)


def _person_for_it(rewritten: str, question: str, last: Turn) -> bool:
    """True when ``rewritten`` reads an "it"/"its" of ``question`` as the person the previous
    "who" question was answered with, in place of the thing it asked about ("Where is Tomasz
    Wieczorek based?"; not "When was Dr. Brunner's evaluation of the X program published?")."""
    person = last.answer.short
    if not person or _NOT_A_PERSON.search(person) or not 2 <= len(person.split()) <= 5:
        return False
    thing = subject_of(last.standalone_question)
    return bool(_IMPERSONAL.search(question) and not _PERSONAL.search(question)
                and re.match(r"^\s*who\b", last.standalone_question, re.I)
                and _plain(person) in _plain(rewritten)  # "Dr Sarah Pokiak" as "Dr. Sarah Pokiak"
                and _plain(person) not in _plain(question)
                and not (thing and _plain(thing) in _plain(rewritten)))  # it is not kept


def _plain(text: str) -> str:
    """``text`` compared without case or punctuation."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _bare_what_about(question: str) -> bool:
    """"And Kestrel?", "What about IKSTC?": a name alone, asking the previous question of it
    (not "And to young Korean researchers?", which the model may give back as it stands)."""
    what_about = _WHAT_ABOUT.match(question)
    return bool(what_about) and re.match(r"(?:the\s+)?[A-Z]", what_about.group(1)) is not None \
        and not _NAMED_THEN_ASKED.match(what_about.group(1))  # not "And to young researchers?"


def _same_words(a: str, b: str) -> bool:
    return re.findall(r"\w+", a.casefold()) == re.findall(r"\w+", b.casefold())


class Conversation:
    """A multi-turn exchange with one ``Assistant``; ``ask`` resolves follow-ups first."""

    def __init__(self, assistant: "Assistant") -> None:
        self.assistant = assistant
        self.turns: list[Turn] = []

    def standalone(self, question: str, mode: str | None = None) -> str:
        """``question`` rewritten to stand alone: by the model when ``settings.condense`` is
        "model", ``mode`` uses one and the question leans on the conversation, else (or when
        the model fails) by the rules."""
        question = question.strip()
        if (self.turns and needs_context(question) and self.assistant.settings.condense == "model"
                and self.assistant.uses_model(mode)):
            try:
                rewritten = model_rewrite(question, self.turns, self.assistant.llm())
            except IkqaError:
                rewritten = ""
            if rewritten:
                return rewritten
        return rewrite_follow_up(question, self.turns)

    def ask(self, question: str, mode: str | None = None,
            on_token: Callable[[str], None] | None = None,
            on_sources: Callable[[list[Citation]], None] | None = None,
            standalone: str | None = None) -> Answer:
        """Answer ``question`` as a follow-up of the earlier turns; ``mode`` overrides
        ``settings.answer_mode`` for this turn (each page session picks its own); ``on_token``
        and ``on_sources`` follow a generative answer's draft (see ``Assistant.explain``);
        ``standalone`` is the question as ``standalone`` already rewrote it, if known."""
        standalone = standalone or self.standalone(question, mode)
        answer = self.assistant.explain(standalone, mode, on_token=on_token,
                                        on_sources=on_sources)[0]
        answer.question = question
        answer.standalone_question = standalone
        self.turns.append(Turn(question=question, standalone_question=standalone, answer=answer))
        return answer

    def reset(self) -> None:
        """Forget every earlier turn."""
        self.turns.clear()
