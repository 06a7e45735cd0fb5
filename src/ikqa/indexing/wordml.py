"""Read a Word (.docx) file's text as a stream, within limits: no document tree is ever built.

A .docx is a ZIP. ``word/document.xml`` is refused at once if it *declares* more unpacked
bytes than ``Limits.unpacked_bytes``, then unpacked in blocks through ``CappedReader``
(which counts the bytes it *actually* gets) into expat, which calls us per element.
Paragraph text is gathered as it arrives and counted by ``TextBudget``, so a decompression
bomb or a flood of tiny paragraphs stops at the first limit it passes, in bounded memory.

Body paragraphs come in document order; a table row becomes one line, "| cell | cell |"; text in ``mc:Fallback`` (the second copy of a text box kept for old readers) is
skipped; a DTD is refused (no entity expansion). An item of a Word list (automatic numbering
or bullets, by ``w:numPr`` read against ``word/numbering.xml``, or a "List Number"/"List
Bullet" style) is written as a reader sees it: "2. Advance geothermal research", "- Aalborg
University"; numbering restarts with each list.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from ..errors import SourceRejectedError
from .limits import CappedReader, Limits, TextBudget

__all__ = ["WordText", "read_docx"]

DOCUMENT = "word/document.xml"
CORE = "docProps/core.xml"
NUMBERING = "word/numbering.xml"
_W = {"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "http://purl.oclc.org/ooxml/wordprocessingml/main"}
_FALLBACK = "http://schemas.openxmlformats.org/markup-compatibility/2006 Fallback"
_DC = "http://purl.org/dc/elements/1.1/"
_SPACES = {"tab": " ", "ptab": " ", "br": " ", "cr": " ", "noBreakHyphen": "-"}
_BLOCK = 1 << 16
_CORE_CAP = 1 << 20
_META_CHARS = 300


@dataclass(frozen=True)
class WordText:
    """The non-empty paragraphs (and table rows) of a Word document, and its core properties."""

    paragraphs: list[str]
    title: str
    author: str


def read_docx(data: bytes, limits: Limits) -> WordText:
    """The text of the .docx in ``data``; ``SourceRejectedError`` if damaged or over a limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            numbering = _Numbering()
            if NUMBERING in archive.namelist():
                _parse(archive, NUMBERING, min(_CORE_CAP, limits.unpacked_bytes), limits, numbering)
            body = _Body(TextBudget(limits), numbering)
            _parse(archive, DOCUMENT, limits.unpacked_bytes, limits, body)
            core = _Core()
            if CORE in archive.namelist():
                _parse(archive, CORE, min(_CORE_CAP, limits.unpacked_bytes), limits, core)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            KeyError, expat.ExpatError) as err:
        raise SourceRejectedError(f"not a valid Word document: {_one_line(err)}") from err
    return WordText(paragraphs=body.out, title=core.value("title"), author=core.value("creator"))


def _parse(archive: zipfile.ZipFile, member: str, cap: int, limits: Limits,
           handler: "_Body | _Core | _Numbering") -> None:
    """Stream ``member`` through expat into ``handler``, unpacking at most ``cap`` bytes."""
    info = archive.getinfo(member)
    excess = limits.too_large_unpacked(member)
    if info.file_size > cap:
        raise excess
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    with archive.open(info) as raw:
        stream = CappedReader(raw, cap, excess)
        while block := stream.read(_BLOCK):
            parser.Parse(block, False)
    parser.Parse(b"", True)


def _refuse_dtd(*_args: object) -> None:
    raise SourceRejectedError("not a valid Word document: it declares a DTD")


