"""Run an ingest: compare the sources with the manifest, embed only what changed, switch snapshots.

Steps (under the index's writer lock): hash every source file; a file whose name and
content hash match the current manifest is *unchanged* and costs nothing; new and
changed files are read, chunked and embedded (records are saved as each batch finishes,
so a killed run resumes); files whose content is already indexed under another name are
*duplicates*; then a new snapshot is written and made current. An unchanged folder
writes nothing. A folder with no usable brief leaves the previous index as it was.
"""

from __future__ import annotations

import functools
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..config import Settings
from ..errors import SourceRejectedError, SourcesError
from .locking import ingest_lock

if TYPE_CHECKING:
    from .doctor import Repairs
    from .embed import OnnxDocumentEncoder
    from .records import Record

__all__ = ["IngestSummary", "run_ingest"]

Progress = Callable[[str, int, int], None]
_EMBED_BATCH = 256  # texts gathered across briefs before one encoder call


@dataclass
class IngestSummary:
    """What an ingest did. ``briefs``, ``chunks`` and ``sentences`` describe the whole index after it."""

    briefs: list[str] = field(default_factory=list)
    chunks: int = 0
    sentences: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    snapshot: Path | None = None
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, same content as)
    embedded_chunks: int = 0
    repaired: list[str] = field(default_factory=list)  # damaged parts mended, one line each
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file, what was ignored in it)

    @property
    def partial(self) -> bool:
        """Some files could not be indexed."""
        return bool(self.failed)

    @property
    def changed(self) -> bool:
        """The index changed (a new snapshot was written)."""
        return bool(self.added or self.updated or self.removed)


@dataclass
class _Plan:
    entries: list[dict[str, Any]] = field(default_factory=list)  # kept manifest entries
    to_load: list[tuple[str, Path, str]] = field(default_factory=list)  # (name, path, file sha)
    failed: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    indexed_before: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> old entry


def run_ingest(settings: Settings, progress: Progress | None = None, *, full: bool = False,
               allow_empty: bool = False) -> IngestSummary:
    """Bring the index of ``settings.sources_dir`` up to date (``full``: rebuild everything)."""
    created = not settings.index_dir.exists()
    try:
        with ingest_lock(settings.index_dir):
            return _run(settings, progress, full, allow_empty)
    except BaseException:
        if created:  # a first ingest that failed leaves no empty index folder behind
            _remove_if_only_lock(settings.index_dir)
        raise


def _remove_if_only_lock(index_dir: Path) -> None:
    try:
        if [p.name for p in index_dir.iterdir()] == [".ingest.lock"]:
            (index_dir / ".ingest.lock").unlink()
            index_dir.rmdir()
    except OSError:
        pass


def _run(settings: Settings, progress: Progress | None, full: bool, allow_empty: bool) -> IngestSummary:
    from .briefs import scan_sources
    from .doctor import repair_index

    started = time.perf_counter()
    repairs = repair_index(settings)  # damaged records deleted, encoders rebuilt, snapshot flagged
    listing = scan_sources(settings.sources_dir)
    previous = None if full else _usable_previous(settings)
    plan = _plan(settings, listing.files, previous)
    plan.failed += [_failure(name, reason) for name, reason in listing.skipped]
    before = _current_sources(settings) if full else (previous or {}).get("sources", [])
    old = {e["source"]: e for e in before}
    if (previous is not None and not repairs.rewrite_snapshot and not plan.to_load
            and {e["source"] for e in plan.entries} == set(old)):
        from .store import current_snapshot

        return _repaired(_summary(previous, plan, [], old, started, current_snapshot(settings),
                                  embedded=0), repairs)
    loaded, embedded = _load_and_embed(settings, plan, progress, reuse=not full)
    entries = sorted(plan.entries + loaded, key=lambda e: e["source"])
    if not entries and not allow_empty:
        reasons = "; ".join(f"{f['source']}: {f['reason']}" for f in plan.failed) or "no files"
        raise SourcesError(f"no usable brief in {settings.sources_dir} ({reasons})")
    # a damaged snapshot is not copied forward: the new one is written from the records
    snapshot = _publish(settings, entries, None if repairs.rewrite_snapshot else previous, plan,
                        progress)
    return _repaired(_summary({"sources": entries}, plan, loaded, old, started, snapshot, embedded),
                     repairs)


def _repaired(summary: IngestSummary, repairs: "Repairs") -> IngestSummary:
    """Note the repairs; a brief embedded again only because its record was damaged is unchanged."""
    summary.repaired = list(repairs.notes)
    again = [name for name in summary.updated if name in repairs.reembed]
    summary.updated = [name for name in summary.updated if name not in repairs.reembed]
    summary.unchanged = sorted(summary.unchanged + again)
    return summary


def _current_sources(settings: Settings) -> list[dict[str, Any]]:
    from .store import current_manifest

    return list((current_manifest(settings) or {}).get("sources", []))


