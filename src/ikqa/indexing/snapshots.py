"""Write a new index snapshot from per-brief records, then make it current.

A snapshot is a folder ``index/gen-*`` with its Chroma collections (embedded: in the
folder; server mode: named after it), two BM25 indexes, ``ids.json`` and, written
last, ``manifest.json``. Embedded mode starts from a copy of the current snapshot's
Chroma folder and applies only the changes (deletes by source, adds of new records);
server mode adds every record's stored vectors to fresh collections. Either way nothing
is embedded here, the current snapshot is never written to, and ``index/CURRENT``
switches with one atomic rename: a killed ingest leaves the previous index in use.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from ..config import Settings
from .records import Record, iter_records
from .store import (CURRENT, IDS, MANIFEST, chroma_client, collection_names, current_snapshot,
                    manifest_of)

__all__ = ["write_snapshot", "make_current", "collect_garbage"]

_ADD_BATCH = 2000
_KEEP_SNAPSHOTS = 2
Step = Callable[[int, int], None]


def write_snapshot(settings: Settings, entries: Sequence[dict[str, Any]],
                     previous: dict[str, Any] | None, extra: dict[str, Any],
                     progress: Step | None = None) -> Path:
    """Build a complete snapshot holding the records named by ``entries`` (in order)."""
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    snapshot = settings.index_dir / (f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-"
                                       f"{secrets.token_hex(3)}")
    snapshot.mkdir()
    client, names, to_add = _start_collections(settings, snapshot, entries, previous)
    try:
        chunks = client.get_or_create_collection(names[0], metadata={"hnsw:space": "cosine"})
        sentences = client.get_or_create_collection(names[1], metadata={"hnsw:space": "cosine"})
        total = sum(e["chunks"] for e in to_add)
        done, pending = 0, _Pending(chunks, sentences)
        for record in iter_records(settings, [e["key"] for e in to_add], vectors=True):
            pending.add(record)
            done += len(record.chunk_ids)
            if progress:
                progress(done, total)
        pending.flush()
        _write_side_indexes(settings, snapshot, entries)
    finally:
        _close(client)
    manifest = {**extra, "format": 2, "chunk_collection": names[0], "sentence_collection": names[1],
                "sources": list(entries)}
    _write_json(snapshot / MANIFEST, manifest)
    return snapshot


def _start_collections(settings: Settings, snapshot: Path, entries: Sequence[dict[str, Any]],
                       previous: dict[str, Any] | None) -> tuple[Any, tuple[str, str], list[dict[str, Any]]]:
    """The client, collection names and entries still to add for a new snapshot."""
    if previous is not None and not settings.chroma_url:
        copied = _copy_previous(settings, snapshot, entries, previous)
        if copied is not None:
            return copied
        shutil.rmtree(snapshot / "chroma", ignore_errors=True)
    return chroma_client(settings, snapshot), collection_names(settings, snapshot), list(entries)


def _copy_previous(settings: Settings, snapshot: Path, entries: Sequence[dict[str, Any]],
                   previous: dict[str, Any]) -> tuple[Any, tuple[str, str], list[dict[str, Any]]] | None:
    """Copy the current snapshot's Chroma folder and delete what changed; None if unusable."""
    try:
        source = current_snapshot(settings) / "chroma"
        shutil.copytree(source, snapshot / "chroma")
    except (OSError, shutil.Error):
        return None
    names = (previous["chunk_collection"], previous["sentence_collection"])
    old = {e["source"]: e["key"] for e in previous["sources"]}
    new = {e["source"]: e["key"] for e in entries}
    stale = [source for source, key in old.items() if new.get(source) != key]
    client = chroma_client(settings, snapshot)
    try:
        chunks, sentences = client.get_collection(names[0]), client.get_collection(names[1])
        for source in stale:
            chunks.delete(where={"source": source})
            sentences.delete(where={"source": source})
        kept = [e for e in previous["sources"] if new.get(e["source"]) == e["key"]]
        if chunks.count() != sum(e["chunks"] for e in kept):
            raise ValueError("copied collection does not match its manifest")
    except Exception:  # an unreadable copy: build the snapshot from the records instead
        _close(client)
        return None
    return client, names, [e for e in entries if old.get(e["source"]) != e["key"]]


