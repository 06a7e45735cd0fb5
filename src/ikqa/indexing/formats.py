"""Turn one source file (text, Markdown, PDF, Word, HTML) into plain text plus what it says about itself.

The kind of a file is judged by its content, not only its name: a ``.pdf`` must start
with ``%PDF-``, a ``.docx`` must be a ZIP holding ``word/document.xml``, a text file
must decode to text. Text in any common encoding is decoded (BOMs first, UTF-16 without
one, then strict UTF-8, then charset-normalizer's guess, e.g. cp1252 or EUC-KR). Reading
is bounded (``limits.Limits``: unpacked bytes, characters, paragraphs, checked as the text
arrives) and never follows a link. Anything unusable raises ``SourceRejectedError`` with
a one-line reason; a usable file with a damaged header keeps its body and carries a
warning instead.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import SourceRejectedError
from .limits import Limits, TextBudget, check_text

__all__ = ["SUPPORTED_SUFFIXES", "Document", "read_document", "document_from_bytes", "sniff",
           "decode_text", "open_source", "check_suffix"]

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".pdf", ".docx")
_BINARY_MAGIC = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
                 b"\xd0\xcf\x11\xe0": "an old Office (OLE) file", b"\x7fELF": "a program",
                 b"\x1f\x8b": "a gzip archive", b"Rar!": "a RAR archive"}
_BOMS = [(b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]
_LATIN_FAMILY = ("cp125", "iso8859", "latin", "mac_", "cp85", "cp437", "windows-125")
_OPENS_FRONT_MATTER = re.compile(r"\A---[ \t]*\n")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:(.*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_MATTER_MAX = 64 * 1024
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+", re.M)
_HTML_START = re.compile(rb"\A\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
# authors that tools write when nobody set one (python-docx's template, reportlab, OS defaults)
_PLACEHOLDER_AUTHORS = {"python-docx", "anonymous", "microsoft office user", "windows user",
                        "administrator", "author", "unknown", "user"}


@dataclass(frozen=True)
class Document:
    """A source's plain text and what the file says about itself.

    ``pages`` lists ``(start offset in text, page number)`` for paged formats (PDF);
    ``warnings`` are one-line notes on parts that were ignored (e.g. a broken header).
    """

    text: str
    kind: str
    title: str = ""
    author: str = ""
    date: str = ""
    pages: tuple[tuple[int, int], ...] = ()
    warnings: tuple[str, ...] = ()


def check_suffix(name: str) -> str:
    """The lower-case suffix of ``name`` if it is a supported kind, else ``SourceRejectedError``."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SourceRejectedError(f"unsupported file type {suffix or '(none)'}")
    return suffix


