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
from functools import lru_cache

__all__ = ["expected_types", "supplies", "without_others_clauses", "states_the_opposite", "denies",
           "counts_otherwise", "dated_otherwise", "misses_the_possessed", "SPELLED_NUMBERS",
           "BODY_NAME",
           "SEAT_WORDS", "FREQUENCY", "SHARE", "CURRENCY_CODES", "asks_enumeration",
           "counted_terms", "is_list_question", "is_plural", "same_meaning"]

_DATE_Q = re.compile(r"^\s*when\b|\b(what|which|in which|on which|on what) (year|date|month|day)\b|"
                     r"\b(?:since|by|until|till) when\b|"
                     # "What is the application deadline ...?", "What was its start date?"
                     r"^\s*what(?:'s|’s|\s+is|\s+was|\s+are|\s+were|\s+will\s+be)\s+"
                     r"(?:(?:the|its|their)\s+)?(?:[\w-]+\s+){0,2}?(?:date|deadline)s?(?![\w-])|"
                     # "to what end date?", "in which fiscal year?"
                     r"\b(?:what|which)\s+(?:(?!of\b)[a-z-]+\s+){1,2}?dates?(?![\w-])|"
                     r"\b(?:what|which)\s+(?!of\b)[a-z-]+\s+year(?![\w-])",
                     re.I)
# "How often is the membership rotated?" - "every two years"
_FREQUENCY_Q = re.compile(r"\bhow (?:often|frequently)\b|\bat what (?:interval|frequency)\b|"
                          r"\bhow many times (?:a|an|per|each|every)\b", re.I)
_PERIOD = (r"(?:year|month|week|day|quarter|decade|century|hour|minute|second|season|term|summer|"
           r"winter|spring)s?")
FREQUENCY = re.compile(
    rf"\b(?:every|each)\s+(?:(?:other|\w+)\s+)?{_PERIOD}\b|\b(?:annually|yearly|monthly|weekly|"
    r"daily|quarterly|biennially|biannually|fortnightly|hourly|nightly|seasonally)\b|"
    rf"\b(?:once|twice|thrice|\w+\s+times)\s+(?:a|an|per|each|every)\s+{_PERIOD}\b|"
    rf"\bper\s+(?:{_PERIOD}|annum)\b|\ba\s+(?:year|month|week|day)\b", re.I)
_QUANTITY_Q = re.compile(r"\bhow many\b|\bnumber of\b|\bquantity of\b", re.I)
# "How many X does the brief list?" is answered by the list itself, not by a stated count.
_ENUMERATION_Q = re.compile(r"\bhow many\b.*\b(are|were|does|do)\b.*\b(list|lists|listed|name|names|"
                            r"named|mention|mentions|mentioned|cite|cites|cited)\b", re.I)
_DURATION_Q = re.compile(r"\bhow long\b|\bhow much time\b|\bhow many (years|months|weeks|days)\b", re.I)
_MAGNITUDE_Q = re.compile(r"\bhow (large|big|tall|high|deep|wide|far|heavy)\b|\b(population|rate|"
                          r"percentage|percent|share|limit|limits|capacity|volume|size|height|"
                          r"elevations?|altitudes?|depth|width|distance|length|weigh|weighs|weighed)\b",
                          re.I)
# A size asked as a length or a weight is a number in a unit of it: "at altitudes between 1,800
# and 2,900 metres", not "26 to 29 centimetres long and weighing 62 to 78 grams" for the
# elevation, nor "14 sizes".
_HOW_FAR = re.compile(r"\bhow far\b", re.I)
_LENGTH_Q = re.compile(r"\bhow (tall|deep|wide|far)\b|\b(height|elevations?|altitudes?|depth|"
                       r"width|distance)\b", re.I)
# "How tall is the orangery?" is not answered by "a brick building 32 metres long"
_DIMENSIONS = ({"tall", "high", "height", "heights"}, {"long", "length"},
               {"wide", "width", "across"}, {"deep", "depth"})


def _states_the_length(sentence: str, question: str) -> bool:
    """A length in ``sentence`` that is not said to be another dimension than the one asked."""
    asked = {w.lower() for w in re.findall(r"[A-Za-z]+", question)}
    other = set().union(*(d for d in _DIMENSIONS if not d & asked)) if any(
        d & asked for d in _DIMENSIONS) else set()
    for found in _LENGTH.finditer(sentence):
        after = re.match(r"\s*(?:in\s+)?([A-Za-z]+)", sentence[found.end():])
        if not (after and after.group(1).lower() in other):
            return True
    return False


_WEIGHT_Q = re.compile(r"\bhow heavy\b|\b(weigh|weighs|weighed)\b", re.I)
# a number in digits or words ("about twelve kilometres")
_NUMERAL = (r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
            r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand))")
_LENGTH = re.compile(_NUMERAL + r"\s*(?:(?:nautical|statute)\s+)?(?:m|km|cm|mm|ft|mi|metres?|"
                     r"meters?|kilometres?|kilometers?|centimetres?|centimeters?|millimetres?|"
                     r"millimeters?|feet|foot|miles?|inches|inch|yards?|fathoms?|leagues?)\b", re.I)
_WEIGHT = re.compile(_NUMERAL + r"\s*(?:g|kg|mg|lb|lbs|oz|t|grams?|kilograms?|kilos?|tonnes?|tons?|"
                     r"pounds|ounces?|carats?|stone)\b", re.I)
_MONEY_Q = re.compile(
    r"\b(budget|budgets|(?<!no-)cost|(?<!no-)costs|funding|funded|price|revenue|investment|"
    r"salary|worth|grant|grants|spend|spent|paid|pay|earn|earned|raised|fee|fees|sum|monetary|"
    r"allocation|allocations|allocated|allotted)\b|"
    r"\bhow much money\b", re.I)
# "Which law applies to grant agreements?", "What kind of funding ...?": a thing of the kind its
# first noun names, not an amount (unlike "What budget ...?", "What share of the costs ...?")
_ASKS_A_THING = re.compile(
    r"^\s*(?:(?:in|on|at|by|from|to|under|for|with)\s+)?(?:which|what)\s+(?!(?:is|are|was|were|does|"
    r"do|did|has|have|had|will|would|can|could|should|may|amount|amounts|sum|sums|budget|budgets|"
    r"cost|costs|price|prices|fee|fees|funding|grant|grants|salary|share|proportion|percentage|"
    r"part|total|level|figure|value|investment|revenue|money|capital|contribution|payment|"
    r"allocation|allocations)\b)"
    r"[a-z][\w-]*\b", re.I)
# "What share of the funding does ANIM provide?": a part of a whole ("55 per cent", "a third"),
# not an amount of money
_SHARE_Q = re.compile(r"^\s*(?:and\s+)?(?:(?:what|which)\s+(?:share|proportion|percentage|fraction|"
                      r"per\s?cent)|how\s+many\s+per\s?cent)\b", re.I)
SHARE = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|per\s?cent\b|percent\b)|\b(?:half|(?:a|one|two)\s+thirds?|"
                   r"(?:a|one|three)\s+quarters?)\b", re.I)
# "How were the granaries paid for?" asks for the means (a tax), not an amount.
_MEANS_Q = re.compile(r"^\s*how\s+(?:is|are|was|were|will|would|can|could|do|does|did)\b"
                      r"(?!.*\bhow (?:much|many)\b)", re.I)
# "How much" of anything else asks for an amount in any unit ("3,000 tonnes", "40 per cent").
_AMOUNT_Q = re.compile(r"\bhow much\b(?! time\b)|\b(?:what|which) (?:amount|sum)\b", re.I)
# The author of the brief itself (its byline), not of something the brief talks about.
_AUTHOR_Q = re.compile(r"^\s*who\b.*\b(wrote|written|authored)\b.*\b(brief|briefing|report|paper|"
                       r"note|document)\b\W*$|^\s*who\b.*\b(wrote|written|authored)\s+(the|this)\s+"
                       r"(brief|briefing|report|paper|note|document)\s+(on|about|of|concerning|"
                       r"regarding|titled|entitled|called)\b|\b(the|its|brief's) author\b(?! of (?!the brief))|"
                       r"\bauthor of (the|this) (brief|briefing|report|paper|note|document)\b|"
                       r"\bwho is the author\b(?! of (?!(?:the|this) (?:brief|briefing|report|paper|"
                       r"note|document)\b))", re.I)
