"""Run an ingest: load the sources, chunk, embed, write a new index generation.

The previous index stays current until the new one is complete; a broken brief is
reported in the summary and skipped; a folder with no usable brief changes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .config import Settings
from .errors import SourcesError

__all__ = ["IngestSummary", "run_ingest"]


@dataclass
class IngestSummary:
    """What an ingest did."""

    briefs: list[str] = field(default_factory=list)
    chunks: int = 0
    sentences: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    generation: Path | None = None

    @property
    def partial(self) -> bool:
        """Some files could not be indexed."""
        return bool(self.failed)


def run_ingest(settings: Settings,
               progress: Callable[[str, int, int], None] | None = None) -> IngestSummary:
    """Build a fresh index of ``settings.sources_dir`` into ``settings.index_dir``."""
    from .embed import DocumentEncoder, export_onnx
    from .ingest import load_briefs, make_chunks
    from .store import build_index, encoder_path

    started = time.perf_counter()
    report = load_briefs(settings.sources_dir)
    if not report.briefs:
        reasons = "; ".join(f"{name}: {why}" for name, why in report.failed) or "no files"
        raise SourcesError(f"no usable brief in {settings.sources_dir} ({reasons})")
    chunks = [c for b in report.briefs
              for c in make_chunks(b, target_words=settings.chunk_words, overlap=settings.chunk_overlap)]
    encoder = DocumentEncoder()
    step = (lambda done, total: progress("embedding", done, total)) if progress else None
    generation = build_index(settings, report.briefs, chunks, encoder, failed=report.failed,
                             progress=step)
    onnx = encoder_path(settings)
    if not onnx.exists():
        export_onnx(onnx)
    return IngestSummary(
        briefs=[b.source for b in report.briefs],
        chunks=len(chunks),
        sentences=sum(len(b.sentences) for b in report.briefs),
        failed=report.failed,
        seconds=time.perf_counter() - started,
        generation=generation,
    )