def open_source(path: Path) -> BinaryIO:
    """Open ``path`` for reading: never through a symbolic link, never anything but a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise SourceRejectedError("is a symbolic link (not followed)") from err
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SourceRejectedError("not a regular file")
    return os.fdopen(fd, "rb")


def read_document(path: Path, max_mb: float | None = None, limits: Limits | None = None) -> Document:
    """Read the file at ``path``; raise ``SourceRejectedError`` with a one-line reason if unusable.

    The name is checked before the file is opened, the size before it is read.
    """
    check_suffix(path.name)
    try:
        with open_source(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if max_mb is not None and size > max_mb * 1024 * 1024:
                raise SourceRejectedError(f"file is too large ({size / 1048576:.1f} MB > "
                                          f"{max_mb:g} MB limit)")
            data = handle.read()
    except OSError as err:
        raise SourceRejectedError(f"cannot read file: {err.strerror or err}") from err
    return document_from_bytes(path.name, data, limits)


def document_from_bytes(name: str, data: bytes, limits: Limits | None = None) -> Document:
    """Parse ``data`` of a file called ``name`` within ``limits`` (the Settings defaults if None)."""
    limits = limits or Limits.from_settings()
    kind = sniff(data, check_suffix(name))
    try:
        document = _read(kind, data, limits)
    except SourceRejectedError:
        raise
    except Exception as err:  # a reader library failing on a damaged file
        raise SourceRejectedError(f"cannot read {kind} file: {_one_line(err)}") from err
    check_text(document.text, limits)
    return document


def _read(kind: str, data: bytes, limits: Limits) -> Document:
    if kind == "pdf":
        return _read_pdf(data, limits)
    if kind == "docx":
        return _read_docx(data, limits)
    text = decode_text(data)
    if kind == "html":
        return _read_html(text)
    if kind == "markdown":
        return _read_markdown(_unquoted(text))
    return Document(text=_require_text(_unquoted(text)), kind="text")


# The quote marks an e-mail reply or a Markdown blockquote puts before each line: ">", "> >",
# ">>>>"
_QUOTE_MARKS = re.compile(r"^[ \t]*>(?:[ \t]*>)*[ \t]?", re.M)
QUOTED_LINES = 3  # fewer lines opening with ">" are no quoted text ("> 40 participants")


def _unquoted(text: str) -> str:
    """``text`` with the quote marks before each line of quoted text dropped, a line of marks
    alone a blank line between paragraphs: the quoted messages of an e-mail thread are read
    as the paragraphs they were ("> I have checked the WP3 ledger. As of ...")."""
    if len(_QUOTE_MARKS.findall(text)) < QUOTED_LINES:
        return text
    return _QUOTE_MARKS.sub("", text)


def sniff(data: bytes, suffix: str) -> str:
    """The kind of ``data`` ("pdf", "docx", "html", "markdown", "text"), checked against ``suffix``."""
    if not data.strip():
        raise SourceRejectedError("file is empty")
    head = data[:8]
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        kind = "docx" if _is_docx(data) else "zip"
    else:
        for magic, what in _BINARY_MAGIC.items():
            if head.startswith(magic):
                raise SourceRejectedError(f"content is {what}, not a {suffix} document")
        kind = "html" if suffix in (".html", ".htm") or _HTML_START.match(data[:4096]) else (
            "markdown" if suffix in (".md", ".markdown") else "text")
    expected = {".pdf": {"pdf"}, ".docx": {"docx"}}.get(suffix, {"text", "markdown", "html"})
    if kind not in expected:
        found = {"zip": "a ZIP archive", "pdf": "a PDF", "docx": "a Word document"}.get(kind) or (
            "text" if _looks_like_text(data) else "binary data")
        raise SourceRejectedError(f"content is {found}, not a {suffix} file")
    return kind


def _looks_like_text(data: bytes) -> bool:
    """True when ``data`` decodes as text (``decode_text``), for naming what a file holds."""
    try:
        decode_text(data[:65536])
    except SourceRejectedError:
        return False
    return True


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def decode_text(data: bytes) -> str:
    """Decode text in any common encoding; binary content raises ``SourceRejectedError``."""
    text = _decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if ch < " " and ch not in "\n\t\f")
    if controls > max(2, len(text) // 1000) or "\ufffd" in text[:1000]:
        raise SourceRejectedError("binary content, not text")
    return text


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding.replace("-sig", ""))
            except UnicodeDecodeError as err:
                raise SourceRejectedError(f"not valid {encoding.upper()} text despite its "
                                          f"byte-order mark (byte {err.start})") from err
    if b"\x00" in data[:65536]:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise SourceRejectedError("binary content, not text")
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as err:
            raise SourceRejectedError("binary content, not text") from err
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise SourceRejectedError("binary content or unknown text encoding")
    if best.encoding.startswith(_LATIN_FAMILY):
        try:  # short Western text is ambiguous between code pages; cp1252 is by far the most common
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return str(best)


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the zero bytes sit on one side of the 2-byte units, as in
    UTF-16 text of Latin letters, digits or spaces (whose high byte is 0); else None (binary)."""
    sample = data[:65536]
    if len(data) % 2 or len(sample) < 4:
        return None
    units = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= units * 0.05 and even * 4 <= odd:
        return "utf-16-le"
    if even >= units * 0.05 and odd * 4 <= even:
        return "utf-16-be"
    return None


