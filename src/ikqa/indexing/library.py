"""Add and remove single source files, keeping the sources folder and the index in step.

An upload is checked (size, kind by content, safe name, not a duplicate) before it is
written; if indexing it still fails, the folder is put back as it was and the index is
brought back in line, so a failed upload changes nothing.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..config import Settings
from ..errors import DuplicateSourceError, SourceNotFoundError, SourceRejectedError
from .locking import ingest_lock

if TYPE_CHECKING:
    from .run import IngestSummary

__all__ = ["add_source", "remove_source", "reindex"]

Progress = Callable[[str, int, int], None]


def add_source(settings: Settings, filename: str, data: bytes,
               progress: Progress | None = None) -> "IngestSummary":
    """Store ``data`` as a source file and index it; raise ``SourceRejectedError`` if unusable."""
    from .run import run_ingest
    from .uploads import check_upload

    name, _document = check_upload(filename, data, settings)
    with ingest_lock(settings.index_dir):
        _refuse_duplicate(settings, name, data)
        target = settings.sources_dir / name
        previous = target.read_bytes() if target.is_file() else None
        _write_atomically(target, data)
        try:
            summary = run_ingest(settings, progress=progress)
        except BaseException:
            _restore(target, previous)
            raise
        reason = dict(summary.failed).get(name) or dict(summary.duplicates).get(name)
        if reason is not None:
            _restore(target, previous)
            run_ingest(settings)
            if name in dict(summary.duplicates):
                raise DuplicateSourceError(f"{name}: same content as {reason}, already indexed")
            raise SourceRejectedError(f"{name}: {reason}")
        return summary


def remove_source(settings: Settings, name: str) -> "IngestSummary":
    """Delete source ``name`` from the sources folder and its chunks and sentences from the index."""
    from .run import run_ingest
    from .store import current_manifest

    with ingest_lock(settings.index_dir):
        target = settings.sources_dir / name
        indexed = {s["source"] for s in (current_manifest(settings) or {}).get("sources", [])}
        inside = settings.sources_dir.resolve() in target.resolve().parents
        if not inside or (name not in indexed and not target.is_file()):
            raise SourceNotFoundError(f"no source named {name!r}")
        if target.is_file():
            target.unlink()
        return run_ingest(settings, allow_empty=True)


def reindex(settings: Settings, progress: Progress | None = None) -> "IngestSummary":
    """Rebuild the whole index from the sources folder (every brief parsed and embedded again)."""
    from .run import run_ingest

    return run_ingest(settings, progress=progress, full=True)


def _refuse_duplicate(settings: Settings, name: str, data: bytes) -> None:
    from .store import current_manifest

    digest = hashlib.sha256(data).hexdigest()
    for entry in (current_manifest(settings) or {}).get("sources", []):
        if entry.get("file_sha256") == digest and entry["source"] != name:
            raise DuplicateSourceError(f"{name}: same content as {entry['source']}, already indexed")


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.upload")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _restore(target: Path, previous: bytes | None) -> None:
    if previous is None:
        target.unlink(missing_ok=True)
    else:
        _write_atomically(target, previous)
