"""Word-level analysis shared by the BM25 side index and evidence scoring.

One tokeniser (bm25s's), one English Snowball stemmer and one stop-word list, so
that a term counted when indexing is the same term counted when answering.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["terms", "terms_batch", "stemmer", "QUESTION_WORDS"]

# Words that shape a question but say nothing about its topic.
QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how does do did is are was were "
    "can could would should will much many the a an of in on for to by with "
    "tell me about please name list give describe explain briefly according brief "
    "briefing briefings source sources mention mentioned say says said".split()
)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@lru_cache(maxsize=1)
def stemmer() -> Any:
    """The English Snowball stemmer (PyStemmer), loaded once."""
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def terms(text: str, *, drop_question_words: bool = False) -> list[str]:
    """Lower-cased, stemmed content terms of ``text`` (stop words removed)."""
    stop = _stopwords() | QUESTION_WORDS if drop_question_words else _stopwords()
    words = [w for w in _TOKEN.findall(text.lower()) if w not in stop]
    return list(stemmer().stemWords(words))


def terms_batch(texts: list[str]) -> list[list[str]]:
    """``terms`` for many texts."""
    return [terms(t) for t in texts]