def _require_text(text: str) -> str:
    if not text.strip():
        raise SourceRejectedError("file has no text")
    return text


def _read_markdown(text: str) -> Document:
    """Front matter (YAML) gives title, author and date; heading marks are dropped.

    A front matter that cannot be used is skipped with a warning; the body is always kept.
    """
    meta, text, warning = _front_matter(text)
    body = _MD_HEADING.sub("", text).strip("\n")
    title, author = _field(meta, "title"), _author(_field(meta, "author", "authors"))
    return Document(text=_require_text(_with_header(body, title, author)), kind="markdown",
                    title=title, author=author, date=_field(meta, "date"),
                    warnings=(warning,) if warning else ())


def _with_header(body: str, title: str, author: str) -> str:
    """``body`` opening with the header its file's metadata gives (title, then author), so the
    author is a byline that can be cited: added under the body's own title line when it has
    one, else the two lines before it."""
    first, _, rest = body.partition("\n")
    if title and first.strip() == title.strip():
        if author and author not in body[:len(first) + len(author) + 200]:
            gap = "" if rest.startswith("\n") else "\n"
            return f"{first}\n{author}\n{gap}{rest}"
        return body
    header = "\n".join(line for line in (title, author) if line)
    return f"{header}\n\n{body}" if header and not body.startswith(title or author) else body


def _front_matter(text: str) -> tuple[dict[str, Any], str, str]:
    """``(fields, body, warning)`` of a Markdown text that may start with YAML front matter."""
    opener = _OPENS_FRONT_MATTER.match(text)
    if not opener:
        return {}, text, ""
    closed = _FRONT_MATTER.match(text)
    if closed:
        block, body = closed.group(1) or "", text[closed.end():]
    else:  # unclosed: the header can only be the lines up to the first blank line
        block, _, body = text[opener.end():].partition("\n\n")
    meta, problem = _yaml_fields(block)
    if closed:
        return meta, body, (f"front matter {problem}; title and author read from the text"
                            if problem else "")
    if meta:
        return meta, body, "front matter has no closing '---' line (read up to the first blank line)"
    return {}, text[opener.end():], "front matter has no closing '---' line (read as text)"


def _yaml_fields(block: str) -> tuple[dict[str, Any], str]:
    """The mapping in a YAML ``block``, or ``({}, what is wrong with it)``."""
    import yaml

    if len(block) > _FRONT_MATTER_MAX:
        return {}, f"is longer than {_FRONT_MATTER_MAX // 1024} KB (ignored)"
    try:
        loaded = yaml.safe_load(block)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark is not None else ""
        return {}, f"is not valid YAML ({where}{getattr(err, 'problem', None) or _one_line(err)})"
    if loaded is None:
        return {}, ""
    if not isinstance(loaded, dict):
        return {}, "is not a list of 'key: value' fields (ignored)"
    return loaded, ""


def _field(meta: dict[str, Any], *keys: str) -> str:
    """A front matter field as one line of text (a list of plain values is joined by commas)."""
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
            value = ", ".join(str(v) for v in value)
        if value and not isinstance(value, (list, dict)):
            return " ".join(str(value).split())[:300]
    return ""


def _author(name: str) -> str:
    """``name``, or "" when it is a tool's placeholder rather than a person (e.g. "python-docx")."""
    name = " ".join(name.split())
    if _BYLINE_WORDS.match(name):  # "Policy brief by the X, March 2024" -> "X"
        name = re.split(r",|;|\s[–—-]\s", _BYLINE_WORDS.sub("", name))[0].strip()
    return "" if name.strip("()[] ").lower() in _PLACEHOLDER_AUTHORS | {"unspecified"} else name


_BYLINE_WORDS = re.compile(r"^(?:(?:policy|issue|briefing|discussion|working|research)\s+"
                           r"(?:brief|note|paper)\s+)?(?:(?:prepared|written|compiled|edited)\s+)?"
                           r"by\s+(?:the\s+)?(?=[A-Z])", re.I)


