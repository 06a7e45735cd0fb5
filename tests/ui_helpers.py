"""Helpers shared by the web UI tests: a free loopback port, a served app, a private index copy."""

from __future__ import annotations

import shutil
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import ikqa
from ikqa.ui.app import build_ui, launch


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(assistant: ikqa.Assistant, **options: Any) -> Iterator[str]:
    """The page for ``assistant`` on a real Gradio server on 127.0.0.1; closed afterwards."""
    auth = options.pop("auth", None)
    demo = build_ui(assistant, **options)
    port = free_port()
    launch(demo, "127.0.0.1", port, auth=auth, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def private_copy(settings: ikqa.Settings, root: Path) -> ikqa.Settings:
    """A copy of a built index and its sources under ``root``, for tests that change them."""
    shutil.copytree(settings.sources_dir, root / "sources")
    shutil.copytree(settings.index_dir, root / "index")
    return settings.replace(sources_dir=root / "sources", index_dir=root / "index")


def message_text(message: dict[str, Any]) -> str:
    """A chat message's text as gradio_client returns it (a string or a list of parts)."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