def _usable_previous(settings: Settings) -> dict[str, Any] | None:
    """The current manifest if its chunks can be reused as they are (same model and chunking)."""
    from .store import current_manifest

    manifest = current_manifest(settings)
    if not manifest or manifest.get("format") != 2 or manifest.get("fingerprint") != _fingerprint(settings):
        return None
    return manifest


def _fingerprint(settings: Settings) -> list[Any]:
    """What a snapshot's contents depend on besides the files: a change rewrites the snapshot
    (from the per-brief records, so the vectors are reused when the model is the same)."""
    from .briefs import PARSE_VERSION
    from .embed import MODEL_NAME
    from .lexical import LEXICAL_VERSION

    return [MODEL_NAME, settings.chunk_words, settings.chunk_overlap, settings.collection,
            f"lexical-{LEXICAL_VERSION}", f"parse-{PARSE_VERSION}"]


def _plan(settings: Settings, files: list[tuple[str, Path]],
          previous: dict[str, Any] | None) -> _Plan:
    """Sort each file into unchanged, to load, failed (known reason) or duplicate."""
    from .records import records_dir

    old = {e["source"]: e for e in (previous or {}).get("sources", [])}
    old_failed = {f["source"]: f for f in (previous or {}).get("failed", [])}
    plan, seen = _Plan(), {}
    hashed = [(name, path, _file_hash(path, settings)) for name, path in files]
    # files already indexed with this content first, so a copy never displaces its original
    hashed.sort(key=lambda f: (not (f[0] in old and old[f[0]]["file_sha256"] == f[2]), f[0]))
    for name, path, sha in hashed:
        if sha.startswith("!"):
            plan.failed.append(_failure(name, sha[1:]))
        elif sha in seen:
            plan.duplicates.append((name, seen[sha]))
        else:
            seen[sha] = name
            entry, known = old.get(name), old_failed.get(name)
            usable = entry is not None and (records_dir(settings) / f"{entry['key']}.npz").exists()
            if usable:
                plan.indexed_before[name] = entry
            if usable and entry["file_sha256"] == sha:
                plan.entries.append(entry)
            elif known and known.get("file_sha256") == sha:
                plan.failed.append(known)
                if usable:
                    plan.entries.append(entry)
            else:
                plan.to_load.append((name, path, sha))
    return plan


def _file_hash(path: Path, settings: Settings) -> str:
    """SHA-256 of the file's bytes, streamed; "!reason" when it is too large or unreadable."""
    from .formats import open_source

    try:
        size = path.stat().st_size
        if size == 0:
            return "!file is empty"
        if size > settings.max_source_mb * 1024 * 1024:
            return f"!file is too large ({size / 1048576:.1f} MB > {settings.max_source_mb:g} MB limit)"
        digest = hashlib.sha256()
        with open_source(path) as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except SourceRejectedError as err:
        return f"!{err}"
    except OSError as err:
        return f"!cannot read file: {err.strerror or err}"


def _failure(name: str, reason: str, sha: str = "") -> dict[str, str]:
    return {"source": name, "reason": reason, "file_sha256": sha}


def _load_and_embed(settings: Settings, plan: _Plan, progress: Progress | None,
                    reuse: bool = True) -> tuple[list[dict[str, Any]], int]:
    """Read, chunk and embed the files to load; return their manifest entries and chunks embedded."""
    from .briefs import make_chunks, read_brief
    from .limits import Limits
    from .records import build_record, load_record

    texts = {e["sha256"]: e["source"] for e in plan.entries}
    limits = Limits.from_settings(settings)
    entries: list[dict[str, Any]] = []
    pending: list["Record"] = []
    for number, (name, path, sha) in enumerate(plan.to_load, start=1):
        if progress:
            progress("reading", number, len(plan.to_load))
        try:
            brief, warnings = read_brief(name, path, settings.max_source_mb, limits)
        except SourceRejectedError as err:
            _keep_previous_version(plan, name, str(err), sha)
            continue
        if brief.sha256 in texts:
            plan.duplicates.append((name, texts[brief.sha256]))
            continue
        chunks = make_chunks(brief, target_words=settings.chunk_words, overlap=settings.chunk_overlap)
        if len(chunks) > settings.max_source_chunks:
            _keep_previous_version(plan, name, f"too many chunks ({len(chunks):,} > "
                                   f"{settings.max_source_chunks:,}, the max_source_chunks limit)", sha)
            continue
        texts[brief.sha256] = name
        record = build_record(settings, brief, chunks)
        if not reuse or load_record(settings, record.key, vectors=False) is None:
            pending.append(record)
        entries.append(_entry(brief, sha, record, len(chunks)) | {"warnings": list(warnings)})
    embedded = _embed(settings, pending, progress)
    return entries, embedded