# "Who is the author of The Salt Orchard?": of a work the brief talks about, named in its text
_WORK_AUTHOR_Q = re.compile(r"^\s*who\s+(?:is|was)\s+the\s+(?:author|writer)\s+of\b", re.I)
# "Who wrote / said / founded / leads X?": a person or body named in the text does it.
_DONE = (r"(wrote|write|writes|written|authored|said|says|stated|argued|claimed|"
         r"founded|co-founded|established|created|launched|started|leads|led|heads|headed|directs|"
         r"directed|runs|ran|invented|discovered|designed|built|composed|painted|"
         r"produced|signed|proposed|married|won|sang|performed|played|published|developed|"
         r"announced|coined|named|hosts|hosted|funds|funded|sponsored|owns|owned|manages|managed|"
         r"replaced|succeeded|defeated|appointed|elected|killed|ruled|governed|commanded)")
# ... or asked last: "The main chronicle was written by whom?"
_AGENT_Q = re.compile(rf"^\s*(?:who|by whom)\b.*\b{_DONE}\b|\b{_DONE}\s+by\s+whom\b", re.I)
_TITLE_Q = re.compile(r"\btitle of\b|\b(its|brief's|the brief's) title\b|\btitled\b", re.I)
_PLACE_Q = re.compile(r"^\s*where\b|\b(which|what) (city|country|place|location|town|state|venue)\b|"
                      r"(?<!-)\b(headquartered|located|based)\b", re.I)  # not "AI-based"
# "Which centre is based in New Delhi?" gives the place and asks for something else.
# Words saying where a body sits ("based", "headquartered", "seat", "secretariat"): retrieval
# prefers a sentence holding one for "Where is X based?", the short answer the place after one
SEAT_WORDS = r"based|headquarter\w*|hq|seat(?:ed)?|located|situated|hosted|housed|secretariat|offices?"
_PLACE_GIVEN = re.compile(r"\b(based|located|headquartered|held|situated) (in|at) [A-Z]")
_EXPANSION_Q = re.compile(r"\b(?i:what|which) (?i:does|do) (?:(?i:the|this|that) (?i:acronym|"
                          r"abbreviation|initialism) )?([A-Z][\w&-]*[A-Z][\w&-]*) (?i:stand for)\b|"
                          r"\b(?i:full form|expansion|full name)\b[^?]*?\b(?i:of|for) "
                          r"([A-Z][\w&-]*[A-Z][\w&-]*)\b")
_ROLE_Q = re.compile(
    r"\bwho is (?:the )?(director|head|chief|ceo|chair|chairman|chairperson|founder|secretary|"
    r"minister|ambassador|leader|president|manager|coordinator)\b", re.I)
# "Who is the ombudsman of X?", "Who is X's vice-president?": the sentence must name that role
# (one holder: "Who are the partners of X?" asks for a list, whose items need not say "partner");
# "What is the name of X's research vessel?": that thing.
_HOLDER_Q = re.compile(r"^\s*who\s+(?:is|was)\s+(?:(?:the|its|their)\s+(?:[a-z][\w-]*\s+){0,2}?([a-z][\w-]+)\s+"
                       r"(?:of|at|for|in)\b|[A-Z][\w'’ .&-]*?['’]s\s+([a-z][\w-]+)\s*\??\s*$)", re.I)
_NAME_OF_Q = re.compile(r"^\s*(?i:what\s+(?:is|was|are|were)\s+the\s+names?\s+of)\s+(?:.*?['’]s\s+(?:[a-z][\w-]*\s+)*"
                        r"([a-z][\w-]+)\s*\??\s*$|(?:the\s+)?(?:[a-z][\w-]*\s+)*?([a-z][\w-]+)\s+of\s+"
                        r"(?:the\s+)?[A-Z])")
_RANKS = ("deputy|vice|assistant|associate|acting|interim|honorary|founding|first|previous|former|"
          "inaugural|outgoing|next")
_ORDINAL_RANKS = frozenset({"first", "founding", "inaugural"})
_SAME_RANK = {"deputy": "deputy|vice", "vice": "vice|deputy",
              "first": r"first\b|founding\b|inaugural\b", "founding": r"founding\b|first\b|inaugural\b",
              "inaugural": r"inaugural\b|first\b|founding\b",
              "previous": "previous|predecessor|replaced|succeeded|preceded",
              "former": "previous|predecessor|replaced|succeeded|preceded"}
_NOT_A_ROLE = {"author", "writer", "founder", "founders", "creator", "one", "person", "name",
               "first", "last", "current", "new", "same", "other", "main", "best"}
# "Who directs / heads / leads / chairs / runs X?": whoever holds X's top role.
_LEADS_Q = re.compile(r"^\s*who\b.*\b(directs|directed|heads|headed|leads|led|chairs|chaired|runs|"
                      r"manages|managed|coordinates|is in charge of|presides|presided|oversees|"
                      r"oversaw|supervises|supervised)\b", re.I)
_CO_LEADS_Q = re.compile(r"\bco-(?:chair|lead|direct|head)", re.I)
_CO_LED_BY = re.compile(_CO_LEADS_Q.pattern + r"\w*\s+by\s+\w+", re.I)  # "co-chaired by X"
# "Who chairs the scientific committee of X?": a part of X, named by common nouns
_LED_PART = re.compile(r"^\s*(?i:who\s+(?:directs|heads|leads|chairs|runs|manages|coordinates)\s+(?:the|its|their))"
                       r"\s+(?:[a-z][\w-]*\s+){0,2}([a-z][\w-]*)\s+of\b")
_LEADER = re.compile(r"\b(direct(?:s|ed|ors?|ing)|heads?(?! (?:office|quarters)s?\b)|headed|led|"
                     r"leads?|leader\w*|leadership|"
                     r"chair(?:s|ed|ing|man|men|woman|person)?|co-chair\w*|president|chief|"
                     r"(?:runs?|ran)(?!\s+(?:out\s+of|from)\b)|"  # not "is run out of Bergen"
                     r"manag(?:es|ed|ers?|ing)|coordinat(?:es|ed|ors?|ing)|in charge|helm|"
                     r"presid(?:es|ed|ing)|overs(?:ees|aw|een|eeing)|supervis(?:es|ed|ing|ors?))\b|"
                     # "an army of 62,000 men under Field Marshal Anton von Reisach", "under the
                     # command of General X", "under manager Gary Hollins"
                     r"\bunder(?=\s+(?:the\s+(?:command|leadership|direction)\s+of\s+|"
                     r"(?-i:manager|coach|captain|director|general|commander|editor|conductor)\s+)?"
                     r"(?-i:[A-Z][a-z]))", re.I)
_CAUSED = re.compile(r"\s+(?!by\b)[A-Z][\w'’-]*(?:\s+[\w'’-]+){0,2}?\s+to\s+[a-z]")
_LEADING_VERB = re.compile(r"runs|ran|manages|managed|coordinates|coordinated|leads|heads|headed|"
                           r"directs|directed|chairs|chaired", re.I)
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
# A month as a sentence names it, capitalised: "May 2019", "MAY" (not "may be made public",
# "to march", "a mar")
_NAMED_MONTHS = "|".join(f"{m.capitalize()}|{m.upper()}" for m in _MONTHS.split("|"))
# A year of any era (four digits, "1990s", or three digits after "in"/"by"/"AD"...), a month,
# an ordinal day ("20th"), or a century ("16th century").
# A number with a unit after it is an amount, not a year: "cut leakage by 23 percent".
_UNIT_WORDS = (r"per\s?cent|percent|percentage|points?|per|million|billion|thousand|hundred|times|"
               r"km|kilomet\w*|kg|kilo(?:gram|gramme)?s?|grams?|tonnes?|tons?|met(?:re|er)s?|miles?|"
               r"people|persons|units|hectares|"
               r"m|cm|mm|ft|feet|foot|inch(?:es)?|yards?|g|lbs?|acres?|litres?|liters?|days|weeks|"
               r"months|years|hours|minutes")  # "rose to 52 m", "in 12 days"
