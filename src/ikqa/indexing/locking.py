"""One writer at a time per index folder: an advisory file lock, reentrant within a process.

The kernel drops an ``flock`` when its holder dies (even by SIGKILL), so a killed ingest
never leaves the index locked. Readers never take the lock.
"""

from __future__ import annotations

import fcntl
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["ingest_lock"]

_held: dict[Path, int] = {}
_guard = threading.RLock()


@contextmanager
def ingest_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's writer lock (waits for another process's ingest to finish)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    key = index_dir.resolve()
    with _guard:  # threads of this process queue here; the flock excludes other processes
        if _held.get(key):
            _held[key] += 1
            try:
                yield
            finally:
                _held[key] -= 1
            return
        with open(key / ".ingest.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            _held[key] = 1
            try:
                yield
            finally:
                _held[key] = 0
                fcntl.flock(handle, fcntl.LOCK_UN)
