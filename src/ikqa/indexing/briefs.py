"""Read source briefs and cut them into sentences (exact offsets) and retrieval chunks.

The sources folder is listed without following links out of it: a source is a regular
file inside the folder once links are resolved, with a supported suffix; anything else
is skipped with a one-line reason before it is opened. Files are read by ``formats``
(text, Markdown, PDF, Word, HTML, any common encoding, within ``limits``); sentence
boundaries come from pysbd, which keeps abbreviations such as "H.E." and initials such
as "K." inside their sentence and reports character spans we map back onto the brief.
Short lines before the body are the title and the byline; a short line standing alone in the
body is a section heading, chunked with what it heads (and the items of a bulleted list, one
paragraph each, are one chunk).
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceRejectedError, SourcesError
from .formats import SUPPORTED_SUFFIXES
from .lexical import BULLET, NUMBERED, is_table_row, lead_of
from .limits import PARAGRAPH_BREAK as _PARAGRAPH_BREAK, Limits
from ..types import Brief, Chunk, Sentence, sentence_id

__all__ = [
    "SUPPORTED_SUFFIXES",
    "LoadReport",
    "SourceListing",
    "scan_sources",
    "list_source_files",
    "load_brief",
    "read_brief",
    "load_briefs",
    "parse_brief",
    "split_sentences",
    "make_chunks",
]

_HEADER_MAX_WORDS = 14
# Bumped whenever sentences or chunks are cut differently (2: section headings, one chunk a
# list; 3: table rows and numbered items read after their header or lead-in; 4: a labelled
# line under the title, "Headquarters: Lisbon", is body text, not a byline, and a table
# written without outer pipes keeps its first row apart from its header, and a heading after a
# table is one; a list's lead-in line, its items and a table's rows are chunked together
# when each is a paragraph of its own; 5: a title may end with "?", a subtitle under it is not
# the byline, "Prepared by ..." is one in any header paragraph; 6: a title line may end with
# an abbreviation, "Ashcombe Rovers F.C.", and a title from a file name "a_b" is "a b"; 7: a
# title before a name, "the conservator Ma. Lourdes Dimaculangan", or "approx." does not end a
# sentence; 8: a numbered section's name run into its paragraph, "4.1 LICEGEN. Dr. Bøe ...",
# is its heading; 9: the quote marks of an e-mail's quoted lines, "> ", are dropped; 10: an
# HTML page keeps its masthead, sidebar box and section headings): an
# index built by another version is re-read and re-embedded by the next ingest.
PARSE_VERSION = 10


@dataclass
class LoadReport:
    """What loading a sources folder gave: the briefs, and each file that failed with why."""

    briefs: list[Brief] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SourceListing:
    """The sources folder: ``(name, real path)`` of each file to read, ``(name, reason)`` of each skipped."""

    files: list[tuple[str, Path]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def scan_sources(sources_dir: Path) -> SourceListing:
    """List the sources below ``sources_dir`` (hidden names ignored) without opening any file.

    A link is resolved and kept only if it ends at a regular file inside the folder (the
    file is then read at its real path); links to folders are not followed; a name with
    an unsupported suffix is skipped before it is read.
    """
    root = _sources_root(sources_dir)
    listing = SourceListing()
    try:
        for folder, dirs, names in os.walk(root, onerror=_raise):
            base = Path(folder)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for link in [d for d in dirs if (base / d).is_symlink()]:
                dirs.remove(link)
                listing.skipped.append(_skip(root, base / link, _folder_link_reason(root, base / link)))
            for name in sorted(n for n in names if not n.startswith(".")):
                _classify(root, base / name, listing)
    except OSError as err:
        raise SourcesError(f"cannot read sources folder {sources_dir}: {err.strerror or err}") from err
    listing.files.sort()
    listing.skipped.sort()
    return listing


def list_source_files(sources_dir: Path) -> list[tuple[str, Path]]:
    """``(name relative to the folder, real path)`` of every source ``scan_sources`` would read."""
    return scan_sources(sources_dir).files


def _sources_root(sources_dir: Path) -> Path:
    if not sources_dir.exists():
        raise SourcesError(f"sources folder not found: {sources_dir}")
    if not sources_dir.is_dir():
        raise SourcesError(f"sources path is not a folder: {sources_dir}")
    return sources_dir.resolve()


def _raise(err: OSError) -> None:
    raise err


def _classify(root: Path, path: Path, listing: SourceListing) -> None:
    """Put one directory entry into ``listing.files`` or ``listing.skipped`` (by lstat, no open)."""
    name = path.relative_to(root).as_posix()
    real = path
    if path.is_symlink():
        real = path.resolve()
        if not real.exists():
            listing.skipped.append((name, "broken link (its target does not exist)"))
            return
        if not real.is_relative_to(root):
            listing.skipped.append((name, "link points outside the sources folder (not read)"))
            return
    if not stat.S_ISREG(real.lstat().st_mode):
        listing.skipped.append((name, "not a regular file"))
    elif Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        listing.skipped.append((name, f"unsupported file type {Path(name).suffix or '(none)'}"))
    else:
        listing.files.append((name, real))


def _folder_link_reason(root: Path, path: Path) -> str:
    inside = path.resolve().is_relative_to(root)
    return "link to a folder (not followed)" if inside else "link points outside the sources folder (not read)"


def _skip(root: Path, path: Path, reason: str) -> tuple[str, str]:
    return path.relative_to(root).as_posix(), reason


def read_brief(name: str, path: Path, max_mb: float | None = None,
               limits: Limits | None = None) -> tuple[Brief, tuple[str, ...]]:
    """Read and parse one source file, and the warnings on what was ignored in it."""
    from .formats import read_document

    doc = read_document(path, max_mb=max_mb, limits=limits)
    brief = parse_brief(name, doc.text, title=doc.title, author=doc.author, kind=doc.kind,
                        date=doc.date, pages=doc.pages)
    return brief, doc.warnings


def load_brief(name: str, path: Path, max_mb: float | None = None,
               limits: Limits | None = None) -> Brief:
    """Read and parse one source file; ``SourceRejectedError`` says in one line why it cannot be."""
    return read_brief(name, path, max_mb, limits)[0]


def load_briefs(sources_dir: Path, max_mb: float | None = None,
                limits: Limits | None = None) -> LoadReport:
    """Load every source below ``sources_dir``; a broken, skipped or unsupported file is reported."""
    listing = scan_sources(sources_dir)
    report = LoadReport(failed=list(listing.skipped))
    for name, path in listing.files:
        try:
            report.briefs.append(load_brief(name, path, max_mb, limits))
        except SourceRejectedError as err:
            report.failed.append((name, str(err)))
    return report


def parse_brief(source: str, text: str, *, title: str = "", author: str = "", kind: str = "text",
                date: str = "", pages: tuple[tuple[int, int], ...] = ()) -> Brief:
    """Split a brief's text into sentences and read its title and author from its header.

    ``title``/``author`` from the file's own metadata (front matter, PDF or Word
    properties) win over the header; ``pages`` maps offsets to page numbers.
    """
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    sentences = split_sentences(text, source=source, id_prefix=sha[:12], pages=pages)
    title = title or next((s.text for s in sentences if s.kind == "title"), "")
    if not any(ch.isalnum() for ch in title):  # a rule line such as "---" is not a title
        title = Path(source).stem.replace("_", " ")  # "ashcombe_rovers": its words
    author = author or _author_of([s.text for s in sentences if s.kind == "byline"])
    return Brief(source=source, title=title, author=author, text=text, sha256=sha,
                 sentences=tuple(sentences), kind=kind, date=date, pages=pages)


# A line naming the kind of document, not its author: "Briefing note, Baltic Mobility Office".
_DOCUMENT_KIND = re.compile(
    r"^(?:(?:policy|issue|briefing|discussion|working|research|occasional|background|technical|"
    r"position|concept|white|green)\s+(?:brief|note|paper|report|memo)s?|report|memo(?:randum)?|"
    r"briefing|brief|note|vol(?:ume)?\.?|issue|no\.)\b", re.I)


# A labelled line ("Headquarters: Lisbon", "Status: Draft") names an author only under an
# author's label ("Author: Jane Doe", "Prepared by: ...").
_LABELLED = re.compile(r"^([A-Za-z][\w /&-]{0,30}?)\s*:\s+\S")
_AUTHOR_LABEL = re.compile(r"^(?:authors?|by|(?:written|prepared|compiled|edited) by|editors?|"
                           r"contact|rapporteurs?)$", re.I)


# "Prepared by the Delta Policy Unit, January 2025.", "By Dr. Ana Silva": a byline, even
# written as a sentence (a full stop, a date); "By 2030, ..." is not one.
_AUTHORED = re.compile(r"^(?:(?:policy|issue|briefing|discussion|working|research)\s+(?:brief|note|paper)\s+)?"
                       r"(?:(?:prepared|written|compiled|authored|edited|produced)\s+by|by)\s*:?\s+"
                       r"(?:the\s+)?(?=[A-Z])(?!(?:January|February|March|April|May|June|July|"
                       r"August|September|October|November|December)\b)", re.I)


def _is_byline_line(line: str) -> bool:
    return _AUTHORED.match(line.strip()) is not None and len(line.split()) <= _HEADER_MAX_WORDS


def _names_no_author(line: str) -> bool:
    labelled = _LABELLED.match(line.strip())
    return labelled is not None and not _AUTHOR_LABEL.match(labelled.group(1).strip())


def _author_of(bylines: list[str]) -> str:
    """The author the bylines name: "Prepared by the Forum, 2023." whichever comes first, else
    the first byline that names one."""
    authored = next((b for b in bylines if _AUTHORED.match(b.strip())), None)
    if authored is not None:
        return _author_line(authored)
    return next((a for b in bylines if (a := _author_line(b))), "")


def _author_line(byline: str) -> str:
    """The line of a byline block that names its author: the first without a digit that does
    not name the kind of document ("Policy Brief No. 7", "Briefing note, ..." or "March 2026"
    above "Jonas Ferreira, Institute ..." is not the author)."""
    lines = [line.strip().strip("*_").strip() for line in byline.split("\n")]  # "*Briefing note*"
    lines = [line for line in lines if line]
    authored = next((_AUTHORED.sub("", line) for line in lines if _AUTHORED.match(line)), "")
    if authored:  # "Prepared by the Delta Policy Unit, January 2025." -> "Delta Policy Unit"
        return re.split(r",|;|\s[–—-]\s|\.$", authored)[0].strip()
    return next((line for line in lines if not any(ch.isdigit() for ch in line)
                 and not _DOCUMENT_KIND.match(line) and not _names_no_author(line)
                 and not _reads_as_a_subtitle(line)), "")


def _reads_as_a_subtitle(line: str) -> bool:
    """"Higher-education cooperation across the Atlantic: a stocktaking" under a title: mostly
    lower-case words, as a name is not ("Lusophone Higher Education Forum", "Dr. Ana Silva")."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].islower() for w in words) * 2 > len(words)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank paragraphs of ``text``."""
    spans, start = [], 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, brk.start()))
        start = brk.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in (_strip_span(text, a, b) for a, b in spans) if b > a]


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_header_line(line: str) -> bool:
    words = line.split()
    ends = line.rstrip()
    if _ENDS_WITH_ABBREVIATION.search(ends):  # "Ashcombe Rovers F.C.", "Osterkamp & Co."
        ends = ends[:-1]
    return 0 < len(words) <= _HEADER_MAX_WORDS and not ends.endswith((".", "?", "!", ":"))


