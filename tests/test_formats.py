"""Reading every supported format and encoding from real files; each bad file gives a one-line reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ikqa.errors import SourceRejectedError
from ikqa.indexing.formats import document_from_bytes, read_document
from ikqa.indexing.briefs import load_brief, load_briefs
from ikqa.indexing.uploads import safe_source_name

KOREAN = "한국과 인도는 2026년 서울에서 과학기술 협력 협정을 체결했다. 양국은 공동 연구를 확대한다."
FRENCH = "Le comité a décidé d’élargir la coopération — « une étape clé » selon l’ambassadeur."


def make_pdf(pages: list[str], *, title: str = "", author: str = "") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    for text in pages:
        y = 800
        for line in text.split("\n"):
            pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def make_docx(paragraphs: list[str], *, title: str = "", author: str = "") -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = author
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("encoding,text", [
    ("utf-8", KOREAN + "\n" + FRENCH),
    ("utf-16", KOREAN + "\n" + FRENCH),  # Python writes a BOM for "utf-16"
    ("cp1252", FRENCH + " Price: 5 € per unit, naïve café."),
    ("euc-kr", KOREAN + " 협력은 계속된다. 정부는 예산을 늘렸다. 연구소는 부산에 있다."),
])
def test_text_in_common_encodings_is_decoded_exactly(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / f"brief-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    assert read_document(path).text == text


def test_an_email_thread_s_quoted_messages_are_read_without_their_quote_marks(
        tmp_path: Path) -> None:
    """"> I have checked the ledger. As of 31 January ..." is read as the paragraph it was: its
    sentences carry no ">" and the lines of marks alone part its paragraphs. A line or two
    opening with ">" ("> 40 participants") is left as it is."""
    path = tmp_path / "thread.txt"
    path.write_text("Subject: Re: survey dates\n\nDear Ingrid,\n\nMany thanks.\n\n"
                    "> On Wed, 12 Feb 2025, Khoi wrote:\n>\n> I have checked the WP3 ledger. "
                    "As of 31 January the travel\n> line shows EUR 212,000 unspent.\n>\n"
                    ">> Dear all,\n>>\n>> The two drones are still held at customs.\n",
                    encoding="utf-8")
    brief = load_brief("thread.txt", path)
    texts = [" ".join(s.text.split()) for s in brief.sentences]
    assert "As of 31 January the travel line shows EUR 212,000 unspent." in texts, texts
    assert "The two drones are still held at customs." in texts, texts
    assert not any(">" in t for t in texts)
    few = tmp_path / "few.txt"
    few.write_text("Turnout\n\n> 40 participants came.\n", encoding="utf-8")
    assert "> 40 participants came." in read_document(few).text


def test_markdown_front_matter_gives_title_author_and_date(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("---\ntitle: Green Hydrogen Corridors\nauthor: [Mina Park, Ravi Rao]\n"
                    "date: 2026-03-01\n---\n# Summary\n\nThe corridor links Ulsan and Kandla. "
                    "It opens in 2028.\n", encoding="utf-8")
    brief = load_brief("note.md", path)
    assert (brief.title, brief.author, brief.date) == ("Green Hydrogen Corridors",
                                                        "Mina Park, Ravi Rao", "2026-03-01")
    assert "# " not in brief.text and "---" not in brief.text
    assert any(s.text == "The corridor links Ulsan and Kandla." for s in brief.sentences)


def test_a_front_matter_author_is_a_byline_under_the_body_s_own_title(tmp_path: Path) -> None:
    path = tmp_path / "harbour.md"
    path.write_text("---\ntitle: The Green Harbour Initiative\nauthor: Policy Unit, Coastal Futures "
                    "Forum\n---\n\n# The Green Harbour Initiative\n\nThe initiative cuts port "
                    "emissions in Rotterdam.\n", encoding="utf-8")
    brief = load_brief("harbour.md", path)
    kinds = [(s.kind, s.text) for s in brief.sentences]
    assert kinds[:2] == [("title", "The Green Harbour Initiative"),
                         ("byline", "Policy Unit, Coastal Futures Forum")]
    assert brief.text.count("The Green Harbour Initiative") == 1


def test_pdf_keeps_page_numbers_on_sentences(tmp_path: Path) -> None:
    path = tmp_path / "paged.pdf"
    path.write_bytes(make_pdf(["Trade Outlook 2026", "Exports grew by nine percent in 2025.",
                               "The semiconductor plant opens in Pune in 2027."],
                              title="Trade Outlook", author="K. Lee"))
    brief = load_brief("paged.pdf", path)
    assert brief.kind == "pdf" and brief.title == "Trade Outlook" and brief.author == "K. Lee"
    pages = {s.text: s.page for s in brief.sentences}
    assert pages["The semiconductor plant opens in Pune in 2027."] == 3
    assert pages["Exports grew by nine percent in 2025."] == 2
    for s in brief.sentences:
        assert brief.text[s.start:s.end] == s.text


def test_docx_paragraphs_and_properties(tmp_path: Path) -> None:
    path = tmp_path / "memo.docx"
    path.write_bytes(make_docx(["Port Cooperation Memo", "The two ports share customs data. "
                                "A pilot starts in May."], title="Port Memo", author="J. Kim"))
    brief = load_brief("memo.docx", path)
    assert (brief.kind, brief.title, brief.author) == ("docx", "Port Memo", "J. Kim")
    assert [s.text for s in brief.sentences if s.kind == "body"] == [
        "The two ports share customs data.", "A pilot starts in May."]


def test_html_gives_the_main_text_without_navigation(tmp_path: Path) -> None:
    body = " ".join(f"Paragraph {i} explains the fisheries agreement between the two "
                    f"countries in careful detail for readers." for i in range(6))
    html = (f"<!DOCTYPE html><html><head><title>Fisheries Deal</title></head><body>"
            f"<nav><ul><li><a href='/'>Home</a></li><li><a href='/about'>About us</a></li>"
            f"<li><a href='/subscribe'>Subscribe to newsletter</a></li></ul></nav>"
            f"<article><h1>Fisheries Deal</h1><p>{body}</p>"
            f"<p>The deal caps trawler licences at 400 per year.</p></article>"
            f"<footer>Copyright 2026 Example Institute. All rights reserved.</footer></body></html>")
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    doc = read_document(path)
    assert "caps trawler licences at 400" in doc.text
    assert "Subscribe to newsletter" not in doc.text and "All rights reserved" not in doc.text
    assert doc.title == "Fisheries Deal"


def test_an_html_brief_keeps_its_masthead_and_sidebar_box_but_not_its_menu_or_footer(
        tmp_path: Path) -> None:
    """trafilatura drops a newsletter's masthead (``<header>``) and its box of key figures
    (``<aside class="sidebar">``) as boilerplate; they are the brief's own text and are kept,
    in order, with its section headings; the menu, a list of links and the footer are not."""
    body = " ".join(f"Paragraph {i} reports on the kelp hatchery and its first season of "
                    f"seedlings for farmers." for i in range(5))
    html = ("<html><head><title>Kelp Quarterly</title></head><body>"
            "<header><h1>Kelp Quarterly</h1><p>Issue 14. Edited by Solveig Ødegård, "
            "Communications Officer.<br>Published in Bergen.</p></header>"
            "<nav><ul><li><a href='/'>Home</a></li><li><a href='/a'>Archive</a></li></ul></nav>"
            f"<div class='main'><h2>From the Director</h2><p>{body}</p></div>"
            "<aside class='sidebar'><h2>In numbers</h2><ul><li>212 peer-reviewed papers "
            "since 2020</li><li>37 doctoral candidates</li></ul><p>In 1887 Norway exported "
            "1,940 tonnes of kelp ash.</p><ul><li><a href='/x'>Read more news</a></li></ul>"
            "</aside><footer><p>Copyright 2026. All rights reserved.</p></footer></body></html>")
    path = tmp_path / "quarterly.html"
    path.write_text(html, encoding="utf-8")
    text = read_document(path).text
    paragraphs = text.split("\n\n")
    for kept in ("Issue 14. Edited by Solveig Ødegård, Communications Officer.",
                 "Published in Bergen.", "From the Director", "In numbers",
                 "- 212 peer-reviewed papers since 2020",
                 "In 1887 Norway exported 1,940 tonnes of kelp ash."):
        assert kept in paragraphs, (kept, paragraphs)
    assert text.index("Solveig") < text.index("Paragraph 0") < text.index("kelp ash")
    for dropped in ("Archive", "Read more news", "All rights reserved"):
        assert dropped not in text


@pytest.mark.parametrize("after", ["", "<p>The compact is reviewed every two years by an "
                                       "external panel of hydrologists.</p>"])
def test_an_html_table_keeps_its_rows_on_a_short_page_too(tmp_path: Path, after: str) -> None:
    """On a short page trafilatura's fallback put each cell on its own line; every row is a
    line of its cells; a layout table (long cells) is left to trafilatura."""
    html = ("<html><body><h1>Mekong Compact</h1><p>The compact was signed in 2017 by four "
            "governments.</p><table><tr><th>Item</th><th>Detail</th></tr><tr><td>Secretariat"
            "</td><td>Hanoi</td></tr><tr><td>Chair</td><td>Dr. Pham | Van Duc</td></tr></table>"
            f"{after}</body></html>")
    path = tmp_path / "mekong.html"
    path.write_text(html, encoding="utf-8")
    lines = read_document(path).text.split("\n\n")
    assert "| Secretariat | Hanoi |" in lines and "| Chair | Dr. Pham / Van Duc |" in lines
    layout = f"<html><body><table><tr><td><p>{'Long prose of the page. ' * 20}</p></td></tr></table></body></html>"
    (tmp_path / "layout.html").write_text(layout, encoding="utf-8")
    assert "Long prose of the page. " * 19 in read_document(tmp_path / "layout.html").text


def _word_list_brief() -> bytes:
    """Lists as Word writes them: by style ("List Number", "List Bullet") and by automatic
    numbering set on the paragraph (w:numPr; in python-docx's template numId 9 is decimal,
    numId 1 bullets)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def numbered(paragraph, num_id: str) -> None:
        num_pr = OxmlElement("w:numPr")
        for tag, value in (("w:ilvl", "0"), ("w:numId", num_id)):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            num_pr.append(child)
        paragraph._p.get_or_add_pPr().append(num_pr)

    document = docx.Document()
    document.add_paragraph("Japan-Kenya Agreement")
    document.add_paragraph("The agreement has three objectives:")
    for text in ("Develop drought-resilient crops.", "Advance geothermal research.",
                 "Train 60 Kenyan engineers."):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("Its partners are:")
    for text in ("Kyoto University", "Moi University"):
        document.add_paragraph(text, style="List Bullet")
    document.add_paragraph("The agreement sets two targets:")
    for text in ("Forty joint papers a year.", "Ten shared laboratories."):
        numbered(document.add_paragraph(text, style="List Paragraph"), "9")
    numbered(document.add_paragraph("Nairobi office", style="List Paragraph"), "1")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_word_list_items_are_read_with_their_numbers_and_bullets(tmp_path: Path) -> None:
    path = tmp_path / "jk.docx"
    path.write_bytes(_word_list_brief())
    lines = read_document(path).text.split("\n\n")
    assert lines[2:5] == ["1. Develop drought-resilient crops.", "2. Advance geothermal research.",
                          "3. Train 60 Kenyan engineers."]
    assert lines[6:8] == ["- Kyoto University", "- Moi University"]
    assert lines[9:] == ["1. Forty joint papers a year.", "2. Ten shared laboratories.",
                         "- Nairobi office"]


