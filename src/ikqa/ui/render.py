"""HTML and plain text for the web page: answers with clickable ``[n]``, cited passages, sources.

Pure functions of ``Answer`` / ``Passage`` / source records, so they are tested without a
server. Every string that comes from a file name or a brief goes through ``safe``, which makes
it inert as HTML *and* as Markdown (the chat and the status lines are Markdown). A marker links to
``#ikqa-c-<turn>-<n>`` (a related passage of an abstention to ``#ikqa-r-<turn>-<n>``);
the page's script turns a click on such a link into a request for the side panel.
A finished answer also shows its confidence and the mode that made it (``answer_meta``) and
its note; while a language model reads, the chat shows ``checking_html`` in its place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..types import Answer, Citation, Passage

__all__ = ["answer_html", "draft_html", "stream_answer_html", "answer_plain", "passage_html", "parse_ref",
           "source_rows", "sources_html", "safe", "answer_meta", "checking_html", "mode_label",
           "mode_choices", "mode_help", "PANEL_EMPTY", "SOURCE_COLUMNS", "CONFIDENT"]

PANEL_EMPTY = ('<div class="ikqa-panel-empty">Click a <b>[n]</b> marker in an answer to see the '
               'cited sentence highlighted in its paragraph.</div>')
SOURCE_COLUMNS = ["Title", "Author", "File", "Chunks", "Indexed"]
STREAM_WORDS = 3  # words added per streamed update
CONFIDENT = 0.5  # a confidence from here up is shown as high, below it as low
# What the page calls a mode where its name is not plain to a reader; others show as named.
MODE_LABELS = {"extractive": "fast"}
# What each mode costs, for the selector's help line (a mode without an entry is just listed).
MODE_HELP = {"extractive": "at once",
             "verified": "a language model checks the cited sentence first (1–3 s)",
             "generative": "the model writes a short answer; each claim is checked (2–5 s)"}
# The placeholder shown while a mode that calls a language model works ("checking…" state).
PENDING = {"verified": "checking… the language model is reading the cited passage",
           "generative": "the language model is reading the best passages…"}
# Under a generative draft: while the model writes, then while each claim is checked.
DRAFT_STATUS = ("writing… (not checked yet)", "checking each claim against the sentence it cites…")
_MARKER = re.compile(r"\[(\d+)\]")
# c: a citation of a finished answer; r: a related passage; d: a sentence a draft cites.
_REF = re.compile(r"^#?ikqa-([crd])-(\d+)-(\d+)$")
# HTML's five, then every character Markdown, GFM autolinks, LaTeX or a template could act on.
_ENTITIES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;",
             ord("'"): "&#x27;",
             **{ord(c): f"&#{ord(c)};" for c in "\\`*_[](){}#!|~$:@"}}


def safe(text: object) -> str:
    """``text`` (a file name, a title, a sentence) as inert HTML and Markdown: it shows as
    written and can never become a tag, a link, emphasis or a formula."""
    return str(text).translate(_ENTITIES)


def _cite_link(kind: str, turn: int, n: int, label: str) -> str:
    return f'<a class="ikqa-cite" href="#ikqa-{kind}-{turn}-{n}">{label}</a>'


def _linked_text(text: str, turn: int, markers: set[int]) -> str:
    """Escaped answer text whose ``[n]`` markers (of real citations) are links."""
    pieces = _MARKER.split(text)  # text, number, text, number, ..., text
    out = [safe(pieces[0])]
    for number, after in zip(pieces[1::2], pieces[2::2]):
        n = int(number)
        out.append(_cite_link("c", turn, n, f"[{n}]") if n in markers else safe(f"[{number}]"))
        out.append(safe(after))
    return "".join(out)


def _source_list(answer: Answer, turn: int) -> str:
    items = "".join(
        f'<li>{_cite_link("c", turn, c.marker, f"[{c.marker}]")} {safe(c.title)} '
        f'<code>{safe(c.source)}</code></li>' for c in answer.citations)
    return f'<ul class="ikqa-sources">{items}</ul>'


def _related_list(related: list[Citation], turn: int) -> str:
    items = "".join(
        f'<li>{_cite_link("r", turn, c.marker, safe(c.title))} <code>{safe(c.source)}</code>'
        f'<br>“{safe(" ".join(c.text.split()))}”</li>' for c in related)
    return ('<div class="ikqa-related"><b>Related, but not an answer</b>'
            f'<ul>{items}</ul></div>')


def mode_label(mode: str) -> str:
    """The page's name of an answer mode: "fast" for extractive, else the mode's own name."""
    return MODE_LABELS.get(mode, mode)


def mode_choices(modes: "tuple[str, ...] | list[str]") -> list[tuple[str, str]]:
    """(label, mode) pairs for the page's mode selector, one per mode, in the order given."""
    return [(mode_label(m), m) for m in modes]


