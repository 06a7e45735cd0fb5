"""The local backend: a GGUF model run in-process by llama.cpp through ``xllamacpp``.

The model is loaded once per process and shared: every ``LocalModel`` with the same file and
knobs (threads, context, slots) uses one ``xllamacpp.Server``, created under a lock, so two
sessions asking at once never load it twice. The server is thread-safe: requests queue for
its ``llm_parallel`` slots, and each slot keeps its prompt cache, so a judge call whose
prompts share a prefix computes that prefix once. A call that takes longer than
``llm_timeout`` raises a one-line ``ModelServerError`` (llama.cpp finishes it in the background).
xllamacpp also opens an HTTP port on 127.0.0.1; it gets a random API key, so only this process
can use the model.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..config import Settings
from ..errors import ModelServerError, ModelUnavailableError
from .base import TOP_LOGPROBS, ChatPrompt, LanguageModel, as_dicts, yes_share
from .packaged import INSTALL_FIX, QWEN, packaged_model

__all__ = ["LocalModel", "load_server", "model_file"]

log = logging.getLogger("ikqa.llm")

_SERVERS: dict[tuple[Any, ...], Any] = {}  # (file, threads, context, slots) -> xllamacpp.Server
_LOAD_LOCK = threading.Lock()
_DONE = object()


class LocalModel(LanguageModel):
    """The packaged Qwen2.5-Coder-1.5B (or the GGUF file in ``llm_model``) run in this process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = Path(settings.llm_model).name if settings.llm_model \
            else "Qwen2.5-Coder-1.5B-Instruct Q4_K_M (local)"

    def check(self) -> None:
        self._server()

    def yes_probability(self, prompts: Sequence[ChatPrompt]) -> list[float]:
        # One after another on purpose: consecutive prompts land on the same slot, whose
        # cache already holds the shared prefix (instructions + question).
        return [yes_share(_first_token_top(self._chat({
            "messages": as_dicts(p), "max_tokens": 1, "temperature": 0.0,
            "logprobs": True, "top_logprobs": TOP_LOGPROBS}))) for p in prompts]

    def complete(self, messages: ChatPrompt, max_tokens: int = 256,
                 stop: Sequence[str] = ()) -> str:
        reply = self._chat(_generation(messages, max_tokens, stop))
        return reply["choices"][0]["message"].get("content") or ""

    def stream(self, messages: ChatPrompt, max_tokens: int = 256,
               stop: Sequence[str] = ()) -> Iterator[str]:
        server = self._server()
        pieces: queue.Queue[Any] = queue.Queue()
        cancelled = threading.Event()

        def on_chunk(chunk: dict[str, Any]) -> bool:
            pieces.put(chunk)
            return cancelled.is_set()  # True tells llama.cpp to stop generating

        def run() -> None:
            try:
                server.handle_chat_completions(
                    {**_generation(messages, max_tokens, stop), "stream": True}, on_chunk)
            except Exception as exc:  # noqa: BLE001 - handed to the consumer below
                pieces.put(exc)
            finally:
                pieces.put(_DONE)

        threading.Thread(target=run, name="ikqa-llm-stream", daemon=True).start()
        try:
            yield from _stream_pieces(pieces, self.settings.llm_timeout)
        finally:
            cancelled.set()

    def _chat(self, payload: dict[str, Any]) -> dict[str, Any]:
        server = self._server()
        reply = _within(self.settings.llm_timeout, server.handle_chat_completions, payload)
        _raise_for_error(reply)
        return reply

    def _server(self) -> Any:
        return load_server(model_file(self.settings), self.settings)


def model_file(settings: Settings) -> Path:
    """The GGUF file to run: ``llm_model`` when set, else the packaged model (joined, checked)."""
    if settings.llm_model:
        path = Path(settings.llm_model).expanduser()
        if not path.is_file():
            raise ModelUnavailableError(
                f"the language model file {path} (IKQA_LLM_MODEL) does not exist: point "
                f"IKQA_LLM_MODEL at a GGUF file, or unset it to use the packaged model")
        return path
    return packaged_model(settings.model_cache, QWEN)


def load_server(path: Path, settings: Settings) -> Any:
    """The process's one ``xllamacpp.Server`` for this file and these knobs, loaded on first use."""
    key = (str(path), settings.llm_threads, settings.llm_context, settings.llm_parallel)
    with _LOAD_LOCK:
        server = _SERVERS.get(key)
        if server is None:
            server = _SERVERS[key] = _load(path, settings)
        return server