def _quiet_pypdf() -> None:
    """pypdf logs every repair it makes to a damaged PDF; keep that off the user's terminal.

    A handler of its own stops Python's last-resort printing to stderr; no propagation keeps
    it out of any handler the application sets up. A PDF that cannot be read still fails
    with its one-line reason.
    """
    import logging

    log = logging.getLogger("pypdf")
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())
    log.propagate = False


def _read_pdf(data: bytes, limits: Limits) -> Document:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import FileNotDecryptedError, LimitReachedError, PdfReadError

    _quiet_pypdf()
    cap = limits.unpacked_bytes
    budget = TextBudget(limits)
    caps = {f"{name}_maximum_output_length": cap for name in ("zlib", "lzw", "run_length", "jbig2",
                                                                "brotli")}
    try:
        with apply_configuration(maximum_declared_stream_length=cap,
                                 array_based_stream_maximum_output_length=cap, **caps):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise SourceRejectedError("PDF is encrypted (password needed)")
            pages = []
            for page in reader.pages:
                pages.append(_from_layout(page.extract_text(extraction_mode="layout") or ""))
                budget.add_chars(len(pages[-1]))
            meta = reader.metadata or {}
    except FileNotDecryptedError as err:
        raise SourceRejectedError("PDF is encrypted (password needed)") from err
    except LimitReachedError as err:
        raise limits.too_large_unpacked("a PDF stream") from err
    except (PdfReadError, ValueError, KeyError, TypeError) as err:
        raise SourceRejectedError(f"PDF is damaged or truncated: {_one_line(err)}") from err
    text, offsets = _join_pages(pages)
    return Document(text=text, kind="pdf", title=str(meta.get("/Title") or "").strip(),
                    author=_author(str(meta.get("/Author") or "")), pages=offsets)


_COLUMN_GAP = re.compile(r"\s{3,}")  # between a table's cells in a laid-out page
_CELL_WORDS = 8  # a cell longer than this is prose (justified text spaced wide), not a cell


def _from_layout(page: str) -> str:
    """A page as pypdf lays it out, read as the other formats are: a table row as one line of
    cells ("| 2024 | 3.1 | 18 |"; the plain extraction gave each cell a line of its own and cut
    "1." from its item), a vertical gap as a blank line (so headings and paragraphs stand
    apart), every other line with its spacing made single."""
    lines: list[str] = []
    for line in page.splitlines():
        cells = [c for c in _COLUMN_GAP.split(line.strip()) if c]
        if not cells:
            if lines and lines[-1]:
                lines.append("")
        elif len(cells) > 1 and all(len(c.split()) <= _CELL_WORDS for c in cells):
            lines.append(f"| {' | '.join(' '.join(c.split()) for c in cells)} |")
        else:
            lines.append(" ".join(line.split()))
    return "\n".join(lines).strip()