# "around 400 participants", "by 120 cities", "in 48 rectangular beds": a count of things, not
# the year 400; nor is "increased from 24 to 32" two years.
_PLURAL_NEXT = (r"(?:\s+(?!(?:the|a|an|his|her|its|their|this|that|and|or|was|were|is)\b)[a-z-]+){0,2}?"
                r"\s+(?!(?:was|has|is|as|this|his|its|thus|yes|us|always|perhaps)\b)[a-z]+s\b")
_DATE = re.compile(rf"\b(1\d{{3}}|20\d\d)s?\b|\b(?<!\d\s)(?:in|by|from|since|until|till|to|around|circa|"
                   rf"c\.|year|AD|CE|BC|BCE)\s+\d{{2,3}}\b(?!\s*[%°]|\s*(?:{_UNIT_WORDS})\b|{_PLURAL_NEXT}|"
                   rf"\s+(?:to|and)\s+\d)|\b\d{{2,4}}\s+(?:AD|CE|BC|BCE)\b|"
                   rf"\b((?-i:{_NAMED_MONTHS}))\b|\b\d{{1,2}}(st|nd|rd|th)\b", re.I)
# ISO 4217 codes of currencies a brief may state amounts in ("GHS 120,000", "DKK 44.5 million")
CURRENCY_CODES = ("USD|EUR|GBP|CHF|INR|KRW|JPY|CNY|RMB|TWD|HKD|SGD|AUD|NZD|CAD|PLN|SEK|NOK|DKK|ISK|"
                  "CZK|HUF|RON|BGN|TRY|RUB|UAH|GEL|AMD|AZN|KZT|UZS|BRL|ARS|CLP|COP|PEN|MXN|ZAR|"
                  "KES|NGN|GHS|ETB|TZS|UGX|RWF|XOF|XAF|MAD|TND|DZD|EGP|AED|SAR|QAR|KWD|OMR|BHD|"
                  "JOD|ILS|IDR|THB|VND|MYR|PHP|PKR|BDT|LKR|NPR|KHR|LAK|MMK|MNT")
_MONEY = re.compile(rf"[$€£₹₩¥]|\b({CURRENCY_CODES.lower()}|dollars?|euros?|"
                    r"pounds sterling|yen|yuan|francs?|kron(?:or|er|a|e)|"
                    r"shillings?|pesos?|rupees?|crores?|lakhs?|million|billion|trillion|"
                    # other and older currencies: "six guilders", "18,000 florins", "40 ducats"
                    r"guilders?|florins?|ducats?|lire|lira|livres?|thalers?|reais|"
                    r"r[ou]ubles?|dinars?|dirhams?|riyals?|rials?|baht|ringgit|"
                    r"naira|cedis?|kwacha|zloty|zlotys|forints?|korun[ay]?|escudos?|"
                    r"pesetas?|drachmas?|pence|cents?|denarii|sesterces|"
                    r"taels?|rupiah|bitcoins?|riksdaler|rixdollars?|scud[io]|zecchin[io]|"
                    r"reichsmarks?|deutschmarks?|pfennigs?|groschen|kreuzers?|kopeks?|kopecks?|"
                    r"piast(?:er|re)s?|[ée]cus|doubloons?|pistoles?|maravedis|reales|shekels?|"
                    r"solidi|bezants?)\b"
                    # a number given as what something cost, in any unit: "a grant of 600
                    # riksdaler", "at a cost of 142 million"
                    r"|\b(?:cost|costs|costing|grant|payment|price|sum|fee|fine|budget|salary|"
                    r"wage|wages|loan|donation|subsidy|ransom|paid|raised|awarded)\s+(?:of\s+)?"
                    r"(?:(?:about|around|some|nearly|over|almost|approximately|roughly|more than|"
                    r"less than|only|just)\s+)?\d"
                    # currencies that are also common words ("won the cup", "marks the start",
                    # "the real reason") only after a number: "4,000 marks", "2 million won"
                    r"|\b\d(?:[\d,.]*\d)?\s+(?:(?:million|billion|thousand)\s+)?(?:marks?|crowns?|real|"
                    r"rand|won|talents?|dong|lei|leu|sovereigns?|sous|taka)\b", re.I)
_DIGITS = re.compile(r"\b\d[\d,.]*\b(?!\s*(st|nd|rd|th)\b)")  # a number, not an ordinal ("20th")
_COUNT = re.compile(_DIGITS.pattern + r"|\b(one|two|three|four|five|six|seven|eight|nine|ten|"
                    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
                    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                    r"hundred|hundreds|thousand|thousands|million|billion|"
                    r"dozen|dozens|several|many)\b", re.I)
_PLACE = re.compile(r"\b(?:in|at|from|near|to|across|outside|inside|within|throughout|between|"
                    r"on|out\s+of)\s+(?:the\s+)?[A-Z][\w-]+|\bby\s+the\s+[A-Z][\w-]+|"  # not "chaired by Petr"
                    r"\b[A-Z][\w-]+-based\b|"
                    r"\b[A-Z][\w-]+\s+(?:campus|province|prefecture|district|region|county|state)\b|"
                    r"\b(?:city|town|capital|port) of [A-Z][\w-]+|"
                    # a labelled place in a table row or a key-value line: "| Secretariat | Hanoi |",
                    # "Headquarters: Lisbon", "Host city - Tartu"
                    r"(?i:\b(?:location|located|city|cities|seat|secretariat|headquarters|hq|host|"
                    r"hosted|base|based|site|country|countries|venue|office|offices|address)"
                    r"(?: [a-z]+)?\s*[|:–-]\s*)[A-Z][\w-]+")
# A name in a sentence: capitalised words that do not open it ("The", "It") and are not months.
_NAMED = re.compile(r"(?:(?<![.!?]\s)(?<!^)|(?<=Mr\.\s)|(?<=Ms\.\s)|(?<=Mrs\.\s)|(?<=Dr\.\s)|"
                    r"(?<=Prof\.\s))\b[A-Z][\w'’.-]*(?:\s+(?:of|de|da|di|van|von|der|bin|al|"
                    r"the|and|&)?\s*[A-Z][\w'’.-]*)*")


# "What is AGON?", "Tell me about the Skagerrak Monitoring Programme.": what the named thing is
_DEFINITION_Q = re.compile(r"^\s*(?i:what\s+(?:is|are|was|were|does|do)|tell\s+me\s+about|describe)"
                           r"\s+(?:the\s+)?(?:[A-Z][\w'’&-]*(?:\s+(?:of|for|and|on|the|de|&))*\s*)+"
                           r"(?:do|stand for)?\s*[?.!]?\s*$")
# A sentence saying what something is: it defines an acronym, or "X is a ...", "was founded ..."
_DEFINES = re.compile(r"\([A-Z][A-Za-z]{1,6}\)|\b(?:is|are|was|were)\s+(?:a|an|the|one)\b|"
                      r"\b(?:founded|established|launched|created|set up)\b", re.I)


# what a capitalised name after "in" may be besides a place: "participation in the Pax Silica
# initiative", "leadership in Forum on Resource Geostrategic Engagement"
_UNDERTAKINGS = frozenset(
    "initiative programme program project sector scheme mission alliance partnership agreement "
    "treaty framework forum dialogue committee council campaign strategy policy plan fund award "
    "prize series festival competition league cup".split())
