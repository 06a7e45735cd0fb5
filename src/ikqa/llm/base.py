"""The one small API every language-model backend offers, and the yes/no reading they share.

ikqa code talks to a ``LanguageModel`` only: ``yes_probability`` (a judge: one token read from
log-probabilities), ``complete`` and ``stream`` (generation). Every expected failure is a
``LanguageModelError`` whose one-line message names the fix, so callers can fall back to
extractive answers with a visible note.
"""

from __future__ import annotations

import math
import string
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

__all__ = ["Message", "ChatPrompt", "LanguageModel", "yes_share", "YES_WORDS", "NO_WORDS",
           "TOP_LOGPROBS"]

# The first answer token is read as "yes" or "no" after lower-casing and stripping spaces and
# punctuation, so " yes", "Yes", "YES." all count as yes.
YES_WORDS = frozenset({"yes"})
NO_WORDS = frozenset({"no"})
# How many alternatives of the first token a judge call asks for (OpenAI's API allows 20).
TOP_LOGPROBS = 20


@dataclass(frozen=True)
class Message:
    """One chat message: ``role`` is ``"system"``, ``"user"`` or ``"assistant"``."""

    role: str
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


# A conversation sent to the model. For judge calls, put what the prompts share (instructions,
# then the question) first and what differs (the candidate passage) last: llama.cpp then
# reuses the computed prefix from one prompt to the next.
ChatPrompt = Sequence[Message]


class LanguageModel(ABC):
    """A chat model behind one small API; implementations are thread-safe.

    ``name`` says which model this is (for notes shown to the user and benchmark tables).
    """

    name: str = "language model"

    @abstractmethod
    def check(self) -> None:
        """Load or reach the model now; raise ``LanguageModelError`` (one line, names the fix)."""

    @abstractmethod
    def yes_probability(self, prompts: Sequence[ChatPrompt]) -> list[float]:
        """For each prompt, P(the first answer token is "yes") / P(yes or no), in 0..1.

        Read from the first token's top log-probabilities (``max_tokens=1``, greedy); a prompt
        whose top tokens hold neither word gets 0.5 (the model did not answer yes or no).
        """

    @abstractmethod
    def complete(self, messages: ChatPrompt, max_tokens: int = 256,
                 stop: Sequence[str] = ()) -> str:
        """The model's whole reply (greedy decoding), cut at the first ``stop`` string."""

    @abstractmethod
    def stream(self, messages: ChatPrompt, max_tokens: int = 256,
               stop: Sequence[str] = ()) -> Iterator[str]:
        """The reply piece by piece as the model produces it (greedy decoding).

        Closing the iterator early stops the generation.
        """


def yes_share(top: Iterable[tuple[str, float]]) -> float:
    """P(yes) / (P(yes) + P(no)) from (token, log-probability) pairs of one position.

    The mass of every yes-like token (" yes", "Yes", ...) is summed, likewise for no; 0.5 when
    neither appears (the model did not answer yes or no).
    """
    yes = no = 0.0
    for token, logprob in top:
        word = token.strip().strip(string.punctuation).lower()
        if word in YES_WORDS:
            yes += math.exp(logprob)
        elif word in NO_WORDS:
            no += math.exp(logprob)
    return yes / (yes + no) if yes + no > 0 else 0.5


def as_dicts(messages: ChatPrompt) -> list[dict[str, str]]:
    """Messages as the ``{"role", "content"}`` dicts of the OpenAI chat format."""
    return [m.to_dict() for m in messages]