class _Body:
    """Expat handlers gathering body paragraphs and table rows of ``word/document.xml``."""

    def __init__(self, budget: TextBudget, numbering: "_Numbering | None" = None) -> None:
        self.budget = budget
        self.numbering = numbering or _Numbering()
        self.out: list[str] = []
        self._props: list[dict[str, str]] = []  # list style / numPr of each open w:p
        self._counts: dict[tuple[str, str], int] = {}  # items so far of the list going on
        self._paragraphs: list[list[str]] = []  # pieces of each open w:p (text boxes nest them)
        self._cells: list[list[str]] = []  # texts of each open table cell
        self._rows: list[list[str]] = []  # cell texts of each open table row
        self._in_text = 0
        self._skip = 0  # depth inside mc:Fallback

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _FALLBACK or self._skip:
            self._skip += 1
            return
        ns, _, local = name.rpartition(" ")
        if ns not in _W:
            return
        if local == "p":
            self._paragraphs.append([])
            self._props.append({})
        elif local in ("pStyle", "numId", "ilvl") and self._props:
            self._props[-1][local] = attrs.get(f"{ns} val", "")
        elif local == "t":
            self._in_text += 1
        elif local in _SPACES and self._paragraphs:
            self._paragraphs[-1].append(_SPACES[local])
        elif local == "tc":
            self._cells.append([])
        elif local == "tr":
            self._rows.append([])

    def end(self, name: str) -> None:
        if self._skip:
            self._skip -= 1
            return
        ns, _, local = name.rpartition(" ")
        if ns not in _W:
            return
        if local == "t":
            self._in_text -= 1
        elif local == "p" and self._paragraphs:
            text = " ".join("".join(self._paragraphs.pop()).split())
            props = self._props.pop() if self._props else {}
            self._emit(f"{self._marker(props)}{text}" if text and not self._cells else text)
        elif local == "tc" and self._cells:
            cell = " ".join(p for p in self._cells.pop() if p)
            if self._rows:
                self._rows[-1].append(cell)
        elif local == "tr" and self._rows:
            cells = self._rows.pop()
            if any(cells):  # as Markdown and HTML tables are read: "| Secretariat | Hanoi |"
                self._emit(f"| {' | '.join(cells)} |")

    def _marker(self, props: dict[str, str]) -> str:
        """"2. " for the second item of a numbered list, "- " for a bulleted one, "" else."""
        style = props.get("pStyle", "")
        if props.get("numId", "0") != "0" and "numId" in props:
            key = (props["numId"], props.get("ilvl", "0"))
            numbered = self.numbering.numbered(*key)
        elif style.startswith(("ListNumber", "ListBullet")):
            key, numbered = (style, "0"), style.startswith("ListNumber")
        else:
            self._counts.clear()  # a paragraph that is no item ends the list
            return ""
        if not numbered:
            return "- "
        self._counts = {k: v for k, v in self._counts.items() if k[0] == key[0] and k[1] <= key[1]}
        self._counts[key] = self._counts.get(key, 0) + 1
        return f"{self._counts[key]}. "

    def text(self, data: str) -> None:
        if self._in_text and not self._skip and self._paragraphs:
            self.budget.add_chars(len(data))
            self._paragraphs[-1].append(data)

    def _emit(self, text: str) -> None:
        """A finished paragraph or row: into its table cell, or out as a paragraph of the body."""
        if not text:
            return
        if self._cells:
            self._cells[-1].append(text)
            return
        self.budget.add_paragraph()
        self.out.append(text)


class _Numbering:
    """Expat handlers reading ``word/numbering.xml``: which list levels are numbered."""

    def __init__(self) -> None:
        self._formats: dict[tuple[str, str], str] = {}  # (abstractNumId, ilvl) -> numFmt
        self._abstract: dict[str, str] = {}  # numId -> abstractNumId
        self._open_abstract = self._open_level = self._open_num = ""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition(" ")
        if ns not in _W:
            return
        value = attrs.get(f"{ns} val", "")
        if local == "abstractNum":
            self._open_abstract = attrs.get(f"{ns} abstractNumId", "")
        elif local == "lvl":
            self._open_level = attrs.get(f"{ns} ilvl", "0")
        elif local == "numFmt" and self._open_abstract:
            self._formats[(self._open_abstract, self._open_level)] = value
        elif local == "num":
            self._open_num = attrs.get(f"{ns} numId", "")
        elif local == "abstractNumId" and self._open_num:
            self._abstract[self._open_num] = value

    def end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if local == "abstractNum":
            self._open_abstract = ""
        elif local == "num":
            self._open_num = ""

    def text(self, _data: str) -> None:
        pass

    def numbered(self, num_id: str, level: str) -> bool:
        """Whether items of list ``num_id`` at ``level`` carry numbers (not bullets)."""
        fmt = self._formats.get((self._abstract.get(num_id, ""), level), "bullet")
        return fmt not in ("bullet", "none", "")


class _Core:
    """Expat handlers reading ``dc:title`` and ``dc:creator`` of ``docProps/core.xml``."""

    def __init__(self) -> None:
        self._values: dict[str, list[str]] = {}
        self._open: str | None = None

    def start(self, name: str, _attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition(" ")
        self._open = local if ns == _DC and local in ("title", "creator") else None

    def end(self, _name: str) -> None:
        self._open = None

    def text(self, data: str) -> None:
        if self._open and sum(map(len, self._values.get(self._open, []))) < _META_CHARS:
            self._values.setdefault(self._open, []).append(data)

    def value(self, key: str) -> str:
        return " ".join("".join(self._values.get(key, [])).split())[:_META_CHARS]


def _one_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return (lines[0] if lines else type(err).__name__)[:200]
