"""Shared fixtures: every test gets its own index folder; one real index is built per session."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

import ikqa

REPO = Path(__file__).resolve().parents[1]
BRIEF = REPO / "sources" / "india-rok-scientific-cooperation.txt"
sys.path.insert(0, str(Path(__file__).parent))
# Everything the suite does not ask otherwise runs in the fast extractive mode, the CLI and
# `ikqa serve` children included (they inherit this); the model modes are tested where asked for.
os.environ["IKQA_ANSWER_MODE"] = "extractive"


@pytest.fixture(autouse=True)
def _own_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the repository's index/ or depends on the caller's IKQA_*."""
    monkeypatch.setenv("IKQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("IKQA_SOURCES_DIR", str(tmp_path / "sources"))
    monkeypatch.delenv("IKQA_CHROMA_URL", raising=False)


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory) -> ikqa.Settings:
    """Settings of a real index of the brief, built once with the real model and Chroma."""
    root = tmp_path_factory.mktemp("built")
    (root / "sources").mkdir()
    shutil.copy(BRIEF, root / "sources" / BRIEF.name)
    settings = ikqa.Settings(answer_mode="extractive", sources_dir=root / "sources", index_dir=root / "index")
    ikqa.Assistant(settings).ingest()
    return settings


@pytest.fixture(scope="session")
def assistant(built_settings: ikqa.Settings) -> ikqa.Assistant:
    return ikqa.Assistant(built_settings)


@pytest.fixture
def brief_text() -> str:
    return BRIEF.read_text(encoding="utf-8")


@pytest.fixture
def sources_copy(tmp_path: Path) -> Path:
    """A fresh sources folder holding the brief."""
    folder = tmp_path / "sources"
    folder.mkdir(exist_ok=True)
    shutil.copy(BRIEF, folder / BRIEF.name)
    return folder