class _Pending:
    """Records gathered into batches of about ``_ADD_BATCH`` items per Chroma call.

    Chroma's cost per call is high for small adds (a brief has a few dozen sentences), so
    several briefs go into one call.
    """

    def __init__(self, chunks: Any, sentences: Any) -> None:
        self._targets = {"chunks": chunks, "sentences": sentences}
        self._rows: dict[str, list[tuple[Any, ...]]] = {"chunks": [], "sentences": []}

    def add(self, record: Record) -> None:
        self._rows["chunks"] += zip(record.chunk_ids, record.chunk_vectors, record.chunk_texts,
                                    record.chunk_metas)
        self._rows["sentences"] += zip(record.sentence_ids, record.sentence_vectors,
                                       record.sentence_texts, record.sentence_metas)
        for kind, rows in self._rows.items():
            if len(rows) >= _ADD_BATCH:
                self._send(kind)

    def flush(self) -> None:
        for kind in self._rows:
            self._send(kind)

    def _send(self, kind: str) -> None:
        import numpy as np

        rows, self._rows[kind] = self._rows[kind], []
        for start in range(0, len(rows), _ADD_BATCH):
            ids, vectors, texts, metas = zip(*rows[start:start + _ADD_BATCH])
            self._targets[kind].add(ids=list(ids), embeddings=np.stack(vectors),
                                    documents=list(texts), metadatas=list(metas))


def _write_side_indexes(settings: Settings, snapshot: Path, entries: Sequence[dict[str, Any]]) -> None:
    """BM25 over every chunk and sentence of the snapshot, and their ids in BM25 order."""
    chunk_ids: list[str] = []
    chunk_texts: list[str] = []
    sentence_ids: list[str] = []
    sentence_texts: list[str] = []
    for record in iter_records(settings, [e["key"] for e in entries], vectors=False):
        chunk_ids += record.chunk_ids
        chunk_texts += record.chunk_texts
        sentence_ids += record.sentence_ids
        sentence_texts += record.sentence_search_texts
    _write_bm25(snapshot / "bm25-chunks", chunk_texts)
    _write_bm25(snapshot / "bm25-sentences", sentence_texts)
    _write_json(snapshot / IDS, {"chunk_ids": chunk_ids, "sentence_ids": sentence_ids})


def _write_bm25(folder: Path, texts: list[str]) -> None:
    import bm25s

    from .lexical import terms

    retriever = bm25s.BM25()
    retriever.index([terms(t) or ["_"] for t in texts] or [["_"]], show_progress=False)
    retriever.save(str(folder))


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _close(client: Any) -> None:
    close = getattr(client, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # closing is best effort: the process may be exiting
            pass


def make_current(settings: Settings, snapshot: Path) -> None:
    """Point ``index/CURRENT`` at ``snapshot`` with one atomic rename."""
    pointer = settings.index_dir / CURRENT
    tmp = settings.index_dir / f".{CURRENT}.{os.getpid()}"
    tmp.write_text(snapshot.name + "\n", encoding="utf-8")
    os.replace(tmp, pointer)


def collect_garbage(settings: Settings) -> set[str]:
    """Drop all snapshots but the current one and the newest complete older one.

    Leftovers of killed ingests (no manifest) go too. Returns the record keys the kept
    snapshots use.
    """
    try:
        current = current_snapshot(settings)
    except Exception:  # no index yet: keep everything complete
        return set()
    complete = sorted((p for p in settings.index_dir.glob("gen-*")
                       if p != current and (p / MANIFEST).exists()), key=lambda p: p.stat().st_mtime)
    keep = [current, *complete[-(_KEEP_SNAPSHOTS - 1):]] if _KEEP_SNAPSHOTS > 1 else [current]
    for folder in settings.index_dir.glob("gen-*"):
        if folder not in keep:
            drop_snapshot(settings, folder)
    keys: set[str] = set()
    for folder in keep:
        manifest = manifest_of(folder)
        keys |= {e.get("key", "") for e in (manifest or {}).get("sources", [])}
    return keys


def drop_snapshot(settings: Settings, snapshot: Path) -> None:
    """Delete a snapshot: its folder and, on a Chroma server, its collections."""
    if settings.chroma_url:
        manifest = manifest_of(snapshot) or {}
        names = (manifest.get("chunk_collection"), manifest.get("sentence_collection"))
        client = chroma_client(settings, snapshot)
        for name in (names if all(names) else collection_names(settings, snapshot)):
            try:
                client.delete_collection(name)
            except Exception:  # already gone: nothing to free
                pass
    shutil.rmtree(snapshot, ignore_errors=True)