_NAME_BEFORE = re.compile(r"(?:[A-Z][\w'’-]*\s+(?:(?:of|on|for|and|the)\s+)?)+$")
_NAME_GOES_ON = re.compile(r"(?:\s+(?:(?:of|on|for|and|the)\s+)?[A-Z][\w'’-]*)*\s+([a-z]+)")


_COUNTRY_Q = re.compile(r"\b(?:which|what)\s+(?:country|countries|nation|nations|state|states)\b",
                        re.I)
_COUNTRY_BEFORE = re.compile(r"\b([A-Z][\w'’]*)[-\s](?:led|backed|funded|owned|run|sponsored|based|"
                             r"born|made|driven)\b")  # "a United States-led", "the India driven"


def _names_an_undertaking(sentence: str, place: re.Match[str]) -> bool:
    """The capitalised name ``place`` found after "in" names an initiative, a forum, a
    programme... (by one of its words or the common noun after it), not a place."""
    goes_on = _NAME_GOES_ON.match(sentence, place.end())
    before = _NAME_BEFORE.search(sentence[:place.start()])  # "Forum" of "Forum on Resource"
    words = re.findall(r"[A-Za-z]+", (before.group(0) if before else "") + place.group(0) +
                       (goes_on.group(0) if goes_on else ""))
    return any(w.lower().rstrip("s") in _UNDERTAKINGS or w.lower() in _UNDERTAKINGS
               for w in words if w[0].isupper() or goes_on and w == goes_on.group(1))


def _names_no_place(word: str) -> bool:
    """A capitalised word after "in" that is no place: a language ("known in French as"), a
    month or a day ("launched in February 2026")."""
    return bool(_LANGUAGE.match(word) or _MONTH_OR_DAY.fullmatch(word))


_MONTH_OR_DAY = re.compile(_MONTHS + "|monday|tuesday|wednesday|thursday|friday|saturday|sunday",
                           re.I)
_LANGUAGE = re.compile(r"(?:English|French|German|Spanish|Italian|Portuguese|Dutch|Russian|Chinese|"
                       r"Japanese|Korean|Arabic|Hindi|Swedish|Norwegian|Danish|Finnish|Polish|Greek|"
                       r"Turkish|Latin|Swahili|Mandarin|Catalan|Czech|Hungarian|Romanian|Ukrainian)$")


def expected_types(question: str) -> set[str]:
    """The kinds of fact ``question`` asks for ("date", "duration", "frequency", "money", "share", "amount", "quantity",
    "magnitude", "place", "author", "agent", "leader", "title", "expansion:<ACRONYM>", "role:<word>",
    "definition")."""
    found: set[str] = set()
    if _DATE_Q.search(question):
        found.add("date")
    if _FREQUENCY_Q.search(question):
        found.add("frequency")
    elif _DURATION_Q.search(question):
        found.add("duration")
    elif _SHARE_Q.search(question):
        found.add("share")
    elif _MONEY_Q.search(question) and not _MEANS_Q.search(question) and \
            not _ASKS_A_THING.match(question) and \
            not re.match(r"\s*(?:who|whom|where|by\s+how\s+much)\b", question, re.I):
        found.add("money")  # not "Who was the first woman to earn a doctorate?", "Where did
        # she earn her PhD?"
    elif _AMOUNT_Q.search(question):
        found.add("amount")
    elif _MAGNITUDE_Q.search(question):
        found.add("magnitude")
    elif _QUANTITY_Q.search(question) and not _ENUMERATION_Q.search(question):
        found.add("quantity")
    if _AUTHOR_Q.search(question):
        found.add("author")
    elif _LEADS_Q.search(question):
        found.add("leader")
    elif _AGENT_Q.search(question) or _WORK_AUTHOR_Q.search(question):
        found.add("agent")
    elif _TITLE_Q.search(question):
        found.add("title")
    elif _PLACE_Q.search(question) and "date" not in found and not _PLACE_GIVEN.search(question) \
            and not _HOW_FAR.search(question):  # "How far from X is Y located?": a distance
        found.add("place")
    expansion = _EXPANSION_Q.search(question)
    if expansion:
        found.add(f"expansion:{expansion.group(1) or expansion.group(2)}")
    role = _ROLE_Q.search(question)
    if role:
        found.add(f"role:{role.group(1).lower()}")
    elif not found & {"author", "agent"}:
        held = _held(question)
        rank = held and re.search(rf"\b({_RANKS})[\s-]+(?:[a-z][\w-]*\s+)?{re.escape(held)}\b",
                                  question, re.I)
        if rank:  # "Who is the deputy chair of X?" is answered by "Her deputy is Y"; "Who was
            # the first secretary-general of X?" by a sentence saying who was the first
            found.add(f"role:{rank.group(1).lower()}")
        elif held and held not in _NOT_A_ROLE:
            found.add(f"role:{held}")
    if not found and _DEFINITION_Q.match(question):
        found.add("definition")
    return found


@lru_cache(maxsize=256)
def _held(question: str) -> str:
    """The role or thing a "Who is the ... of X?" or "What is the name of X's ...?" question
    asks the holder of ("secretary" of "Who was the first general secretary of X?")."""
    named = _HOLDER_Q.search(question) or _NAME_OF_Q.search(question)
    return next((g for g in named.groups() if g), "").lower() if named else ""


# Superlatives and their opposites: "the longest is the Velde" does not say which is the shortest
# ("most"/"least" and "first"/"last" are left out: "at least", "last year" say no such thing)
_OPPOSITES = [("largest", "smallest"), ("biggest", "smallest"), ("longest", "shortest"),
              ("highest", "lowest"), ("most", "fewest"), ("earliest", "latest"),
              ("oldest", "newest"), ("oldest", "youngest"), ("best", "worst"),
              ("richest", "poorest"), ("tallest", "shortest"), ("maximum", "minimum"),
              ("heaviest", "lightest"), ("deepest", "shallowest"), ("fastest", "slowest"),
              ("strongest", "weakest"), ("widest", "narrowest"),
              # and a few verbs and adjectives of opposite sense: "brought forward the release"
              # does not say who pushed it back
              ("positive", "negative"), ("won", "lost"), ("increased", "decreased"),
              ("rose", "fell"), ("accepted", "rejected"), ("postponed", "advanced"),
              ("delayed", "advanced"), ("approved", "rejected"),
              # directions, seasons and sexes: "joins from the west" is not "from the east"
              ("east", "west"), ("eastern", "western"), ("north", "south"),
              ("northern", "southern"), ("summer", "winter"), ("spring", "autumn"),
              ("male", "female"), ("lowest", "peak"), ("beat", "losing"), ("beat", "lost")]
_PHRASAL = (("pushed back", "postponed"), ("brought forward", "advanced"),
            ("moved up", "advanced"))
_OPPOSITE_OF: dict[str, set[str]] = {}
for _one, _other in _OPPOSITES:
    _OPPOSITE_OF.setdefault(_one, set()).add(_other)
    _OPPOSITE_OF.setdefault(_other, set()).add(_one)


def states_the_opposite(question: str, sentence: str) -> bool:
    """``sentence`` gives the opposite superlative (or verb, or adjective) of the one
    ``question`` asks with and not that one ("Which is the shortest tributary?" - "the longest
    is the Velde"; "Who pushed back the release?" - "Paramount brought forward the release")."""
    said = set(_words(sentence))
    asked = _asked_senses(question)
    return any(not (w in said) and _OPPOSITE_OF[w] & said for w in asked & set(_OPPOSITE_OF)) \
        or any(not (w in said) and said & {p + w for p in ("in", "un", "im", "non")}
               for w in asked if len(w) >= 6)  # "inconsistent" for "consistent"


def _words(text: str) -> list[str]:
    lowered = text.lower()
    for phrase, word in _PHRASAL:
        lowered = lowered.replace(phrase, word)
    return re.findall(r"[a-z]+", lowered)


_NEGATORS = frozenset("not never no neither nor without cannot".split())
_NEGATING_VERBS = frozenset("declined refused failed unable ceased".split())