# A name's last word that is an abbreviation, not a sentence's full stop
_ENDS_WITH_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.(?:[A-Z]\.)+|\b(?:Inc|Ltd|Co|Corp|Bros|Jr|Sr|"
                                     r"Plc|Dept|Univ|Assn)\.)$")


def split_sentences(text: str, *, source: str = "", id_prefix: str = "s",
                    pages: tuple[tuple[int, int], ...] = ()) -> list[Sentence]:
    """Sentences of ``text`` with exact ``[start, end)`` offsets (``text[start:end] == s.text``).

    Short unpunctuated lines before the first body paragraph form the header: the first is
    the title, the lines after it in the same paragraph one byline block (author first).
    """
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    out: list[Sentence] = []
    in_header = True
    paragraphs = _paragraphs(text)
    for para_no, (p_start, p_end) in enumerate(paragraphs):
        para = text[p_start:p_end]
        lines = para.split("\n")
        if in_header and out and len(lines) == 1 and _SECTION_NAME.match(lines[0].strip()) \
                and para_no + 1 < len(paragraphs):  # "Summary": the body's first heading
            in_header = False
            out.append(_sentence(text, source, id_prefix, p_start, p_end, len(out), para_no,
                                 "heading", pages))
            continue
        if in_header and all(_is_header_line(line) or ((out or n) and _is_byline_line(line))
                             # "Title:⏎subtitle", "Can Upstream and Downstream Agree?"
                             or (not out and n == 0 and _is_header_line(line.rstrip(":?")))
                             for n, line in enumerate(lines)):
            out += _header_sentences(text, source, id_prefix, p_start, lines, len(out), para_no, pages)
            continue
        in_header = False
        if _is_heading(text, paragraphs, para_no):
            out.append(_sentence(text, source, id_prefix, p_start, p_end, len(out), para_no,
                                 "heading", pages))
            continue
        flat = _unwrapped(para)
        spans = _joined_titles(flat, segmenter.segment(flat))
        for n, (start, end) in enumerate(spans):
            a, b = _strip_span(text, p_start + start, p_start + end)
            if b > a:
                # "Partners⏎University of Gdańsk⏎...": a heading line opening its paragraph
                kind = "heading" if (a == p_start and "\n" in flat and b <= p_start + flat.index("\n")
                                     and _is_header_line(text[a:b])
                                     and not _BULLET.match(text[a:b])
                                     and not is_table_row(text[a:b])) else "body"
                if a == p_start and n + 1 < len(spans) and _is_run_in_heading(text[a:b]):
                    kind = "heading"  # "4.1 LICEGEN. Dr. Bøe reported that ..."
                out.append(_sentence(text, source, id_prefix, a, b, len(out), para_no, kind, pages))
    return out


