"""The language-model seam against real models and real servers on 127.0.0.1.

Protocol tests use SmolLM2-135M (fast) both in-process and behind an xllamacpp server process;
the judgement tests use the packaged Qwen2.5-Coder-1.5B, joined and hash-checked in the
machine's model cache on first use.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

import ikqa
from ikqa.errors import ModelServerError, ModelUnavailableError
from ikqa.llm import LanguageModel, Message, open_llm
from ikqa.llm.packaged import QWEN, packaged_model
from llm_helpers import free_port, model_server, smollm_path

pytestmark = [pytest.mark.llm, pytest.mark.slow]

BRIEF = Path(__file__).resolve().parents[1] / "sources" / "india-rok-scientific-cooperation.txt"
JUDGE_SYSTEM = ("You check evidence. Answer only yes or no: does the passage state the answer "
                "to the question?")


def _judge(question: str, passage: str) -> list[Message]:
    # The question comes before the passage, so prompts about one question share a prefix.
    return [Message("system", JUDGE_SYSTEM),
            Message("user", f"Question: {question}\nPassage: {passage}\nAnswer yes or no.")]


PROMPTS = [_judge("What is the capital of France?", "Paris is the capital of France."),
           _judge("What is the capital of France?", "Bananas are rich in potassium.")]
GENERATE = [Message("user", "List three colours of the rainbow, one per line.")]


@pytest.fixture(scope="module")
def smol_settings() -> ikqa.Settings:
    return ikqa.Settings(llm="local", llm_model=str(smollm_path()))


@pytest.fixture(scope="module")
def smol_url() -> Iterator[str]:
    with model_server(smollm_path()) as url:
        yield url


@pytest.fixture(scope="module")
def served(smol_url: str) -> LanguageModel:
    return open_llm(ikqa.Settings(llm="openai", llm_url=smol_url, llm_timeout=60))


def _one_line(err: pytest.ExceptionInfo[BaseException], *fixes: str) -> None:
    message = str(err.value)
    assert "\n" not in message and len(message) < 400, message
    for fix in fixes:
        assert fix in message, message


# --------------------------------------------------------------------- protocol (SmolLM2)

def test_the_openai_backend_reads_the_same_yes_probability_as_the_model_in_process(
        served, smol_settings):
    remote = served.yes_probability(PROMPTS)
    local = open_llm(smol_settings).yes_probability(PROMPTS)
    assert len(remote) == len(local) == 2
    assert all(0.0 <= p <= 1.0 for p in remote)
    assert remote != [0.5, 0.5], "no yes/no token was read from the log-probabilities"
    assert remote == pytest.approx(local, abs=0.02)


def test_the_openai_backend_completes_and_streams_the_same_text(served):
    text = served.complete(GENERATE, max_tokens=24)
    pieces = list(served.stream(GENERATE, max_tokens=24))
    assert text.strip()
    assert len(pieces) > 3, "the reply came in one piece, not streamed"
    assert "".join(pieces) == text


def test_a_stop_string_ends_the_reply(served, smol_settings):
    whole = served.complete(GENERATE, max_tokens=24)
    cut = whole.strip().split()[1]  # the second word of the greedy reply
    for llm in (served, open_llm(smol_settings)):
        text = llm.complete(GENERATE, max_tokens=24, stop=[cut])
        assert cut not in text and whole.startswith(text)


def test_the_local_backend_streams_the_text_it_completes(smol_settings):
    llm = open_llm(smol_settings)
    text = llm.complete(GENERATE, max_tokens=24)
    pieces = list(llm.stream(GENERATE, max_tokens=24))
    assert text.strip() and len(pieces) > 3
    assert "".join(pieces) == text


def test_closing_a_local_stream_early_leaves_the_model_usable(smol_settings):
    llm = open_llm(smol_settings)
    stream = llm.stream(GENERATE, max_tokens=200)
    first = [next(stream), next(stream)]
    stream.close()
    assert all(first)
    assert llm.complete(GENERATE, max_tokens=8).strip()


def test_the_model_is_loaded_once_when_two_threads_ask_at_once(smol_settings, caplog):
    # Knobs no other test uses, so this model is not loaded yet in this process.
    settings = smol_settings.replace(llm_context=1536)
    barrier = threading.Barrier(2)
    results: list[list[float]] = []

    def ask() -> None:
        llm = open_llm(settings)  # each session opens its own handle, like Assistant does
        barrier.wait()
        results.append(llm.yes_probability(PROMPTS[:1]))

    caplog.set_level(logging.INFO, logger="ikqa.llm")
    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    loads = [r for r in caplog.records if r.getMessage().startswith("loading the language model")]
    assert len(loads) == 1, [r.getMessage() for r in loads]
    assert len(results) == 2 and results[0] == pytest.approx(results[1], abs=1e-3)


# --------------------------------------------------------------------- failures

def test_an_unreachable_server_is_a_one_line_error_naming_the_fix():
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    llm = open_llm(ikqa.Settings(llm="openai", llm_url=url, llm_timeout=10))
    started = time.monotonic()
    for call in (llm.check, lambda: llm.yes_probability(PROMPTS),
                 lambda: list(llm.stream(GENERATE))):
        with pytest.raises(ModelServerError) as err:
            call()
        _one_line(err, "cannot reach", url, "IKQA_LLM_URL")
    assert time.monotonic() - started < 5, "a refused connection should fail at once, no retries"


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A real TCP server on 127.0.0.1 that reads requests and never answers."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)

    def serve() -> None:
        held = []
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                held.append(conn)  # keep it open, say nothing
            except TimeoutError:
                continue
        for conn in held:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    stop.set()
    thread.join(timeout=5)
    listener.close()


def test_a_server_slower_than_the_timeout_is_a_one_line_error_naming_the_fix(silent_server):
    llm = open_llm(ikqa.Settings(llm="openai", llm_url=silent_server, llm_timeout=1.0))
    started = time.monotonic()
    with pytest.raises(ModelServerError) as err:
        llm.yes_probability(PROMPTS[:1])
    waited = time.monotonic() - started
    _one_line(err, "did not answer within 1 s", "IKQA_LLM_TIMEOUT")
    assert 0.9 <= waited < 4, waited


def test_a_local_model_slower_than_the_timeout_is_a_one_line_error_and_stays_usable(
        smol_settings):
    long_prompt = [Message("user", "Summarise: " + "the centre funds joint research. " * 80)]
    hurried = open_llm(smol_settings.replace(llm_timeout=0.05))
    started = time.monotonic()
    with pytest.raises(ModelServerError) as err:
        hurried.complete(long_prompt, max_tokens=64)
    assert time.monotonic() - started < 1.0
    _one_line(err, "did not answer within 0.05 s", "IKQA_LLM_TIMEOUT")
    assert open_llm(smol_settings).complete(GENERATE, max_tokens=8).strip()


def test_a_file_that_is_not_a_model_is_refused_in_one_line(tmp_path):
    fake = tmp_path / "not-a-model.gguf"
    fake.write_bytes(b"GGUF" + b"\0" * 4096)
    llm = open_llm(ikqa.Settings(llm="local", llm_model=str(fake)))
    with pytest.raises(ModelUnavailableError) as err:
        llm.complete(GENERATE)
    _one_line(err, "could not load", "not-a-model.gguf")


# --------------------------------------------------------------------- the packaged model (Qwen)

@pytest.fixture(scope="module")
def qwen() -> LanguageModel:
    settings = ikqa.Settings(llm="local")
    path = packaged_model(settings.model_cache)  # joined and hash-checked on first use
    assert path.stat().st_size == QWEN.size
    assert (path.parent / (path.name + ".verified")).read_text().count(QWEN.sha256) == 1
    llm = open_llm(settings)
    llm.check()
    return llm


def _sentence(containing: str) -> str:
    text = " ".join(BRIEF.read_text(encoding="utf-8").split())
    start = text.index(containing)
    begin = text.rfind(". ", 0, start) + 2
    return text[begin:text.index(". ", start) + 1]


def test_qwen_says_yes_to_a_passage_that_states_the_answer_and_no_to_an_unrelated_one(qwen):
    question = "Where is the India Korea Centre for Research & Innovation based?"
    states = _sentence("which is based in New Delhi")
    near_miss = _sentence("IKSTC) in Bangalore")  # another centre, another city
    unrelated = _sentence("Korea consented to join")
    assert "New Delhi" in states and all("New Delhi" not in s for s in (near_miss, unrelated))
    high, near, low = qwen.yes_probability(
        [_judge(question, s) for s in (states, near_miss, unrelated)])
    assert high >= 0.8, high
    assert low <= 0.3, low
    assert high > near > low, (high, near, low)
