"""Turn one source file (text, Markdown, PDF, Word, HTML) into plain text plus what it says about itself.

The kind of a file is judged by its content, not only its name: a ``.pdf`` must start
with ``%PDF-``, a ``.docx`` must be a ZIP holding ``word/document.xml``, a text file
must decode to text. Text in any common encoding is decoded (BOMs first, then strict
UTF-8, then charset-normalizer's guess, e.g. cp1252 or EUC-KR). Anything unusable
raises ``SourceRejectedError`` with a one-line reason.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceRejectedError

__all__ = ["SUPPORTED_SUFFIXES", "Document", "read_document", "document_from_bytes", "sniff",
           "decode_text"]

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".pdf", ".docx")
_BINARY_MAGIC = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
                 b"\xd0\xcf\x11\xe0": "an old Office (OLE) file", b"\x7fELF": "a program",
                 b"\x1f\x8b": "a gzip archive", b"Rar!": "a RAR archive"}
_BOMS = [(b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]
_LATIN_FAMILY = ("cp125", "iso8859", "latin", "mac_", "cp85", "cp437", "windows-125")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+", re.M)
_HTML_START = re.compile(rb"\A\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)


@dataclass(frozen=True)
class Document:
    """A source's plain text and what the file says about itself.

    ``pages`` lists ``(start offset in text, page number)`` for paged formats (PDF).
    """

    text: str
    kind: str
    title: str = ""
    author: str = ""
    date: str = ""
    pages: tuple[tuple[int, int], ...] = ()


def read_document(path: Path, max_mb: float | None = None) -> Document:
    """Read the file at ``path``; raise ``SourceRejectedError`` with a one-line reason if unusable."""
    try:
        size = path.stat().st_size
        if max_mb is not None and size > max_mb * 1024 * 1024:
            raise SourceRejectedError(f"file is too large ({size / 1048576:.1f} MB > {max_mb:g} MB limit)")
        data = path.read_bytes()
    except OSError as err:
        raise SourceRejectedError(f"cannot read file: {err.strerror or err}") from err
    return document_from_bytes(path.name, data)


def document_from_bytes(name: str, data: bytes) -> Document:
    """Parse ``data`` of a file called ``name``."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SourceRejectedError(f"unsupported file type {suffix or '(none)'}")
    kind = sniff(data, suffix)
    try:
        if kind == "pdf":
            return _read_pdf(data)
        if kind == "docx":
            return _read_docx(data)
        text = decode_text(data)
        if kind == "html":
            return _read_html(text)
        if kind == "markdown":
            return _read_markdown(text)
        return Document(text=_require_text(text), kind="text")
    except SourceRejectedError:
        raise
    except Exception as err:  # a reader library failing on a damaged file
        raise SourceRejectedError(f"cannot read {kind} file: {_one_line(err)}") from err


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
        found = {"zip": "a ZIP archive", "pdf": "a PDF", "docx": "a Word document"}.get(kind, "text")
        raise SourceRejectedError(f"content is {found}, not a {suffix} file")
    return kind


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
        raise SourceRejectedError("binary content, not text")
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


def _require_text(text: str) -> str:
    if not text.strip():
        raise SourceRejectedError("file has no text")
    return text


def _read_markdown(text: str) -> Document:
    """Front matter (YAML) gives title, author and date; heading marks are dropped."""
    meta: dict[str, object] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        import yaml

        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as err:
            raise SourceRejectedError(f"front matter is not valid YAML: {_one_line(err)}") from err
        meta = loaded if isinstance(loaded, dict) else {}
        text = text[match.end():]
    body = _MD_HEADING.sub("", text).strip("\n")
    title, author = _field(meta, "title"), _field(meta, "author", "authors")
    header = "\n".join(line for line in (title, author) if line)
    if header and not body.startswith(title or author):
        body = f"{header}\n\n{body}"
    return Document(text=_require_text(body), kind="markdown", title=title, author=author,
                    date=_field(meta, "date"))


def _field(meta: dict[str, object], *keys: str) -> str:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value:
            return " ".join(str(value).split())
    return ""


def _read_pdf(data: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise SourceRejectedError("PDF is encrypted (password needed)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError as err:
        raise SourceRejectedError("PDF is encrypted (password needed)") from err
    except (PdfReadError, ValueError, KeyError, TypeError) as err:
        raise SourceRejectedError(f"PDF is damaged or truncated: {_one_line(err)}") from err
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
    meta = reader.metadata or {}
    return Document(text="\n\n".join(parts), kind="pdf", title=str(meta.get("/Title") or "").strip(),
                    author=str(meta.get("/Author") or "").strip(), pages=tuple(offsets))


def _read_docx(data: bytes) -> Document:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # python-docx raises several types for a damaged package
        raise SourceRejectedError(f"not a valid Word document: {_one_line(err)}") from err
    paragraphs = [" ".join(p.text.split()) for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append(" | ".join(" ".join(c.text.split()) for c in row.cells))
    text = "\n\n".join(p for p in paragraphs if p)
    props = document.core_properties
    return Document(text=_require_text(text), kind="docx", title=(props.title or "").strip(),
                    author=(props.author or "").strip())


def _read_html(html: str) -> Document:
    """Main text only (trafilatura drops navigation, footers and boilerplate)."""
    import trafilatura

    result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                         include_tables=True, favor_recall=True)
    text = getattr(result, "text", None) or ""
    paragraphs = [" ".join(line.split()) for line in text.splitlines()]
    body = "\n\n".join(p for p in paragraphs if p)
    title = (getattr(result, "title", None) or "").strip()
    author = (getattr(result, "author", None) or "").strip()
    if title and not body.startswith(title):
        body = "\n".join(x for x in (title, author) if x) + "\n\n" + body
    return Document(text=_require_text(body), kind="html", title=title, author=author,
                    date=(getattr(result, "date", None) or ""))


def _one_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return (lines[0] if lines else type(err).__name__)[:200]