# A numbered section's name run into its paragraph: "4.1 LICEGEN. Dr. Bøe reported ...",
# "4.2 Effectiveness. The programme ..." (a few words, none a title before a name)
_RUN_IN_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+(?!(?:Mr|Mrs|Ms|Dr|Prof)\.)"
                             r"([^\W_][^\s.]*(?:\s+[^\W_][^\s.]*){0,4})\.$")
_NAME_LINKS = {"and", "of", "for", "the", "in", "on", "to", "&", "de", "del", "des", "du", "la"}
_OPENS_A_SENTENCE = {"the", "a", "an", "this", "these", "it", "its", "we", "our", "they", "he",
                     "she", "all", "both", "no", "there"}


def _is_run_in_heading(sentence: str) -> bool:
    """"4.1 LICEGEN.", "4.4 eDNA-CAGE and GENOBANK." opening a paragraph: a name of a few
    capitalised words, not a short sentence ("4.3 The committee agreed.")."""
    label = _RUN_IN_HEADING.match(sentence)
    if label is None:
        return False
    words = label.group(1).split()
    return words[0].lower() not in _OPENS_A_SENTENCE and all(
        w.lower() in _NAME_LINKS or any(c.isupper() or c.isdigit() for c in w) for w in words)


# A title that stands before a name, which the segmenter takes for a sentence's end ("headed by
# the conservator Ma. Lourdes Dimaculangan", "Fr. Miguel", "Mme. Aubry", "succeeding Eng. Rui
# Nunes", "directed by Dr. hab. Tomasz Wójcik")
_TITLE_BEFORE_NAME = re.compile(r"\b(?:Ma|Sta|Sto|Sra|Srta|Dra|Mme|Mlle|Fr|Br|Ft|Pt|Hon|Msgr|Mgr|Pres|"
                                r"Insp|Cllr|Amb|Cdr|Mx|Eng|Ing|Lic|Arq|hab)\.\s*$")