def denies(question: str, sentence: str) -> bool:
    """``sentence`` says that what the question asks about did not happen: every mention of one
    of the question's words is negated ("declined to admit her as a full member" for "When was
    she admitted as a full member?"). A question that negates something itself is left alone."""
    asked = _asked_words(question)
    if not asked:
        return False
    words = re.findall(r"[A-Za-z]+(?:n't)?|[,;:()]", sentence.lower())
    if not any(w in _NEGATORS or w in _NEGATING_VERBS or w.endswith("n't") for w in words):
        return False  # nothing negated: most sentences, and no word need be analysed
    stems = [_terms(w) for w in words]
    for term in asked:
        places = [i for i, found in enumerate(stems) if term in found]
        if places and all(_negated(words, i) for i in places):
            return True
    return False


# Numbers written as words, with their digits ("eight" -> "8")
SPELLED_NUMBERS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())} | {
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
    "ninety": "90", "hundred": "100"}
# a number and the one or two words after it: "five minutes", "three more films"
_NUMBER_AND_NOUN = re.compile(rf"\b(\d{{1,3}}(?:,\d{{3}})*|{'|'.join(SPELLED_NUMBERS)})\s+"
                              r"([a-z][\w-]*)(?:\s+([a-z][\w-]*))?", re.I)
_BEFORE_THE_NOUN = frozenset("more additional extra other further new consecutive separate "
                             "different successive straight".split())


def counts_otherwise(question: str, sentence: str) -> bool:
    """``sentence`` gives another number of a thing ``question`` gives a number of, and never
    the asked one ("he has three minutes to escape" for "Who tells Bond he has five minutes to
    escape?", "signed on for two more films" for three)."""
    asked = _numbers_of_things(question)
    if not asked:
        return False
    said = _numbers_of_things(sentence)
    return any(thing in said and not (counts & said[thing]) for thing, counts in asked.items())


# A time a question pins its fact to ("as of late March 2024", "in 2023"), not one it relates
# it to ("before 2020", "since May 2019"); a month is read with the year after it.
_RELATIONS = r"before|after|since|until|till|from|between|through|prior\s+to|up\s+to"
_PINNED_TIME = re.compile(rf"(?<!\w)(?:(?:{_RELATIONS})\s+"
                          rf"(?:(?:the\s+)?(?:end|start|beginning)\s+of\s+)?)?"
                          rf"(?:({_MONTHS})\.?\s+(?:\d{{1,2}},?\s+)?)?"
                          rf"(1[5-9]\d\d|20\d\d)(?![\w–-])", re.I)
_YEAR_SPAN = re.compile(r"\b(1[5-9]\d\d|20\d\d)\s*(?:–|-|—|to|and|through|until)\s*"
                        r"(1[5-9]\d\d|20\d\d|\d\d)\b")
_RELATING = re.compile(rf"^(?:{_RELATIONS})\b", re.I)


def _times(text: str) -> set[tuple[str, str]]:
    """The (year, month) pairs ``text`` states, month "" where only a year is given; a span of
    years ("2022–2026", "from 2022 to 2026") states every year in it."""
    found = {(m.group(2), (m.group(1) or "")[:3].lower()) for m in _PINNED_TIME.finditer(text)}
    for span in _YEAR_SPAN.finditer(text):
        first, last = int(span.group(1)), span.group(2)
        end = int(last) if len(last) == 4 else int(span.group(1)[:2] + last)
        found |= {(str(y), "") for y in range(first, min(end, first + 50) + 1)}
    return found


@lru_cache(maxsize=256)
def _pinned_times(question: str) -> frozenset[tuple[str, str]]:
    """The (year, month) pairs ``question`` pins its fact to (read once per question, not once
    per sentence scored against it)."""
    question = _YEAR_SPAN.sub(" ", question)  # "between 2021 and 2022" pins no time
    return frozenset((m.group(2), (m.group(1) or "")[:3].lower())
                     for m in _PINNED_TIME.finditer(question) if not _RELATING.match(m.group(0)))


def dated_otherwise(question: str, sentence: str, context: str = "") -> bool:
    """``question`` pins its fact to a time ("How many rooms were in operation as of late March
    2024?") and ``sentence`` states times, none of them that one ("By 30 September 2024, 58
    rooms were in operation"): it gives the fact at another time. Its ``context`` (the brief's
    title "Annual Report 2022", its heading) may state the time for it."""
    asked = _pinned_times(question)
    if not asked:
        return False
    said = _times(sentence)
    if not said:
        return False
    said_around = said | _times(context)
    years = {year for year, _ in said_around}
    return not any((year, month) in said_around or (year, "") in said_around if month
                   else year in years for year, month in asked)


# "When was the Network's dedicated monitoring satellite launched?": the thing whose date is
# asked is the satellite, not the network
_POSSESSED_Q = re.compile(r"^\s*(?:when|in\s+what\s+year|what\s+year|where)\s+(?:is|was|were|are|did|"
                          r"does|do|has|had)\s+[^?]*?['’]s?\s+(?:[a-z][\w-]*\s+){0,3}?"
                          r"([a-z][\w-]*?)\s+(?:[a-z]+ed|built|held|begun|set\s+up|made|shut|"
                          r"open|launch|found|establish|sign|build|start|begin|locat|bas)\b", re.I)


def misses_the_possessed(question: str, text: str) -> bool:
    """``text`` does not name the thing the question asks the date or place of, which belongs
    to its subject ("When was the Network's dedicated monitoring satellite launched?" is not
    answered by a date of the network's)."""
    asked = _POSSESSED_Q.match(question)
    return asked is not None and not set(_terms(asked.group(1))) & set(_terms(text))


@lru_cache(maxsize=256)
def _numbers_of_things(text: str) -> dict[str, frozenset[str]]:
    """Each thing ``text`` counts (an analysed term) with the numbers it gives of it."""
    found: dict[str, set[str]] = {}
    for m in _NUMBER_AND_NOUN.finditer(text):
        number, first, second = m.group(1).lower(), m.group(2).lower(), (m.group(3) or "").lower()
        value = SPELLED_NUMBERS.get(number, number.replace(",", ""))
        nouns = [first] + ([second] if second and first in _BEFORE_THE_NOUN else [])
        for term in _terms(" ".join(nouns)):
            found.setdefault(term, set()).add(value)
    return {thing: frozenset(counts) for thing, counts in found.items()}


@lru_cache(maxsize=64)
def _asked_words(question: str) -> frozenset[str]:
    """The question's words that say what happened (not its names), unless it negates."""
    from ..indexing.lexical import terms

    lowered = question.lower()
    if re.search(r"\b(not|never|no|without|n't|nor|refus\w*|declin\w*|fail\w*|reject\w*|unable|"
                 r"ceas\w*|veto\w*|rather\s+than|instead\s+of)\b|n't\b", lowered):  # "Which board refused to finance ...?"
        return frozenset()
    plain = [w for w in re.findall(r"[A-Za-z]+", question) if w[0].islower()]
    return frozenset(t for w in plain for t in terms(w, drop_question_words=True))


# "no fewer than 40 ships", "not only the port", "not until 1850": no denial
_NOT_DENYING = frozenset("fewer more less only least until long later earlier sooner".split())


# words that may stand between a negation and what it negates: "was never formally opened",
# "declined to admit", "did not yet approve the"
_LIGHT = frozenset("be been being yet ever even fully formally officially actually again have has "
                   "had get got to the a an its their his her".split())
# A decision not taken leaves its whole object undone: "did not approve the purchase of a
# sixth aircraft", "declined to fund a Livonian text-to-speech system" (not "decided not to
# renew their contract", which may well be what is asked: "let their contract lapse")
_DECIDED = re.compile(r"(?:approv|fund|financ|back|endors|ratif|adopt|authori[sz]|sanction|agree|"
                      r"accept|build|buy|purchas|grant|allocat|commission|pay|join)\w*")
# Where what such a negation governs ends: "did not approve the levy, and the fund ..."
_CLAUSE_ENDS = frozenset(", ; : ( ) and but which who whom that while because instead so or "
                         "whereas although though when after before since until unless than".split())
