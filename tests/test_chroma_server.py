"""The same ingest and ask against a real ``chroma run`` server on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

import ikqa

pytestmark = [pytest.mark.slow, pytest.mark.server]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen([str(chroma), "run", "--path", str(data), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("chroma server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_ingest_and_ask_through_a_chroma_server(chroma_url: str, tmp_path: Path,
                                                sources_copy: Path) -> None:
    import chromadb

    settings = ikqa.Settings(answer_mode="extractive", sources_dir=sources_copy, index_dir=tmp_path / "ix", chroma_url=chroma_url)
    assistant = ikqa.Assistant(settings)
    first = assistant.ingest().snapshot
    answer = assistant.ask("Where is IKCRI based?")
    assert "New Delhi" in answer.text
    assert any("based in New Delhi" in c.text for c in answer.citations)
    assistant.reindex()
    assistant.reindex()  # the oldest snapshot is now dropped, on the server too
    port = int(chroma_url.rsplit(":", 1)[1])
    names = {c.name for c in chromadb.HttpClient(host="127.0.0.1", port=port).list_collections()
             if c.name.startswith("ikqa-gen-")}  # other tests here use their own prefix
    assert first is not None and not any(first.name in n for n in names)
    assert len(names) == 4  # two snapshots x (chunks, sentences)
    assert "New Delhi" in assistant.ask("Where is IKCRI based?").text


def test_incremental_add_and_delete_through_a_chroma_server(chroma_url: str, tmp_path: Path,
                                                            sources_copy: Path) -> None:
    import chromadb

    settings = ikqa.Settings(answer_mode="extractive", sources_dir=sources_copy, index_dir=tmp_path / "ix", chroma_url=chroma_url,
                             collection="incr")
    assistant = ikqa.Assistant(settings)
    assistant.ingest()
    summary = assistant.add_source("hydrogen.md", b"Hydrogen Corridor\n\nThe hydrogen corridor between "
                                   b"Ulsan and Kandla will cost 40 million dollars.")
    assert summary.added == ["hydrogen.md"] and summary.unchanged == ["india-rok-scientific-cooperation.txt"]
    assert "40 million dollars" in assistant.ask("How much will the hydrogen corridor cost?").text
    assistant.remove_source("hydrogen.md")
    assert [s["source"] for s in assistant.sources()] == ["india-rok-scientific-cooperation.txt"]
    store = assistant._ready().store
    assert store._chunks.get(where={"source": "hydrogen.md"})["ids"] == []
    assert store._chunks.count() == len(store.chunk_ids)
    port = int(chroma_url.rsplit(":", 1)[1])
    names = {c.name for c in chromadb.HttpClient(host="127.0.0.1", port=port).list_collections()
             if c.name.startswith("incr-")}
    assert len(names) == 4  # current and previous snapshot only: dropped ones are deleted
    assert "New Delhi" in assistant.ask("Where is IKCRI based?").text


def test_cli_uses_the_server_given_by_chroma_url(chroma_url: str, tmp_path: Path,
                                                  sources_copy: Path) -> None:
    ikqa_bin = Path(sys.executable).with_name("ikqa")
    env = {**__import__("os").environ, "IKQA_COLLECTION": "cli"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(ikqa_bin), "--chroma-url", chroma_url, *args, "--index",
                               str(tmp_path / "ix"), "--sources", str(sources_copy)],
                              capture_output=True, text=True, timeout=300, env=env)

    assert run("ingest").returncode == 0
    assert not list((tmp_path / "ix").glob("gen-*/chroma"))  # the vectors live on the server
    assert "New Delhi" in run("ask", "Where is IKCRI based?").stdout
    (sources_copy / "note.txt").write_text("Port Note\n\nThe port of Kochi handles the new ferry "
                                           "service from June 2026.", encoding="utf-8")
    again = run("ingest")
    assert again.returncode == 0 and "added" in again.stdout and "note.txt" in again.stdout
    assert "Kochi" in run("ask", "Which port handles the new ferry service?").stdout
    removed = run("remove", "note.txt")
    assert removed.returncode == 0, removed.stderr
    assert "note.txt" not in run("sources").stdout
