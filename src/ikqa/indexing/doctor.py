"""Check every part of the index (``ikqa doctor``) and repair what is damaged (``ikqa ingest``).

The checks only read: the current snapshot's manifest and id lists; its Chroma store
(SQLite's own ``quick_check``, each HNSW file's size against its header, both collections
open, hold the manifest's counts and answer searches); its two BM25 indexes; the
ONNX encoders against their stored SHA-256; and every brief's record.

``repair_index`` runs at the start of an ingest, under the writer lock, and mends what
the checks found: a damaged encoder is copied again from the machine's cache (or
exported again); a damaged record is deleted, so the ingest re-reads and re-embeds only
that brief; a damaged snapshot is not copied forward but written afresh from the
records (nothing is re-embedded for it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import IndexCorruptError, IndexMissingError
from .chroma_files import hnsw_problem, sqlite_problem
from .store import IDS, collection_names, current_snapshot, encoder_path, manifest_of, open_chroma

__all__ = ["Check", "Health", "Repairs", "check_index", "repair_index"]

SNAPSHOT_PARTS = ("manifest", "Chroma store", "BM25 chunks", "BM25 sentences")
_PROBE = 10
_ROUNDING = 1e-3  # slack on cosine distances, which lie in [0, 2]


@dataclass(frozen=True)
class Check:
    """One part of the index: ``problem`` is None when it is sound, else why it is not."""

    part: str
    problem: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class Health:
    """Every check of one index, and the briefs whose records are damaged (source -> problem)."""

    index_dir: Path
    snapshot: Path | None
    checks: list[Check] = field(default_factory=list)
    damaged_records: dict[str, str] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.snapshot is not None

    @property
    def ok(self) -> bool:
        return self.exists and all(c.ok for c in self.checks)

    def problem(self, part: str) -> str | None:
        return next((c.problem for c in self.checks if c.part == part), None)


@dataclass
class Repairs:
    """What ``repair_index`` mended, for the ingest summary and for planning the ingest."""

    notes: list[str] = field(default_factory=list)
    rewrite_snapshot: bool = False
    reembed: set[str] = field(default_factory=set)  # briefs whose records were deleted


def check_index(settings: Settings, *, store_hashes: bool = False) -> Health:
    """Check each part of the current index without changing anything.

    ``store_hashes`` (for ingest only) writes the SHA-256 of a sound encoder that has none yet.
    """
    try:
        snapshot = current_snapshot(settings)
    except IndexMissingError:
        return Health(settings.index_dir, None)
    health = Health(settings.index_dir, snapshot)
    manifest = manifest_of(snapshot)
    ids = _ids(snapshot, manifest)
    health.checks.append(_check_manifest(manifest, ids))
    if manifest is not None:
        health.checks.append(_check_chroma(settings, snapshot, manifest))
    for kind in ("chunks", "sentences"):
        health.checks.append(_check_bm25(snapshot, kind, (ids or {}).get(f"{kind[:-1]}_ids")))
    health.checks += _check_encoders(settings, store_hashes)
    records, health.damaged_records = _check_records(settings, manifest)
    health.checks.append(records)
    return health


def repair_index(settings: Settings) -> Repairs:
    """Mend the damaged parts of the current index before an ingest plans its work.

    The caller holds the writer lock. Encoders are rebuilt here; damaged records are
    deleted (the ingest then embeds those briefs again); a damaged snapshot is flagged
    so the ingest writes a new one from the records instead of copying it.
    """
    from .embed import ensure_encoder
    from .records import record_path

    health = check_index(settings, store_hashes=True)
    repairs = Repairs()
    if health.snapshot is None:
        return repairs
    for part, int8 in (("query encoder", False), ("ingest encoder", True)):
        problem = health.problem(part)
        if problem is not None:
            ensure_encoder(encoder_path(settings, int8=int8), settings.model_cache, int8=int8)
            repairs.notes.append(f"{part} ({problem}): rebuilt")
    manifest = manifest_of(health.snapshot)
    keys = {e["source"]: e.get("key", "") for e in (manifest or {}).get("sources", [])}
    for source, problem in sorted(health.damaged_records.items()):
        record_path(settings, keys[source]).unlink(missing_ok=True)
        repairs.reembed.add(source)
        repairs.notes.append(f"record of {source} ({problem}): deleted, the brief read and "
                             "embedded again")
    for part in SNAPSHOT_PARTS:
        problem = health.problem(part)
        if problem is not None:
            repairs.rewrite_snapshot = True
            repairs.notes.append(f"{part} of {health.snapshot.name} ({problem}): snapshot "
                                 "written again from the records")
    return repairs


def _ids(snapshot: Path, manifest: dict[str, Any] | None) -> dict[str, list[str]] | None:
    """The snapshot's chunk and sentence id lists (in the manifest or ``ids.json``), or None."""
    if manifest is not None and "chunk_ids" in manifest:
        return manifest
    try:
        ids = json.loads((snapshot / IDS).read_text(encoding="utf-8"))
        return ids if isinstance(ids.get("chunk_ids"), list) and isinstance(
            ids.get("sentence_ids"), list) else None
    except (OSError, ValueError, AttributeError):
        return None


def _totals(manifest: dict[str, Any]) -> tuple[int, int]:
    """Chunks and sentences the manifest says the snapshot holds."""
    sources = manifest["sources"]
    return sum(int(e["chunks"]) for e in sources), sum(int(e["sentences"]) for e in sources)