NEGATION_REACH = 8  # words from a negation to the last word it governs


def _negated(words: list[str], i: int) -> bool:
    """The word ``words[i]`` is negated: a negation stands before it with only light words or
    verbs chained by "to" between ("was never opened", "declined to admit", "would not return
    to direct"; not the "zones" of "fish do not respect exclusive economic zones"), or it is in
    the object of a decision not taken ("did not approve the purchase of a sixth aircraft")."""
    j = i - 1
    while j >= 0 and i - j <= 4 and words[j] not in _NEGATING_VERBS and \
            (words[j] in _LIGHT or words[j + 1] == "to"):
        j -= 1  # a light word, or a verb before "to": "would not return to direct"
    if j >= 0 and i - j <= 4 and _negates(words, j):
        return True
    return _in_a_decision_not_taken(words, i)


def _negates(words: list[str], j: int) -> bool:
    w, nxt = words[j], words[j + 1]
    return (w in _NEGATORS or w.endswith("n't")) and nxt not in _NOT_DENYING or \
        w in _NEGATING_VERBS and nxt == "to"


def _in_a_decision_not_taken(words: list[str], i: int) -> bool:
    """``words[i]`` is in what a negated decision verb governs, in its clause."""
    for j in range(i - 1, max(0, i - 1 - NEGATION_REACH), -1):
        if words[j] in _CLAUSE_ENDS:
            return False
        if _DECIDED.fullmatch(words[j]):
            k = j - 1
            while k >= 0 and words[k] in _LIGHT and j - k <= 3:
                k -= 1
            if k >= 0 and _negates(words, k):
                return True
    return False


@lru_cache(maxsize=64)
def _asked_senses(question: str) -> frozenset[str]:
    """The question's lower-case words, once per question (every candidate sentence asks)."""
    return frozenset(_words(" ".join(w for w in question.split() if not w[:1].isupper())))


def asks_enumeration(question: str) -> bool:
    """"How many X does the brief list/name?": answered by listing them."""
    return _ENUMERATION_Q.search(question) is not None


def supplies(kind: str, sentence: str, sentence_kind: str, question: str) -> bool:
    """True when ``sentence`` states a fact of ``kind`` that the question does not already give
    (not in a clause about another body: "Unlike the Aegean Fund, which is based in
    Thessaloniki, the Trust ..." says where the Aegean Fund is, not the Trust)."""
    if kind in _OF_A_SUBJECT:
        sentence = without_others_clauses(sentence, question)
    if kind == "date":
        if _PAST_Q.search(question) and _TARGET.search(sentence):
            sentence = _TARGET_DATE.sub(" ", sentence)  # "aim to digitize ... by 2030": no launch
        return _new_match(_DATE, sentence, question) and _tells_the_life_event(sentence, question) \
            and not (_FOUNDED_WHEN_Q.search(question) and not _FOUNDING_OR_SINCE.search(sentence))
    if kind == "money":
        return _new_match(_MONEY, sentence, question) and _COUNT.search(sentence) is not None
    if kind == "share":
        return _new_match(SHARE, sentence, question)
    if kind == "amount":
        return _new_match(_COUNT, _without_dates(sentence), question) or _new_match(_MONEY, sentence,
                                                                                   question)
    if kind == "agent":
        if _FOUNDED_Q.search(question) and not _names_a_founder(sentence):
            return False  # "Who founded Kestrel?": its chief executive is not its founder
        return sentence_kind == "byline" or _new_name(sentence, question)
    if kind == "leader":
        led = _LED_PART.search(question)
        if led and not set(_terms(led.group(1))) & set(_terms(sentence)):
            return False  # "Who chairs the scientific committee of X?": not X's director
        return _names_a_leader(sentence, question) and (
            _new_name(sentence, question) or _CO_LEADS_Q.search(question) is not None
            and _CO_LED_BY.search(sentence) is not None)  # "co-chaired by two countries"
    if kind == "quantity":
        sentence = _UNIT_SYMBOL.sub(lambda m: f"{m.group(1)} {_UNIT_NAMES[m.group(2).lower()]}",
                                    sentence)  # "1,870 km" counts kilometres
        counted = counted_terms(question)
        if counted and not counted & set(_terms(sentence)):
            return False  # "How many field stations ...?": a count of cities is not the answer
        plain = _without_dates(sentence)
        if counted and not re.search(r"\bnumbers? of\b", sentence, re.I):
            # "28 endemic bird species", not "the two islands" beside "birds" ("the number of
            # aircraft deployed ... to over 150" names what it counts first)
            given = {m.group(0).lower() for m in _COUNT.finditer(question)}
            return any(m.group(0).lower() not in given
                       and counted & set(_terms(" ".join(_after_a_measure(plain[m.end():]))))
                       for m in _COUNT.finditer(plain))
        return _new_match(_COUNT, plain, question)
    if kind == "frequency":  # "every two years", "annually", "twice a month"
        return FREQUENCY.search(sentence) is not None
    if kind == "duration":  # stated as a span ("for three years") or by dates to subtract
        return _new_match(_DATE, sentence, question) or _new_match(_COUNT, _without_dates(sentence),
                                                                   question)
    if kind == "magnitude":
        if _LENGTH_Q.search(question) and not _states_the_length(sentence, question):
            return False
        if _WEIGHT_Q.search(question) and not _WEIGHT.search(sentence):
            return False
        return _new_match(_DIGITS, _without_dates(sentence), question) or \
            _LENGTH_Q.search(question) is not None and _new_match(_LENGTH, sentence, question)
    if kind == "place":  # "in the Mekong Delta" is no answer to "Where is the Mekong Delta X?",
        # nor "known in French as" or "in February 2026" to any "where"
        asked = {w.lower() for w in re.findall(r"[^\W\d_][\w'’-]*", question)}
        for m in _PLACE.finditer(sentence):
            if _names_an_undertaking(sentence, m):
                continue  # "in the Pax Silica initiative" is no place
            named = re.findall(r"\b[A-Z][\w'’-]*", m.group(0))
            if not {w.lower() for w in named} <= asked and not all(map(_names_no_place, named)):
                return True
        # "Led by which country?": "a United States-led initiative" names it
        return _COUNTRY_Q.search(question) is not None and any(
            m.group(1).lower() not in asked for m in _COUNTRY_BEFORE.finditer(sentence))
    if kind == "author":
        return sentence_kind == "byline"
    if kind == "title":
        return sentence_kind == "title"
    if kind.startswith("expansion:"):
        acronym = re.escape(kind.split(":", 1)[1])
        before = rf"(?:\S+\s+){{1,12}}\({acronym}\)"  # "... emerging technologies (CET)"
        after = rf"\b{acronym}\s*\([^)]{{4,}}\)"  # "KFTC (Korea Financial ...)"
        return re.search(f"{before}|{after}", sentence) is not None
    if kind == "definition":  # never a line leading into a list, nor one of its items
        return not sentence.rstrip().endswith(":") and not re.match(r"\s*(?:[-*•]|\d{1,2}[.)])\s",
                                                                    sentence) \
            and _DEFINES.search(sentence) is not None
    if kind.startswith("role:"):  # the role, and a name the question does not give: its holder
        role = _SAME_RANK.get(kind[5:], re.escape(kind[5:]))
        doer = _DOER.match(kind[5:])
        if doer and kind[5:] not in _SAME_RANK:  # "discoverer": "was discovered in 1782 by X"
            role = rf"{role}|{doer.group(1)}(?:e?d|ing)\b"
        if kind[5:] in _ORDINAL_RANKS and (held := _held(question)):
            # "its first general secretary, Jakob Lind", not "general secretary from 1946 ... and
            # the first woman to lead a union"
            role = rf"(?:{role})(?:[\s-]+[\w-]+){{0,2}}?[\s-]+{re.escape(held)}"
        return re.search(rf"\b(?:{role})", sentence, re.I) is not None \
            and _new_name(sentence, question)
    return True