def mode_help(modes: "tuple[str, ...] | list[str]") -> str:
    """One line saying what each mode does: "fast: at once · verified: ..."."""
    return " · ".join(f"{mode_label(m)}: {MODE_HELP[m]}" for m in modes if m in MODE_HELP)


def _confidence(answer: Answer) -> float:
    """``answer.confidence`` as a number in [0, 1] (a restored answer may hold anything)."""
    try:
        value = float(answer.confidence)
    except (TypeError, ValueError):
        return 0.0
    return min(max(value, 0.0), 1.0) if value == value else 0.0  # NaN -> 0


def answer_meta(answer: Answer) -> str:
    """What follows an answer's text: its note (which name matched, why it abstained, a
    fallback), then "confidence 0.83 · verified" styled low or high."""
    value = _confidence(answer)
    level = "high" if value >= CONFIDENT else "low"
    meaning = ("estimated chance the briefings really do not answer this" if answer.abstained
               else "estimated chance this answer is right")
    html = (f'<div class="ikqa-meta"><span class="ikqa-confidence ikqa-conf-{level}" '
            f'title="{meaning}">confidence {value:.2f}</span> · '
            f'<span class="ikqa-mode">{safe(mode_label(str(answer.mode)))}</span></div>')
    if answer.note:
        html = f'<div class="ikqa-note">{safe(answer.note)}</div>' + html
    return html


def checking_html(mode: str) -> str:
    """The placeholder answer shown while ``mode``'s language model works."""
    text = PENDING.get(mode, f"{mode_label(mode)}: working…")
    return f'<div class="ikqa-checking" role="status">{safe(text)}</div>'


def draft_html(draft: str, turn: int, numbered: set[int], checking: bool = False) -> str:
    """A generative answer while the model writes it: the escaped draft, each complete ``[n]``
    of a numbered sentence already a link (to ``#ikqa-d-<turn>-<n>``), and whether it is being
    written or checked."""
    pieces = _MARKER.split(draft)
    out = [safe(pieces[0])]
    for number, after in zip(pieces[1::2], pieces[2::2]):
        n = int(number)
        out.append(_cite_link("d", turn, n, f"[{n}]") if n in numbered else safe(f"[{number}]"))
        out.append(safe(after))
    status = DRAFT_STATUS[1 if checking else 0]
    return (f'<div class="ikqa-answer ikqa-draft"><div class="ikqa-text">{"".join(out)}</div>'
            f'<div class="ikqa-checking" role="status">{safe(status)}</div></div>')


def _short_html(answer: Answer) -> str:
    """The shortest phrase that answers, first and in bold (when it is not the whole text)."""
    if answer.abstained or not answer.short or answer.short.strip() == _MARKER.sub(
            "", answer.text).strip(" ."):
        return ""
    return f'<div class="ikqa-short"><b>{safe(answer.short)}</b></div>'


def _struck_html(answer: Answer) -> str:
    """The claims of a model's draft that the check removed, struck through."""
    if not answer.struck:
        return ""
    items = "".join(f"<li><del>{safe(claim)}</del></li>" for claim in answer.struck)
    return (f'<div class="ikqa-struck">Removed by the check (not supported by the sentence it '
            f'cites):<ul>{items}</ul></div>')


