"""Thumbs up / down on answers, appended as one JSON line each to ``<index>/feedback.jsonl``."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from .config import Settings
from .types import Answer

__all__ = ["record_feedback", "feedback_path"]

VOTES = ("up", "down")
_WRITE_LOCK = threading.Lock()


def feedback_path(settings: Settings) -> Path:
    """Where votes are kept: beside the index, outside any one snapshot."""
    return settings.index_dir / "feedback.jsonl"


def record_feedback(settings: Settings, answer: Answer, vote: str) -> Path:
    """Append one vote on ``answer`` (question, answer, citations, vote, time)."""
    if vote not in VOTES:
        raise ValueError(f"vote must be 'up' or 'down', not {vote!r}")
    record = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "vote": vote,
        "question": answer.question,
        "standalone_question": answer.standalone_question or answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [c.to_dict() for c in answer.citations],
    }
    path = feedback_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _WRITE_LOCK, path.open("a", encoding="utf-8") as fh:
        fh.write(line)
    return path