def _after_a_measure(text: str) -> list[str]:
    """The four words after a number, and past a measure the four after it: "800 kilograms of
    an alginate-based biostimulant" counts kilograms and biostimulant."""
    words = text.split()
    if len(words) > 1 and re.fullmatch(_UNIT_WORDS, words[0], re.I) and words[1] == "of":
        after = words[2:]
        after = after[1:] if after and after[0].lower() in ("a", "an", "the") else after
        return words[:4] + after[:4]
    return words[:4]


# A role named after what its holder does: "discoverer", "composer", "inventor", "translator"
_DOER = re.compile(r"^([a-z]{4,}?)e?(?:er|or)$")
# "How many of the eight soldiers survived?" counts soldiers
_COUNTED = re.compile(r"\b(?:how many|number of|quantity of)\s+(?:of\s+(?:the|its|his|her|their|these|those)\s+"
                      r"(?:[\d,]+\s+|(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                      r"twenty|thirty|forty|fifty|hundred)\s+)?"
                      r"(?:[a-z][\w-]*['’]s?\s+)?)?"  # "of the programme's cold rooms"
                      r"((?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*)", re.I)
_NOT_COUNTED = {"of", "in", "on", "at", "for", "to", "by", "from", "with", "does", "did", "do",
                "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could",
                "the", "a", "an", "and", "or", "that", "which", "who", "there", "it", "they",
                "between", "among", "about", "during", "after", "before", "under", "over", "into"}


# Verbs of the events briefs report, each group one meaning: a sentence saying one of them
# says what a question asking another asks ("When did BIBP move to Gdańsk?" - "BIBP relocates
# to Gdańsk")
_SAME_MEANING = ("move moved relocate relocated transfer transferred",
                 "found founded establish established",
                 "head headed lead led direct directed",
                 "start started begin began begun commence commenced",
                 "finish finished complete completed",
                 "die died death", "born birth",
                 "build built construct constructed",
                 "buy bought purchase purchased acquire acquired",
                 "employ employed employees staff")
# Things counted under another name: "How many bids ...?" - "19 tenders were received" (for
# counts only: "propose" and "proposal" are one term)
_SAME_THING = ("bid bids tender tenders",
               "proposal proposals application applications submission submissions")


@lru_cache(maxsize=2)
def _meanings(groups: tuple[str, ...] = _SAME_MEANING) -> dict[str, frozenset[str]]:
    sets = [frozenset(_terms(g)) for g in groups]
    return {t: g for g in sets for t in g}


def same_meaning(sentence_terms: set[str], groups: tuple[str, ...] = _SAME_MEANING) -> set[str]:
    """The terms that mean what one of ``sentence_terms`` means ("move" for "reloc")."""
    meanings = _meanings(groups)
    return {t for term in sentence_terms & meanings.keys() for t in meanings[term]}


def counted_terms(question: str) -> set[str]:
    """The analysed terms of the things a "how many" question counts ("How many field stations
    does it have?" -> field, station), up to its first function word."""
    found = _COUNTED.search(question)
    if not found:
        return set()
    words = []
    for word in found.group(1).split():
        if word.lower() in _NOT_COUNTED:
            break
        words.append(word)
    counted = set(_terms(" ".join(words)))
    counted |= same_meaning(counted, _SAME_THING)  # "bids": "19 tenders were received"
    if counted & set(_terms(_PEOPLE)):  # "How many people (work there)?": "three
        return counted | _people()  # representatives", "seven experts", "about 140 staff"
    return counted


# "How many people ...?" is answered by a count of people under any of these names
_PEOPLE = "people persons individuals"


@lru_cache(maxsize=1)
def _people() -> set[str]:
    return set(_terms(
        "representatives members experts staff employees researchers scientists workers "
        "residents delegates officials students fellows engineers technicians volunteers "
        "inhabitants participants doctors nurses teachers soldiers"))


def _terms(text: str) -> list[str]:
    from ..indexing.lexical import terms

    return terms(text)


# Who did it, after a passive verb: "by" and the agent's first word (right after the verb, or
# a few words later: "founded in 2008 by the Ministry").
_AGENT_AFTER_BY = r"\s+by\s+(?:(?:the|a|an|its|their)\s+)?(\S+)"
_BY_AGENT = re.compile(_AGENT_AFTER_BY)
# "by Dr. Rao", "by the Ministry", "by the farmer and activist Jean-Pierre Causse"
# "headed by the conservator Ma. Lourdes Dimaculangan": a role, then the one who holds it
_BY_ROLE_THEN_NAME = re.compile(r"\s+by\s+(?:the|a|an|its|their)\s+(?:[a-z][\w-]*\s+){1,3}[A-Z][\w'’.-]*\s+[A-Z]")
_BY_NAMED_LATER = re.compile(r"(?:\s+[^\s.;]+){0,5}?\s+by\s+(?:[a-z][\w-]*\s+){0,4}[A-Z]")
_FOUNDED_Q = re.compile(r"^\s*(?:who|by whom)\b.*\b(?:founded|co-founded|established|set up)\b", re.I)
_FOUNDING = re.compile(r"\b(?:(?:co-?)?found(?:ed|er|ers|ing)|establish(?:ed|es|ing)?|set up|"
                       r"creat(?:ed|es|ing|ors?)|start(?:ed|s|ing)?|launch(?:ed|es|ing)?|"
                       r"form(?:ed|ing)|initiat(?:ed|es|ing|ors?)|inaugurat(?:ed|es|ing))\b", re.I)


def _names_a_founder(sentence: str) -> bool:
    """The sentence says who founded something: a founding verb, and after a passive one
    ("was established in 2008", "Founded in 2014, it ...") a named agent ("by the Ministry",
    "by Dr. Rao")."""
    for cue in _FOUNDING.finditer(sentence):
        before = sentence[:cue.start()]
        passive = re.search(r"\b(?:was|were|is|are|been|being)\s+(?:\w+\s+)?$", before, re.I) \
            or not before.strip() or before.rstrip().endswith(",") and re.match(  # "Founded in
                r"\s+(?:in|on|at|by|during|around)\b", sentence[cue.end():])  # 2014, it ...", not
        # "the Bishop of Hallbrück, Conrad of Tessel, founded a hospice"
        by = _BY_NAMED_LATER.match(sentence, cue.end())
        if not passive or by is not None:
            return True
    return False


# "co-chaired by two countries" names no one; "led by Professor Annika Lindqvist" does.


_OF_A_SUBJECT = {"date", "money", "amount", "share", "quantity", "duration", "place", "leader", "magnitude",
                 "frequency"}
# "the Aegean Shoreline Fund, which is based in Thessaloniki and pays ...,", "India Korea Centre
# for Research & Innovation (IKCRI), which is based in New Delhi", "A separate Technology
# Transfer Programme, headed by Dr Moussa Konaté,": a clause about a named body, up to its end
BODY_NAME = "|".join(w.capitalize() for w in (
    "fund|council|commission|centre|center|institute|agency|alliance|partnership|consortium|"
    "trust|foundation|network|programme|program|observatory|laboratory|initiative|authority|"
    "board|committee|organisation|organization|association|secretariat|office|bank|forum|"
    "academy|university|society").split("|"))
_BODY_CLAUSE = re.compile(r"((?:[A-Z][\w'’-]*\s+(?:(?:of|for|and|&|the|on|de)\s+)*)*"
                          rf"(?:(?:{BODY_NAME})\b(?:\s*\([A-Z]{{2,6}}\))?|\(?[A-Z]{{2,6}}\)?))"
                          r",\s+(?:which|who|whose|headed|led|chaired|directed|run|managed|"
                          r"coordinated|based|founded|established|created|launched|hosted)\b[^,;]*[,;]?")


NAME_REACH = 60  # characters before a clause read as the name it is about ("Plateforme ... (PFQDS)")