def _check_manifest(manifest: dict[str, Any] | None, ids: dict[str, list[str]] | None) -> Check:
    if manifest is None:
        return Check("manifest", "manifest.json is missing or unreadable")
    try:
        chunks, sentences = _totals(manifest)
    except (KeyError, TypeError, ValueError) as err:
        return Check("manifest", f"malformed source entry ({err!r})")
    if ids is None:
        return Check("manifest", f"{IDS} is missing or unreadable")
    if (len(ids["chunk_ids"]), len(ids["sentence_ids"])) != (chunks, sentences):
        return Check("manifest", f"{IDS} lists {len(ids['chunk_ids'])} chunks and "
                                 f"{len(ids['sentence_ids'])} sentences, the manifest {chunks} and "
                                 f"{sentences}")
    return Check("manifest", None, f"{len(manifest['sources'])} briefs, {chunks} chunks, "
                                   f"{sentences} sentences")


def _check_chroma(settings: Settings, snapshot: Path, manifest: dict[str, Any]) -> Check:
    """The store's files are whole, its collections open and hold what the manifest says.

    Raises ``IndexCorruptError`` when the Chroma server is unreachable: that is no damage.
    """
    if not settings.chroma_url:
        problem = sqlite_problem(snapshot / "chroma" / "chroma.sqlite3") or hnsw_problem(
            snapshot / "chroma")
        if problem:
            return Check("Chroma store", problem)
    try:
        expected = dict(zip(("chunks", "sentences"), _totals(manifest)))
    except (KeyError, TypeError, ValueError):
        return Check("Chroma store", "cannot be checked against a malformed manifest")
    names = collection_names(settings, snapshot)
    names = (manifest.get("chunk_collection", names[0]),
             manifest.get("sentence_collection", names[1]))
    try:
        client = open_chroma(settings, snapshot)  # an unreachable server raises: nothing to check
    except IndexCorruptError as err:
        if settings.chroma_url:
            raise
        return Check("Chroma store", str(err.__cause__ or err))
    try:
        for kind, name in zip(("chunks", "sentences"), names):
            problem = _collection_problem(client.get_collection(name), expected[kind], kind)
            if problem:
                return Check("Chroma store", problem)
    except Exception as err:
        return Check("Chroma store", _one_line(err))
    finally:
        _close(client)
    return Check("Chroma store", None, f"{expected['chunks']} chunks, {expected['sentences']} "
                                       "sentences, as in the manifest")


def _collection_problem(collection: Any, expected: int, kind: str) -> str | None:
    """A count that differs from the manifest, or a search that fails or returns too little.

    The searches (for the first, middle and last stored vectors) make Chroma load and walk its
    HNSW graph. They do not ask that a vector finds itself: HNSW is approximate, and a corpus
    with many identical sentences can leave a copy unreachable in a sound index.
    """
    count = collection.count()
    if count != expected:
        return f"{count} {kind} stored, the manifest lists {expected}"
    for offset in sorted({0, count // 2, count - 1} if count else set()):
        vector = collection.get(limit=1, offset=offset, include=["embeddings"])["embeddings"][0]
        found = collection.query(query_embeddings=[vector], n_results=min(count, _PROBE),
                                 include=["distances"])["distances"][0]
        if len(found) != min(count, _PROBE) or not all(-_ROUNDING <= d <= 2 + _ROUNDING
                                                         for d in found):
            return f"a search among the stored {kind} returned {len(found)} results: {found[:3]}"
    return None


def _check_bm25(snapshot: Path, kind: str, ids: list[str] | None) -> Check:
    import bm25s

    part = f"BM25 {kind}"
    try:
        index = bm25s.BM25.load(str(snapshot / f"bm25-{kind}"))
        documents = int(index.scores["num_docs"])
    except Exception as err:  # bm25s surfaces numpy, json and OS errors as they come
        return Check(part, _one_line(err))
    if ids is not None and documents != max(len(ids), 1):
        return Check(part, f"{documents} {kind} indexed, the id list holds {len(ids)}")
    return Check(part, None, f"{documents} {kind}")


def _check_encoders(settings: Settings, store_hashes: bool) -> list[Check]:
    """The query encoder (needed) and the int8 ingest encoder (when built) against their hashes."""
    from .embed import encoder_problem, stored_hash

    checks = []
    for part, int8 in (("query encoder", False), ("ingest encoder", True)):
        path = encoder_path(settings, int8=int8)
        if int8 and not path.exists():
            checks.append(Check(part, None, "not built yet (made when an ingest first needs it)"))
            continue
        problem = encoder_problem(path, remember=store_hashes)
        detail = (f"{path.name} matches its stored SHA-256" if stored_hash(path) else
                  f"{path.name} loads (its SHA-256 is stored by the next ingest)")
        checks.append(Check(part, problem and f"{path.name}: {problem}", detail))
    return checks


def _check_records(settings: Settings, manifest: dict[str, Any] | None) -> tuple[Check, dict[str, str]]:
    """Every brief of the manifest has a record that opens and fits its declared sizes."""
    from .records import record_problem

    if manifest is None:
        return Check("records", None, "not checked (no readable manifest)"), {}
    sources = [e for e in manifest.get("sources", []) if isinstance(e, dict) and "source" in e]
    bad = {e["source"]: problem for e in sources
           if (problem := record_problem(settings, str(e.get("key", "")))) is not None}
    if not bad:
        return Check("records", None, f"{len(sources)} of {len(sources)} open"), {}
    shown = ", ".join(f"{name} ({why})" for name, why in list(bad.items())[:3])
    more = f", and {len(bad) - 3} more" if len(bad) > 3 else ""
    return Check("records", f"{len(bad)} of {len(sources)} damaged: {shown}{more}"), bad


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _close(client: Any) -> None:
    try:
        client.close()
    except Exception:  # closing is best effort
        pass
