"""The errors ikqa raises on purpose, each with a one-line reason for the user.

    IkqaError
    ├── EmptyQuestionError     the question is blank
    ├── SourcesError           the sources folder is missing, unreadable or holds nothing usable
    ├── IndexMissingError      no index has been built and there are no sources to build one
    ├── IndexCorruptError      the index folder exists but cannot be read
    ├── SourceRejectedError    one file cannot be indexed (too large, wrong type, unreadable)
    │   └── DuplicateSourceError   its content is already indexed under another name
    ├── SourceNotFoundError    no indexed source has that name
    └── SettingsError          a setting has a value ikqa cannot use
    LanguageModelError         the language model cannot be used (answers fall back to extractive)
    ├── ModelUnavailableError  the local model, its library or its extra is missing, or fails its hash
    └── ModelServerError       the model server is unreachable, too slow, or answered with an error
"""

from __future__ import annotations

__all__ = [
    "IkqaError",
    "EmptyQuestionError",
    "SourcesError",
    "IndexMissingError",
    "IndexCorruptError",
    "SourceRejectedError",
    "DuplicateSourceError",
    "SourceNotFoundError",
    "SettingsError",
    "LanguageModelError",
    "ModelUnavailableError",
    "ModelServerError",
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


class SourceRejectedError(IkqaError):
    """One source file cannot be indexed; ``str(err)`` says why in one line."""


class DuplicateSourceError(SourceRejectedError):
    """The file's content is already indexed under another name."""


class SourceNotFoundError(IkqaError):
    """No source of that name is in the sources folder or the index."""


class SettingsError(IkqaError, ValueError):
    """A setting (an ``IKQA_*`` variable or an option) has a value ikqa cannot use."""


class LanguageModelError(IkqaError):
    """The language model cannot answer; ``str(err)`` names the fix. Callers fall back to extractive."""


class ModelUnavailableError(LanguageModelError):
    """The local model cannot be loaded: its extra is not installed, a part is missing, or its hash is wrong."""


class ModelServerError(LanguageModelError):
    """The model server (OpenAI-compatible or Ollama) is unreachable, too slow, or answered an error."""
