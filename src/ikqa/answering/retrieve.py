"""Find evidence: dense (Chroma) and BM25 chunk rankings fused, then sentences scored.

Chunk rankings are fused with reciprocal rank fusion, which needs no score calibration
between the two retrievers. Sentences of the fused top chunks (plus the best single
sentences by each retriever, so a fact is not lost to a chunk that ranks low) are then
scored on their own: similarity to the question, the IDF-weighted share of the question's
content terms they contain (a sentence opening with "This"/"It" also counts the sentence
it refers back to), the rank of the chunk they sit in, and whether they state the kind of
fact the question asks for. Sentences that state it rank above those that do not.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..config import Settings
from ..indexing.lexical import ANAPHOR, BODY_NOUNS, DESCRIPTION, NUMBERED, is_list_item, is_table_row, lead_of, \
    resolve_aliases, terms, variant_terms
from .names import NameMatcher, adjective_words, in_order, name_heads, name_phrases, name_words, \
    names_a_sibling, subject_terms
from .qtype import BODY_NAME, SEAT_WORDS, counts_otherwise, dated_otherwise, denies, \
    expected_types, misses_the_possessed, same_meaning, states_the_opposite, supplies, \
    without_others_clauses
from ..types import Evidence, brief_key, parse_sentence_id, sentence_id

if TYPE_CHECKING:
    import numpy as np

    from ..indexing.embed import Encoder
    from ..indexing.store import Store, StoredSentence

__all__ = ["says_where_it_sits", "asks_where_it_sits", "seat_terms", "same_meaning", "is_role_line",
           "named_by_acronyms",
           "Retriever", "Retrieval", "reciprocal_rank_fusion", "term_coverage",
           "most_telling"]

# Weights of the sentence evidence score; they sum to 1 so the score stays in [0, 1].
W_DENSE, W_COVERAGE, W_LEXICAL, W_CHUNK = 0.55, 0.25, 0.10, 0.10
# Added when a sentence states the kind of fact asked for (a date for "when"...).
W_TYPE = 0.15
# Subject anchoring: a sentence (read with the one it refers back to and its brief's title)
# must hold this IDF-weighted share of the names the question asks about, or it states its
# fact about another subject ("Its director is ..." of another centre): it then does not count
# as stating the kind of fact asked for. A byline is held to it too ("Who wrote the Aurora
# brief?" is not answered by another brief's author); only a title line is not.
ANCHOR_MIN = 0.34
FURTHER_HOPS = 2  # sentences further back a chain of "the consortium ..." is followed
# Taken off the score of a sentence that is not about the question's subject, whatever the
# question asks: "How is Kestrel funded?" (no kind of fact named) is answered by Kestrel's
# funding sentence before another programme's budget that scores a little higher. (Chosen on the
# dev splits: 0.04 changed no dev pass; 0.08 cost one.)
W_UNANCHORED = 0.04
# "Where is X based?": a sentence about X saying where something sits ("has its headquarters in
# Tulcea", "- Seat: Gaborone") over one naming a place in passing ("partners ... in Sofia",
# "Few bodies in Africa ...") that scores up to this much higher
SEAT_MARGIN = 0.5
SEAT_CHUNKS, SEAT_SENTENCES = 3, 6  # where to look for them, and how many at most
SEAT_TERMS = set(terms("seat headquarters headquartered based located hosted secretariat office"))
# "Which city will house the facility?": "house" as a verb
_SEAT = re.compile(rf"\b(?:{SEAT_WORDS}|host(?:s|ing)?|"
                   r"(?:(?<=will\s)|(?<=would\s)|(?<=shall\s))house)\b", re.I)
TITLE_SHARE = 0.5  # weight of the brief's title in a sentence's term coverage (see _evidence)
# An item of a bulleted list is read with the line that leads into the list, found among the
# this many sentences before it.
LIST_REACH = 12
# Sentences read, per acronym of the question, to find the one defining it (BM25 on the acronym
# alone favours short sentences that repeat it: "AGON's partners are:")
DEFINING_LOOKUP = 40
# A name counts as the question's subject when it is rare among the sentences, or when some
# brief never names it (it tells briefs apart): in a handful of short briefs every name is
# frequent ("Helix" in 4 of 21 sentences), yet "Who is the director of Helix?" is still about
# the briefs that name Helix, not the one that names another programme's director. (Dev, all
# three sets: at most half of the briefs and at most 70 % changed nothing; fewer than all of
# them answered one more confusion question.)
SUBJECT_BRIEF_SHARE = 0.99
# A sentence that states a name or a date but shares no meaning with the question ("Who won
# the 2030 world cup?" -> a sentence naming a "2026-2030" vision) does not state the fact asked.
RELEVANT_COVERAGE, RELEVANT_DENSE = 0.2, 0.3
SENTENCES_PER_RETRIEVER = 8
HEADER_MIN_COVERAGE = 0.3
# Header lines stand for what they are: the title names the brief, the byline its author.
_HEADER_WORDS = {"title": "title of the brief: ", "byline": "author who wrote: ",
                 "header": "author who wrote: "}


@dataclass
class Retrieval:
    """What retrieval found for one question: fused chunks and scored sentences, best first."""

    question: str
    chunks: list[tuple[str, float]]
    evidence: list[Evidence]
    query_terms: list[str]
    unknown_terms: list[str]
    chunk_spans: list[tuple[str, int, int]] = field(default_factory=list)  # (source, start, end)
    term_weights: dict[str, float] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)  # kinds of fact asked for (see qtype)
    matched: dict[str, str] = field(default_factory=dict)  # a question's name -> the indexed term
    previous: dict[str, str] = field(default_factory=dict)  # sentence id -> the sentence it refers back to
    # sentence id -> the sentence before an anaphor ("It was launched in Gdańsk."), whole, to cite
    referents: dict[str, Evidence] = field(default_factory=dict)
    # the question's nationality-like words ("Caspian") that no brief mentions even in part
    unknown_adjectives: list[str] = field(default_factory=list)
    # "What is objective 2 of X?": the ids of the items found by their place in X's list
    asked_items: set[str] = field(default_factory=set)
    # an acronym a brief gave a name the question spells out -> that name's terms ("BIBP")
    acronyms: dict[str, frozenset[str]] = field(default_factory=dict)


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists: each list gives an id ``1 / (k + rank)``; best total first.

    RRF is robust to the two retrievers' incomparable score scales (cosine vs BM25).
    """
    totals: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            totals[item] = totals.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def named_by_acronyms(text: str, acronyms: dict[str, frozenset[str]] | None) -> set[str]:
    """The terms of the names whose acronyms ``text`` says ("BIBP" -> baltic, institut, ...)."""
    return set().union(*(name for acronym, name in (acronyms or {}).items()
                         if re.search(rf"\b{acronym}\b", text)))