def _keep_previous_version(plan: _Plan, name: str, reason: str, sha: str) -> None:
    """A file that broke keeps its last good indexed version: nothing indexed is lost."""
    before = plan.indexed_before.get(name)
    if before is not None:
        plan.entries.append(before)
        reason += " (keeping the version indexed before)"
    plan.failed.append(_failure(name, reason, sha))


def _entry(brief: Any, file_sha: str, record: "Record", chunks: int) -> dict[str, Any]:
    return {"source": brief.source, "title": brief.title, "author": brief.author,
            "date": brief.date, "kind": brief.kind, "sha256": brief.sha256,
            "file_sha256": file_sha, "key": record.key, "chunks": chunks,
            "sentences": len(record.sentence_ids), "pages": len(brief.pages),
            "indexed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def _embed(settings: Settings, records: list["Record"], progress: Progress | None) -> int:
    """Embed the records' sentences in batches across records, pool chunk vectors; save each."""
    if not records:
        return 0
    from .records import save_record

    from .store import encoder_path

    encoder = _document_encoder(encoder_path(settings, int8=settings.ingest_int8), settings.model_cache,
                                settings.ingest_int8)
    total = sum(len(r.chunk_ids) for r in records)
    done, batch = 0, []
    for i, record in enumerate(records):
        batch.append(record)
        if sum(len(r.sentence_ids) for r in batch) >= _EMBED_BATCH or i == len(records) - 1:
            _encode_batch(encoder, batch)
            for finished in batch:
                save_record(settings, finished)
                done += len(finished.chunk_ids)
            batch = []
            if progress:
                progress("embedding", done, total)
    return total


@functools.lru_cache(maxsize=1)
def _document_encoder(onnx_path: Path, cache: Path, int8: bool) -> "OnnxDocumentEncoder":
    """The ONNX document encoder, loaded once per process (a web server adds files many times).

    ONNX rather than sentence-transformers: the same vectors (fp32) or nearly (int8), faster,
    and an ingest into an index that already has its encoder never imports torch.
    """
    from .embed import OnnxDocumentEncoder, ensure_encoder

    return OnnxDocumentEncoder(ensure_encoder(onnx_path, cache, int8=int8))


def _encode_batch(encoder: "OnnxDocumentEncoder", records: list["Record"]) -> None:
    """One model pass over the records' sentences (and each title); chunks pooled from them.

    A chunk's vector is the mean of the token vectors of its title and its sentences, so
    every token goes through the model once instead of twice (once per sentence and once
    more per chunk).
    """
    from .embed import normalise, pool

    texts = [t for r in records for t in (*r.sentence_search_texts, r.chunk_title())]
    sums, counts = encoder.token_sums(texts)
    position = 0
    for r in records:
        n = len(r.sentence_ids)
        rows = range(position, position + n)
        r.sentence_vectors = normalise(sums[rows] / counts[rows, None])
        title_row = position + n
        r.chunk_vectors = pool(sums, counts, [[title_row, *(position + k for k in members)]
                                              for members in r.chunk_members()])
        position += n + 1


def _publish(settings: Settings, entries: list[dict[str, Any]], previous: dict[str, Any] | None,
             plan: _Plan, progress: Progress | None) -> Path:
    """Write the new snapshot, make it current, drop old snapshots and unused records."""
    from .embed import cached_onnx
    from .snapshots import collect_garbage, make_current, write_snapshot
    from .records import prune_records
    from .store import encoder_path

    extra = {"fingerprint": _fingerprint(settings), "model": _fingerprint(settings)[0],
             "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "collection": settings.collection,
             "failed": plan.failed, "duplicates": [list(d) for d in plan.duplicates]}
    step = (lambda done, total: progress("storing", done, total)) if progress else None
    snapshot = write_snapshot(settings, entries, previous, extra, step)
    cached_onnx(encoder_path(settings), settings.model_cache)
    make_current(settings, snapshot)
    prune_records(settings, collect_garbage(settings))
    return snapshot


def _summary(manifest: dict[str, Any], plan: _Plan, loaded: list[dict[str, Any]],
             old: dict[str, dict[str, Any]], started: float, snapshot: Path | None,
             embedded: int) -> IngestSummary:
    entries = manifest["sources"]
    fresh = {e["source"] for e in loaded}
    indexed = {e["source"] for e in entries}
    return IngestSummary(
        briefs=[e["source"] for e in entries],
        chunks=sum(e["chunks"] for e in entries),
        sentences=sum(e["sentences"] for e in entries),
        failed=[(f["source"], f["reason"]) for f in plan.failed],
        seconds=time.perf_counter() - started,
        snapshot=snapshot,
        added=sorted(fresh - set(old)),
        updated=sorted(fresh & set(old)),
        unchanged=sorted(indexed - fresh),
        removed=sorted(set(old) - indexed),
        duplicates=sorted(plan.duplicates),
        embedded_chunks=embedded,
        warnings=[(e["source"], w) for e in entries for w in e.get("warnings", [])],
    )