def _load(path: Path, settings: Settings) -> Any:
    xllamacpp = _import_xllamacpp()
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_parallel = settings.llm_parallel
    params.kv_unified = False  # each slot gets its own llm_context tokens
    params.n_ctx = settings.llm_context * settings.llm_parallel
    params.cpuparams.n_threads = settings.llm_threads
    params.cpuparams_batch.n_threads = settings.llm_threads
    params.n_threads_http = 1
    params.api_keys = [secrets.token_urlsafe(24)]  # the side HTTP port serves no one else
    params.warmup = False
    params.verbosity = -1
    log.info("loading the language model %s (%d threads, %d slots of %d tokens)", path,
             settings.llm_threads, settings.llm_parallel, settings.llm_context)
    started = time.perf_counter()
    try:
        server = xllamacpp.Server(params)
    except Exception as exc:  # llama.cpp says only "failed to init"
        raise ModelUnavailableError(
            f"llama.cpp could not load the language model {path.name} ({_one_line(exc)}): check "
            f"the file, or free memory; {INSTALL_FIX}") from exc
    log.info("language model loaded in %.1f s", time.perf_counter() - started)
    return server


def _import_xllamacpp() -> Any:
    try:
        import xllamacpp
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the local language model needs the local-llm extra (xllamacpp): {INSTALL_FIX}"
        ) from exc
    return xllamacpp


def _within(timeout: float, call: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """``call(payload)`` on a worker thread, given up on after ``timeout`` seconds.

    llama.cpp cannot drop a request mid-prompt, so a late one finishes in the background
    (its slot stays busy until then) while the caller gets a one-line error at once.
    """
    done: queue.Queue[Any] = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            done.put(call(payload))
        except Exception as exc:  # noqa: BLE001 - handed to the caller below
            done.put(exc)

    threading.Thread(target=run, name="ikqa-llm-call", daemon=True).start()
    try:
        result = done.get(timeout=timeout)
    except queue.Empty:
        raise ModelServerError(
            f"the local language model did not answer within {timeout:g} s: raise "
            f"IKQA_LLM_TIMEOUT, or run fewer things at once on this machine") from None
    if isinstance(result, Exception):
        raise ModelServerError(f"the local language model failed: {_one_line(result)}")
    return result


def _generation(messages: ChatPrompt, max_tokens: int, stop: Sequence[str]) -> dict[str, Any]:
    payload: dict[str, Any] = {"messages": as_dicts(messages), "max_tokens": max_tokens,
                               "temperature": 0.0}
    if stop:
        payload["stop"] = list(stop)
    return payload


def _stream_pieces(pieces: "queue.Queue[Any]", timeout: float) -> Iterator[str]:
    """Text deltas from the chunks the callback queued, until the end marker."""
    while True:
        try:
            item = pieces.get(timeout=timeout)
        except queue.Empty:
            raise ModelServerError(
                f"the local language model produced nothing for {timeout:g} s: raise "
                f"IKQA_LLM_TIMEOUT, or run fewer things at once on this machine") from None
        if item is _DONE:
            return
        if isinstance(item, Exception):
            raise ModelServerError(f"the local language model failed: {_one_line(item)}")
        _raise_for_error(item)
        for choice in item.get("choices") or ():
            text = (choice.get("delta") or {}).get("content")
            if text:
                yield text


def _first_token_top(reply: dict[str, Any]) -> list[tuple[str, float]]:
    """(token, logprob) alternatives of the reply's first token."""
    content = ((reply["choices"][0].get("logprobs") or {}).get("content")) or []
    if not content:
        return []
    first = content[0]
    top = first.get("top_logprobs") or [first]
    return [(t["token"], t["logprob"]) for t in top]


def _raise_for_error(reply: dict[str, Any]) -> None:
    if "error" in reply or ("choices" not in reply and "code" in reply):
        error = reply.get("error", reply)
        message = _one_line(error.get("message", error))
        fix = " (raise IKQA_LLM_CONTEXT)" if error.get("type") == "exceed_context_size_error" else ""
        raise ModelServerError(f"the local language model refused the request: {message}{fix}")


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:300]
