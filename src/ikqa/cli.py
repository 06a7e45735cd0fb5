"""The ``ikqa`` command: a thin shell over ``Assistant`` (ingest, ask, chat, sources, serve)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

import click

from . import Assistant, IkqaError, Settings
from .types import Answer

__all__ = ["main", "cli", "EXIT_PARTIAL"]

EXIT_PARTIAL = 3  # ingest finished but some files could not be indexed
F = TypeVar("F", bound=Callable[..., Any])


def _location_options(func: F) -> F:
    func = click.option("--index", "index_dir", type=click.Path(path_type=Path),
                        help="Index folder (default: ./index or $IKQA_INDEX_DIR).")(func)
    func = click.option("--sources", "sources_dir", type=click.Path(path_type=Path),
                        help="Sources folder (default: ./sources or $IKQA_SOURCES_DIR).")(func)
    return func


def _assistant(sources_dir: Path | None, index_dir: Path | None, **more: Any) -> Assistant:
    return Assistant(Settings.from_env(sources_dir=sources_dir, index_dir=index_dir, **more))


@click.group()
@click.version_option(package_name="ikqa")
def cli() -> None:
    """Ask questions of policy briefings; every answer cites the sentences it rests on.

    \b
    Example:
        ikqa ingest
        ikqa ask "Where is IKCRI based?"
    """


@cli.command()
@_location_options
@click.option("--if-missing", is_flag=True, help="Do nothing when an index already exists.")
def ingest(sources_dir: Path | None, index_dir: Path | None, if_missing: bool) -> None:
    """Build the index from the sources folder.

    Exit code 0: all files indexed; 3: done, but some files failed (listed).

    \b
    Example:
        ikqa ingest --sources ~/briefs --index ~/briefs-index
    """
    from .store import index_exists

    assistant = _assistant(sources_dir, index_dir)
    if if_missing and index_exists(assistant.settings):
        click.echo(f"index present in {assistant.settings.index_dir}; nothing to do")
        return
    summary = _guard(assistant.ingest)
    click.echo(f"indexed {len(summary.briefs)} brief(s): {summary.chunks} chunks, "
               f"{summary.sentences} sentences in {summary.seconds:.1f} s -> {summary.generation}")
    for name, reason in summary.failed:
        click.echo(f"failed: {name}: {reason}", err=True)
    if summary.partial:
        sys.exit(EXIT_PARTIAL)


@cli.command()
@_location_options
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def ask(sources_dir: Path | None, index_dir: Path | None, question: str, as_json: bool) -> None:
    """Answer QUESTION, citing the source sentences.

    \b
    Example:
        ikqa ask "Where is the India Korea Centre for Research & Innovation based?" --json
    """
    answer = _guard(lambda: _assistant(sources_dir, index_dir).ask(question))
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_answer(answer))


@cli.command()
@_location_options
def chat(sources_dir: Path | None, index_dir: Path | None) -> None:
    """A conversation in the terminal; follow-ups may refer to earlier turns.

    Type a question per line; an empty line or Ctrl-D ends it, "/new" starts afresh.
    """
    conversation = _assistant(sources_dir, index_dir).conversation()
    while True:
        try:
            question = input("you> ").strip()
        except EOFError:
            break
        if not question:
            break
        if question == "/new":
            conversation.reset()
            continue
        click.echo(format_answer(_guard(lambda: conversation.ask(question))) + "\n")


@cli.command()
@_location_options
def sources(sources_dir: Path | None, index_dir: Path | None) -> None:
    """List the indexed briefs."""
    for s in _guard(_assistant(sources_dir, index_dir).sources):
        click.echo(f"{s['source']}\t{s['title']}\t{s['author']}\t{s['chunks']} chunks")


@cli.command()
@_location_options
@click.option("--host", help="Interface to bind (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 7860).")
def serve(sources_dir: Path | None, index_dir: Path | None, host: str | None,
          port: int | None) -> None:
    """Start the chat web UI (http://127.0.0.1:7860 by default)."""
    from .ui import build_ui

    assistant = _assistant(sources_dir, index_dir, host=host, port=port)
    _guard(assistant.ensure_index)
    demo = build_ui(assistant)
    click.echo(f"ikqa: serving on http://{assistant.settings.host}:{assistant.settings.port}")
    demo.queue(default_concurrency_limit=4).launch(
        server_name=assistant.settings.host, server_port=assistant.settings.port,
        share=False, show_error=True, quiet=True)


@cli.command(name="eval")
@_location_options
@click.option("--questions", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=Path("eval/questions.jsonl"), show_default=True, help="Gold questions (JSONL).")
@click.option("--conversations", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("eval/conversations.jsonl"), show_default=True,
              help="Gold conversations (JSONL); skipped if the file is missing.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              default=Path("eval/results"), show_default=True, help="Where to write the run.")
@click.option("--baseline", is_flag=True, help="Also run the plain llama-index recipe, side by side.")
def eval_command(sources_dir: Path | None, index_dir: Path | None, questions: Path,
                 conversations: Path, out: Path, baseline: bool) -> None:
    """Measure answers, citations, retrieval, abstention and latency on a gold question set.

    Prints a table and writes results.json, report.md and plots to OUT/<timestamp>/.

    \b
    Example:
        ikqa eval --baseline
    """
    from .eval_report import print_table
    from .eval_run import run_evaluation

    assistant = _assistant(sources_dir, index_dir)
    convs = conversations if conversations.exists() else None
    result = _guard(lambda: run_evaluation(assistant, questions, convs, out, baseline))
    print_table(result.runs)
    click.echo(f"written to {result.folder}")


def format_answer(answer: Answer) -> str:
    """The answer, then one line per citation: marker, source, span and sentence."""
    lines = [answer.text]
    for c in answer.citations:
        lines.append(f"  [{c.marker}] {c.source} [{c.start}:{c.end}] {c.text}")
    if answer.abstained and answer.related:
        lines.append("  related, but not an answer:")
        lines.extend(f"    - {c.source} [{c.start}:{c.end}] {c.text}" for c in answer.related)
    return "\n".join(lines)


def _guard(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except IkqaError as err:
        raise click.ClickException(str(err)) from err


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="ikqa")
