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
        previous = _previous(target)
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
        target = _entry_in_folder(settings.sources_dir, name)
        indexed = {s["source"] for s in (current_manifest(settings) or {}).get("sources", [])}
        present = target is not None and (target.is_symlink() or target.is_file())
        if target is None or (name not in indexed and not present):
            raise SourceNotFoundError(f"no source named {name!r}")
        if present:
            target.unlink()  # a link is removed itself, never the file it points to
        return run_ingest(settings, allow_empty=True)


def _entry_in_folder(sources_dir: Path, name: str) -> Path | None:
    """The folder entry called ``name`` (a file or a link, not resolved), or None if ``name``
    would lead out of the folder ("../x", an absolute path, a linked folder on the way)."""
    parts = Path(name).parts
    if not parts or Path(name).is_absolute() or any(p in ("..", ".", "") for p in parts):
        return None
    root = sources_dir.resolve()
    target = root.joinpath(*parts)
    return target if target.parent.resolve() == target.parent else None


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


def _previous(target: Path) -> bytes | str | None:
    """What ``target`` was before an upload replaces it: its bytes, a link's target (str,
    never read through), or None when there was nothing."""
    if target.is_symlink():
        return os.readlink(target)
    return target.read_bytes() if target.is_file() else None


def _restore(target: Path, previous: bytes | str | None) -> None:
    target.unlink(missing_ok=True)
    if isinstance(previous, str):
        os.symlink(previous, target)
    elif previous is not None:
        _write_atomically(target, previous)
