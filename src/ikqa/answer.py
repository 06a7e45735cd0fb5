"""Turn scored evidence into a short answer with ``[n]`` markers, or abstain.

Extractive: the answer is made of the best evidence sentences (trimmed to the clauses
that carry the question's terms when a sentence is long), each followed by the marker
of the exact source sentence it came from. We abstain when the best evidence is weak,
or when the question names something the briefs never mention.
"""

from __future__ import annotations

import re

from .config import Settings
from .lexical import terms
from .retrieve import Retrieval
from .types import Answer, Citation, Evidence

__all__ = ["compose_answer", "abstention_reason", "ABSTAIN_TEXT"]

ABSTAIN_TEXT = "The briefings don't say. No indexed source answers this question."
# A further sentence joins the answer only if it scores this close to the best one.
FOLLOW_MARGIN = 0.08
_NEAR_DUPLICATE = 0.6
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+")
_NAME = re.compile(r"\b(?:[A-Z][\w&-]*[A-Z][\w&-]*|[A-Z][a-z]+)\b")


def compose_answer(question: str, retrieval: Retrieval, settings: Settings) -> Answer:
    """The answer to ``question`` from ``retrieval``'s evidence (or a plain abstention)."""
    evidence = retrieval.evidence
    if abstention_reason(question, retrieval, settings):
        related = [_citation(n, e) for n, e in enumerate(evidence[:3], start=1)]
        return Answer(question=question, text=ABSTAIN_TEXT, abstained=True, related=related)
    chosen = _select(evidence, retrieval.query_terms, settings)
    parts, citations = [], []
    budget = settings.max_answer_words
    for n, e in enumerate(chosen, start=1):
        excerpt = _excerpt(e.text, retrieval.query_terms, max(budget, 12))
        budget -= len(excerpt.split())
        parts.append(f"{excerpt} [{n}]")
        citations.append(_citation(n, e))
    return Answer(question=question, text=" ".join(parts), citations=citations)


def abstention_reason(question: str, retrieval: Retrieval, settings: Settings) -> str:
    """Why we should not answer (empty string: answer).

    Three signals: the best sentence does not state the kind of fact asked for (a date for
    "when", a number for "how many"), its evidence score is under the calibrated threshold,
    or the question names a proper noun that occurs nowhere in the indexed briefs.
    """
    if not retrieval.evidence:
        return "nothing retrieved"
    best = retrieval.evidence[0]
    if not best.typed:
        return "no evidence states the kind of fact asked for"
    if best.score < settings.abstain_threshold:
        return f"best evidence score {best.score:.2f} < {settings.abstain_threshold:.2f}"
    unknown_names = sorted(set(_name_terms(question)) & set(retrieval.unknown_terms))
    if unknown_names:
        return f"the briefs never mention: {', '.join(unknown_names)}"
    return ""


def _name_terms(question: str) -> list[str]:
    """Analysed terms of the capitalised words of ``question``, ignoring its first word."""
    words = question.strip().split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    return [t for match in _NAME.findall(rest) for t in terms(match, drop_question_words=True)]


def _select(evidence: list[Evidence], query_terms: list[str], settings: Settings) -> list[Evidence]:
    """The best sentence, plus close runners-up that add question terms it lacks."""
    best = evidence[0]
    chosen = [best]
    covered = set(terms(best.text)) & set(query_terms)
    words = len(best.text.split())
    for e in evidence[1:]:
        if len(chosen) >= settings.max_answer_sentences or e.score < best.score - FOLLOW_MARGIN:
            break
        new_terms = (set(terms(e.text)) & set(query_terms)) - covered
        if not new_terms or any(_overlap(e.text, c.text) > _NEAR_DUPLICATE for c in chosen):
            continue
        if words + len(e.text.split()) > settings.max_answer_words * 1.5:
            continue
        chosen.append(e)
        covered |= new_terms
        words += len(e.text.split())
    return chosen


def _overlap(a: str, b: str) -> float:
    """Jaccard overlap of two sentences' terms (near-duplicates score high)."""
    ta, tb = set(terms(a)), set(terms(b))
    return len(ta & tb) / max(1, len(ta | tb))


def _excerpt(sentence: str, query_terms: list[str], max_words: int) -> str:
    """The sentence itself, or, when longer than ``max_words``, its window of clauses
    that holds the most question terms (marked with an ellipsis where cut)."""
    if len(sentence.split()) <= max_words:
        return sentence
    clauses = _CLAUSE_BREAK.split(sentence)
    wanted = set(query_terms)
    best: tuple[int, int, int, int] | None = None  # (-hits, -words, i, j)
    for i in range(len(clauses)):
        words = 0
        for j in range(i, len(clauses)):
            words += len(clauses[j].split())
            if words > max_words:
                break
            hits = len(wanted & set(terms(" ".join(clauses[i:j + 1]))))
            key = (-hits, -words, i, j)
            if best is None or key < best:
                best = key
    if best is None:
        return " ".join(sentence.split()[:max_words]) + " …"
    _, _, i, j = best
    text = " ".join(clauses[i:j + 1]).rstrip(",;:")
    return ("… " if i > 0 else "") + text + (" …" if j < len(clauses) - 1 else "")


def _citation(marker: int, e: Evidence) -> Citation:
    return Citation(marker=marker, source=e.source, title=e.title, text=e.text,
                    start=e.start, end=e.end, score=round(e.score, 4))
