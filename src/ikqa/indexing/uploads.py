"""Check an uploaded file before it enters the sources folder: size, kind by content, limits, a safe name.

Nothing here writes to disk; ``Assistant.add_source`` stores the file only after these
checks passed, and removes it again if indexing it fails.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..config import Settings
from ..errors import SourceRejectedError
from .formats import SUPPORTED_SUFFIXES, Document, document_from_bytes
from .limits import Limits

__all__ = ["safe_source_name", "check_upload"]

_UNSAFE = re.compile(r"[^\w.\- ()&,+'\[\]]+")
_MAX_NAME = 120


def safe_source_name(filename: str) -> str:
    """A plain file name for ``filename``: no folders, no traversal, no control characters.

    Spaces and non-ASCII letters are kept ("Brief à Séoul.pdf" stays readable); anything
    that could name another folder ("../", "C:\\", leading dots) is dropped.
    """
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, suffix = Path(name).stem.strip(" ."), Path(name).suffix.lower()
    if not stem or suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        raise SourceRejectedError(f"unsupported file name {filename!r} (use one of {kinds})")
    return stem[: _MAX_NAME - len(suffix)] + suffix


def check_upload(filename: str, data: bytes, settings: Settings) -> tuple[str, Document]:
    """The safe stored name and the parsed document, or ``SourceRejectedError``.

    The document is read within the same limits as a source in the folder (unpacked bytes,
    characters, paragraphs), so a bomb is refused before anything is written.
    """
    name = safe_source_name(filename)
    limit = settings.max_upload_mb
    if len(data) > limit * 1024 * 1024:
        raise SourceRejectedError(f"{name} is too large ({len(data) / 1048576:.1f} MB > "
                                  f"{limit:g} MB limit)")
    try:
        return name, document_from_bytes(name, data, Limits.from_settings(settings))
    except SourceRejectedError as err:
        raise SourceRejectedError(f"{name}: {err}") from err
