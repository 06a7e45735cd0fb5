"""File-level checks of Chroma's embedded store: SQLite's own check and the HNSW files' sizes.

Chroma loads an HNSW segment's files into memory as they are; one that was cut short
gives wrong neighbours, an error, or a crash of the whole process inside the native
library. So ``Store`` checks the sizes (cheap: headers and link lists only) before Chroma
opens a snapshot, and ``ikqa doctor`` checks them too.

The layout is hnswlib's as Chroma persists it (``header.bin`` format version 1):
``data_level0.bin`` holds ``size_data_per_element`` bytes per vector, ``length.bin``
4 bytes per vector, and ``link_lists.bin`` per vector a 4-byte length and that many bytes
of upper-level links. Another version is left to Chroma's own checks.
"""

from __future__ import annotations

import struct
from contextlib import closing
from pathlib import Path

__all__ = ["hnsw_problem", "sqlite_problem"]

_HNSW_HEADER = struct.Struct("<i6QiI3QdQ")  # hnswlib's persisted header, format version 1


def sqlite_problem(path: Path) -> str | None:
    """SQLite's ``quick_check`` of Chroma's database, opened read-only."""
    import sqlite3

    if not path.is_file():
        return f"{path.name} is missing"
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as err:
        return f"{path.name}: {err}"
    return None if rows == [("ok",)] else f"{path.name}: {rows[0][0]}"


def hnsw_problem(chroma_dir: Path) -> str | None:
    """Each HNSW segment's files must be as long as its header says (truncation shows here)."""
    for header in sorted(chroma_dir.glob("*/header.bin")):
        try:
            problem = _segment_problem(header.parent)
        except OSError as err:
            problem = f"cannot read it ({err.strerror or err})"
        if problem:
            return f"HNSW {header.parent.name[:8]}: {problem}"
    for folder in chroma_dir.iterdir() if chroma_dir.is_dir() else []:
        if (folder / "data_level0.bin").exists() and not (folder / "header.bin").exists():
            return f"HNSW {folder.name[:8]}: header.bin is missing"
    return None


def _segment_problem(folder: Path) -> str | None:
    """Sizes of ``data_level0.bin``, ``length.bin`` and ``link_lists.bin`` against ``header.bin``."""
    raw = (folder / "header.bin").read_bytes()
    if len(raw) != _HNSW_HEADER.size:
        return f"header.bin holds {len(raw)} bytes, not {_HNSW_HEADER.size}"
    (version, _level0_offset, max_elements, count, per_element, _label_offset, _data_offset,
     _max_level, _entry_point, max_m, *_) = _HNSW_HEADER.unpack(raw)
    if version != 1:
        return None  # a newer layout: leave it to the collection checks
    if per_element <= 0 or count > max_elements:
        return "header.bin is garbled"
    data = _size(folder / "data_level0.bin")
    if data % per_element or data // per_element < count:
        return f"data_level0.bin holds {data} bytes, too few for {count} vectors"
    lengths = _size(folder / "length.bin")
    if lengths % 4 or lengths // 4 < count:
        return f"length.bin holds {lengths} bytes, too few for {count} vectors"
    return _link_lists_problem(folder / "link_lists.bin", count, 4 + 4 * max_m)


def _link_lists_problem(path: Path, count: int, link_size: int) -> str | None:
    """``link_lists.bin`` is, per vector, a 4-byte length and that many bytes of upper-level links."""
    raw = path.read_bytes() if path.exists() else b""
    position = 0
    for _ in range(count):
        if position + 4 > len(raw):
            return f"link_lists.bin is cut short ({len(raw)} bytes)"
        size = struct.unpack_from("<I", raw, position)[0]
        if size % link_size:
            return "link_lists.bin is garbled"
        position += 4 + size
    return None if position == len(raw) else f"link_lists.bin holds {len(raw)} bytes, expected {position}"


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0
