"""The ingest summary table and progress callback (no model needed)."""

from __future__ import annotations

from ikqa.indexing.run import IngestSummary
from ikqa.indexing.progress import progress_bar, summary_table


def test_summary_table_lists_every_outcome_with_reasons() -> None:
    summary = IngestSummary(briefs=["a.txt", "b.pdf"], added=["b.pdf"], unchanged=["a.txt"],
                            removed=["old.md"], duplicates=[("copy.txt", "a.txt")],
                            failed=[("scan.pdf", "PDF has no extractable text (scanned images?)")])
    text = summary_table(summary)
    rows = {line.split("│")[1].strip(): line for line in text.splitlines() if line.count("│") >= 3}
    assert set(rows) >= {"added", "updated", "unchanged", "removed", "duplicate", "failed"}
    assert "b.pdf" in rows["added"] and " 1 " in rows["added"]
    assert "copy.txt (= a.txt)" in rows["duplicate"]
    assert "scan.pdf: PDF has no extractable text" in rows["failed"]
    assert " 0 " in rows["updated"]


def test_progress_callback_accepts_every_stage_off_a_terminal() -> None:
    with progress_bar() as progress:
        for stage in ("reading", "embedding", "storing"):
            for done in range(0, 11, 5):
                progress(stage, done, 10)