def without_others_clauses(sentence: str, question: str) -> str:
    """``sentence`` without the relative clauses about named bodies the question names no word
    of."""
    if ", " not in sentence:
        return sentence

    def drop(m: re.Match) -> str:  # the body's name: the words before its acronym too
        named = sentence[max(0, m.start(1) - NAME_REACH):m.end(1)]
        return m.group(0) if set(_terms(named)) & _question_terms(question) else m.group(1) + ","
    return _BODY_CLAUSE.sub(drop, sentence)


@lru_cache(maxsize=64)
def _question_terms(question: str) -> frozenset[str]:
    """The question's terms, once per question (every candidate sentence asks)."""
    return frozenset(_terms(question))


@lru_cache(maxsize=64)
def _subject_of(question: str) -> frozenset[str]:
    """The question's subject terms, once per question (every candidate sentence asks)."""
    from .names import subject_terms

    return frozenset(subject_terms(question))


def _names_a_leader(sentence: str, question: str = "") -> bool:
    """A leading role in ``sentence`` whose holder it names: a passive "... by" must be
    followed by a name ("chaired by Dr. Rao", not "co-chaired by two countries"), and an active
    verb must not have the question's subject before it ("The Delta Skills Exchange (DSE) runs
    short courses" is what DSE runs, not who runs DSE)."""
    subject = _subject_of(question)
    for cue in _LEADER.finditer(sentence):
        if _CAUSED.match(sentence, cue.end()) and cue.group(0).lower() in ("led", "leads", "lead"):
            continue  # "Disputes led Uzbekistan to suspend its participation": no one leads
        by = _BY_AGENT.match(sentence, cue.end())
        if by is not None and not by.group(1)[:1].isupper() and not (
                cue.group(0).lower().startswith("co-") and _CO_LEADS_Q.search(question)) \
                and not _BY_ROLE_THEN_NAME.match(sentence, cue.end()):
            continue  # "co-chaired by two countries" does say who co-chairs, not who chairs
        if by is not None and _is_the_subject(sentence[by.start(1):], subject):
            continue  # "Forecasting is coordinated by the Forecasting Secretariat": it leads
        before = sentence[:cue.start()].split()[-6:]  # the verb's own subject, not "X, who"
        if by is None and _LEADING_VERB.fullmatch(cue.group(0)) and before and \
                before[-1].lower() not in ("who", "which", "that") and \
                subject & set(_terms(" ".join(before))):
            continue
        return True
    return False


_AGENT_NAME = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:of|for|and|&|the|on)?\s*[A-Z][\w'’.-]*)*")


def _is_the_subject(after_by: str, subject: frozenset[str]) -> bool:
    """The name after "by" is the question's subject itself ("coordinated by the Forecasting
    Secretariat" for "Who directs the Forecasting Secretariat?"): what it does, not who leads
    it."""
    name = _AGENT_NAME.match(after_by)
    named = set(_terms(name.group(0))) if name else set()
    return bool(named and subject and (subject <= named or named <= subject))


def _new_name(sentence: str, question: str) -> bool:
    """The sentence names someone or something (capitalised, not at its start, not a month)
    that the question does not already name."""
    from ..indexing.lexical import terms

    asked = set(terms(question))
    for match in _NAMED.finditer(sentence):
        name = match.group(0).rstrip(".'’")
        if name.isupper() and sentence[max(0, match.start() - 1):match.start()] == "(":
            continue  # "(TPTF)" after the name the question gives is no other name
        words = terms(name)
        if words and not set(words) <= asked and not re.fullmatch(_MONTHS, name, re.I):
            return True
    return False


_UNIT_NAMES = {"km": "kilometres", "km2": "square kilometres", "m": "metres", "cm": "centimetres",
               "mm": "millimetres", "kg": "kilograms", "t": "tonnes", "ha": "hectares",
               "l": "litres", "mw": "megawatts", "gw": "gigawatts", "kw": "kilowatts"}
_UNIT_SYMBOL = re.compile(rf"(\d)\s*({'|'.join(_UNIT_NAMES)})\b", re.I)


# "When was the Fund launched?" is not answered by a date set as a target ("Its teams aim to
# digitize 3.2 million pages by 2030")
_PAST_Q = re.compile(r"^\s*(?:when|in what year|in which year|what year)\s+(?:was|were|did|had)\b",
                     re.I)
_TARGET = re.compile(r"\b(?:aims?|aimed|target(?:s|ed)?|goal|plans?|planned|expected|will|seeks?|"
                     r"intends?|pledged|committed)\b", re.I)
_TARGET_DATE = re.compile(r"\b(?:by|until|through|to)\s+(?:the\s+end\s+of\s+)?(?:1\d{3}|20\d\d)\b",
                          re.I)


def _without_dates(sentence: str) -> str:
    return _DATE.sub(" ", sentence)


# "When was X born?" is not answered by a date of X's that is not a birth (a coin "dated 1796"
# showing him, the year he "died in exile"); a life span "(1851–1924)" gives both.
_BIRTH_Q = re.compile(r"\b(born|birth|birthday|birthdate)\b", re.I)
_DEATH_Q = re.compile(r"\b(die|died|dies|death)\b|\bpass(ed)? away\b", re.I)
_LIFE_SPAN = r"\(\s*[^()]*\d{3,4}\s*[–-][^()]*\d{3,4}\s*\)"
_BIRTH = re.compile(rf"\b(born|birth|née|nee)\b|\bb\.\s*\d|{_LIFE_SPAN}", re.I)
_DEATH = re.compile(r"\b(died|dies|dying|death|dead|killed|executed|murdered|drowned|perished|"
                    rf"buried|assassinated|suicide)\b|\bpassed away\b|\bd\.\s*\d|{_LIFE_SPAN}",
                    re.I)


# "When was the Polar Aviation Consortium founded?" is not answered by "In 2022 the PAC's members
# did not approve ..."; a founding, a start or "since" must be told
_FOUNDED_WHEN_Q = re.compile(r"^\s*(?:when|in\s+what\s+year|in\s+which\s+year|what\s+year)\s+(?:was|were|did)"
                             r"\b.*\b(?:founded|established|set\s+up|created|formed|found|establish|"
                             r"create|form)\s*\??\s*$", re.I)
_FOUNDING_OR_SINCE = re.compile(_FOUNDING.pattern + r"|\b(?:since|dat(?:es|ing)\s+(?:back|from)|"
                                r"incorporat\w*|charter\w*|constitut\w*|built|opened|began|begun)\b",
                                re.I)


def _tells_the_life_event(sentence: str, question: str) -> bool:
    """A date question about a birth or a death needs a sentence that tells of one."""
    if _BIRTH_Q.search(question) and not _BIRTH.search(sentence):
        return False
    return not (_DEATH_Q.search(question) and not _DEATH.search(sentence))


def _new_match(pattern: re.Pattern[str], sentence: str, question: str) -> bool:
    given = {m.group(0).lower() for m in pattern.finditer(question)}
    return any(m.group(0).lower() not in given for m in pattern.finditer(sentence))


_AUX = frozenset("is was are were does do did has have had can could will would should may "
                 "might must of in on for to by with".split())


def is_plural(word: str) -> bool:
    return (len(word) > 3 and word.endswith("s") and word not in _AUX
            and not word.endswith(("ss", "us", "is", "'s")))


def is_list_question(question: str) -> bool:
    """A question whose answer names several things: "Which topics...", "Which payment
    systems were...", "What are...", "List...", "How many X does the brief name?", or one that
    asks two things ("... and what...?")."""
    words = re.findall(r"[\w'-]+", question.lower())
    if not words:
        return False
    if words[0] in {"list", "name"} or asks_enumeration(question) or \
            re.search(r"\band (?:what|which|who|when|where|how)\b", question, re.I):
        return True
    if words[0] not in {"which", "what", "who"} or len(words) < 2:
        return False
    if words[1] in {"are", "were"} or (words[0] != "who" and is_plural(words[1])):
        return True
    if words[0] == "who":
        return False
    return len(words) > 3 and is_plural(words[2]) and words[3] in _AUX