# A lower-case abbreviation that never ends a sentence ("conserves approx. 18,500 accessions")
_GOES_ON = re.compile(r"(?<![\w.])(?:approx|ca|c|incl|esp|cf|vol|est|viz|excl)\.\s*$")


def _joined_titles(flat: str, spans: list) -> list[tuple[int, int]]:
    """The segmenter's spans as ``(start, end)``, a span that ends with a title before a name
    joined to the next one when that starts with a capital, and one that ends with an
    abbreviation that never ends a sentence joined to the next one."""
    out: list[tuple[int, int]] = []
    for span in spans:
        ends = flat[out[-1][0]:out[-1][1]] if out else ""
        if out and (_GOES_ON.search(ends) or _TITLE_BEFORE_NAME.search(ends)
                    and flat[span.start:span.end].lstrip()[:1].isupper()):
            out[-1] = (out[-1][0], span.end)
        else:
            out.append((span.start, span.end))
    return out


_BULLET = BULLET
# A line that starts an item of its own: a bullet, "1." / "(a)", a table row.
_LINE_ITEM = re.compile(r"^\s*(?:[-*•–+]\s|\(?\d{1,3}[.)]\s|\([a-z]\)\s|\|)")
# A line at least this long (in characters, and as a share of its paragraph's widest) that does
# not end its paragraph was wrapped: the prose runs on to the next line.
_WRAPPED_CHARS, _WRAPPED_SHARE = 30, 0.75
# A section's name, not a person's or a body's: one capitalised word, or a few words in
# sentence case ("Summary", "Key findings", "Policy recommendations for 2026").
_SECTION_NAME = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?[A-Z][a-z]+(?:\s+(?:[a-z][\w-]*|\d+)){0,4}$")
_RUNS_ON = re.compile(r"(?:[,;]|\b(?:and|or|of|the|a|an|to|in|on|at|for|by|with|from|Dr\.|Mr\.|Ms\.|Prof\.))\s*$")


