"""``ikqa eval``: run ikqa (and optionally the baseline) over the gold question sets."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from ..assistant import Assistant
from ..config import Settings
from ..errors import IkqaError
from .metrics import EvidenceIndex, evaluate, load_conversations, load_questions, validate
from ..types import Answer

__all__ = ["AssistantSystem", "EvalRun", "Dataset", "load_dataset", "run_evaluation",
           "run_dataset", "read_sources", "SPLITS"]


class AssistantSystem:
    """ikqa itself as an evaluated ``System``, answering in ``mode`` (None: the settings')."""

    def __init__(self, assistant: Assistant, mode: str | None = None) -> None:
        self.assistant = assistant
        self.mode = mode
        self.name = f"ikqa {mode}" if mode else "ikqa"

    def answer(self, question: str) -> tuple[Answer, list[tuple[str, int, int]],
                                             list[tuple[str, int, int]]]:
        answer, retrieval = self.assistant.explain(question, self.mode)
        sentences = [(e.source, e.start, e.end) for e in retrieval.evidence]
        return answer, retrieval.chunk_spans, sentences

    def conversation(self) -> Callable[[str], Answer]:
        conversation = self.assistant.conversation()
        return lambda question: conversation.ask(question, self.mode)


@dataclass
class EvalRun:
    """The runs (ikqa first, then the baseline if asked) and the folder they were written to."""

    runs: list[dict[str, Any]]
    folder: Path | None
    name: str = "eval"


@dataclass(frozen=True)
class Dataset:
    """A folder laid out like ``eval/`` or ``../shared/datasets/squad2-dev/``: ``sources/``,
    ``questions.jsonl`` (ikqa-style ``must``/``evidence`` or SQuAD-style ``answers``/``doc``)
    and, optionally, ``conversations.jsonl``."""

    name: str
    sources_dir: Path
    questions: Path
    conversations: Path | None


def load_dataset(folder: Path, default_sources: Path | None = None) -> Dataset:
    """The dataset in ``folder`` (without a ``sources/`` of its own, read against
    ``default_sources`` when given); ``IkqaError`` naming what is missing."""
    folder = Path(folder)
    sources, questions = folder / "sources", folder / "questions.jsonl"
    if not sources.exists() and default_sources is not None:
        sources = Path(default_sources)
    for needed in (sources, questions):
        if not needed.exists():
            raise IkqaError(f"{folder} is not a dataset folder: {needed.name} is missing")
    conversations = folder / "conversations.jsonl"
    return Dataset(folder.resolve().name, sources, questions,
                   conversations if conversations.exists() else None)


def run_dataset(dataset: Dataset, settings: Settings, out_dir: Path | None,
                baseline: bool = False, modes: Sequence[str | None] = (None,),
                baseline_llm: bool = False, split: str = "all") -> EvalRun:
    """Evaluate on ``dataset`` over a fresh index of its sources (built in a temporary folder).
    The local language model is loaded once per process, whatever the number of datasets."""
    with tempfile.TemporaryDirectory(prefix=f"ikqa-eval-{dataset.name}-") as work:
        assistant = Assistant(settings.replace(sources_dir=dataset.sources_dir,
                                               index_dir=Path(work) / "index", chroma_url=""))
        result = run_evaluation(assistant, dataset.questions, dataset.conversations,
                                out_dir / dataset.name if out_dir else None, baseline,
                                modes=modes, baseline_llm=baseline_llm, split=split)
    return EvalRun(result.runs, result.folder, dataset.name)


def read_sources(sources_dir: Path) -> dict[str, str]:
    """Text of every brief the question set may point into, by file name."""
    from ..indexing.briefs import load_briefs

    return {b.source: b.text for b in load_briefs(sources_dir).briefs}


SPLITS = ("all", "dev", "held-out")


def run_evaluation(assistant: Assistant, questions_path: Path, conversations_path: Path | None,
                   out_dir: Path | None, baseline: bool = False,
                   modes: Sequence[str | None] = (None,), baseline_llm: bool = False,
                   split: str = "all") -> EvalRun:
    """Validate the question set, evaluate ikqa in each of ``modes`` (None: the settings'
    mode) and the baselines asked for, on the questions of ``split``, and write the results
    (when ``out_dir`` is set)."""
    from .report import write_run

    questions = load_questions(questions_path)
    conversations = load_conversations(conversations_path) if conversations_path else []
    sources = read_sources(assistant.settings.sources_dir)
    problems = validate(questions, conversations, sources)
    if problems:
        raise IkqaError(f"invalid question set ({len(problems)} problems), first: {problems[0]}")
    questions, conversations = _split(questions, split), _split(conversations, split)
    assistant.ensure_index()
    evidence = EvidenceIndex(sources)
    runs = [evaluate(AssistantSystem(assistant, mode), questions, conversations, evidence)
            for mode in modes]
    if baseline:
        from .baseline import LlamaIndexBaseline

        runs.append(evaluate(LlamaIndexBaseline(assistant.settings.sources_dir), questions,
                             conversations, evidence))
    if baseline_llm:
        from .baseline import LlamaIndexLLMBaseline

        recipe = LlamaIndexLLMBaseline(assistant.settings.sources_dir, assistant.llm(),
                                       assistant.settings.llm_context)
        runs.append(evaluate(recipe, questions, conversations, evidence))
    folder = write_run(runs, out_dir) if out_dir else None
    return EvalRun(runs, folder)


def _split(items: list[Any], split: str) -> list[Any]:
    """The items of ``split``: "all", "dev" (tuned on) or "held-out" (never tuned on)."""
    if split not in SPLITS:
        raise IkqaError(f"unknown split {split!r}: choose one of {', '.join(SPLITS)}")
    return [i for i in items if split == "all" or i.held_out == (split == "held-out")]
