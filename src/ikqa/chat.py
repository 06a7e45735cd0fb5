"""Conversation state and the rewriting of a follow-up into a standalone question.

Rule-based: a follow-up that leans on an earlier turn ("Where is it based?", "And
KASA?", "Who launched them?") has its pronoun replaced by the subject of the previous
turn — the named thing its question asked about, else the first named thing in its
answer.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .types import Answer, Turn

if TYPE_CHECKING:
    from .assistant import Assistant

__all__ = ["Conversation", "rewrite_follow_up", "subject_of"]

_PRONOUN = re.compile(r"\b(it|they|them|this|that|these|those|he|she|him|her|there)\b", re.I)
_POSSESSIVE = re.compile(r"\b(its|their|his)\b", re.I)
_WHAT_ABOUT = re.compile(r"^\s*(?:and|what about|how about|and what about)\s+(.+?)\s*\??\s*$", re.I)
# Capitalised phrases and acronyms: "India Korea Centre for Research & Innovation", "KIND-X".
_ENTITY = re.compile(
    r"\b[A-Z][\w&’'-]*(?:\s+(?:for|of|and|&|the|on)?\s*[A-Z][\w&’'-]*)*(?:\s*\([A-Z][\w-]+\))?"
)
_QUESTION_START = {"what", "who", "where", "when", "which", "how", "why", "is", "are", "does",
                   "do", "did", "was", "were", "can", "tell", "and", "list", "name"}


def subject_of(question: str, answer_text: str = "") -> str:
    """The named thing a turn was about: from its question, else from its answer."""
    for text in (question, answer_text):
        entities = [e for e in _entities(text) if e.lower() not in _QUESTION_START]
        if entities:
            return max(entities, key=_entity_weight)
    return ""


def _entities(text: str) -> list[str]:
    found = []
    for match in _ENTITY.finditer(text):
        words = match.group(0).split()
        while words and words[0].lower() in _QUESTION_START:
            words = words[1:]
        if words:
            found.append(" ".join(words))
    return found


def _entity_weight(entity: str) -> tuple[int, int]:
    """Prefer acronyms and longer names."""
    has_acronym = any(w.isupper() and len(w) > 1 for w in re.split(r"[\s()]+", entity))
    return (int(has_acronym), len(entity.split()))


def rewrite_follow_up(question: str, history: list[Turn]) -> str:
    """A standalone version of ``question`` given earlier turns (unchanged if it stands alone)."""
    if not history:
        return question
    last = history[-1]
    what_about = _WHAT_ABOUT.match(question)
    if what_about:
        previous_subject = subject_of(last.standalone_question)
        if previous_subject and previous_subject in last.standalone_question:
            return last.standalone_question.replace(previous_subject, what_about.group(1), 1)
        return f"{last.standalone_question.rstrip('?')} for {what_about.group(1)}?"
    if not (_PRONOUN.search(question) or _POSSESSIVE.search(question)):
        return question
    subject = subject_of(last.standalone_question, last.answer.text)
    if not subject:
        return question
    rewritten = _POSSESSIVE.sub(f"{subject}'s", question, count=1)
    if rewritten == question:
        rewritten = _PRONOUN.sub(subject, question, count=1)
    return rewritten


class Conversation:
    """A multi-turn exchange with one ``Assistant``; ``ask`` resolves follow-ups first."""

    def __init__(self, assistant: "Assistant") -> None:
        self.assistant = assistant
        self.turns: list[Turn] = []

    def ask(self, question: str) -> Answer:
        standalone = rewrite_follow_up(question.strip(), self.turns)
        answer = self.assistant.ask(standalone)
        answer.question = question
        answer.standalone_question = standalone
        self.turns.append(Turn(question=question, standalone_question=standalone, answer=answer))
        return answer

    def reset(self) -> None:
        """Forget every earlier turn."""
        self.turns.clear()
