"""The errors ikqa raises on purpose, each with a one-line reason for the user.

    IkqaError
    ├── EmptyQuestionError     the question is blank
    ├── SourcesError           the sources folder is missing, unreadable or holds nothing usable
    ├── IndexMissingError      no index has been built and there are no sources to build one
    └── IndexCorruptError      the index folder exists but cannot be read
"""

from __future__ import annotations

__all__ = [
    "IkqaError",
    "EmptyQuestionError",
    "SourcesError",
    "IndexMissingError",
    "IndexCorruptError",
]


class IkqaError(Exception):
    """Base of every expected failure; ``str(err)`` is a one-line reason."""


class EmptyQuestionError(IkqaError, ValueError):
    """The question was empty or only white space."""


class SourcesError(IkqaError):
    """The sources folder cannot be used."""


class IndexMissingError(IkqaError):
    """There is no index and nothing to build one from."""


class IndexCorruptError(IkqaError):
    """The index exists but cannot be opened."""
