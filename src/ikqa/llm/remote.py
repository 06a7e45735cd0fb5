"""Model servers: any OpenAI-compatible server, or Ollama, through llama-index's LLM classes.

``OpenAIModel`` wraps ``llama_index.llms.openai_like.OpenAILike`` (llama.cpp's server, vLLM,
LM Studio, a hosted API); ``OllamaModel`` uses the client that ``llama_index.llms.ollama.Ollama``
configures (address, timeout), because ``Ollama.chat()`` sends neither per-call limits nor the
log-probabilities a judge call needs. Both wait at most ``llm_timeout`` seconds and never
retry, so a dead or slow server costs one timeout, then a one-line ``ModelServerError`` that
names the fix.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from ..config import Settings
from ..errors import ModelServerError, ModelUnavailableError
from .base import TOP_LOGPROBS, ChatPrompt, LanguageModel, Message, as_dicts, yes_share

__all__ = ["OpenAIModel", "OllamaModel"]

OLLAMA_URL = "http://127.0.0.1:11434"


class OpenAIModel(LanguageModel):
    """A model behind an OpenAI-compatible ``/chat/completions`` endpoint (``IKQA_LLM=openai``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = settings.llm_url.rstrip("/")
        self.name = f"{settings.llm_model or 'default'} at {self.url or '(no IKQA_LLM_URL)'}"
        self._client: Any = None

    @property
    def _llm(self) -> Any:
        """llama-index's ``OpenAILike``, made on first use (one HTTP connection pool)."""
        if self._client is None:
            if not self.url:
                raise ModelUnavailableError(
                    "IKQA_LLM=openai needs the server's address: set IKQA_LLM_URL "
                    "(e.g. http://127.0.0.1:8080/v1)")
            self._client = _openai_like(self.settings, self.url)
        return self._client

    def check(self) -> None:
        self.complete([Message("user", "Reply with OK.")], max_tokens=1)

    def yes_probability(self, prompts: Sequence[ChatPrompt]) -> list[float]:
        results = []
        for prompt in prompts:
            with self._errors():
                reply = self._llm.chat(_chat_messages(prompt), max_tokens=1, logprobs=True,
                                       top_logprobs=TOP_LOGPROBS)
            first = (reply.logprobs or [[]])[0]
            results.append(yes_share((lp.token, lp.logprob) for lp in first))
        return results

    def complete(self, messages: ChatPrompt, max_tokens: int = 256,
                 stop: Sequence[str] = ()) -> str:
        with self._errors():
            reply = self._llm.chat(_chat_messages(messages), **_limits(max_tokens, stop))
        return reply.message.content or ""

    def stream(self, messages: ChatPrompt, max_tokens: int = 256,
               stop: Sequence[str] = ()) -> Iterator[str]:
        with self._errors():
            for chunk in self._llm.stream_chat(_chat_messages(messages), **_limits(max_tokens, stop)):
                if chunk.delta:
                    yield chunk.delta

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn the openai client's exceptions into one-line ``ModelServerError``s."""
        import openai

        where = f"the language model server at {self.url}"
        try:
            yield
        except openai.APITimeoutError as exc:
            raise ModelServerError(
                f"{where} did not answer within {self.settings.llm_timeout:g} s: raise "
                f"IKQA_LLM_TIMEOUT or use a faster model") from exc
        except openai.APIConnectionError as exc:
            raise ModelServerError(
                f"cannot reach {where}: start the server or fix IKQA_LLM_URL") from exc
        except openai.AuthenticationError as exc:
            raise ModelServerError(f"{where} refused the API key (HTTP 401): set "
                                   f"IKQA_LLM_API_KEY") from exc
        except openai.NotFoundError as exc:
            raise ModelServerError(
                f"{where} has no model {self.settings.llm_model!r} or no /chat/completions "
                f"(HTTP 404): check IKQA_LLM_MODEL, and that IKQA_LLM_URL ends in /v1") from exc
        except openai.APIStatusError as exc:
            raise ModelServerError(f"{where} answered HTTP {exc.status_code}: "
                                   f"{_one_line(exc.message)}") from exc


class OllamaModel(LanguageModel):
    """A model served by Ollama (``IKQA_LLM=ollama``; ``IKQA_LLM_MODEL`` names it)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = (settings.llm_url or OLLAMA_URL).rstrip("/")
        self.name = f"{settings.llm_model or '(no IKQA_LLM_MODEL)'} on Ollama at {self.url}"
        self._client: Any = None

    @property
    def _llm(self) -> Any:
        """llama-index's ``Ollama``, made on first use."""
        if self._client is None:
            if not self.settings.llm_model:
                raise ModelUnavailableError(
                    "IKQA_LLM=ollama needs a model name: set IKQA_LLM_MODEL "
                    "(e.g. qwen2.5-coder:1.5b)")
            from llama_index.llms.ollama import Ollama

            self._client = Ollama(model=self.settings.llm_model, base_url=self.url,
                                  temperature=0.0, request_timeout=self.settings.llm_timeout,
                                  context_window=self.settings.llm_context)
        return self._client

    def check(self) -> None:
        self.complete([Message("user", "Reply with OK.")], max_tokens=1)

    def yes_probability(self, prompts: Sequence[ChatPrompt]) -> list[float]:
        results = []
        for prompt in prompts:
            with self._errors():
                reply = self._chat(prompt, self._options(1), stream=False, logprobs=True,
                                   top_logprobs=TOP_LOGPROBS)
            first = (reply.logprobs or [None])[0]
            top = (first.top_logprobs or [first]) if first is not None else []
            results.append(yes_share((t.token, t.logprob) for t in top))
        return results

    def complete(self, messages: ChatPrompt, max_tokens: int = 256,
                 stop: Sequence[str] = ()) -> str:
        with self._errors():
            reply = self._chat(messages, self._options(max_tokens, stop), stream=False)
        return reply.message.content or ""

    def stream(self, messages: ChatPrompt, max_tokens: int = 256,
               stop: Sequence[str] = ()) -> Iterator[str]:
        with self._errors():
            for chunk in self._chat(messages, self._options(max_tokens, stop), stream=True):
                if chunk.message.content:
                    yield chunk.message.content

    def _chat(self, messages: ChatPrompt, options: dict[str, Any], **kwargs: Any) -> Any:
        # llama-index's Ollama.chat() sends only its own options, so per-call limits and
        # log-probabilities go through the client it configured (address, timeout).
        return self._llm.client.chat(model=self.settings.llm_model, messages=as_dicts(messages),
                                     options=options, **kwargs)

    def _options(self, max_tokens: int, stop: Sequence[str] = ()) -> dict[str, Any]:
        options: dict[str, Any] = {"num_predict": max_tokens, "temperature": 0.0,
                                   "num_ctx": self.settings.llm_context}
        if stop:
            options["stop"] = list(stop)
        return options

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn the Ollama client's exceptions into one-line ``ModelServerError``s."""
        import httpx
        import ollama

        where = f"Ollama at {self.url}"
        try:
            yield
        except httpx.TimeoutException as exc:
            raise ModelServerError(
                f"{where} did not answer within {self.settings.llm_timeout:g} s: raise "
                f"IKQA_LLM_TIMEOUT or use a smaller model") from exc
        except (ConnectionError, httpx.TransportError) as exc:
            raise ModelServerError(f"cannot reach {where}: start it (ollama serve) or fix "
                                   f"IKQA_LLM_URL") from exc
        except ollama.ResponseError as exc:
            fix = (f": run ollama pull {self.settings.llm_model}" if exc.status_code == 404
                   else "")
            raise ModelServerError(f"{where} answered HTTP {exc.status_code}: "
                                   f"{_one_line(exc.error)}{fix}") from exc


def _openai_like(settings: Settings, url: str) -> Any:
    try:
        from llama_index.llms.openai_like import OpenAILike
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ModelUnavailableError(
            "IKQA_LLM=openai needs llama-index-llms-openai-like: pip install -e . (or make "
            "install)") from exc
    return OpenAILike(model=settings.llm_model or "default", api_base=url,
                      api_key=settings.llm_api_key or "none", is_chat_model=True,
                      is_function_calling_model=False, temperature=0.0, max_retries=0,
                      timeout=settings.llm_timeout, context_window=settings.llm_context)


def _chat_messages(messages: ChatPrompt) -> list[Any]:
    from llama_index.core.llms import ChatMessage

    return [ChatMessage(role=m.role, content=m.content) for m in messages]


def _limits(max_tokens: int, stop: Sequence[str]) -> dict[str, Any]:
    limits: dict[str, Any] = {"max_tokens": max_tokens}
    if stop:
        limits["stop"] = list(stop)
    return limits


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:300]