def term_coverage(question_terms: list[str], sentence_terms: set[str],
                  weights: dict[str, float] | None = None) -> float:
    """Share of the question's distinct content terms that the sentence contains,
    each term weighted (by IDF, so "IKCRI" counts more than "India") when weights are given."""
    wanted = set(question_terms)
    if not wanted:
        return 0.0
    weight = (lambda t: weights.get(t, 1.0)) if weights else (lambda t: 1.0)
    total = sum(weight(t) for t in wanted)
    return sum(weight(t) for t in wanted & sentence_terms) / total if total else 0.0


class Retriever:
    """Dense + BM25 retrieval over one ``Store`` with one query ``Encoder``."""

    def __init__(self, store: "Store", encoder: "Encoder", settings: Settings) -> None:
        self.store = store
        self.encoder = encoder
        self.settings = settings
        self.names = NameMatcher(store.vocabulary, store.idf)

    def retrieve(self, question: str) -> Retrieval:
        question = resolve_aliases(question, self.store.knows_term)
        vector = self.encoder.encode([question])[0]
        kinds = expected_types(question)
        matched = self._near_names(question)
        swap = {term: index_term for _, (term, index_term) in matched.items()}
        bm25_terms = [swap.get(t, t) for t in terms(question)]
        if "author" in kinds:
            bm25_terms.append("author")  # bylines are indexed as "Author of the brief ..."
        content_terms = [swap.get(t, t) for t in terms(question, drop_question_words=True)]
        weights = {t: self.store.idf(t) for t in content_terms}
        subject = {swap.get(t, t) for t in subject_terms(question)} & set(weights)
        rare = 0.5 * self.store.idf("\0")  # half the IDF of an unseen term: a specific name
        subject_weights = {t: weights[t] for t in subject if self.store.knows_term(t) and (
            weights[t] >= rare or self.store.brief_share(t) <= SUBJECT_BRIEF_SHARE)}
        named = self._naming_briefs(question, swap)
        chunks, chunk_cosines = self._fused_chunks(vector, bm25_terms)
        members = self.store.chunk_sentence_ids([c for c, _ in chunks])
        bm25 = self.store.bm25_sentence_scores(bm25_terms)
        # what is asked of the subject, without the subject's name (its rarest word): "chaired"
        # in "The Joint Committee is chaired by ..." under a title naming the subject, outscored
        # in BM25 by every sentence that repeats the name
        asked = [t for t in content_terms if t not in subject_weights] if subject_weights else []
        rarest = max(asked, key=lambda t: weights.get(t, 0.0), default=None)
        sentences = self._candidate_sentences(
            vector, bm25, chunks, members,
            self.store.bm25_sentence_scores([rarest, *_IRREGULAR.get(rarest, ())])
            if rarest is not None else {})
        if "place" in kinds and asks_where_it_sits(question):  # "- Seat: Gaborone" (Key facts)
            sentences.update(self._seats(sentences, [c for c, _ in chunks[:SEAT_CHUNKS]], members))
        acronyms = _acronyms_of_names(question, [s for s, _ in sentences.values()])
        if acronyms:  # "LVBFC had a budget of ..." for the Lake Victoria Basin Fisheries Centre
            sentences.update(self._naming(sentences, list(acronyms), asked))
        nth = asked_item(question)
        if nth is not None:  # "What is objective 2 of X?": the item under each list of them
            sentences.update(self._nth_items(sentences, nth))
        else:  # "Who are AGON's partners?": every item under "AGON's partners are:"
            sentences.update(self._list_items(sentences))
        context = _context_similarity(members, chunk_cosines)
        previous = self._previous_sentences(sentences)
        # "Its committee is chaired by ..." after "The platform lets ...": the chain goes on to
        # the sentence that names the platform, which says whom the sentence is about.
        before = self._before({prev.id: prev for prev in previous.values()})  # one lookup
        further = self._naming_further({sid: before[prev.id] for sid, prev in previous.items()
                                        if prev.id in before})
        best_bm25 = max(bm25.values(), default=0.0) or 1.0
        expansions = _acronym_expansions(question, [s for s, _ in sentences.values()]
                                         + self._defining(question))
        headings = self.store.headings(list(sentences)) if subject_weights else {}
        evidence = [
            _evidence(s, question, kinds, vector, content_terms, weights,
                      bm25.get(s.id, 0.0) / best_bm25, prior, previous.get(s.id),
                      context.get(s.id, 0.0), subject_weights,
                      further[s.id].text if s.id in further else "", expansions, nth, acronyms,
                      named, headings.get(s.id, ""))
            for s, prior in sentences.values()
        ]
        # A title line states only the title: it answers a question asking for one, no other
        # ("The Legend of Zelda: Twilight Princess (part 2 of 4)" for "What category of game...?").
        # A section heading ("Partners") names a topic and states nothing: never an answer; nor
        # does a header line that is neither the title nor the byline (a Markdown body's own
        # "# Tidewater Coastal Resilience Programme" under its front matter's title).
        # A byline's date is when the brief was written: it answers about its author and the
        # brief itself, never "When was X founded?" or "How much…?".
        # A table's header row ("| Year | Budget (USD million) | Projects funded |") names what
        # its rows state and states nothing: it is read with them, never given alone.
        headers = {lead.id for sid, lead in previous.items()
                   if is_table_row(sentences[sid][0].text) and is_table_row(lead.text)}
        evidence = [e for e in evidence if (e.kind not in ("title", "header") or "title" in kinds)
                    and e.kind != "heading" and e.sentence_id not in headers
                    and not _ASKS.search(e.text)  # "ERIKSEN: Which country surprised you?"
                    and (e.kind != "byline" or _asks_of_a_byline(e, question, kinds,
                                                                  subject_weights))]
        if kinds == {"definition"} and not any(e.typed for e in evidence):
            # no sentence says what X is: a definition is preferred, never required
            kinds, evidence = set(), [replace(e, typed=True) for e in evidence]
        # "What is the second priority of X?": X's second priority, whatever else scores higher
        asked_items = {e.sentence_id for e in evidence if nth is not None and e.anchored
                       and e.sentence_id in previous
                       and _is_nth_item(sentences[e.sentence_id][0], previous[e.sentence_id], nth)}
        seated = _seated(evidence, question, kinds)
        evidence.sort(key=lambda e: (e.sentence_id in asked_items, not kinds or e.typed,
                                     e.sentence_id in seated, e.score), reverse=True)
        unknown = [t for t in content_terms if not self.store.knows_term(t)]
        if unknown:
            spelled_out = _spelled_out_acronyms(question, evidence)
            unknown = [t for t in unknown if t not in spelled_out]
        return Retrieval(question, chunks, evidence, content_terms, unknown,
                         unknown_adjectives=self._unknown_adjectives(question, unknown),
                         chunk_spans=_chunk_spans(chunks, members, sentences), term_weights=weights,
                         kinds=kinds, matched={w: t for w, (_, t) in matched.items()},
                         previous=_read_before(previous, further,
                                               _naming_headings(headings, sentences, previous,
                                                                subject_weights)),
                         asked_items=asked_items, acronyms=acronyms,
                         referents={e.sentence_id: _as_evidence(previous[e.sentence_id], e)
                                    for e in evidence if e.sentence_id in previous
                                    and _cites_before(e.text, previous[e.sentence_id])})

    def _nth_items(self, sentences: dict[str, tuple["StoredSentence", float]],
                   nth: tuple[int, set[str]]) -> dict[str, tuple["StoredSentence", float]]:
        """The n-th line after each candidate that leads into a list of the asked things ("The
        agreement has four objectives:")."""
        ids = []
        for s, _ in sentences.values():
            parsed = parse_sentence_id(s.id)
            if parsed and s.text.rstrip().endswith(":") and nth[1] & set(terms(s.text)):
                ids.append(sentence_id(parsed[0], parsed[1] + nth[0]))
        return {s.id: (s, 0.0) for s in self.store.sentences(ids) if s.id not in sentences}

    def _naming(self, sentences: dict[str, tuple["StoredSentence", float]], acronyms: list[str],
                asked: list[str]) -> dict[str, tuple["StoredSentence", float]]:
        """The best BM25 sentences for what is asked together with the acronyms a brief gave
        the question's subject, that are not candidates yet."""
        scores = self.store.bm25_sentence_scores(terms(" ".join(acronyms)) + asked)
        best = [sid for sid in sorted(scores, key=lambda sid: -scores[sid])
                [:SENTENCES_PER_RETRIEVER] if sid not in sentences]
        return {s.id: (s, 0.0) for s in self.store.sentences(best)} if best else {}

    def _unknown_adjectives(self, question: str, unknown: list[str]) -> list[str]:
        """The question's words that read like a nationality ("Caspian", "Aegean") that no brief
        mentions even in part: "European" is the briefs' "Europe", "Caspian" nothing of theirs."""
        strange = [t for w in adjective_words(question) for t in terms(w, drop_question_words=True)
                   if t in unknown]
        if not strange:
            return []
        vocabulary = self.store.vocabulary()  # read once, only when there is a word to check
        return [t for t in strange if not any(v.startswith(t[:4]) for v in vocabulary)]

    def _seats(self, sentences: dict[str, tuple["StoredSentence", float]], top: list[str],
               members: dict[str, list[str]]) -> dict[str, tuple["StoredSentence", float]]:
        """For "Where is X based?": the sentences of the best chunks' briefs that say where
        something sits ("- Seat: Gaborone, Botswana", "Its secretariat is hosted in Riga"),
        which need not name X nor share a word with the question."""
        briefs = {parsed[0] for c in top for sid in members.get(c, ())
                  if (parsed := parse_sentence_id(sid))}
        scores = self.store.bm25_sentence_scores(sorted(SEAT_TERMS))
        wanted = [sid for sid in sorted(scores, key=lambda i: -scores[i])
                  if sid not in sentences and (parsed := parse_sentence_id(sid))
                  and parsed[0] in briefs][:SEAT_SENTENCES]
        return {s.id: (s, 0.0) for s in self.store.sentences(wanted)} if wanted else {}

    def _list_items(self, sentences: dict[str, tuple["StoredSentence", float]]
                    ) -> dict[str, tuple["StoredSentence", float]]:
        """The items of the list after each candidate that leads into one ("AGON's partners
        are:"), up to ``LIST_REACH`` lines on, with that line's chunk prior."""
        ids: dict[str, float] = {}
        for s, prior in sentences.values():
            parsed = parse_sentence_id(s.id)
            if parsed and s.kind == "body" and s.text.rstrip().endswith(":"):
                for n in range(parsed[1] + 1, parsed[1] + 1 + LIST_REACH):
                    ids.setdefault(sentence_id(parsed[0], n), prior)
        wanted = [i for i in ids if i not in sentences]
        found = {s.id: s for s in self.store.sentences(wanted)} if wanted else {}
        out: dict[str, tuple["StoredSentence", float]] = {}
        for sid in wanted:  # compose keeps the run of items right after the lead line
            s = found.get(sid)
            if s is not None and s.kind == "body" and is_list_item(s.text):
                out[sid] = (s, ids[sid])
        return out

    def _defining(self, question: str) -> list["StoredSentence"]:
        """The indexed sentences that best match each acronym of ``question`` alone (one of them
        defines it: "The Norway-Chile Joint Science Accord (NCJSA) was signed ...")."""
        ids: list[str] = []
        for acronym in set(_ACRONYM.findall(question)):
            scores = self.store.bm25_sentence_scores(terms(acronym))
            ids += sorted(scores, key=lambda s: -scores[s])[:DEFINING_LOOKUP]
        return self.store.sentences(list(dict.fromkeys(ids))) if ids else []

    def _naming_briefs(self, question: str, swap: dict[str, str]) -> list[set[str]]:
        """For each name ``question`` states that the index knows, the briefs (sentence-id
        keys) that state it, its words in order ("New Mexico" is not named by "Mexico" and
        "New York"). A name no brief states at all is left to the unknown-name check."""
        found = []
        for phrase in name_phrases(question):
            phrase = [swap.get(t, t) for t in phrase]
            if not all(self.store.knows_term(t) for t in phrase):
                continue
            # "Wodzińska" for "Wodziński"; "Bengaluru" for "Bangalore"
            spellings = {t: {t, *self.names.variants(t), *variant_terms(t)} for t in phrase}
            holding = [set().union(*(self.store.sentences_with(v) for v in spellings[t]))
                       for t in phrase]
            if len(phrase) == 2:  # "New Mexico", in that order, in one sentence
                both = sorted(set.intersection(*holding))
                texts = self.store.texts(both[:NAME_CHECKS])
                found.append({brief_key(sid) for sid in both if sid not in texts or in_order(
                    [spellings[t] for t in phrase], terms(texts[sid]), NAME_GAP)})
            else:  # a longer name's words anywhere in its brief ("KASA Joint Working Group")
                found.append(set.intersection(*({brief_key(sid) for sid in h} for h in holding)))
        return found

    def _near_names(self, question: str) -> dict[str, tuple[str, str]]:
        """For each name of the question the index does not know but nearly does:
        word -> (its term, the indexed term it is taken for)."""
        found = {}
        for word in name_words(question):
            for term in terms(word, drop_question_words=True):
                if not self.store.knows_term(term):
                    near = self.names.match(term)
                    if near is not None:
                        found[word] = (term, near)
        return found

    def _fused_chunks(self, vector: "np.ndarray", query_terms: list[str]
                      ) -> tuple[list[tuple[str, float]], dict[str, float]]:
        """The fused top chunks, and the cosine of each chunk the dense search returned."""
        n = self.settings.candidates
        dense = self.store.dense_chunks(vector, n)
        lexical = [i for i, _ in self.store.bm25_chunks(query_terms, n)]
        fused = reciprocal_rank_fusion([[i for i, _ in dense], lexical], k=self.settings.rrf_k)
        return fused[: self.settings.top_chunks], dict(dense)

    def _candidate_sentences(self, vector: "np.ndarray", bm25: dict[str, float],
                             chunks: list[tuple[str, float]], members: dict[str, list[str]],
                             asked: dict[str, float] | None = None
                             ) -> dict[str, tuple["StoredSentence", float]]:
        """Sentences of the top chunks plus each retriever's best sentences (BM25 also on what
        is asked without the subject's name: ``asked``), with chunk priors."""
        chunk_prior = _chunk_priors(chunks)
        prior: dict[str, float] = {}
        for chunk_id, sentence_ids in members.items():
            for sid in sentence_ids:
                prior[sid] = max(prior.get(sid, 0.0), chunk_prior[chunk_id])
        top_lexical = sorted(bm25, key=lambda s: -bm25[s])[:SENTENCES_PER_RETRIEVER]
        top_dense = [i for i, _ in self.store.dense_sentences(vector, SENTENCES_PER_RETRIEVER)]
        top_asked = sorted(asked or {}, key=lambda s: -(asked or {})[s])[:SENTENCES_PER_RETRIEVER]
        ids = list(dict.fromkeys([*prior, *top_dense, *top_lexical, *top_asked]))
        return {s.id: (s, prior.get(s.id, 0.0)) for s in self.store.sentences(ids)}

    def _naming_further(self, further: dict[str, "StoredSentence"]) -> dict[str, "StoredSentence"]:
        """Each of ``further`` that names no body and refers back itself ("The consortium
        brings together a dozen institutions ...") replaced by the sentence it refers back to,
        up to ``FURTHER_HOPS`` times: "She is Dr. Åsa Lindqvist" after "In 2016 the consortium
        appointed a new coordinator." is about the consortium the paragraph named first."""
        for _ in range(FURTHER_HOPS):
            unnamed = {f.id: f for f in further.values() if not _names_a_body(f.text)}
            back = self._before(unnamed) if unnamed else {}
            if not back:
                break
            further = {sid: back.get(f.id, f) for sid, f in further.items()}
        return further

    def _previous_sentences(self, sentences: dict[str, tuple["StoredSentence", float]]
                            ) -> dict[str, "StoredSentence"]:
        """For each candidate that opens with an anaphor ("This allows..."), the sentence before it."""
        return self._before({sid: s for sid, (s, _) in sentences.items()})

    def _before(self, sentences: dict[str, "StoredSentence"]) -> dict[str, "StoredSentence"]:
        """The sentence each of ``sentences`` refers back to: the one before an anaphor; for an
        item of a bulleted list ("- University of Warsaw"), the line that leads into the list
        (its heading "Partners", or "Kestrel works with three universities:")."""
        wanted: dict[str, list[str]] = {}
        items: set[str] = set()  # list items and table rows, read after their lead line
        repeated: dict[str, str] = {}  # "The greenhouse ..." after "..., a glass greenhouse ..."
        for sid, s in sentences.items():
            parsed = parse_sentence_id(sid)
            if not parsed or parsed[1] == 0:
                continue
            if s.kind == "body" and (is_list_item(s.text) or is_table_row(s.text)):
                wanted[sid] = [sentence_id(parsed[0], n)
                               for n in range(parsed[1] - 1, max(-1, parsed[1] - 1 - LIST_REACH), -1)]
                items.add(sid)
            elif ANAPHOR.match(s.text) or _DESCRIBED_AFTER.match(s.text) or _refers_back(s.text) \
                    or _speaks(s.text) or _FIRST_PERSON.match(s.text) \
                    or is_role_line(s.text):  # "PEÑALVER: Malta.", "Director-General"
                # after the question put; "I did my PhD at Bergen" after "PEÑALVER: Mostly ..."
                wanted[sid] = [sentence_id(parsed[0], parsed[1] - 1)]
            elif (the := _DEFINITE.match(s.text)) is not None:
                wanted[sid] = [sentence_id(parsed[0], parsed[1] - 1)]
                repeated[sid] = the.group(1)
        if not wanted:
            return {}
        found = {s.id: s for s in self.store.sentences(sorted({i for ids in wanted.values()
                                                               for i in ids}))}
        out = {}
        for sid, ids in wanted.items():
            if sid in items:  # the lines before it as the index holds them, then the item
                lines = [found[i] for i in reversed(ids) if i in found] + [sentences[sid]]
                lead = lead_of(len(lines) - 1, [x.kind for x in lines], [x.text for x in lines],
                               LIST_REACH)
                if lead is not None:
                    out[sid] = lines[lead]
            elif ids[0] in found and (found[ids[0]].kind != "body"
                                      or not is_list_item(found[ids[0]].text)
                                      or _numbered_paragraph(found[ids[0]].text)) and (
                    sid not in repeated or set(terms(repeated[sid])) & set(terms(found[ids[0]].text))):
                out[sid] = found[ids[0]]
        return out


