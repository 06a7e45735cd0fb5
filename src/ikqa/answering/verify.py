"""Verified answers: a language model reads each candidate sentence against the question.

Sentence scores cannot tell "this sentence answers the question" from "this sentence is about
the same thing"; a model that reads both can. The extractive layer proposes its best
candidates (distinct sentences, each read with the sentence it refers back to and its brief's
title); the model is asked, for each in rank order, whether the passage states the answer to
this exact question, and the probability of "yes" is read from its first token. The first
candidate that passes ``Settings.verify_cutoff`` is the answer (the extractive answer itself
when it is the top candidate), with that probability as ``Answer.confidence``; if none
passes, ikqa abstains and says so. Judging stops at the first pass, so a clear question costs
one model call.

Abstentions by ikqa's fixed rules need no model and are kept (a name no brief mentions, no
passage stating the kind of fact asked for); the model replaces only the confidence cut-off.
When the model fails, the extractive answer is given with a note.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

from ..config import Settings
from ..errors import IkqaError
from ..types import Answer, Evidence
from .compose import ABSTAIN_TEXT, _citation, _excerpt, abstention_reason, compose_answer, \
    items_after, related_evidence, asked_numbers, states_numbers

if TYPE_CHECKING:
    from ..llm import LanguageModel
    from .retrieve import Retrieval

__all__ = ["verified_answer", "judge_prompt", "candidates"]

SYSTEM = "Reply with one word: yes or no."
# Chosen on the dev splits (eval/calibrate_verify.py): with the passage before the question, the
# model's "yes" separated right answers from wrong ones best (AUC 0.92 on 80 dev answers, against
# 0.79-0.83 for the question-first wordings tried). Only the instructions are shared between
# candidates, so each judge call reads its whole prompt (~100-200 tokens).
USER = "Passage: {passage}\n\nQuestion: {question}\n\nCan the question be answered from the passage alone?"


def judge_prompt(question: str, passage: str) -> list:
    """The chat messages of one judge call."""
    from ..llm import Message

    return [Message("system", SYSTEM),
            Message("user", USER.format(passage=passage, question=question.strip()))]


def candidates(retrieval: "Retrieval", n: int) -> list[Evidence]:
    """The best ``n`` evidence sentences (retrieval scores each sentence once), in rank order,
    that the extractive layer reads as stating the kind of fact asked for about the question's
    subject, stating the numbers the question states (the best ``n`` of all when none does).
    The model never sees the others: a small model reads "IKCRI is based in New Delhi" as
    answering "Where is IKSTC based?", or a sentence about November 2013 as answering a
    question about November 2003, and the fixed rules know better (``Evidence.typed``,
    ``Evidence.anchored``, ``compose.states_numbers``)."""
    asked = asked_numbers(retrieval.question)
    on_subject = [e for e in retrieval.evidence if e.typed and e.anchored
                  and (not asked or states_numbers(e, retrieval.previous, asked))]
    return (on_subject or retrieval.evidence)[:n]


def _passage(e: Evidence, previous: dict[str, str], evidence: Sequence[Evidence] = ()) -> str:
    """What the model reads: the brief's title, the sentence before (if it refers back), the
    sentence, and for a line leading into a list ("LVBFC cooperates with:") the list's items
    among ``evidence``."""
    before = previous.get(e.sentence_id, "")
    items = " ".join(item.text for item in items_after(e, evidence))
    return " ".join(f"[{e.title}] {before} {e.text} {items}".split())  # a hard-wrapped break: a space


def verified_answer(question: str, retrieval: "Retrieval", settings: Settings,
                    llm: "LanguageModel", parts: Sequence["Retrieval"] = ()) -> Answer:
    """The answer whose sentence the model confirms, or an abstention saying why."""
    extractive = compose_answer(question, retrieval, settings, parts)
    if _needs_no_model(question, retrieval, settings):
        return replace(extractive, mode="verified")
    pool = candidates(retrieval, settings.verify_candidates)
    best = 0.0
    try:
        for e in pool:
            [p] = llm.yes_probability([judge_prompt(question, _passage(e, retrieval.previous,
                                                                       retrieval.evidence))])
            if p >= settings.verify_cutoff:
                return _confirmed(question, retrieval, settings, e, p, parts)
            best = max(best, p)
    except IkqaError as err:
        return replace(extractive, note=_join(extractive.note, f"Not checked by the language "
                                                               f"model: {err}"))
    related = [_citation(n, e) for n, e in enumerate(related_evidence(retrieval.evidence), 1)]
    return Answer(question=question, text=ABSTAIN_TEXT, abstained=True, related=related,
                  confidence=1.0 - best, mode="verified",
                  note=f"Not answered: the language model found none of the {len(pool)} best "
                       f"passages to state the answer.")


def _needs_no_model(question: str, retrieval: "Retrieval", settings: Settings) -> bool:
    """ikqa's fixed rules already abstain (no passage states the kind of fact asked for about
    its subject, a name no brief mentions, weak evidence): the model only overrules the
    confidence cut-off, never these (chosen on the dev splits: eval/calibrate_verify.py). Nor
    does it judge the n-th item of a list found by its place (the model cannot count it)."""
    if retrieval.evidence and retrieval.evidence[0].sentence_id in retrieval.asked_items:
        return True  # "What is objective 3 of X?": the third item of X's objectives, by its place
    return bool(abstention_reason(question, retrieval, settings, p=1.0))


def _confirmed(question: str, retrieval: "Retrieval", settings: Settings, e: Evidence,
               p: float, parts: Sequence["Retrieval"]) -> Answer:
    if e.sentence_id == retrieval.evidence[0].sentence_id or items_after(e, retrieval.evidence):
        # the extractive answer's own best sentence, or a line leading into a list: composed
        # as the extractive answer is (with the list's items)
        first = [e, *(x for x in retrieval.evidence if x.sentence_id != e.sentence_id)]
        answer = compose_answer(question, replace(retrieval, evidence=first), settings, parts,
                                force=True)
    else:
        excerpt = _excerpt(e.text, retrieval.term_weights, settings.max_answer_words)
        answer = Answer(question=question, text=f"{excerpt} [1]", citations=[_citation(1, e)])
    return replace(answer, confidence=p, mode="verified")


def _join(*notes: str) -> str:
    return " ".join(n for n in notes if n)