def _unwrapped(para: str) -> str:
    """``para`` with the line breaks of hard-wrapped prose made spaces (same length, so spans
    map back): "directed by Dr. Amara⏎Okonkwo-Lind" is one sentence. A break stays before a
    line that starts an item (a bullet, "2.", a table row) and after a line shorter than the
    paragraph's others that does not end in a comma or a linking word, before a capital (a
    heading or a list line: "Funding", "Aalborg University")."""
    lines = para.split("\n")
    widest = max(len(line.strip()) for line in lines)
    out = []
    for line, after in zip(lines, lines[1:]):
        width = len(line.strip())
        wrapped = (_RUNS_ON.search(line) is not None or after.lstrip()[:1].islower()
                   or (width >= _WRAPPED_CHARS and width >= _WRAPPED_SHARE * widest))
        keep = _LINE_ITEM.match(after) is not None or is_table_row(after) or not wrapped
        out.append(line + ("\n" if keep else " "))
    return "".join(out) + lines[-1]


def _is_heading(text: str, paragraphs: list[tuple[int, int]], i: int) -> bool:
    """A section heading inside the body ("Partners", "2. Funding and governance"): a paragraph
    of one short unpunctuated line with body text or a bulleted list after it. It names what
    the next paragraphs are about and states no fact of its own, so it is never an answer. A
    short line next to other short lines (a list with blank lines between its items) is not
    one, nor is a bulleted item."""
    def short_line(j: int) -> bool:
        a, b = paragraphs[j]
        line = text[a:b]
        return "\n" not in line and _is_header_line(line) and not _BULLET.match(line) \
            and not is_table_row(line)  # "2024 | 14.5 | 42" before "Objectives" is no heading

    return (short_line(i) and i + 1 < len(paragraphs) and not short_line(i + 1)
            and not (i > 0 and short_line(i - 1)))


_ACRONYM_LINE = re.compile(r"^\(\w[\w&-]*\)$")  # a title's acronym on a line of its own


def _header_sentences(text: str, source: str, prefix: str, start: int, lines: list[str], pos: int,
                      para: int, pages: tuple[tuple[int, int], ...]) -> list[Sentence]:
    """A header paragraph's lines: the brief's first line is the title; the lines after it in
    the same paragraph are one byline block (name, affiliation, date), cited as a unit."""
    spans, offset = [], start
    for line in lines:
        spans.append(_strip_span(text, offset, offset + len(line)))
        offset += len(line) + 1
    spans = [(a, b) for a, b in spans if b > a]
    out = []
    if pos == 0 and spans:
        a, b = spans.pop(0)
        while spans and (_ACRONYM_LINE.match(text[spans[0][0]:spans[0][1]]) or
                         text[a:b].endswith(":")):  # "(SIRC)", "… Fund:⏎Cooperation Programmes"
            b = spans.pop(0)[1]
        out.append(_sentence(text, source, prefix, a, b, pos, para, "title", pages))
    if spans:
        lines_read = [text[a:b] for a, b in spans]
        # the block under the title is the byline, unless it is a subtitle ("Higher-education
        # cooperation across the Atlantic: a stocktaking"); "Prepared by ..." is one anywhere
        kind = "byline" if all(map(_is_byline_line, lines_read)) or (
            pos + len(out) == 1 and not all(map(_reads_as_a_subtitle, lines_read))) else "header"
        if all(_names_no_author(text[a:b]) for a, b in spans):
            kind = "body"  # "Headquarters: Lisbon" under the title states a fact, not who wrote it
        out.append(_sentence(text, source, prefix, spans[0][0], spans[-1][1], pos + len(out), para,
                             kind, pages))
    return out