def _join_pages(pages: list[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The pages' text joined by blank lines, and where each non-empty page starts."""
    parts, offsets, position = [], [], 0
    for number, page_text in enumerate(pages, start=1):
        page_text = page_text.strip()
        if not page_text:
            continue
        offsets.append((position, number))
        parts.append(page_text)
        position += len(page_text) + 2
    if not parts:
        raise SourceRejectedError("PDF has no extractable text (scanned images?)")
    return "\n\n".join(parts), tuple(offsets)


def _read_docx(data: bytes, limits: Limits) -> Document:
    from .wordml import read_docx

    word = read_docx(data, limits)
    author = _author(word.author)
    return Document(text=_require_text(_with_header("\n\n".join(word.paragraphs), word.title,
                                                    author)),
                    kind="docx", title=word.title, author=author)


def _read_html(html: str) -> Document:
    """Main text only (trafilatura drops navigation, footers and boilerplate). When it also
    dropped text of the document's own (a masthead under ``<header>``, a box of key figures
    in an ``<aside>``), the page is read block by block instead, in order, without its
    navigation, footer and link lists: a brief loses none of its sentences."""
    import trafilatura

    rows = _rows_as_lines(html)
    result = trafilatura.bare_extraction(rows, with_metadata=True, include_comments=False,
                                         include_tables=True, favor_recall=True)
    text = getattr(result, "text", None) or ""
    paragraphs = [" ".join(line.split()) for line in text.splitlines()]
    blocks = _text_blocks(rows)
    kept = " ".join(" ".join(paragraphs).split())
    if any(b.lstrip("- ") not in kept for b in blocks):
        paragraphs = blocks
    body = "\n\n".join(p for p in paragraphs if p)
    title = (getattr(result, "title", None) or "").strip()
    author = _author(getattr(result, "author", None) or "")
    if title and not body.startswith(title):
        body = "\n".join(x for x in (title, author) if x) + "\n\n" + body
    return Document(text=_require_text(body), kind="html", title=title, author=author,
                    date=(getattr(result, "date", None) or ""))


_CELL_CHARS = 300  # a table with a longer cell lays out a page; it is left to trafilatura


def _rows_as_lines(html: str) -> str:
    """``html`` with each data table's rows as lines "| Secretariat | Hanoi |", so they stay
    rows however trafilatura reads the page (on a short page its fallback put every cell on a
    line of its own, and "Secretariat" lost "Hanoi"). Unparseable HTML is given back as it is."""
    try:
        import lxml.html

        doc = lxml.html.fromstring(html)
        for table in list(doc.iter("table")):
            rows = [[" ".join(c.text_content().split()).replace("|", "/") for c in tr
                     if c.tag in ("td", "th")] for tr in table.iter("tr")]
            parent = table.getparent()
            if parent is None or table.find(".//table") is not None or \
                    any(len(cell) > _CELL_CHARS for row in rows for cell in row):
                continue
            block = lxml.html.Element("div")
            for cells in (r for r in rows if any(r)):
                line = lxml.html.Element("p")
                line.text = f"| {' | '.join(cells)} |" if len(cells) > 1 else cells[0]
                block.append(line)
            block.tail = table.tail
            parent.replace(table, block)
        return lxml.html.tostring(doc, encoding="unicode")
    except Exception:  # noqa: BLE001 - trafilatura reads what lxml cannot
        return html


# Blocks of text a page is made of, and the parts of a page that are not the document
_BLOCK_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "blockquote",
                         "figcaption", "caption", "pre", "address"})
_NOT_THE_DOCUMENT = frozenset({"nav", "footer", "script", "style", "noscript", "form", "button",
                               "select", "template", "svg", "head", "menu", "iframe"})
LINK_SHARE = 0.5  # a block mostly of link text is a menu or a list of links


def _text_blocks(html: str) -> list[str]:
    """The page's blocks of text in document order ("- " before a list item), without those in
    its navigation, footer, scripts and forms and those mostly of link text; empty when the
    page cannot be parsed."""
    try:
        import lxml.html

        doc = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - trafilatura's text is kept
        return []
    for br in doc.iter("br"):  # "Dates: ...<br>Venue: ...": a line each
        br.tail = "\n" + (br.tail or "")
    blocks = []
    for element in doc.iter(*_BLOCK_TAGS):
        if next(element.iterdescendants(*_BLOCK_TAGS), None) is not None \
                or any(a.tag in _NOT_THE_DOCUMENT for a in element.iterancestors()):
            continue  # "<li><p>...</p></li>": the inner block is read
        lines = [" ".join(line.split()) for line in element.text_content().split("\n")]
        lines = [line for line in lines if line]
        text = " ".join(lines)
        links = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
        if text and links <= LINK_SHARE * len(text):
            blocks += [f"- {lines[0]}" if element.tag == "li" else lines[0], *lines[1:]]
    return blocks


def _one_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return (lines[0] if lines else type(err).__name__)[:200]
