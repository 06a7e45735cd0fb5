"""The Sources tab's handlers over a private copy of a real index (upload is also in test_browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import private_copy

import ikqa
from ikqa.ui.render import SOURCE_COLUMNS, source_rows
from ikqa.ui.sources_tab import SourceHandlers

pytestmark = pytest.mark.slow

BRIEF = "india-rok-scientific-cooperation.txt"


def test_source_rows_follow_the_columns() -> None:
    rows = source_rows([{"source": "a.txt", "title": "A", "author": "Au", "chunks": 3,
                         "indexed_at": "2026-11-25T09:59:14+0000"}])
    assert len(rows[0]) == len(SOURCE_COLUMNS) and rows == [["A", "Au", "a.txt", 3, "2026-11-25 09:59"]]


def test_list_reject_reindex_and_delete(built_settings: ikqa.Settings, tmp_path: Path) -> None:
    h = SourceHandlers(ikqa.Assistant(private_copy(built_settings, tmp_path / "copy")))
    table, names = h.listing()
    assert [r[2] for r in h.rows()] == [BRIEF] and names["choices"] == [BRIEF]
    assert f'<td data-label="File">{BRIEF}</td>' in table

    bad = tmp_path / "evil.txt"
    bad.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(300))
    table, _, message = h.upload(str(bad))[:3]
    assert message.startswith("**Not added.**") and "evil.txt" in message
    assert BRIEF in table and "evil" not in table
    assert not (h.assistant.settings.sources_dir / "evil.txt").exists()

    table, _, message = h.reindex()
    assert message.startswith("**Re-indexed** 1 briefs") and [r[2] for r in h.rows()] == [BRIEF]

    _, _, message = h.delete("no-such-brief.txt")
    assert message.startswith("**Not deleted.**")
    table, names, message = h.delete(BRIEF)
    assert message.startswith("**Deleted**") and h.rows() == [] and names["choices"] == []
    assert "No brief is indexed yet." in table
    assert not (h.assistant.settings.sources_dir / BRIEF).exists()
    assert h.assistant.ask("Where is IKCRI based?").abstained