# "Mr. Rezaul Karim Chowdhury chairs the consortium.", "Ms. Zawadi Mwakilema serves as its
# chair.": a body the sentence before named, referred to inside the sentence
_REFERENCE = re.compile(rf"\b(?:its|the\s+(?:[a-z][\w-]+\s+){{0,2}}?(?i:{BODY_NOUNS}))\b"
                        r"(?!\s+(?:of|for|on)\b)"  # "In 2022 it moved ...", not "play it at all"
                        r"|\bit\s+(?:is|was|has|had|will|would|can|could|also|now|later|[a-z]+ed|"
                        r"[a-z]{2,}s|held|kept|won|ran|led|made|gave|became|began|paid|spent|"
                        r"sold|built|met|grew|rose|fell|saw|brought|bought|sent|lost|found|got)\b")


def _refers_back(text: str) -> bool:
    """``text`` refers to a body by "its" or "the consortium" and names none of its own."""
    return _REFERENCE.search(text) is not None and not _names_a_body(text)


# "NASC", "(IOTO)", not the currency of "NOK 40 million"
_BODY_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b(?!\s*[\d€$£¥])")


def _names_a_body(text: str) -> bool:
    return _TITLE_BODY.search(text) is not None or _BODY_ACRONYM.search(text) is not None


