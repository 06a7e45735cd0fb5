"""``Assistant.add_source`` / ``remove_source`` / ``reindex`` / ``sources`` with the real model and Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest

import ikqa
from ikqa.errors import DuplicateSourceError, SourceNotFoundError, SourceRejectedError
from test_formats import make_docx, make_pdf

pytestmark = pytest.mark.slow

HYDROGEN = ("Green Hydrogen Corridor\nMina Park\n\nIndia and Korea agreed to build a green hydrogen "
            "corridor between Ulsan and Kandla. The corridor will cost 40 million dollars and open in 2028.")


@pytest.fixture
def assistant(tmp_path: Path, sources_copy: Path) -> ikqa.Assistant:
    settings = ikqa.Settings(answer_mode="extractive", sources_dir=sources_copy, index_dir=tmp_path / "ix", max_upload_mb=1)
    assistant = ikqa.Assistant(settings)
    assistant.ingest()
    return assistant


def _snapshot(assistant: ikqa.Assistant) -> str:
    return (assistant.settings.index_dir / "CURRENT").read_text().strip()


def test_add_source_stores_and_indexes_only_the_new_file(assistant: ikqa.Assistant) -> None:
    steps: list[str] = []
    summary = assistant.add_source("../../uploads/Hydrogen corridor é.md", HYDROGEN.encode("utf-8"),
                                   progress=lambda stage, done, total: steps.append(stage))
    assert summary.added == ["Hydrogen corridor é.md"]
    assert summary.unchanged == ["india-rok-scientific-cooperation.txt"]
    assert "embedding" in steps
    assert (assistant.settings.sources_dir / "Hydrogen corridor é.md").is_file()
    answer = assistant.ask("How much will the green hydrogen corridor cost?")
    assert "40 million dollars" in answer.text
    assert answer.citations[0].source == "Hydrogen corridor é.md"
    listed = {s["source"]: s for s in assistant.sources()}
    assert listed["Hydrogen corridor é.md"]["title"] == "Green Hydrogen Corridor"
    assert listed["Hydrogen corridor é.md"]["author"] == "Mina Park"
    assert summary.embedded_chunks == listed["Hydrogen corridor é.md"]["chunks"] < summary.chunks
    assert all({"source", "title", "author", "chunks", "indexed_at"} <= set(s) for s in listed.values())


def test_add_source_pdf_and_docx_cite_pages(assistant: ikqa.Assistant) -> None:
    pdf = make_pdf(["Semiconductor Outlook", "Fabs are being planned in several states.",
                    "The first fab opens in Dholera in 2027."])
    assistant.add_source("outlook.pdf", pdf)
    assistant.add_source("memo.docx", make_docx(["Port Memo", "The ports of Busan and Chennai "
                                                 "will share customs data from May 2026."]))
    answer = assistant.ask("Where does the first fab open?")
    assert "Dholera" in answer.text
    assert answer.citations[0].source == "outlook.pdf" and answer.citations[0].page == 3
    evidence = assistant.retrieve("Which ports will share customs data?").evidence
    assert any(e.source == "memo.docx" and "Chennai" in e.text for e in evidence[:3])


@pytest.mark.parametrize("name,data,match", [
    ("big.txt", b"word " * 300_000, "too large"),
    ("report.pdf", b"not a pdf at all, just text", "not a .pdf"),
    ("notes.txt", bytes(range(256)) * 4, "binary content"),
    ("tool.exe", b"MZ\x90\x00", "unsupported file name"),
    ("empty.docx", b"", "file is empty"),
])
def test_a_refused_upload_changes_nothing(assistant: ikqa.Assistant, name: str, data: bytes,
                                          match: str) -> None:
    before = sorted(p.name for p in assistant.settings.sources_dir.iterdir())
    snapshot = _snapshot(assistant)
    with pytest.raises(SourceRejectedError, match=match) as err:
        assistant.add_source(name, data)
    assert "\n" not in str(err.value)
    assert sorted(p.name for p in assistant.settings.sources_dir.iterdir()) == before
    assert _snapshot(assistant) == snapshot


def test_a_duplicate_upload_is_refused(assistant: ikqa.Assistant, brief_text: str) -> None:
    snapshot = _snapshot(assistant)
    with pytest.raises(DuplicateSourceError, match="same content as india-rok-scientific-cooperation.txt"):
        assistant.add_source("copy.txt", brief_text.encode("utf-8"))
    assert not (assistant.settings.sources_dir / "copy.txt").exists()
    assert _snapshot(assistant) == snapshot
    summary = assistant.add_source("india-rok-scientific-cooperation.txt", brief_text.encode("utf-8"))
    assert summary.added == [] and summary.embedded_chunks == 0  # the same file again: nothing to do


def test_remove_source_deletes_file_chunks_and_sentences(assistant: ikqa.Assistant) -> None:
    assistant.add_source("hydrogen.md", HYDROGEN.encode("utf-8"))
    assert "40 million" in assistant.ask("How much will the hydrogen corridor cost?").text
    assistant.remove_source("hydrogen.md")
    assert not (assistant.settings.sources_dir / "hydrogen.md").exists()
    assert [s["source"] for s in assistant.sources()] == ["india-rok-scientific-cooperation.txt"]
    answer = assistant.ask("How much will the hydrogen corridor cost?")
    assert all(c.source != "hydrogen.md" for c in [*answer.citations, *answer.related])
    retriever = assistant._ready()
    store = retriever.store
    assert store._chunks.get(where={"source": "hydrogen.md"})["ids"] == []
    assert store._sentences.get(where={"source": "hydrogen.md"})["ids"] == []
    assert store._sentences.count() == len(store.sentence_ids)
    with pytest.raises(SourceNotFoundError):
        assistant.remove_source("hydrogen.md")
    with pytest.raises(SourceNotFoundError):
        assistant.remove_source("../../etc/passwd")


def test_reindex_rebuilds_everything(assistant: ikqa.Assistant) -> None:
    snapshot = _snapshot(assistant)
    summary = assistant.reindex()
    assert summary.embedded_chunks == summary.chunks > 0
    assert _snapshot(assistant) != snapshot
    assert "New Delhi" in assistant.ask("Where is IKCRI based?").text
