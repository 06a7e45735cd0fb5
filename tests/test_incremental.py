"""Incremental ingest against the manifest: only new or changed briefs are embedded, nothing is lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import ikqa
from ikqa.indexing.store import Store

pytestmark = pytest.mark.slow

TRADE = ("Semiconductor Trade Note\nRavi Rao\n\nKorea will open a chip packaging plant in Dholera. "
         "The plant will employ 3,000 people from 2027.")
TRADE_V2 = ("Semiconductor Trade Note\nRavi Rao\n\nKorea will open a chip packaging plant in Sanand. "
            "The plant will employ 5,000 people from 2028.")


@pytest.fixture
def settings(tmp_path: Path, sources_copy: Path) -> ikqa.Settings:
    (sources_copy / "trade note.txt").write_text(TRADE, encoding="utf-8")
    return ikqa.Settings(answer_mode="extractive", sources_dir=sources_copy, index_dir=tmp_path / "ix")


def _current(settings: ikqa.Settings) -> str:
    return (settings.index_dir / "CURRENT").read_text().strip()


def test_unchanged_reingest_embeds_and_writes_nothing(settings: ikqa.Settings) -> None:
    assistant = ikqa.Assistant(settings)
    first = assistant.ingest()
    assert sorted(first.added) == ["india-rok-scientific-cooperation.txt", "trade note.txt"]
    snapshot = _current(settings)
    records = sorted((p.name, p.stat().st_mtime_ns) for p in (settings.index_dir / "records").iterdir())
    again = assistant.ingest()
    assert again.embedded_chunks == 0 and not again.changed
    assert sorted(again.unchanged) == sorted(first.added)
    assert _current(settings) == snapshot
    assert sorted((p.name, p.stat().st_mtime_ns)
                  for p in (settings.index_dir / "records").iterdir()) == records


def test_ingest_runs_the_model_once_per_sentence_and_pools_chunk_vectors(
        settings: ikqa.Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from ikqa.indexing.embed import OnnxDocumentEncoder

    seen: list[str] = []
    real = OnnxDocumentEncoder.token_sums

    def counting(self: OnnxDocumentEncoder, texts: list[str]):  # type: ignore[no-untyped-def]
        seen.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(OnnxDocumentEncoder, "token_sums", counting)
    summary = ikqa.Assistant(settings).ingest()
    assert len(seen) == summary.sentences + 2  # every sentence once, plus each brief's title
    store = Store(settings)
    chunk = store._chunks.get(ids=[store.chunk_ids[1]], include=["embeddings", "documents"])
    vector = np.asarray(chunk["embeddings"][0])
    direct = OnnxDocumentEncoder(settings.index_dir / "encoder" / "all-MiniLM-L6-v2.onnx").encode(
        [chunk["documents"][0]])[0]
    assert abs(np.linalg.norm(vector) - 1) < 1e-4 and float(vector @ direct) > 0.85


def test_changed_brief_is_the_only_one_embedded(settings: ikqa.Settings) -> None:
    assistant = ikqa.Assistant(settings)
    assistant.ingest()
    assert "Dholera" in assistant.ask("Where will Korea open the chip packaging plant?").text
    (settings.sources_dir / "trade note.txt").write_text(TRADE_V2, encoding="utf-8")
    summary = assistant.ingest()
    assert summary.updated == ["trade note.txt"]
    assert summary.unchanged == ["india-rok-scientific-cooperation.txt"]
    trade_chunks = next(s["chunks"] for s in assistant.sources() if s["source"] == "trade note.txt")
    assert summary.embedded_chunks == trade_chunks
    answer = assistant.ask("Where will Korea open the chip packaging plant?")
    assert "Sanand" in answer.text and "Dholera" not in answer.text
    store = Store(settings)
    assert store._chunks.count() == len(store.chunk_ids) == summary.chunks
    assert store._sentences.count() == len(store.sentence_ids) == summary.sentences
    assert not store._sentences.get(where={"source": "trade note.txt"}, where_document={"$contains": "Dholera"})["ids"]


def test_deleted_brief_is_removed_and_duplicate_reported(settings: ikqa.Settings, brief_text: str) -> None:
    assistant = ikqa.Assistant(settings)
    assistant.ingest()
    (settings.sources_dir / "trade note.txt").unlink()
    (settings.sources_dir / "copy of brief.txt").write_text(brief_text, encoding="utf-8")
    summary = assistant.ingest()
    assert summary.removed == ["trade note.txt"]
    assert summary.duplicates == [("copy of brief.txt", "india-rok-scientific-cooperation.txt")]
    assert summary.embedded_chunks == 0 and summary.briefs == ["india-rok-scientific-cooperation.txt"]
    store = Store(settings)
    assert store._chunks.get(where={"source": "trade note.txt"})["ids"] == []
    assert store._chunks.count() == len(store.chunk_ids)


def test_a_renamed_brief_moves_without_losing_anything(settings: ikqa.Settings) -> None:
    assistant = ikqa.Assistant(settings)
    assistant.ingest()
    os.rename(settings.sources_dir / "trade note.txt", settings.sources_dir / "trade-2026.txt")
    summary = assistant.ingest()
    assert summary.added == ["trade-2026.txt"] and summary.removed == ["trade note.txt"]
    citation = assistant.ask("Where will Korea open the chip packaging plant?").citations[0]
    assert citation.source == "trade-2026.txt"


def test_bad_inputs_are_reported_and_nothing_indexed_is_lost(settings: ikqa.Settings) -> None:
    assistant = ikqa.Assistant(settings)
    assistant.ingest()
    folder = settings.sources_dir
    (folder / "trade note.txt").write_bytes(b"\x00\x01binary now\x00" * 50)  # a good file breaks
    (folder / "empty.txt").write_bytes(b"")
    (folder / "zero.docx").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (folder / "서울 note é.md").write_text("Seoul Note\n\nThe Seoul office opened in March 2025.",
                                         encoding="utf-8")
    summary = assistant.ingest()
    failed = dict(summary.failed)
    assert set(failed) == {"trade note.txt", "empty.txt", "zero.docx", "truncated.pdf", "huge.txt"}
    assert "keeping the version indexed before" in failed["trade note.txt"]
    assert "too large" in failed["huge.txt"]
    assert all("\n" not in reason for reason in failed.values())
    assert summary.added == ["서울 note é.md"] and summary.removed == []
    assert "Dholera" in assistant.ask("Where will Korea open the chip packaging plant?").text
    assert "March 2025" in assistant.ask("When did the Seoul office open?").text
    again = assistant.ingest()  # still partial, still nothing lost, nothing re-read
    assert dict(again.failed) == failed and again.embedded_chunks == 0 and not again.changed


def test_cache_of_a_killed_run_is_reused(settings: ikqa.Settings, tmp_path: Path) -> None:
    """Records written before a crash are picked up: the next run embeds nothing twice."""
    assistant = ikqa.Assistant(settings)
    assistant.ingest()
    (settings.index_dir / "CURRENT").unlink()  # as if the first run died before switching
    summary = assistant.ingest()
    assert summary.embedded_chunks == 0 and summary.chunks > 0
    assert "New Delhi" in assistant.ask("Where is IKCRI based?").text


def test_an_unchanged_reingest_checks_the_index_but_loads_no_model(settings: ikqa.Settings) -> None:
    """An unchanged re-ingest hashes the files and checks the index (Chroma, BM25, records, the
    encoders against their stored SHA-256) but loads no model and reads no brief."""
    import subprocess
    import sys

    ikqa.Assistant(settings).ingest()
    code = ("import sys, ikqa; from ikqa.indexing.run import run_ingest; "
            f"s = run_ingest(ikqa.Settings(sources_dir={str(settings.sources_dir)!r}, "
            f"index_dir={str(settings.index_dir)!r})); assert s.embedded_chunks == 0 and not s.changed; "
            "assert not s.repaired; heavy = {'torch', 'onnxruntime', 'llama_index', 'pysbd'}; "
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