_ABOUT_THE_BRIEF = re.compile(r"\b(?:brief(?:ing)?s?|report|note|paper|memo|document|publication|"
                              r"published|written|wrote|prepared|authored|dated|author)\b", re.I)
# Past forms the stemmer leaves apart from what a question asks ("Who leads X?" / "It is led
# by ..."): looked for beside the asked word when gathering candidates (scoring is unchanged).
_IRREGULAR = {"lead": ("led",), "run": ("ran",), "hold": ("held",), "write": ("wrote", "written"),
              "begin": ("began", "begun"), "give": ("gave", "given"), "buy": ("bought",),
              "build": ("built",), "choos": ("chose", "chosen"), "win": ("won",),
              "sell": ("sold",), "pay": ("paid",), "spend": ("spent",), "meet": ("met",),
              "find": ("found",), "grow": ("grew", "grown"), "rise": ("rose", "risen")}
_OF_A_TIME = frozenset({"date", "duration", "frequency"})  # a time the question gives is no pin
_NOT_OF_A_BYLINE = frozenset({"date", "duration", "frequency", "money", "share", "amount", "quantity",
                              "magnitude"})


def _asks_of_a_byline(e: Evidence, question: str, kinds: set[str],
                      subject: dict[str, float]) -> bool:
    """A byline answers who wrote the brief, what is asked of the brief itself, or what is
    asked of the person it names ("What position does Sanjeev K. Varshney hold?"), never when
    or how much of anything else, and not "What is the second priority of the Lake Victoria
    Basin Fisheries Centre?" by naming the "East African Fisheries Policy Network"."""
    if "author" in kinds or _ABOUT_THE_BRIEF.search(question):
        return True
    if kinds & _NOT_OF_A_BYLINE:
        return False
    return not subject or term_coverage(list(subject), set(terms(e.text)), subject) >= ANCHOR_MIN


