"""Reading sources safely (issue 11, items 1, 2 and 7): links out of the folder are never read,
decompression bombs and floods of tiny paragraphs are refused within bounded time and memory,
and the smaller reading faults (front matter, placeholder authors, pypdf noise, UTF-16) are fixed.

Real files throughout: real symlinks, a ~390 KB .docx that unpacks to ~100 MB, a PDF stream
bomb, the real model and Chroma for ingests, a real ``ikqa ingest`` process for the CLI.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path
from typing import Iterator

import pytest

import ikqa
from ikqa.errors import SourceNotFoundError, SourceRejectedError
from ikqa.indexing.briefs import load_brief, load_briefs, scan_sources
from ikqa.indexing.formats import document_from_bytes, read_document
from ikqa.indexing.limits import CappedReader, Limits
from ikqa.indexing.uploads import check_upload
from test_formats import make_docx

IKQA = Path(sys.executable).with_name("ikqa")
MB = 1024 * 1024
_OPENED: list[str] | None = None


# ---------------------------------------------------------------- real hostile files

def docx_with_body(blocks: Iterator[str]) -> bytes:
    """A real .docx (python-docx's package) whose body is the XML ``blocks``, streamed in."""
    base = zipfile.ZipFile(io.BytesIO(make_docx(["Placeholder"])))
    xml = base.read("word/document.xml").decode()
    head, tail = xml.split("<w:body>")[0] + "<w:body>", "</w:body></w:document>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in base.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info, base.read(info.filename))
                continue
            with archive.open("word/document.xml", "w") as member:
                member.write(head.encode())
                for block in blocks:
                    member.write(block.encode())
                member.write(tail.encode())
    return out.getvalue()


def bomb_docx(unpacked_mb: int = 100) -> bytes:
    """A ~390 KB .docx whose word/document.xml unpacks to ``unpacked_mb`` (of real paragraphs)."""
    block = ("<w:p><w:r><w:t>" + "lorem ipsum dolor sit amet " * 40 + "</w:t></w:r></w:p>") * 1000
    return docx_with_body(block for _ in range(unpacked_mb * MB // len(block)))


def lying_docx(data: bytes, declared: int) -> bytes:
    """``data`` with word/document.xml's central-directory size rewritten to ``declared`` bytes."""
    patched = bytearray(data)
    at = patched.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", patched, at + 28)[0]
        if patched[at + 46:at + 46 + length] == b"word/document.xml":
            struct.pack_into("<I", patched, at + 24, declared)
        at = patched.find(b"PK\x01\x02", at + 4)
    return bytes(patched)


def raw_pdf(content: bytes, *, bad_xref: bool = False) -> bytes:
    """A one-page PDF whose page content stream is ``content`` (Flate-compressed); ``bad_xref``
    shifts every offset so pypdf must repair it (and, left alone, logs that on stderr)."""
    stream = zlib.compress(content, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>"),
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
               + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out) + (7 if bad_xref else 0))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out) + (3 if bad_xref else 0)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_text(text: str) -> bytes:
    return f"BT /F1 12 Tf 72 700 Td ({text}) Tj ET\n".encode()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return bomb_docx(100)


@pytest.fixture(scope="module")
def letters() -> bytes:
    """A small .docx of 20,000 one-letter paragraphs."""
    return docx_with_body(f"<w:p><w:r><w:t>{chr(ord('a') + i % 26)}</w:t></w:r></w:p>"
                          for i in range(20_000))


def _audit(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """Every path the process opens (Python's audit events) while the test runs."""
    global _OPENED
    _OPENED = []
    try:
        yield _OPENED
    finally:
        _OPENED = None


def _peak_mb(action) -> float:
    """Peak Python memory (MB) while ``action()`` runs."""
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / MB


def _refusal(data: bytes, name: str, limits: Limits | None = None) -> tuple[str, float, float]:
    """(reason, seconds, peak MB) of refusing ``data``."""
    reason: list[str] = []

    def read() -> None:
        with pytest.raises(SourceRejectedError) as err:
            document_from_bytes(name, data, limits)
        reason.append(str(err.value))

    started = time.perf_counter()
    peak = _peak_mb(read)
    return reason[0], time.perf_counter() - started, peak


# ---------------------------------------------------------------- 1. links out of sources/

@pytest.fixture
def linked_folder(tmp_path: Path, brief_text: str) -> tuple[Path, Path]:
    """sources/ with a brief and every kind of link; a private file and folder outside it."""
    folder, outside = tmp_path / "sources", tmp_path / "private"
    folder.mkdir(exist_ok=True)
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("Private Note\n\nThe launch code is 7-4-1-9. Nobody outside may read it.")
    (outside / "more.txt").write_text("Private Folder Note\n\nAlso private.")
    (folder / "brief.txt").write_text(brief_text, encoding="utf-8")
    (folder / "passwd-link.txt").symlink_to("/etc/passwd")
    (folder / "secret-link.txt").symlink_to(secret)
    (folder / "relative-out.md").symlink_to(Path("..") / "private" / "secret.txt")
    (folder / "linked-folder").symlink_to(outside, target_is_directory=True)
    (folder / "broken-link.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "alias.txt").symlink_to(folder / "brief.txt")  # inside: allowed, read at its target
    (folder / "LICENSE").write_text("All rights reserved.")  # no extension: refused unread
    (folder / "notes.rtf").write_text("{\\rtf1 not a supported kind}")
    os.mkfifo(folder / "pipe.txt")  # opening it would block: proves it is never opened
    return folder, secret


def test_links_out_of_the_folder_are_skipped_with_a_reason_and_never_opened(
        linked_folder: tuple[Path, Path], opened: list[str]) -> None:
    folder, secret = linked_folder
    report = load_briefs(folder)
    failed = dict(report.failed)
    for name in ("passwd-link.txt", "secret-link.txt", "relative-out.md", "linked-folder"):
        assert failed[name] == "link points outside the sources folder (not read)"
    assert failed["broken-link.txt"].startswith("broken link")
    assert failed["LICENSE"] == "unsupported file type (none)"
    assert failed["notes.rtf"] == "unsupported file type .rtf"
    assert failed["pipe.txt"] == "not a regular file"
    assert sorted(b.source for b in report.briefs) == ["alias.txt", "brief.txt"]
    assert not any(p.startswith(("/etc/passwd", str(secret.parent))) for p in opened), opened
    assert not any(p.endswith(("notes.rtf", "LICENSE", "pipe.txt")) for p in opened), opened
    assert all("\n" not in reason for reason in failed.values())


def test_a_link_is_never_read_through_even_if_swapped_in_after_listing(tmp_path: Path) -> None:
    target = tmp_path / "secret.txt"
    target.write_text("Secret\n\nThe code is 1234.")
    link = tmp_path / "brief.txt"
    link.symlink_to(target)
    with pytest.raises(SourceRejectedError, match="is a symbolic link"):
        read_document(link)


@pytest.mark.slow
def test_an_indexed_brief_turned_into_a_link_out_is_removable_and_dropped(
        linked_folder: tuple[Path, Path], tmp_path: Path, opened: list[str]) -> None:
    folder, secret = linked_folder
    for name in ("passwd-link.txt", "secret-link.txt", "relative-out.md", "LICENSE", "pipe.txt",
                 "alias.txt", "notes.rtf", "broken-link.txt"):
        (folder / name).unlink()
    (folder / "private-note.txt").write_text("Port Note\n\nBusan opened its port in 1876.")
    (folder / "other-note.txt").write_text("Rail Note\n\nThe rail link opens in 2029.")
    assistant = ikqa.Assistant(ikqa.Settings(answer_mode="extractive", sources_dir=folder, index_dir=tmp_path / "ix"))
    assistant.ingest()
    assert {s["source"] for s in assistant.sources()} == {"brief.txt", "private-note.txt",
                                                          "other-note.txt"}
    for name, target in (("private-note.txt", secret), ("other-note.txt", Path("/etc/passwd"))):
        (folder / name).unlink()
        (folder / name).symlink_to(target)  # an indexed, listed brief is now a link out
    opened.clear()
    assistant.remove_source("private-note.txt")  # listed and a link out: removable
    assert not (folder / "private-note.txt").is_symlink() and secret.is_file()
    assert {s["source"] for s in assistant.sources()} == {"brief.txt"}  # the other one dropped
    summary = assistant.ingest()
    assert dict(summary.failed)["other-note.txt"] == "link points outside the sources folder (not read)"
    assert "root:" not in str(assistant.sources()) and "1876" not in str(assistant.sources())
    assert not any(p.startswith(("/etc/passwd", str(secret.parent))) for p in opened), opened
    assistant.remove_source("other-note.txt")  # reported, not indexed, still removable
    assert not (folder / "other-note.txt").is_symlink() and Path("/etc/passwd").is_file()
    for escape in ("../private/secret.txt", "linked-folder/more.txt", str(secret)):
        with pytest.raises(SourceNotFoundError):
            assistant.remove_source(escape)
    assert (secret.parent / "more.txt").is_file() and secret.is_file()


# ---------------------------------------------------------------- 2. bounded reading

def test_docx_bomb_is_refused_at_once_from_its_declared_size(bomb: bytes) -> None:
    assert 250_000 < len(bomb) < 450_000
    info = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("word/document.xml")
    assert info.file_size > 99 * MB
    reason, seconds, peak = _refusal(bomb, "bomb.docx")
    assert reason == "word/document.xml unpacks to more than 64 MB (the max_unpacked_mb limit)"
    assert seconds < 2 and peak < 20


def test_docx_that_lies_about_its_size_is_cut_where_it_says_it_ends(bomb: bytes) -> None:
    reason, seconds, peak = _refusal(lying_docx(bomb, 1_000_000), "liar.docx")
    assert reason.startswith("not a valid Word document") and seconds < 2 and peak < 20


def test_docx_text_is_counted_while_it_streams_not_after(bomb: bytes) -> None:
    roomy = Limits(unpacked_bytes=200 * MB, chars=4_000_000, paragraphs=15_000)
    reason, seconds, peak = _refusal(bomb, "bomb.docx", roomy)
    assert reason == "too much text (over 4,000,000 characters, the max_source_chars limit)"
    assert seconds < 5 and peak < 60  # the 100 MB were never held


def test_unpacked_bytes_are_counted_as_they_stream_whatever_the_zip_declares() -> None:
    excess = SourceRejectedError("too big")
    reader = CappedReader(io.BytesIO(b"x" * 100), 64, excess)
    assert reader.read(60) == b"x" * 60
    with pytest.raises(SourceRejectedError, match="too big"):
        reader.read(10)
    assert CappedReader(io.BytesIO(b"x" * 64), 64, excess).read() == b"x" * 64


def test_twenty_thousand_one_letter_paragraphs_are_refused(letters: bytes) -> None:
    assert len(letters) < 60_000
    reason, seconds, peak = _refusal(letters, "letters.docx")
    assert reason == "too many paragraphs (over 15,000, the max_source_paragraphs limit)"
    assert seconds < 2 and peak < 20


def test_pdf_stream_bomb_is_refused_by_pypdf_limits() -> None:
    pdf = raw_pdf(pdf_text("Hello from page one.") + b" " * (100 * MB))
    assert len(pdf) < 200_000
    reason, seconds, _ = _refusal(pdf, "bomb.pdf")
    assert reason == "a PDF stream unpacks to more than 64 MB (the max_unpacked_mb limit)"
    assert seconds < 5
    small = raw_pdf(pdf_text("Hello from page one.") + b" " * (20 * MB))  # within pypdf's own 75 MB
    reason, _, peak = _refusal(small, "small.pdf", Limits(8 * MB, 4_000_000, 15_000))
    assert reason == "a PDF stream unpacks to more than 8 MB (the max_unpacked_mb limit)"
    assert peak < 60
    assert document_from_bytes("small.pdf", small).text == "Hello from page one."


def test_text_and_pdf_over_the_character_or_paragraph_limit_are_refused(tmp_path: Path) -> None:
    tight = Limits(unpacked_bytes=MB, chars=5_000, paragraphs=50)
    long_text = ("A sentence of ordinary policy prose. " * 200).encode()
    with pytest.raises(SourceRejectedError, match="max_source_chars"):
        document_from_bytes("long.txt", long_text, tight)
    with pytest.raises(SourceRejectedError, match="max_source_paragraphs"):
        document_from_bytes("many.md", "\n\n".join(["Point."] * 51).encode(), tight)
    with pytest.raises(SourceRejectedError, match="max_source_chars"):
        document_from_bytes("long.pdf", raw_pdf(pdf_text("x" * 6_000)), tight)
    assert document_from_bytes("many.md", "\n\n".join(["Point."] * 50).encode(), tight).text


def test_default_limits_fit_a_500_page_report() -> None:
    page = ["Section heading for this page"] + [
        "The ministry reported that the joint programme funded forty research teams across "
        "six states, with results shared in annual reviews and published data. " * 2] * 11
    report = make_docx(page * 500)
    limits = Limits.from_settings(ikqa.Settings())
    document = document_from_bytes("report.docx", report, limits)
    assert document.text.count("\n\n") + 1 == 6_000 and len(document.text) > 1_600_000


@pytest.mark.slow
def test_an_upload_over_a_limit_is_refused_before_it_is_stored(assistant: ikqa.Assistant,
                                                                bomb: bytes, letters: bytes) -> None:
    current = (assistant.settings.index_dir / "CURRENT").read_text()
    for name, data, reason in [("bomb.docx", bomb, "max_unpacked_mb"),
                               ("letters.docx", letters, "max_source_paragraphs")]:
        started = time.perf_counter()
        with pytest.raises(SourceRejectedError, match=reason) as err:
            assistant.add_source(name, data)
        assert time.perf_counter() - started < 5 and str(err.value).startswith(f"{name}: ")
        assert not (assistant.settings.sources_dir / name).exists()
    assert (assistant.settings.index_dir / "CURRENT").read_text() == current
    with pytest.raises(SourceRejectedError, match="max_source_paragraphs"):
        check_upload("x.md", "\n\n".join(["Point."] * 30).encode(),
                     assistant.settings.replace(max_source_paragraphs=20))


@pytest.mark.slow
def test_ingest_refuses_bombs_quickly_and_indexes_the_rest(tmp_path: Path, sources_copy: Path,
                                                           bomb: bytes, letters: bytes) -> None:
    (sources_copy / "bomb.docx").write_bytes(bomb)
    (sources_copy / "letters.docx").write_bytes(letters)
    (sources_copy / "bomb.pdf").write_bytes(raw_pdf(pdf_text("Hi.") + b" " * (100 * MB)))
    chunky = "\n\n".join(f"Point {i} of the fisheries annex sets a quota." for i in range(60))
    (sources_copy / "annex.txt").write_text("Fisheries Annex\n\n" + chunky)
    (sources_copy / "trade.txt").write_text("Trade Note\nRavi Rao\n\nKorea will open a chip "
                                            "packaging plant in Dholera in 2027.")
    settings = ikqa.Settings(answer_mode="extractive", sources_dir=sources_copy, index_dir=tmp_path / "ix", max_source_chunks=50)
    assistant = ikqa.Assistant(settings)
    started = time.perf_counter()
    summary = assistant.ingest()
    assert time.perf_counter() - started < 30
    failed = dict(summary.failed)
    assert "max_unpacked_mb" in failed["bomb.docx"] and "max_unpacked_mb" in failed["bomb.pdf"]
    assert "max_source_paragraphs" in failed["letters.docx"]
    assert failed["annex.txt"] == "too many chunks (61 > 50, the max_source_chunks limit)"
    assert summary.added == ["india-rok-scientific-cooperation.txt", "trade.txt"]
    assert "Dholera" in assistant.ask("Where will Korea open the chip packaging plant?").text
    assert "New Delhi" in assistant.ask("Where is IKCRI based?").text


# ---------------------------------------------------------------- 7. smaller reading faults

def test_invalid_yaml_front_matter_keeps_the_body_and_reports_the_header(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("---\ntitle: [Green Hydrogen\nauthor: Mina Park\n---\n# Green Hydrogen Corridor\n\n"
                    "The corridor links Ulsan and Kandla. It opens in 2028.\n", encoding="utf-8")
    document = read_document(path)
    assert "The corridor links Ulsan and Kandla." in document.text and "author:" not in document.text
    assert document.warnings == (("front matter is not valid YAML (line 3: expected ',' or ']', but "
                                  "got ':'); title and author read from the text"),)
    assert load_brief("note.md", path).title == "Green Hydrogen Corridor"


@pytest.mark.parametrize("text,title", [
    ("---\ntitle: Port Memo\nauthor: J. Kim\n\nThe ports share customs data.\n", "Port Memo"),
    ("---\nThe ports share customs data. A pilot starts in May.\n\nMore text.\n", "memo"),
    ("---\n\nThe ports share customs data.\n", "memo"),
])
def test_unclosed_front_matter_never_becomes_the_title(tmp_path: Path, text: str, title: str) -> None:
    path = tmp_path / "memo.md"
    path.write_text(text, encoding="utf-8")
    document = read_document(path)
    brief = load_brief("memo.md", path)
    assert brief.title == title and "---" not in brief.text
    assert "The ports share customs data." in brief.text
    assert document.warnings and "no closing '---'" in document.warnings[0]


def test_a_rule_line_on_top_of_a_text_is_not_its_title(tmp_path: Path) -> None:
    path = tmp_path / "ruled.txt"
    path.write_text("***\n\nThe ports share customs data.", encoding="utf-8")
    assert load_brief("ruled.txt", path).title == "ruled"


def test_python_docx_is_never_a_brief_s_author(tmp_path: Path) -> None:
    path = tmp_path / "memo.docx"
    path.write_bytes(make_docx(["Port Cooperation Memo", "Jae Kim",
                                "The two ports share customs data."]))
    assert document_from_bytes("memo.docx", path.read_bytes()).author == ""
    brief = load_brief("memo.docx", path)
    assert brief.author == "Jae Kim" and brief.title == "Port Cooperation Memo"
    path.write_bytes(make_docx(["The two ports share customs data."], author="Ji-woo Han"))
    assert load_brief("memo.docx", path).author == "Ji-woo Han"


KOREAN = "한국과 인도는 2026년 서울에서 과학기술 협력 협정을 체결했다. 양국은 공동 연구를 확대한다."


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", ["Trade Note\n\nKorea will open a plant in Dholera in 2027.",
                                  KOREAN + "\n\nThe agreement was signed in Seoul.", KOREAN])
def test_utf16_without_a_byte_order_mark_is_decoded(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(text.encode(encoding))
    assert read_document(path).text == text


def test_binary_with_zero_bytes_is_still_refused() -> None:
    data = bytes(range(256)) * 64
    with pytest.raises(SourceRejectedError, match="binary content"):
        document_from_bytes("junk.txt", data)
    with pytest.raises(SourceRejectedError, match="binary content"):
        document_from_bytes("zeros.txt", b"ab\x00\x00" * 1000)


def test_scan_lists_real_paths_without_opening(linked_folder: tuple[Path, Path],
                                               opened: list[str]) -> None:
    folder, _ = linked_folder
    listing = scan_sources(folder)
    assert dict(listing.files) == {"alias.txt": folder.resolve() / "brief.txt",
                                   "brief.txt": folder.resolve() / "brief.txt"}
    assert not [p for p in opened if not os.path.isdir(p)]


# Linux keeps a process's peak RSS across fork and exec, so a child forked straight from this
# test process (which may hold a language model by now) would report this process's peak. A
# small wrapper process forks the real child and writes that child's own peak (KB) to a file.
_PEAK_OF_CHILD = ("import os, subprocess, sys; p = subprocess.Popen(sys.argv[2:]); "
                  "_, status, usage = os.wait4(p.pid, 0); open(sys.argv[1], 'w').write(str(usage.ru_maxrss)); "
                  "sys.exit(os.waitstatus_to_exitcode(status))")


@pytest.mark.slow
def test_cli_ingest_is_quiet_bounded_and_partial_on_hostile_files(tmp_path: Path, sources_copy: Path,
                                                                   bomb: bytes) -> None:
    (sources_copy / "bomb.docx").write_bytes(bomb)
    (sources_copy / "repaired.pdf").write_bytes(raw_pdf(pdf_text("The Busan port opened in 1876."),
                                                        bad_xref=True))
    (sources_copy / "passwd-link.txt").symlink_to("/etc/passwd")
    (sources_copy / "note.md").write_text("---\ntitle: [x\n---\nPort Note\n\nBusan is a port city.\n")
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    started = time.perf_counter()
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.run([sys.executable, "-c", _PEAK_OF_CHILD, str(tmp_path / "peak"),
                                  str(IKQA), "ingest", "--sources", str(sources_copy), "--index",
                                  str(tmp_path / "ix")], stdout=stdout, stderr=stderr)
    seconds = time.perf_counter() - started
    peak_kb = int((tmp_path / "peak").read_text())
    assert process.returncode == 3, err.read_text()
    assert seconds < 30 and peak_kb < 1024 * 1024  # KB: under 1 GB peak
    assert sorted(err.read_text().splitlines()) == [
        "failed: bomb.docx: word/document.xml unpacks to more than 64 MB (the max_unpacked_mb limit)",
        "failed: passwd-link.txt: link points outside the sources folder (not read)",
        ("warning: note.md: front matter is not valid YAML (line 2: expected ',' or ']', but got "
         "'<stream end>'); title and author read from the text")]
    assert "indexed 3 brief(s)" in out.read_text()