def answer_html(answer: Answer, turn: int, words: int | None = None) -> str:
    """One answer as chat HTML; ``words`` cuts the text short (a streaming step: no note,
    confidence or lists)."""
    tokens = answer.text.split()
    partial = words is not None and words < len(tokens)
    text = " ".join(tokens[:words]) if partial else answer.text
    if answer.abstained:
        body = f'<div class="ikqa-abstain">{safe(text)}</div>'
    else:
        markers = {c.marker for c in answer.citations}
        body = f'<div class="ikqa-text">{_linked_text(text, turn, markers)}</div>'
    if partial:
        return f'<div class="ikqa-answer">{body}</div>'
    body = _short_html(answer) + body + _struck_html(answer)
    body += answer_meta(answer)
    if answer.abstained and answer.related:
        body += _related_list(answer.related, turn)
    elif not answer.abstained and answer.citations:
        body += _source_list(answer, turn)
    return f'<div class="ikqa-answer">{body}</div>'


def stream_answer_html(answer: Answer, turn: int) -> Iterator[str]:
    """Growing HTML of ``answer``, a few words at a time, ending with the complete answer."""
    total = len(answer.text.split())
    for words in range(STREAM_WORDS, total, STREAM_WORDS):
        yield answer_html(answer, turn, words)
    yield answer_html(answer, turn)


def answer_plain(answer: Answer) -> str:
    """The answer as plain text for the clipboard: text, its note, then one line per cited
    sentence."""
    lines = [answer.text, *([f"({answer.note})"] if answer.note else [])]
    if answer.citations:
        lines.append("")
        lines.extend(f"[{c.marker}] {c.title} ({c.source}): {' '.join(c.text.split())}"
                     for c in answer.citations)
    return "\n".join(lines)


def passage_html(passage: Passage, label: str) -> str:
    """The side panel: the brief's title and file, then the paragraph with the sentence marked.

    On a phone the panel is a drawer over the bottom of the page (see ``app.CSS``); its close
    button is handled by the page's script like a marker.
    """
    t = passage.text
    paragraph = (safe(t[:passage.start]) + '<mark class="ikqa-hl">'
                 + safe(t[passage.start:passage.end]) + "</mark>" + safe(t[passage.end:]))
    return (f'<div class="ikqa-passage"><div class="ikqa-passage-head">'
            f'<div class="ikqa-passage-label">{safe(label)}</div><button class="ikqa-close" '
            f'type="button" aria-label="Close the cited passage">×</button></div>'
            f'<h3 class="ikqa-passage-title">{safe(passage.title)}</h3>'
            f'<div class="ikqa-passage-file"><code>{safe(passage.source)}</code></div>'
            f'<p class="ikqa-paragraph">{paragraph}</p></div>')


def parse_ref(ref: str) -> tuple[str, int, int] | None:
    """``"ikqa-c-2-1"`` -> ``("c", 2, 1)``; None for anything else."""
    m = _REF.match(ref.strip())
    return (m.group(1), int(m.group(2)), int(m.group(3))) if m else None


def source_rows(sources: list[dict[str, Any]]) -> list[list[Any]]:
    """Rows of the Sources table, in ``SOURCE_COLUMNS`` order."""
    return [[s.get("title", ""), s.get("author", ""), s.get("source", ""), s.get("chunks", 0),
             _when(s.get("indexed_at"))] for s in sources]


def sources_html(rows: list[list[Any]]) -> str:
    """The Sources table as escaped HTML; each cell carries its column name, so a narrow
    screen shows every row as a card of labelled lines (see ``app.CSS``)."""
    head = "".join(f"<th>{safe(c)}</th>" for c in SOURCE_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f'<td data-label="{safe(c)}">{safe(v)}</td>'
                         for c, v in zip(SOURCE_COLUMNS, row)) + "</tr>" for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(SOURCE_COLUMNS)}">No brief is indexed yet.</td></tr>'
    return (f'<table class="ikqa-sources-table"><caption>Indexed briefs</caption>'
            f'<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _when(stamp: Any) -> str:
    """``2026-11-25T09:59:14+0000`` -> ``2026-11-25 09:59`` (anything else as it is)."""
    text = str(stamp or "")
    return text[:16].replace("T", " ") if re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text) else text