_ORDINALS = {w: n for n, w in enumerate("first second third fourth fifth sixth seventh eighth "
                                         "ninth tenth".split(), 1)}
_NUMBERS = {w: n for n, w in enumerate("one two three four five six seven eight nine ten".split(), 1)}
_ITEM_NOUNS = (r"objectives?|goals?|aims?|priorit(?:y|ies)|pillars?|principles?|recommendations?|"
               r"points?|steps?|targets?|components?|areas?|actions?|measures?|outcomes?|"
               r"programmes?|programs?|projects?|themes?|phases?|stages?|strands?|workstreams?")
_NTH_ITEM = re.compile(rf"\b(?P<ord>{'|'.join(_ORDINALS)}|\d{{1,2}}(?:st|nd|rd|th))\s+"
                       rf"(?:\w+\s+)?(?P<noun>{_ITEM_NOUNS})\b|\b(?P<noun2>{_ITEM_NOUNS})\s+"
                       rf"(?:no\.?\s*|number\s+)?(?P<num>\d{{1,2}}|{'|'.join(_NUMBERS)})\b", re.I)


def asked_item(question: str) -> tuple[int, set[str]] | None:
    """(n, the item noun's terms) for a question asking for the n-th item of a list: "What is
    objective 2 of X?", "the third objective", "priority no. 4"; None otherwise."""
    found = _NTH_ITEM.search(question)
    if not found:
        return None
    if found["ord"]:
        word = found["ord"].lower()
        n = _ORDINALS.get(word) or int(re.match(r"\d+", word).group(0))
        noun = found["noun"]
    else:
        word = found["num"].lower()
        n = _NUMBERS.get(word) or int(word)
        noun = found["noun2"]
    return n, set(terms(noun))


def _is_nth_item(s: "StoredSentence", lead: "StoredSentence", nth: tuple[int, set[str]]) -> bool:
    """``s`` is the n-th item of a list of the asked things ("2. Advance geothermal research"
    under "The agreement has four objectives:"): by its own number, else by its place after
    the line leading into the list."""
    if not is_list_item(s.text) or not nth[1] & set(terms(f"{lead.text} {s.text}")):
        return False
    marker = NUMBERED.match(s.text)
    if marker:
        return int(marker.group(1)) == nth[0]
    here, there = parse_sentence_id(s.id), parse_sentence_id(lead.id)
    return bool(here and there) and here[1] - there[1] == nth[0]


NAME_GAP = 1  # words a name's words may have between them in a brief ("Joint India Centre")
NAME_CHECKS = 300  # sentences read for a two-word name; a brief with more is taken to name it


def _as_context(s: "StoredSentence") -> str:
    """A sentence read before another: a heading as "Partners:", a sentence as it is."""
    return f"{s.text}:" if s.kind == "heading" and not s.text.endswith(":") else s.text


def _calls_it_by_its_head(text: str, question: str) -> bool:
    """``text`` calls a name of the question by its common noun: "the war" for "the War of the
    Hallen Succession"."""
    heads = name_heads(question)
    return bool(heads) and any(m.group(1) in heads for m in _THE_NOUN.finditer(text))


_THE_NOUN = re.compile(r"\b(?i:the|this|that)\s+([a-z]+)\b")


# a question put in a transcript or an FAQ states nothing; it is read before its answer
_ASKS = re.compile(r"\?[\s\"'”’)]*$")


_FIRST_PERSON = re.compile(r"^(?:I|My|We|Our)\s")
# A line giving a role only, under the name it belongs to (a signature block, a letter's sign-off):
# "Director-General", "Head, Joint Secretariat", "Executive Secretary"
_ROLE_LINE = re.compile(r"(?:[A-Z][\w'’-]*\s+){0,2}(?i:president|vice-president|director|"
                        r"director-general|head|chair|chairman|chairwoman|chairperson|secretary|"
                        r"secretary-general|minister|coordinator|rapporteur|ambassador|dean|"
                        r"rector|manager|chief executive)(?:,?\s+(?:[A-Z][\w'’&-]*|of|the|and|for|&)){0,6}")


def _cites_before(text: str, before: "StoredSentence") -> bool:
    """A sentence whose answer needs the one before it cited too: "It was launched in Gdańsk."
    after the sentence naming it; "Director-General" under the signatory's name line."""
    return bool(ANAPHOR.match(text)) and before.kind == "body" or is_role_line(text)


def is_role_line(text: str) -> bool:
    """``text`` is a role alone, on its own line, with no name nor statement of its own."""
    return len(text) <= 60 and _ROLE_LINE.fullmatch(text.strip(" .")) is not None


def _speaks(text: str) -> bool:
    """A speaker's turn in a transcript or an FAQ: "PEÑALVER: Malta.", "A: Since 2019."."""
    label, colon, rest = text.partition(": ")
    return bool(colon) and rest != "" and len(label) <= 30 and (
        label in ("A", "Answer") or label.isupper() and len(label) > 1 and
        re.fullmatch(r"[^\W\d_][^\W\d_ .'’-]*(?:[ .'’-]+[^\W\d_]+)*", label) is not None)


def _numbered_paragraph(text: str) -> bool:
    """"1. Ministers responsible for research ... met in Valletta ...": a numbered paragraph of
    a statement, not an item of a list; the sentence after it may refer back to it."""
    return NUMBERED.match(text) is not None and len(text.split()) >= PARAGRAPH_WORDS


PARAGRAPH_WORDS = 20