def _sentence(text: str, source: str, prefix: str, a: int, b: int, pos: int, para: int,
              kind: str, pages: tuple[tuple[int, int], ...] = ()) -> Sentence:
    return Sentence(id=sentence_id(prefix, pos), source=source, start=a, end=b, text=text[a:b],
                    position=pos, paragraph=para, kind=kind, page=page_at(pages, a))


def list_leads(sentences: list[Sentence], reach: int = 12) -> dict[str, Sentence]:
    """For each item of a list ("- Main funders: FCT ...", "Aalborg University"), the line that
    leads into the list within ``reach`` sentences before it: its heading ("Funding") or its
    lead-in sentence ("Kestrel works with three universities:"); for each row of a table after
    its first, that first row ("Year | Disbursement (NOK million) | Projects funded")."""
    leads: dict[str, Sentence] = {}
    kinds, texts = [s.kind for s in sentences], [s.text for s in sentences]
    for i, s in enumerate(sentences):
        lead = lead_of(i, kinds, texts, reach)
        # an item is read after a heading or a sentence, not after the title or the byline
        if lead is not None and (is_table_row(s.text) or kinds[lead] in ("body", "heading")):
            leads[s.id] = sentences[lead]
    return leads


def page_at(pages: tuple[tuple[int, int], ...], offset: int) -> int | None:
    """The page number holding character ``offset`` (None for unpaged sources)."""
    if not pages:
        return None
    i = bisect.bisect_right([start for start, _ in pages], offset) - 1
    return pages[max(i, 0)][1]


def make_chunks(brief: Brief, *, target_words: int = 120, overlap: int = 1) -> list[Chunk]:
    """Group consecutive sentences of one paragraph into chunks of about ``target_words``.

    Chunks never cross a paragraph; a long paragraph gives several chunks that share
    ``overlap`` sentences, so a fact at a boundary is whole in at least one chunk. The
    header (title and byline) forms one chunk of its own.
    """
    groups: dict[int, list[Sentence]] = {}
    before, before_key = None, -1
    for n, s in enumerate(brief.sentences):
        # a heading is chunked with the paragraph it heads, whose topic it names: its own when
        # body text follows it there ("4.1 LICEGEN. Dr. Bøe ...", "Partners⏎University of ...")
        key = {"body": s.paragraph, "heading": s.paragraph + 1}.get(s.kind, -1)
        if s.kind == "heading" and n + 1 < len(brief.sentences) \
                and brief.sentences[n + 1].paragraph == s.paragraph \
                and brief.sentences[n + 1].kind == "body":
            key = s.paragraph
        if before is not None and s.paragraph == before.paragraph + 1 and _continues_list(before, s):
            key = before_key  # a list or table, a paragraph per item or row (HTML <li>, Word)
        groups.setdefault(key, []).append(s)
        before, before_key = s, key
    chunks: list[Chunk] = []
    for sentences in groups.values():
        for window in _windows(sentences, target_words, overlap):
            chunks.append(_chunk(brief, window, len(chunks)))
    return chunks


def _continues_list(before: Sentence, s: Sentence) -> bool:
    """``s`` is the next item of the list (bulleted or numbered) that ``before`` is an item of
    or leads into ("... has four objectives:"), or the next row of ``before``'s table."""
    def item(x: Sentence) -> bool:
        return x.kind == "body" and (_BULLET.match(x.text) is not None
                                     or NUMBERED.match(x.text) is not None)
    if is_table_row(s.text):
        return is_table_row(before.text)
    return item(s) and (item(before) or (before.kind == "body" and before.text.endswith(":")))


def _windows(sentences: list[Sentence], target: int, overlap: int) -> list[list[Sentence]]:
    windows: list[list[Sentence]] = []
    i = 0
    while i < len(sentences):
        window, words = [sentences[i]], len(sentences[i].text.split())
        j = i + 1
        while j < len(sentences) and words + len(sentences[j].text.split()) <= target:
            window.append(sentences[j])
            words += len(sentences[j].text.split())
            j += 1
        windows.append(window)
        if j >= len(sentences):
            break
        i = max(j - overlap, i + 1)
    return windows


def _chunk(brief: Brief, window: list[Sentence], number: int) -> Chunk:
    start, end = window[0].start, window[-1].end
    body = brief.text[start:end]
    return Chunk(
        id=f"{brief.sha256[:12]}:c{number}",
        source=brief.source,
        title=brief.title,
        text=body,
        start=start,
        end=end,
        sentence_ids=tuple(s.id for s in window),
        sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        sentence_spans=tuple((s.start, s.end) for s in window),
        author=brief.author,
    )
