"""ikqa: offline, citation-grounded question answering over policy briefings.

    >>> import ikqa
    >>> ans = ikqa.ask("Where is IKCRI based?")
    >>> ans.text, ans.citations[0].text, ans.abstained
"""

from __future__ import annotations

from functools import lru_cache as _lru_cache

from ._offline import go_offline

go_offline()

from .assistant import Assistant  # noqa: E402
from .config import Settings  # noqa: E402
from .errors import (  # noqa: E402
    DuplicateSourceError,
    EmptyQuestionError,
    IkqaError,
    IndexCorruptError,
    IndexMissingError,
    SourceNotFoundError,
    SourceRejectedError,
    SourcesError,
)
from .types import Answer, Citation  # noqa: E402

__all__ = [
    "ask",
    "Assistant",
    "Answer",
    "Citation",
    "Settings",
    "IkqaError",
    "EmptyQuestionError",
    "SourcesError",
    "IndexMissingError",
    "IndexCorruptError",
    "SourceRejectedError",
    "DuplicateSourceError",
    "SourceNotFoundError",
    "__version__",
]
__version__ = "0.1.0"


def ask(question: str, settings: Settings | None = None) -> Answer:
    """Answer ``question`` from the default index (built from ``sources/`` if missing).

    Repeated calls with equal settings share one ``Assistant``, so only the first opens the
    index and loads the models; later calls run at warm speed.
    """
    return _shared_assistant(settings or Settings.from_env()).ask(question)


@_lru_cache(maxsize=8)
def _shared_assistant(settings: Settings) -> Assistant:
    return Assistant(settings)