def _naming_headings(headings: dict[str, str], sentences: dict[str, tuple["StoredSentence", float]],
                     previous: dict[str, "StoredSentence"], subject: dict[str, float]
                     ) -> dict[str, str]:
    """The headings that name the question's subject where the sentence under them (with the
    one it refers back to) does not: "Millbank Park" above "The ground was designed by ..."."""
    out = {}
    for sid, heading in headings.items():
        named = set(terms(heading)) & set(subject)
        read = f"{previous[sid].text if sid in previous else ''} {sentences[sid][0].text}"
        if named and not named & set(terms(read)):
            out[sid] = heading.rstrip(":")
    return out


def _read_before(previous: dict[str, "StoredSentence"], further: dict[str, "StoredSentence"],
                 headings: dict[str, str]) -> dict[str, str]:
    """For each sentence, what is read before it: the heading naming the subject ("Millbank
    Park:"), the sentence its referent refers back to, the sentence it refers back to."""
    return {sid: " ".join(x for x in (f"{headings[sid]}:" if sid in headings else "",
                                      _as_context(further[sid]) if sid in further else "",
                                      _as_context(previous[sid]) if sid in previous else "") if x)
            for sid in {*previous, *headings}}


def _as_evidence(s: "StoredSentence", of: Evidence) -> Evidence:
    """The sentence ``of`` refers back to, scored as ``of`` (it is cited beside it)."""
    return replace(of, sentence_id=s.id, text=s.text, start=s.start, end=s.end, kind=s.kind,
                   page=s.page)


def _evidence(s: "StoredSentence", question: str, kinds: set[str], vector: "np.ndarray",
              content_terms: list[str], weights: dict[str, float], lexical: float, prior: float,
              previous: "StoredSentence | None", context: float = 0.0,
              subject: dict[str, float] | None = None, further: str = "",
              expansions: dict[str, str] | None = None,
              nth: tuple[int, set[str]] | None = None,
              acronyms: dict[str, frozenset[str]] | None = None,
              named: list[set[str]] | None = None, heading: str = "") -> Evidence:
    """One sentence scored against the question. It is read with ``previous``, the sentence it
    refers back to; its subject also with ``further``, the sentence that one refers back to, and
    with the ``heading`` it stands under ("The ground was designed by ..." under "Millbank
    Park"), and
    an acronym of the question ("DSE") is named where its expansion is ("Delta Skills Exchange"
    in the brief's title); a name the question spells out ("Lake Victoria Basin Fisheries
    Centre") is named where the acronym a brief gave it is ("LVBFC had a budget ...":
    ``acronyms``)."""
    import numpy as np

    dense = float(np.dot(vector, np.asarray(s.embedding, dtype=np.float32)))
    dense = max(dense, (dense + context) / 2)  # a sentence read in its chunk's context
    sentence_terms = set(terms(_HEADER_WORDS.get(s.kind, "") + s.text))
    if previous is not None:
        sentence_terms |= set(terms(previous.text))
    sentence_terms |= named_by_acronyms(f"{previous.text if previous else ''} {s.text}", acronyms)
    sentence_terms |= same_meaning(sentence_terms)  # "relocates" says what "move" asks
    coverage = term_coverage(content_terms, sentence_terms, weights)
    # The brief's title counts at half weight: "When was Twilight Princess launched in North
    # America?" is answered by "The game was launched in North America..." under the title
    # "The Legend of Zelda: Twilight Princess", but a title names every sentence's topic alike
    # (in full, it made another body's director in the "Franco-Indian Space Data Hub" brief
    # that hub's director). Dev: +2 squad2-dev, +1 confusion, none lost; in full +4 -1.
    coverage += TITLE_SHARE * (term_coverage(content_terms, sentence_terms | set(terms(s.title)),
                                             weights) - coverage)
    elsewhere = _title_names_another_body(s.title, subject, question)
    top = most_telling(subject)
    title = "" if elsewhere or _names_its_body(s.text, previous, further) else s.title
    about = sentence_terms | set(terms(f"{title} {further} {heading}"))
    if expansions:  # "DSE" is named where "Delta Skills Exchange" is
        read = " ".join(f"{s.title} {further} {previous.text if previous else ''} {s.text}"
                        .split()).replace("–", "-")
        about |= {acronym for acronym, spelled in expansions.items()  # an all-caps title too
                  if spelled.lower() in read.lower()}
    # in a brief whose title names another body and not the asked one's most telling word, the
    # sentence must name it by that word: "The consortium is led by ..." in the West African
    # Vaccine Manufacturing Consortium's brief is not about the Pan-Andean Vaccine Consortium
    anchored = not subject or s.kind == "title" or \
        term_coverage(list(subject), about, subject) >= ANCHOR_MIN and \
        (not elsewhere or top in _title_terms(s.title) or top in about)
    # every name the question states is stated in the sentence's brief ("Who was flown to New
    # Mexico?" is not answered from a brief that names only New York)
    names_it = all(brief_key(s.id) in briefs for briefs in named or ())
    # "the war ended with the Treaty of Vesk" in a brief that names the War of the Hallen
    # Succession is about that war
    anchored = anchored or bool(named) and names_it and _calls_it_by_its_head(s.text, question)
    anchored = anchored and names_it and not _about_another_body(s.text, question, top, acronyms)
    relevant = coverage >= RELEVANT_COVERAGE or dense >= RELEVANT_DENSE
    # a table row states its facts in its header's terms: "2023 | 8.0 | 11" under "Year |
    # Funding (CAD million) | Projects started"
    # "She is Dr. Åsa Lindqvist, ..." after "In 2016 the consortium appointed a new coordinator."
    # names the coordinator the sentence before announced
    stated = f"{previous.text} {s.text}" if previous is not None and (
        is_table_row(s.text) or _IDENTIFIES.match(s.text)) else s.text
    typed = (anchored or not kinds and names_it) and (relevant or not kinds) and all(
        supplies(k, stated, s.kind, question) for k in kinds) and \
        not states_the_opposite(question, s.text) and \
        not denies(question, s.text) and not names_a_sibling(question, s.text) and \
        not counts_otherwise(question, s.text) and \
        (not kinds or kinds & _OF_A_TIME or
         not dated_otherwise(question, s.text, f"{s.title} {heading}")) and \
        not misses_the_possessed(question, f"{previous.text if previous else ''} {s.text}")
    # not "the longest" for "the shortest", "declined to admit her" for "When was she admitted?",
    # "The Baroque Garden was replanted in 1994" for the Rock Garden, "two more films" for three
    score = W_DENSE * dense + W_COVERAGE * coverage + W_LEXICAL * lexical + W_CHUNK * prior
    if kinds and typed:
        score += W_TYPE
    if nth is not None and previous is not None and anchored and _is_nth_item(s, previous, nth):
        # "What is objective 2 of X?": the second item of X's objectives, over any other line
        # (in a short brief its list's other items and lines score alike)
        score += 2 * W_TYPE
    elif nth is not None and s.text.rstrip().endswith(":"):
        score -= W_TYPE  # "The partnership has four objectives:" names none of them
    if not anchored:
        score -= W_UNANCHORED
    if s.kind != "body" and not kinds & {"author", "title"} and coverage < HEADER_MIN_COVERAGE:
        score *= 0.5  # a title or byline resembles every question about its brief's topic
    return Evidence(sentence_id=s.id, source=s.source, title=s.title, text=s.text,
                    start=s.start, end=s.end, score=score, dense=dense, lexical=lexical,
                    coverage=coverage, kind=s.kind, typed=typed, page=s.page, anchored=anchored)