def test_a_word_table_row_is_read_as_a_row_of_cells(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Mekong Compact")
    table = document.add_table(rows=2, cols=2)
    for row, (key, value) in zip(table.rows, [("Secretariat", "Hanoi"), ("Founded", "2017")]):
        row.cells[0].text, row.cells[1].text = key, value
    out = io.BytesIO()
    document.save(out)
    (tmp_path / "m.docx").write_bytes(out.getvalue())
    assert read_document(tmp_path / "m.docx").text.split("\n\n")[1:] == [
        "| Secretariat | Hanoi |", "| Founded | 2017 |"]


@pytest.mark.slow
def test_the_nth_objective_of_a_word_list_is_found_by_its_number(tmp_path: Path) -> None:
    import ikqa

    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "jk.docx").write_bytes(_word_list_brief())
    assistant = ikqa.Assistant(ikqa.Settings(sources_dir=sources, index_dir=tmp_path / "index",
                                             answer_mode="extractive"))
    assistant.ingest()
    second = assistant.ask("What is the second objective of the Japan-Kenya Agreement?")
    assert second.citations[0].text == "2. Advance geothermal research.", second.text


def _laid_out_pdf() -> bytes:
    """A brief as reportlab's page layout writes one: a two-line title, headings, a table and
    a numbered list (each cell and each item's number are drawn apart)."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import ListFlowable, Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    SimpleDocTemplate(out, title="Baltic Harbour Fund").build([
        Paragraph("The Baltic Harbour Fund:<br/>Programmes 2021-2027", styles["Title"]),
        Paragraph("Budget", styles["Heading2"]),
        Paragraph("The Fund's core budget for 2024 was 4.5 million euros.", styles["BodyText"]),
        Table([["Year", "Grants (EUR million)", "Projects funded"], ["2022", "2.9", "15"],
               ["2023", "3.0", "16"]]),
        Spacer(1, 12),
        Paragraph("The strategy sets three objectives:", styles["BodyText"]),
        ListFlowable([Paragraph(t, styles["BodyText"]) for t in (
            "Raise quay walls.", "Replace diesel tugs.", "Train harbour masters.")],
            bulletType="1", bulletFormat="%s."),
    ])
    return out.getvalue()


def test_a_pdf_keeps_its_table_rows_list_numbers_headings_and_title(tmp_path: Path) -> None:
    path = tmp_path / "fund.pdf"
    path.write_bytes(_laid_out_pdf())
    brief = load_brief("fund.pdf", path)
    kinds = {s.text: s.kind for s in brief.sentences}
    assert kinds["| 2022 | 2.9 | 15 |"] == "body" and "| Year | Grants (EUR million) | Projects " \
        "funded |" in kinds
    assert kinds["2. Replace diesel tugs."] == "body" and kinds["Budget"] == "heading"
    assert brief.sentences[0].kind == "title" and \
        brief.sentences[0].text.startswith("The Baltic Harbour Fund:")


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(["Secret text here."]))).pages:
        writer.add_page(page)
    writer.encrypt("hunter2")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "file is empty"),
    ("blank.md", b"  \n\n ", "file is empty"),
    ("junk.txt", bytes(range(256)) * 8, "binary content"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
    ("encrypted.pdf", None, "encrypted"),
    ("truncated.pdf", None, "PDF"),
    ("zero.docx", b"", "file is empty"),
    ("fake.docx", b"PK\x03\x04" + bytes(100), "not a .docx"),
    ("text.pdf", b"just some text, not a pdf at all", "content is text, not a .pdf"),
    ("random.docx", bytes(range(1, 256)) * 16, "content is binary data, not a .docx"),
    ("table.xlsx", b"a,b\n1,2\n", "unsupported file type .xlsx"),
    ("bad-utf16.txt", b"\xff\xfe\x00\x81\x00binary\x00\xc3", "UTF-16"),
])
def test_bad_files_are_refused_with_one_line(tmp_path: Path, name: str, data: bytes | None,
                                             reason: str) -> None:
    if name == "encrypted.pdf":
        data = _encrypted_pdf()
    if name == "truncated.pdf":
        data = make_pdf(["Some text on a page that will be cut."] * 3)[:300]
    path = tmp_path / name
    path.write_bytes(data or b"")
    with pytest.raises(SourceRejectedError) as err:
        read_document(path)
    message = str(err.value)
    assert reason in message and "\n" not in message and len(message) < 250


def test_too_large_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB that cost nothing to write
    with pytest.raises(SourceRejectedError, match=r"too large \(50.0 MB > 20 MB limit\)"):
        read_document(path, max_mb=20)


def test_folder_with_odd_names_loads_and_reports(tmp_path: Path, brief_text: str) -> None:
    (tmp_path / "brief with spaces.txt").write_text(brief_text, encoding="utf-8")
    (tmp_path / "서울 브리핑 é.md").write_text("Seoul brief\n\nThe office opened in 2025.",
                                             encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    report = load_briefs(tmp_path)
    assert sorted(b.source for b in report.briefs) == ["brief with spaces.txt", "서울 브리핑 é.md"]
    assert [name for name, _ in report.failed] == ["broken.pdf"]


@pytest.mark.parametrize("given,stored", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("C:\\Users\\me\\Brief à Séoul.PDF", "Brief à Séoul.pdf"),
    (".hidden.md", "hidden.md"),
    ("a/b/c/report 2026 (final).docx", "report 2026 (final).docx"),
    ("name\x00with\ncontrol.txt", "namewithcontrol.txt"),
])
def test_upload_names_are_made_safe(given: str, stored: str) -> None:
    assert safe_source_name(given) == stored


@pytest.mark.parametrize("given", ["", "..", "noextension", "script.sh", "../.txt"])
def test_unusable_upload_names_are_refused(given: str) -> None:
    with pytest.raises(SourceRejectedError, match="unsupported file name"):
        safe_source_name(given)


def test_kind_is_judged_by_content_not_name() -> None:
    pdf = make_pdf(["A real PDF page with text."])
    with pytest.raises(SourceRejectedError, match="content is a PDF, not a .txt file"):
        document_from_bytes("sneaky.txt", pdf)
    assert document_from_bytes("real.pdf", pdf).kind == "pdf"


@pytest.mark.parametrize("head,title,author", [
    ("Central Asian Water and Energy Council: Can Upstream and Downstream Agree?\n\n"
     "Prepared by the Steppe Policy Centre, November 2023.\n\n",
     "Central Asian Water and Energy Council: Can Upstream and Downstream Agree?",
     "Steppe Policy Centre"),  # a title may be a question
    ("ATLANTIC UNIVERSITIES NETWORK (AUN)\nHigher-education cooperation across the Atlantic: a "
     "stocktaking\n\nPrepared by the Lusophone Higher Education Forum, October 2023.\n\n",
     "ATLANTIC UNIVERSITIES NETWORK (AUN)", "Lusophone Higher Education Forum"),  # a subtitle
])
def test_a_brief_s_title_and_author_are_read_from_its_header(tmp_path: Path, head: str,
                                                              title: str, author: str) -> None:
    path = tmp_path / "brief.txt"
    path.write_text(head + "The network links 64 universities in three continents.\n",
                    encoding="utf-8")
    brief = load_brief("brief.txt", path)
    assert (brief.title, brief.author) == (title, author)
    byline = [s.text for s in brief.sentences if s.kind == "byline"]
    assert byline == [head.split("\n\n")[1]], byline  # the citable byline is "Prepared by ..."


def test_an_html_byline_naming_the_kind_of_brief_gives_its_author(tmp_path: Path) -> None:
    path = tmp_path / "brief.html"
    path.write_text(
        "<html><head><title>The Trans-Saharan University Network</title></head><body><article>"
        "<h1>The Trans-Saharan University Network</h1><p class=\"byline\">Policy brief by the "
        "Maghreb-Sahel Education Observatory, March 2024</p><h2>Overview</h2><p>The "
        "Trans-Saharan University Network (TSUN) links 42 universities in 11 countries. It was "
        "founded in 2008 at a meeting of rectors in Fes.</p></article></body></html>",
        encoding="utf-8")
    assert load_brief("brief.html", path).author == "Maghreb-Sahel Education Observatory"
