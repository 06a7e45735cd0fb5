"""The first web page on a real Gradio server on 127.0.0.1, reached with gradio_client."""

from __future__ import annotations

import socket
from typing import Any, Iterator

import httpx
import pytest

import ikqa
from ikqa.types import Answer, Citation
from ikqa.ui import build_ui, render_answer

pytestmark = [pytest.mark.slow, pytest.mark.server]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(assistant: ikqa.Assistant) -> Iterator[str]:
    demo = build_ui(assistant)
    port = _free_port()
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True,
                        quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def _last_text(history: list[dict[str, Any]]) -> str:
    content = history[-1]["content"]
    return content if isinstance(content, str) else " ".join(p["text"] for p in content)


def test_page_is_served_on_loopback(app_url: str) -> None:
    assert app_url.startswith("http://127.0.0.1:")
    page = httpx.get(app_url, timeout=30)
    assert page.status_code == 200 and "ikqa" in page.text


def test_chat_shows_the_answer_and_its_cited_sentence(app_url: str) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    _, history, *_ = client.predict("Where is IKCRI based?", [], api_name="/chat")
    shown = _last_text(history)
    assert "based in New Delhi" in shown and "[1]" in shown
    assert "**Sources**" in shown and "india-rok-scientific-cooperation.txt" in shown
    _, history, *_ = client.predict("What does it focus on?", history, api_name="/chat")
    assert "technology transfer" in _last_text(history)


def test_render_answer_lists_related_passages_on_abstention() -> None:
    related = Citation(1, "b.txt", "Brief B", "A nearby sentence.", 0, 18, 0.3)
    shown = render_answer(Answer("q", "The briefings don't say.", abstained=True, related=[related]))
    assert "Related, but not an answer" in shown and "A nearby sentence." in shown
    assert "**Sources**" not in shown
