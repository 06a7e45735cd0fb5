"""Language models behind one small API: the packaged local model, an OpenAI-compatible server, Ollama.

``open_llm(settings)`` is the one place a backend is chosen (``IKQA_LLM``); ikqa code then uses
only ``LanguageModel``: ``yes_probability`` (judge calls read from log-probabilities),
``complete`` and ``stream``. ``base`` holds that API, ``packaged`` joins and checks the model
file, ``local`` runs it in-process with xllamacpp (loaded once per process), ``remote`` talks to
servers through llama-index's LLM classes. Heavy libraries are imported on first use; every
expected failure is a one-line ``LanguageModelError`` that names the fix.

May import: ``ikqa.config``, ``ikqa.errors``, ``ikqa.types`` and itself.
"""

from __future__ import annotations

from typing import Iterator, Sequence

from ..config import Settings
from ..errors import ModelUnavailableError
from .base import ChatPrompt, LanguageModel, Message, yes_share

__all__ = ["open_llm", "LanguageModel", "Message", "ChatPrompt", "NoModel", "yes_share"]


def open_llm(settings: Settings) -> LanguageModel:
    """The language model ``settings.llm`` names; cheap: nothing loads or connects until used."""
    match settings.llm:
        case "local":
            from .local import LocalModel

            return LocalModel(settings)
        case "openai":
            from .remote import OpenAIModel

            return OpenAIModel(settings)
        case "ollama":
            from .remote import OllamaModel

            return OllamaModel(settings)
        case _:
            return NoModel()


class NoModel(LanguageModel):
    """``IKQA_LLM=none``: every call says no model is configured (callers answer extractively)."""

    name = "no language model"

    def check(self) -> None:
        raise ModelUnavailableError(
            "no language model is configured (IKQA_LLM=none): set IKQA_LLM=local "
            "(pip install 'ikqa[local-llm]'), openai or ollama")

    def yes_probability(self, prompts: Sequence[ChatPrompt]) -> list[float]:
        self.check()
        return []

    def complete(self, messages: ChatPrompt, max_tokens: int = 256,
                 stop: Sequence[str] = ()) -> str:
        self.check()
        return ""

    def stream(self, messages: ChatPrompt, max_tokens: int = 256,
               stop: Sequence[str] = ()) -> Iterator[str]:
        self.check()
        yield from ()