def _seated(evidence: list[Evidence], question: str, kinds: set[str]) -> set[str]:
    """For "Where is X based?", the ids of the sentences about X that say where something sits
    (not in a clause about another body: "X, which is based in Y,"), scoring within
    ``SEAT_MARGIN`` of the best sentence stating a place."""
    if "place" not in kinds or not asks_where_it_sits(question):
        return set()
    best = max((e.score for e in evidence if e.typed), default=0.0)
    return {e.sentence_id for e in evidence if e.typed and e.anchored
            and e.score >= best - SEAT_MARGIN and says_where_it_sits(e.text)}


def says_where_it_sits(text: str) -> bool:
    """``text`` says where something sits ("has its headquarters in", "Seat:", "is hosted
    in"), not in a clause about another body nor of a person ("an ecologist based in")."""
    return _SEAT.search(without_others_clauses(text, "")) is not None and \
        not _SOMEONE_BASED.search(text)


def asks_where_it_sits(question: str) -> bool:
    """"Where is X based / headquartered?", "Where is X's secretariat?"."""
    return _SEAT.search(question) is not None


def seat_terms(question: str) -> set[str]:
    """The terms of the words ``question`` asks where something sits with ("house", "based")."""
    return set(terms(" ".join(m.group(0) for m in _SEAT.finditer(question))))


# "Ana Tembe, a Mozambican ecologist based in Beira": where a person works, not a body's seat
_SOMEONE_BASED = re.compile(r"[A-Z][\w'’-]+,\s+an?\s+(?:[\w-]+\s+){0,3}based\b")


_TITLE_BODY = re.compile(r"(?:[A-Z][\w'’–-]*\s+(?:(?:of|for|and|&|the|on|de)\s+)*)+"
                         rf"(?:{BODY_NAME})\b(?:\s+(?:of|for|on)\s+(?:the\s+)?"
                         r"(?:[A-Z][\w'’–-]*(?:\s+(?:of|for|and|&|the|on|de))*\s*)+)?")


@lru_cache(maxsize=1024)
def _body_in_title(title: str) -> frozenset[str]:
    """The terms of the body a brief's title names ("The Okavango–Zambezi River Basin
    Commission at Thirty", "The Commission for the Protection of Alpine Lakes: ..."), empty when
    it names none."""
    found = _TITLE_BODY.search(title)
    return frozenset(terms(found.group(0))) if found else frozenset()


def _title_names_another_body(title: str, subject: dict[str, float] | None,
                              question: str) -> bool:
    """The brief's title names a body other than the question's subject: it lacks the
    subject's most telling word ("Mekong" of "the Mekong River Commission" is not in "The
    Okavango–Zambezi River Basin Commission at Thirty"), or the body it names is of another
    kind than the one asked about (a "Laboratory" under "India–Japan Partnership in Robotics and
    Advanced Materials"). Its "River", "Commission" or "Materials" do not make its sentences
    about the asked body."""
    body = _body_in_title(title)
    if not body or not subject:
        return False
    if most_telling(subject) not in _title_terms(title):
        return True
    asked = _TITLE_BODY.search(question)
    return asked is not None and not set(terms(asked.group(0).split()[-1])) & body


@lru_cache(maxsize=1024)
def _title_terms(title: str) -> frozenset[str]:
    return frozenset(terms(title))


# "Managed by Dr Aïssata Traoré from Bamako, the Fund disbursed ...": after an opening phrase,
# the sentence's subject is the body the sentence before named
_DESCRIBED_AFTER = re.compile(rf"^[^,.;]{{3,80}},\s+the\s+(?:[a-z][\w-]+\s+){{0,2}}?(?i:{BODY_NOUNS}|"
                              rf"commission|trust)\b(?!\s+(?:of|for)\b)")
_DESCRIBED = re.compile(rf"^{DESCRIPTION}")
# A definite description that repeats a noun of the sentence before ("The Tropical House, a
# glass and steel greenhouse ..." / "The greenhouse was restored ... at a cost of ..."): that
# sentence says what it is
_DEFINITE = re.compile(r"^The\s+([a-z][\w-]+)\s+(?:was|were|is|are|has|had|became|remained)\b")


def most_telling(subject: dict[str, float]) -> str:
    """The subject's most telling (highest-weighted) term; of equal ones the first by spelling,
    so the answer never depends on the order a set was built in (Python's hash seed)."""
    return max(sorted(subject), key=lambda t: subject[t]) if subject else ""


_IT = re.compile(r"^(?:It|Its|The latter)\b")
_IDENTIFIES = re.compile(r"^(?:She|He|It|They)\s+(?:is|was|are|were)\s+(?:the\s+)?(?:Dr\.|Prof\.|Mr\.|Ms\.|Mrs\.)?\s*"
                         r"[A-Z]")
_OPENS_WITH_ACRONYM = re.compile(r"^(?:The\s+)?([A-Z]{2,6})(?:['’]s)?\b")
_GENERIC_BODY = frozenset({"body"})
_BODY_WORD = re.compile(rf"\b(?:{BODY_NAME})\b")  # "Secretariat" of "Forecasting Secretariat of the ..."


@lru_cache(maxsize=256)
def _body_asked(question: str) -> tuple[str, bool]:
    """The body the question names by a title ("the Membrane Innovation Fund"), and whether it
    names one at all (by title or acronym)."""
    asked = _TITLE_BODY.search(question)
    return (asked.group(0) if asked else ""), bool(asked or _ACRONYM.search(question))


def _about_another_body(text: str, question: str, top: str,
                        acronyms: dict[str, frozenset[str]] | None) -> bool:
    """The sentence opens on a body other than the one the question names: another body's
    acronym ("The BMC has an annual budget of ..." for the Joint Desalination Research
    Institute, whose acronym is JDRI) or a body of another kind ("The institute's director ..."
    for the Membrane Innovation Fund)."""
    described, (asked, names_a_body) = _DESCRIBED.match(text), _body_asked(question)
    opener = _OPENS_WITH_ACRONYM.match(text)
    if opener and names_a_body and opener.group(1) not in question \
            and opener.group(1) not in (acronyms or {}) and top not in terms(text):
        return True  # (not when the question asks which body: "Which ocean body ...?")
    if described is None or not asked:
        return False
    noun, kinds = described.group(0).split()[-1].lower(), _BODY_WORD.findall(asked)
    return bool(kinds) and noun not in _GENERIC_BODY and \
        not set(terms(noun)) & set(terms(" ".join(kinds)))  # "Trust Fund" is a fund


