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

    settings = ikqa.Settings(sources_dir=sources_copy, index_dir=tmp_path / "ix", chroma_url=chroma_url)
    assistant = ikqa.Assistant(settings)
    first = assistant.ingest().generation
    answer = assistant.ask("Where is IKCRI based?")
    assert "New Delhi" in answer.text
    assert any("based in New Delhi" in c.text for c in answer.citations)
    assistant.ingest()
    assistant.ingest()  # the oldest generation is now dropped, on the server too
    port = int(chroma_url.rsplit(":", 1)[1])
    names = {c.name for c in chromadb.HttpClient(host="127.0.0.1", port=port).list_collections()}
    assert first is not None and not any(first.name in n for n in names)
    assert len(names) == 4  # two generations x (chunks, sentences)
    assert "New Delhi" in assistant.ask("Where is IKCRI based?").text
