"""The ``ikqa`` command: a thin shell over ``Assistant`` (ingest, doctor, ask, chat, sources, serve)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

import click

from . import Assistant, IkqaError, Settings
from .config import ANSWER_MODES
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
    ctx = click.get_current_context(silent=True)
    more.setdefault("chroma_url", ((ctx.find_root().obj or {}) if ctx else {}).get("chroma_url"))
    settings = Settings.from_env(sources_dir=sources_dir, index_dir=index_dir, **more)
    if sources_dir is not None and index_dir is None:
        _warn_if_built_elsewhere(settings)
    return Assistant(settings)


def _warn_if_built_elsewhere(settings: Settings) -> None:
    """``--sources`` given without ``--index``: say so when the index holds none of its files."""
    from .indexing.store import current_manifest

    manifest = current_manifest(settings)
    if manifest is None or not settings.sources_dir.is_dir():
        return
    indexed = {e.get("source") for e in manifest.get("sources", []) if isinstance(e, dict)}
    present = {p.name for p in settings.sources_dir.iterdir() if p.is_file()}
    if indexed and present and not indexed & present:
        click.echo(f"warning: the index at {settings.index_dir} holds none of the files in "
                   f"{settings.sources_dir} (it was built from another folder); add --index DIR "
                   f"to build one for it", err=True)


def _mode_option(func: F) -> F:
    return click.option("--mode", type=click.Choice(ANSWER_MODES), default=None,
                        help="Answer mode (default: $IKQA_ANSWER_MODE or "
                             f"{Settings.answer_mode!r}).")(func)


@click.group()
@click.version_option(package_name="ikqa")
@click.option("--chroma-url", metavar="URL",
              help="Use the Chroma server at URL (or set IKQA_CHROMA_URL) instead of the embedded store.")
@click.pass_context
def cli(ctx: click.Context, chroma_url: str | None) -> None:
    """Ask questions of policy briefings; every answer cites the sentences it rests on.

    \b
    Example:
        ikqa ingest
        ikqa ask "Where is IKCRI based?"
        ikqa --chroma-url http://127.0.0.1:8000 ingest
    """
    ctx.obj = {"chroma_url": chroma_url}


@cli.command()
@_location_options
@click.option("--if-missing", is_flag=True,
              help="Do nothing when a sound index already exists (a damaged one is repaired).")
@click.option("--full", is_flag=True, help="Re-read and re-embed every file, not only changed ones.")
def ingest(sources_dir: Path | None, index_dir: Path | None, if_missing: bool, full: bool) -> None:
    """Bring the index up to date with the sources folder (only new or changed files are embedded).

    It first checks the current index (as `ikqa doctor` does) and repairs damaged parts from
    the per-brief records, embedding again only briefs whose record was damaged.

    Exit code 0: all files indexed; 3: done, but some files failed (listed with reasons);
    1: nothing usable (the previous index is kept).

    \b
    Example:
        ikqa ingest --sources ~/briefs --index ~/briefs-index
    """
    from .indexing.progress import progress_bar, summary_table
    from .indexing.store import index_exists

    assistant = _assistant(sources_dir, index_dir)
    if if_missing and index_exists(assistant.settings) and assistant.doctor().ok:
        click.echo(f"index present in {assistant.settings.index_dir}; nothing to do")
        return
    with progress_bar() as progress:
        run = assistant.reindex if full else assistant.ingest
        summary = _guard(lambda: run(progress))
    click.echo(summary_table(summary).rstrip())
    click.echo(f"indexed {len(summary.briefs)} brief(s): {summary.chunks} chunks, "
               f"{summary.sentences} sentences; embedded {summary.embedded_chunks} new chunk(s) "
               f"in {summary.seconds:.1f} s -> {summary.snapshot}")
    for note in summary.repaired:
        click.echo(f"repaired: {note}")
    for name, reason in summary.failed:
        click.echo(f"failed: {name}: {reason}", err=True)
    for name, note in summary.warnings:
        click.echo(f"warning: {name}: {note}", err=True)
    if summary.partial:
        sys.exit(EXIT_PARTIAL)


@cli.command()
@_location_options
def doctor(sources_dir: Path | None, index_dir: Path | None) -> None:
    """Check every part of the index without changing anything; `ikqa ingest` repairs it.

    One line per part: the Chroma store, the BM25 indexes, the encoders, the per-brief
    records. Exit code 0: sound; 1: damaged, or no index.

    \b
    Example:
        ikqa doctor --index ~/briefs-index
    """
    health = _guard(_assistant(sources_dir, index_dir).doctor)
    if health.snapshot is None:
        raise click.ClickException(f"no index in {health.index_dir}: run `ikqa ingest` to build one")
    click.echo(f"index {health.index_dir}, snapshot {health.snapshot.name}")
    for check in health.checks:
        click.echo(f"{'ok' if check.ok else 'DAMAGED':<8} {check.part:<15} "
                   f"{check.detail if check.ok else check.problem}")
    if not health.ok:
        raise click.ClickException("the index is damaged: run `ikqa ingest` to repair it "
                                   "(only briefs whose record is damaged are embedded again)")


@cli.command()
@_location_options
@click.argument("name")
def remove(sources_dir: Path | None, index_dir: Path | None, name: str) -> None:
    """Delete source NAME from the sources folder and the index.

    \b
    Example:
        ikqa remove "old brief.pdf"
    """
    _guard(lambda: _assistant(sources_dir, index_dir).remove_source(name))
    click.echo(f"removed {name}")


@cli.command()
@_location_options
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@_mode_option
def ask(sources_dir: Path | None, index_dir: Path | None, question: str, as_json: bool,
        mode: str | None) -> None:
    """Answer QUESTION, citing the source sentences.

    \b
    Example:
        ikqa ask "Where is the India Korea Centre for Research & Innovation based?" --json
    """
    assistant = _assistant(sources_dir, index_dir, answer_mode=mode)
    if as_json:
        answer = _guard(lambda: assistant.ask(question))
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        answer = _streamed(lambda on_token: assistant.explain(question, on_token=on_token)[0])
        click.echo(format_answer(answer))


@cli.command()
@_location_options
@_mode_option
def chat(sources_dir: Path | None, index_dir: Path | None, mode: str | None) -> None:
    """A conversation in the terminal; follow-ups may refer to earlier turns.

    Type a question per line; an empty line, "exit", "quit", "/exit", "/quit" or Ctrl-D ends
    it, "/new" starts afresh.
    """
    conversation = _assistant(sources_dir, index_dir, answer_mode=mode).conversation()
    while True:
        try:
            question = input("you> ").strip()
        except EOFError:
            break
        if not question or question.lower().lstrip("/") in {"exit", "quit"}:
            break
        if question == "/new":
            conversation.reset()
            continue
        standalone = _guard(lambda: conversation.standalone(question))
        if standalone != question:
            click.echo(f"(read as: {standalone})")  # how the follow-up was taken, before the answer
        answer = _streamed(lambda on_token: conversation.ask(question, on_token=on_token,
                                                             standalone=standalone))
        click.echo(format_answer(answer) + "\n")


@cli.command()
@_location_options
def sources(sources_dir: Path | None, index_dir: Path | None) -> None:
    """List the indexed briefs."""
    listed = _guard(_assistant(sources_dir, index_dir).sources)
    if listed:
        click.echo("source\ttitle\tauthor\tchunks\tindexed at")
    for s in listed:
        click.echo(f"{s['source']}\t{s['title']}\t{s['author']}\t{s['chunks']} chunks\t"
                   f"{s.get('indexed_at', '')}")


@cli.command()
@_location_options
@click.option("--host", help="Interface to bind (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 7860).")
@click.option("--auth", envvar="IKQA_AUTH", metavar="USER:PASS",
              help="Require this login (or set IKQA_AUTH); needed for a non-loopback --host.")
@click.option("--read-only", is_flag=True, help="No upload, delete or re-index from the page.")
@_mode_option
def serve(sources_dir: Path | None, index_dir: Path | None, host: str | None,
          port: int | None, auth: str | None, read_only: bool, mode: str | None) -> None:
    """Start the chat web UI (http://127.0.0.1:7860 by default).

    \b
    Example:
        IKQA_AUTH=analyst:secret ikqa serve --host 0.0.0.0 --read-only
    """
    from .ui.app import check_exposure, parse_auth, serve as serve_ui

    assistant = _assistant(sources_dir, index_dir, host=host, port=port, answer_mode=mode)
    host, port = assistant.settings.host, assistant.settings.port
    _guard(lambda: check_exposure(host, parse_auth(auth)))
    click.echo(f"ikqa: serving on http://{host}:{port}" + (" (read-only)" if read_only else ""))
    _guard(lambda: serve_ui(assistant, host, port, auth=auth, read_only=read_only))


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
@click.option("--baseline-llm", is_flag=True,
              help="Also run the llama-index recipe with a model (as_query_engine(similarity_top_k=2), "
                   "its default prompt) on the same language model ikqa uses.")
@click.option("--dataset", "datasets", multiple=True,
              type=click.Path(path_type=Path, exists=True, file_okay=False),
              help="A dataset folder (sources/, questions.jsonl, optional conversations.jsonl), "
                   "evaluated over a fresh index of its own; repeatable. A folder without "
                   "sources/ (such as eval/) is read against the configured sources. Default: "
                   "the questions and conversations above over the configured sources.")
@click.option("--mode", "modes", metavar="MODE[,MODE...]", default=None,
              help=f"Answer mode(s), comma-separated, each run side by side: {', '.join(ANSWER_MODES)} "
                   f"(default: $IKQA_ANSWER_MODE or {Settings.answer_mode!r}).")
@click.option("--split", type=click.Choice(["all", "dev", "held-out"]), default="all",
              show_default=True, help="Evaluate only the dev or the held-out questions.")
def eval_command(sources_dir: Path | None, index_dir: Path | None, questions: Path,
                 conversations: Path, out: Path, baseline: bool, baseline_llm: bool,
                 datasets: tuple[Path, ...], modes: str | None, split: str) -> None:
    """Measure answers, citations, retrieval, abstention and latency on a gold question set.

    Prints a table and writes results.json, report.md and plots to OUT/<timestamp>/
    (OUT/<dataset>/<timestamp>/ for each --dataset). With several modes, recipes or datasets,
    also one table of them all and one risk-coverage plot (OUT/side-by-side-<timestamp>/).

    \b
    Examples:
        ikqa eval --baseline
        ikqa eval --dataset ../shared/datasets/squad2-dev --dataset eval/confusion
        ikqa eval --mode extractive,verified,generative --baseline-llm --split held-out \\
            --dataset eval --dataset ../shared/datasets/squad2-dev --dataset eval/confusion
    """
    from .evaluation.report import print_side_by_side, print_table, write_side_by_side
    from .evaluation.run import load_dataset, run_dataset, run_evaluation

    chosen = _modes(modes)
    assistant = _assistant(sources_dir, index_dir)
    options = dict(baseline=baseline, modes=chosen, baseline_llm=baseline_llm, split=split)
    results = []
    if not datasets:
        convs = conversations if conversations.exists() else None
        result = _guard(lambda: run_evaluation(assistant, questions, convs, out, **options))
        print_table(result.runs)
        click.echo(f"written to {result.folder}")
        results.append(result)
    for folder in datasets:
        dataset = _guard(lambda: load_dataset(folder, assistant.settings.sources_dir))
        result = _guard(lambda: run_dataset(dataset, assistant.settings, out, **options))
        print_table(result.runs, title=f"ikqa evaluation · {dataset.name}")
        click.echo(f"written to {result.folder}")
        results.append(result)
    if len(results) > 1 or len(chosen) > 1 or baseline_llm:
        print_side_by_side(results)
        click.echo(f"side by side: {write_side_by_side(results, out)}")


def _modes(modes: str | None) -> list[str | None]:
    """``"extractive,verified"`` -> the modes, checked (None: the settings' mode)."""
    if not modes:
        return [None]
    chosen = [m.strip() for m in modes.split(",") if m.strip()]
    unknown = [m for m in chosen if m not in ANSWER_MODES]
    if unknown or not chosen:
        named = ", ".join(unknown) or repr(modes)
        raise click.BadParameter(f"unknown answer mode {named}: choose from "
                                 f"{', '.join(ANSWER_MODES)}", param_hint="--mode")
    return list(dict.fromkeys(chosen))


def _one_line(text: str) -> str:
    """A cited sentence as one line (a hard-wrapped or PDF sentence keeps its breaks in the
    source; its offsets still point at it there)."""
    return " ".join(text.split())


def format_answer(answer: Answer) -> str:
    """The answer, one line per citation (marker, source, span, sentence), the answer's note,
    and a last line ``(confidence 0.83, verified)``."""
    lines = [answer.text]
    if answer.short and answer.short != answer.text:
        lines.append(f"  short: {answer.short}")
    lines.extend(f"  struck: {claim} (not supported by the sentences it cites)"
                 for claim in answer.struck)
    for c in answer.citations:
        page = f" p. {c.page}" if c.page else ""
        lines.append(f"  [{c.marker}] {c.source}{page} [{c.start}:{c.end}] {_one_line(c.text)}")
    if answer.abstained and answer.related:
        lines.append("  related, but not an answer:")
        lines.extend(f"    - {c.source} [{c.start}:{c.end}] {_one_line(c.text)}"
                     for c in answer.related)
    if answer.note:
        lines.append(f"  note: {answer.note}")
    lines.append(f"(confidence {answer.confidence:.2f}, {answer.mode})")
    return "\n".join(lines)


def _streamed(ask: Callable[[Callable[[str], None]], Answer]) -> Answer:
    """``ask(on_token)``, printing a generative answer's draft as the model writes it (dimmed);
    the checked answer is printed after it by the caller."""
    started = []

    def show(piece: str) -> None:
        if not started:
            started.append(True)
            click.secho("draft (not checked yet): ", dim=True, nl=False)
        click.secho(piece, dim=True, nl=False)
        sys.stdout.flush()

    answer = _guard(lambda: ask(show))
    if started:
        click.secho("\nchecked:", dim=True)
    return answer


def _guard(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except IkqaError as err:
        raise click.ClickException(str(err)) from err


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="ikqa")