def _names_its_body(text: str, previous: "StoredSentence | None", further: str) -> bool:
    """"The observatory is run by ..." after "The Luso-Brazilian Atlantic Observatory (LBAO)
    has ...": the sentence is about the body the sentences before name, so the brief's title
    (naming every body of the brief alike) does not say whom it is about. Under a heading that
    names no body, the title does."""
    if previous is not None and (_IT.match(text) or _refers_back(text)) \
            and _TITLE_BODY.search(previous.text):
        return True  # "It is headed by ..." after "... the Conservation Secretariat, which ..."
    described = _DESCRIBED.match(text)
    if described is None or previous is None:
        return False
    noun = described.group(0).split()[-1]  # the description ends with the body's noun
    return re.search(rf"\b{noun[0].upper()}{noun[1:]}\b", f"{previous.text} {further}") is not None
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_LINKING = r"(?:\s+(?:of|and|for|the|de|du|des|di|del|&))*\s+"
# between the words an acronym is made of: "Norway-Chile Joint Science Accord (NCJSA)" too
_JOINING = r"(?:\s+(?:of|and|for|the|de|du|des|di|del|&))*(?:\s+|\s*-\s*)"


@lru_cache(maxsize=256)
def _definition_of(acronym: str) -> re.Pattern[str]:
    """Words whose initials spell ``acronym``, then "(ACRONYM)": "Norway-Chile Joint Science
    Accord (NCJSA)"; a word the acronym skips may stand between two of them ("Seto Inland Sea
    Restoration Consortium (SIRC)")."""
    skipped = rf"(?:{_JOINING}[A-Z][\w'’]*)?"
    words = f"{skipped}{_JOINING}".join(f"{letter}[\\w'’]*" for letter in acronym)
    return re.compile(rf"\b({words})(?:\s+(?:in|at)\s+[A-Z][\w'’-]*)?\s*\({acronym}\)")


@lru_cache(maxsize=256)
def _glossed(acronym: str) -> re.Pattern[str]:
    """A name, then in brackets the name in its own language and ``acronym``: "the Baltic
    Institute for Coastal Research (Bałtycki Instytut Badań Przybrzeżnych, BIBP)"."""
    name = rf"(?:[A-Z][\w'’-]*{_LINKING})*[A-Z][\w'’-]*"
    return re.compile(rf"({name})\s*\(({name}),\s*{acronym}\)")


def _acronym_expansions(question: str, sentences: list["StoredSentence"]) -> dict[str, str]:
    """For each acronym of the question that a brief defines ("The Delta Skills Exchange (DSE)
    runs ..."), its term -> its expansion as written ("Delta Skills Exchange")."""
    found: dict[str, str] = {}
    for acronym in set(_ACRONYM.findall(question)):
        defined = _definition_of(acronym)
        match = next((m for s in sentences if (m := defined.search(s.text.replace("–", "-")))),
                     None)
        if match:
            found.update({t: " ".join(match.group(1).split()) for t in terms(acronym)})
    return found


_DEFINED_ACRONYM = re.compile(r"\((?:[^()]*?,\s*)?([A-Z]{2,6})\)")


def _acronyms_of_names(question: str, sentences: list["StoredSentence"]) -> dict[str, frozenset[str]]:
    """For each name the question spells out that a brief gives an acronym ("the Center for
    Arctic Coastal Modeling (CACM)"), that acronym -> the name's terms: the question's words
    hold every word of the name, and the name's initials spell the acronym (or, for a name
    glossed in its own language, "X (Bałtycki Instytut Badań Przybrzeżnych, BIBP)", those
    of the gloss)."""
    asked = set(terms(question))
    found: dict[str, frozenset[str]] = {}
    for s in sentences:
        text = s.text.replace("–", "-")
        for acronym in set(_DEFINED_ACRONYM.findall(text)) - set(found):
            defined = _definition_of(acronym).search(text)
            glossed = _glossed(acronym).search(text)
            spelled = [defined.group(1)] if defined else []
            if glossed and _definition_of(acronym).search(f"{glossed.group(2)} ({acronym})"):
                spelled += [glossed.group(1), glossed.group(2)]  # either name, translated
            name = next((frozenset(n) for n in map(terms, spelled) if _asks_by_name(n, asked)),
                        None)
            if name:
                found[acronym] = name
    return found


def _asks_by_name(name: list[str], asked: set[str]) -> bool:
    """The question names the thing ``name`` (its terms, in order) names: it holds every word
    of it, or of a name of three words or more all but one, its head among them ("the steering
    committee" for the Tripartite Steering Committee)."""
    held = set(name) & asked
    return len(name) >= 2 and (held == set(name) or len(name) >= 3 and name[-1] in asked
                               and len(set(name) - held) <= 1)


def _spelled_out_acronyms(question: str, evidence: list[Evidence]) -> set[str]:
    """The terms of the question's acronyms that a retrieved sentence or its title spells out
    ("NYC": "New York City", "IIT": "Indian Institute of Technology"): names the briefs do
    mention, in full."""
    found: set[str] = set()
    for acronym in set(_ACRONYM.findall(question)):
        spelled = re.compile(r"\b" + _LINKING.join(f"{letter}[\\w'’-]*" for letter in acronym)
                             + r"\b")
        if any(spelled.search(e.text) or spelled.search(e.title) for e in evidence):
            found.update(terms(acronym))
    return found


def _chunk_spans(chunks: list[tuple[str, float]], members: dict[str, list[str]],
                 sentences: dict[str, tuple["StoredSentence", float]]) -> list[tuple[str, int, int]]:
    """(source, start, end) of each fused chunk, best first, from the spans of its sentences."""
    spans = []
    for chunk_id, _ in chunks:
        parts = [sentences[sid][0] for sid in members.get(chunk_id, []) if sid in sentences]
        if parts:
            spans.append((parts[0].source, min(p.start for p in parts), max(p.end for p in parts)))
    return spans


def _context_similarity(members: dict[str, list[str]], cosines: dict[str, float]) -> dict[str, float]:
    """For each sentence, the best cosine between the question and a chunk holding it."""
    best: dict[str, float] = {}
    for chunk_id, sentence_ids in members.items():
        for sid in sentence_ids:
            best[sid] = max(best.get(sid, 0.0), cosines.get(chunk_id, 0.0))
    return best


def _chunk_priors(chunks: list[tuple[str, float]]) -> dict[str, float]:
    """Fused chunk scores scaled so the best chunk gets 1."""
    best = max((score for _, score in chunks), default=0.0) or 1.0
    return {chunk_id: score / best for chunk_id, score in chunks}
