"""A real ``ikqa ingest`` process killed with SIGKILL at each stage; readers keep answering meanwhile."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

import ikqa
from gen_briefs import write_briefs

pytestmark = pytest.mark.slow
IKQA = Path(sys.executable).with_name("ikqa")


def _ingest(sources: Path, index: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([str(IKQA), "ingest", "--sources", str(sources), "--index", str(index)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_when(proc: subprocess.Popen[str], ready: Callable[[], bool], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"ingest ended before the kill point: {proc.communicate()}"
        assert time.monotonic() < deadline, "kill point never reached"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _previous_index_answers(settings: ikqa.Settings, snapshot: str) -> None:
    assert (settings.index_dir / "CURRENT").read_text().strip() == snapshot
    answer = ikqa.Assistant(settings).ask("Where is IKCRI based?")
    assert "New Delhi" in answer.text


def test_sigkill_at_every_stage_keeps_the_index_and_the_next_ingest_finishes(
        tmp_path: Path, sources_copy: Path) -> None:
    settings = ikqa.Settings(answer_mode="extractive", sources_dir=sources_copy, index_dir=tmp_path / "ix")
    ikqa.Assistant(settings).ingest()
    snapshot = (settings.index_dir / "CURRENT").read_text().strip()
    records = settings.index_dir / "records"
    write_briefs(sources_copy, 40)
    before = len(list(records.glob("*.npz")))

    proc = _ingest(sources_copy, settings.index_dir)  # 1. while starting up
    time.sleep(1.0)
    _kill_when(proc, lambda: True)
    _previous_index_answers(settings, snapshot)

    proc = _ingest(sources_copy, settings.index_dir)  # 2. half-way through embedding
    _kill_when(proc, lambda: len(list(records.glob("*.npz"))) >= before + 5)
    _previous_index_answers(settings, snapshot)
    saved = len(list(records.glob("*.npz"))) - before
    assert 5 <= saved < 40

    proc = _ingest(sources_copy, settings.index_dir)  # 3. while writing the new snapshot
    _kill_when(proc, lambda: len(list(settings.index_dir.glob("gen-*"))) >= 2)
    _previous_index_answers(settings, snapshot)

    done = subprocess.run([str(IKQA), "ingest", "--sources", str(sources_copy), "--index",
                           str(settings.index_dir)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "indexed 41 brief(s)" in done.stdout
    assert "embedded 0 new chunk(s)" in done.stdout  # run 3 had embedded everything
    answer = ikqa.Assistant(settings).ask("How much will the battery recycling centre number 20 cost?")
    assert "120 million dollars" in answer.text
    snapshots = list(settings.index_dir.glob("gen-*"))
    assert len(snapshots) <= 2 and all((g / "manifest.json").exists() for g in snapshots)


def test_an_assistant_keeps_answering_during_an_ingest_and_then_sees_new_briefs(
        tmp_path: Path, sources_copy: Path) -> None:
    settings = ikqa.Settings(answer_mode="extractive", sources_dir=sources_copy, index_dir=tmp_path / "ix")
    assistant = ikqa.Assistant(settings)
    assistant.ingest()
    write_briefs(sources_copy, 12)
    proc = _ingest(sources_copy, settings.index_dir)
    answered = 0
    while proc.poll() is None:
        assert "New Delhi" in assistant.ask("Where is IKCRI based?").text
        answered += 1
    assert proc.returncode == 0, proc.communicate()
    assert answered > 5
    answer = assistant.ask("How much will the fintech centre number 9 cost?")  # no restart
    assert "109 million dollars" in answer.text


@pytest.mark.server
def test_a_running_ikqa_serve_answers_over_http_during_an_ingest_and_then_sees_new_briefs(
        tmp_path: Path, sources_copy: Path) -> None:
    """Two real processes: ``ikqa serve`` answering /ask while ``ikqa ingest`` adds briefs."""
    import httpx
    from gradio_client import Client

    from ui_helpers import free_port

    index = tmp_path / "ix"
    first = subprocess.run([str(IKQA), "ingest", "--sources", str(sources_copy), "--index", str(index)],
                           capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    port = free_port()
    server = subprocess.Popen([str(IKQA), "serve", "--sources", str(sources_copy), "--index", str(index),
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.communicate()[0]
            try:
                if httpx.get(url, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server never came up"
            time.sleep(0.5)
        client = Client(url, verbose=False)
        write_briefs(sources_copy, 60)  # an ingest of several seconds, long beside one /ask round trip
        ingest = _ingest(sources_copy, index)
        answered_while_ingesting = 0
        while ingest.poll() is None:
            got = client.predict("Where is IKCRI based?", api_name="/ask")
            assert "New Delhi" in got["text"] and not got["abstained"]
            answered_while_ingesting += ingest.poll() is None
        assert ingest.returncode == 0, ingest.communicate()
        assert answered_while_ingesting >= 2
        got = client.predict("How much will the fintech centre number 9 cost?", api_name="/ask")
        assert "109 million dollars" in got["text"]  # the new brief, no restart
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_two_ingests_at_once_take_turns(tmp_path: Path, sources_copy: Path) -> None:
    """The writer lock: a second ingest waits, then finds nothing left to embed."""
    from ikqa.indexing.store import Store

    settings = ikqa.Settings(answer_mode="extractive", sources_dir=sources_copy, index_dir=tmp_path / "ix")
    ikqa.Assistant(settings).ingest()
    write_briefs(sources_copy, 6)
    first, second = _ingest(sources_copy, settings.index_dir), _ingest(sources_copy, settings.index_dir)
    outputs = [p.communicate(timeout=600) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    embedded = sorted("embedded 0 new chunk(s)" in out for out, _ in outputs)
    assert embedded == [False, True]  # one did the work, the other found it done
    store = Store(settings)
    assert store._chunks.count() == len(store.chunk_ids) == sum(s["chunks"] for s in store.sources)
    assert len(store.sources) == 7
