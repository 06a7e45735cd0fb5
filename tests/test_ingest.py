"""Sentence splitting with exact offsets, header reading, chunking, and loading bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikqa.errors import SourcesError
from ikqa.indexing.briefs import load_briefs, make_chunks, parse_brief, split_sentences


def test_every_sentence_span_is_exact(brief_text: str) -> None:
    sentences = split_sentences(brief_text)
    assert len(sentences) >= 25
    for s in sentences:
        assert brief_text[s.start:s.end] == s.text
        assert s.text == s.text.strip()


def test_sentences_cover_all_body_text_in_order(brief_text: str) -> None:
    sentences = split_sentences(brief_text)
    starts = [s.start for s in sentences]
    assert starts == sorted(starts)
    rebuilt = "".join(brief_text[s.start:s.end] for s in sentences)
    assert "".join(rebuilt.split()) == "".join(brief_text.split())


@pytest.mark.parametrize("phrase", [
    "President H.E. Lee Jae Myung to India",
    "Sanjeev K. Varshney",
    "Memorandum of Understanding (MoU) was signed",
])
def test_abbreviations_and_initials_do_not_split(brief_text: str, phrase: str) -> None:
    sentences = split_sentences(brief_text)
    assert any(phrase in s.text for s in sentences)


def test_abbreviations_in_general_prose() -> None:
    text = ("The talks were led by Dr. A. K. Rao of the U.S. office. "
            "H.E. Kim met Prof. Lee on 3 Jan. 2026 in Seoul. It went well.")
    got = [s.text for s in split_sentences(text)]
    assert got == ["The talks were led by Dr. A. K. Rao of the U.S. office.",
                   "H.E. Kim met Prof. Lee on 3 Jan. 2026 in Seoul.", "It went well."]


def test_a_title_before_a_name_and_approx_do_not_end_a_sentence() -> None:
    text = ("It is headed by the conservator Ma. Lourdes Dimaculangan. Mme. Aubry chairs it. "
            "The institute conserves approx. 18,500 accessions. It was founded c. 1500. "
            "Dr. Ana Lobo became its head, succeeding Eng. Rui Nunes. "
            "IHR is directed by Dr. hab. Tomasz Wójcik.")
    got = [s.text for s in split_sentences(text)]
    assert got == ["It is headed by the conservator Ma. Lourdes Dimaculangan.",
                   "Mme. Aubry chairs it.", "The institute conserves approx. 18,500 accessions.",
                   "It was founded c. 1500.", "Dr. Ana Lobo became its head, succeeding Eng. Rui Nunes.",
                   "IHR is directed by Dr. hab. Tomasz Wójcik."]


def test_title_and_author_come_from_the_header(brief_text: str) -> None:
    brief = parse_brief("brief.txt", brief_text)
    assert brief.title == "India-Republic of Korea Scientific Cooperation"
    assert brief.author == "Sanjeev K. Varshney"


def test_a_brief_without_header_takes_its_file_name_as_title() -> None:
    brief = parse_brief("notes/plain-brief.txt", "First sentence here. Second one follows.")
    assert brief.title == "plain-brief"
    assert brief.author == ""
    assert [s.kind for s in brief.sentences] == ["body", "body"]


def test_a_short_line_standing_alone_in_the_body_is_a_section_heading_not_a_list_item() -> None:
    text = ("Kestrel Soil Carbon Initiative\n\nKestrel measures carbon in farm soils.\n\n"
            "Partners\n\n- University of Warsaw\n- Wageningen University\n\n"
            "2. Funding and governance\n\nIt receives 3.1 million euros a year.\n\n"
            "Seoul\n\nBusan\n\nDaejeon\n\nThe three cities host the labs.\n\n"
            "- A bullet on its own\n\nA closing remark.\n\nLast line without a stop")
    kinds = {s.text: s.kind for s in split_sentences(text)}
    assert kinds["Partners"] == kinds["2. Funding and governance"] == "heading"
    assert kinds["- University of Warsaw"] == "body"
    # a list with blank lines between its items, a bullet, a last line: not headings
    assert {kinds[t] for t in ("Seoul", "Busan", "Daejeon", "- A bullet on its own",
                               "Last line without a stop")} == {"body"}


def test_a_numbered_section_name_run_into_its_paragraph_is_its_heading_and_chunked_with_it(
        ) -> None:
    """Minutes and reports run a numbered item's name into its paragraph: "4.1 LICEGEN. Dr.
    Bøe reported ...". The name heads the sentences after it; a numbered sentence ("1. Mr.
    Lee opened the meeting."), a lone numbered line and a longer opening sentence do not."""
    text = ("Minutes of the seventh meeting\n\n4. PROGRESS OF PROJECTS\n\n"
            "4.1 LICEGEN. Dr. Bøe reported that genotyping is complete. The project remains "
            "within its budget of NOK 14.2 million.\n\n"
            "4.2 eDNA-CAGE and GENOBANK. Both projects sent written updates.\n\n"
            "4.3 The committee noted the delays. It asked for a new plan.\n\n"
            "1. Mr. Lee opened the meeting. He welcomed members.\n\n4.4 Budget.\n")
    brief = parse_brief("m.txt", text)
    kinds = {s.text: s.kind for s in brief.sentences}
    assert kinds["4.1 LICEGEN."] == kinds["4.2 eDNA-CAGE and GENOBANK."] == "heading"
    assert kinds["Dr. Bøe reported that genotyping is complete."] == "body"
    assert kinds["4.3 The committee noted the delays."] == "body"
    assert kinds["4.4 Budget."] == "body"  # nothing after it in its paragraph
    assert not any(k == "heading" for t, k in kinds.items() if "Lee" in t)
    chunks = [c.text for c in make_chunks(brief)]
    assert any(c.startswith("4.1 LICEGEN.") and "NOK 14.2 million" in c for c in chunks), chunks


def test_hard_wrapped_prose_is_cut_into_sentences_not_lines() -> None:
    """Text wrapped at a fixed width (plain text, Markdown, PDF lines) breaks lines inside
    sentences: "directed by Dr. Amara⏎Okonkwo-Lind" is one sentence, spans still exact. A
    break before a bullet or "2." and after a heading line stays."""
    text = ("Tidewater Programme\n\nThe Tidewater programme is directed by Dr. Amara\n"
            "Okonkwo-Lind, a coastal engineer. It was launched in\n2018 in Lisbon with a budget "
            "of 14 million euros.\nFunding\nThe programme receives a grant of about\n3 million "
            "euros from the EEA Grants.\n- Porto, which hosts the\n  modelling team\n"
            "2. A second point.")
    sentences = [s for s in split_sentences(text) if s.kind == "body"]
    for s in sentences:
        assert text[s.start:s.end] == s.text
    flat = [" ".join(s.text.split()) for s in sentences]
    assert flat == ["The Tidewater programme is directed by Dr. Amara Okonkwo-Lind, a coastal "
                    "engineer.",
                    "It was launched in 2018 in Lisbon with a budget of 14 million euros.",
                    "Funding",
                    "The programme receives a grant of about 3 million euros from the EEA Grants.",
                    "- Porto, which hosts the modelling team", "2. A second point."]


def test_a_heading_opening_its_paragraph_and_a_list_without_bullets_are_cut_line_by_line() -> None:
    """Plain text with headings as short lines: "Partners⏎University of Gdańsk⏎Aalborg
    University" is a heading and two items, each item embedded after its heading."""
    from ikqa.indexing.briefs import list_leads
    from ikqa.indexing.records import sentence_search_text

    text = ("Harbourline Urban Water Initiative\n\nOverview\nThe Harbourline Urban Water "
            "Initiative (HUWI) works with port cities around the Baltic Sea to\nmanage "
            "stormwater.\n\nPartners\nUniversity of Gdańsk\nAalborg University\n")
    brief = parse_brief("h.txt", text)
    got = [(s.kind, " ".join(s.text.split())) for s in brief.sentences]
    assert got[1:] == [("heading", "Overview"),
                       ("body", "The Harbourline Urban Water Initiative (HUWI) works with port "
                                "cities around the Baltic Sea to manage stormwater."),
                       ("heading", "Partners"), ("body", "University of Gdańsk"),
                       ("body", "Aalborg University")]
    leads = list_leads(brief.sentences)
    aalborg = brief.sentences[-1]
    assert leads[aalborg.id].text == "Partners"
    assert sentence_search_text(aalborg, brief.title, leads[aalborg.id]) == \
        "Partners: Aalborg University"


def test_a_section_name_after_the_title_is_a_heading_not_the_author() -> None:
    for name in ("Summary", "Key findings"):
        brief = parse_brief("x.md", f"Tidewater Programme\n\n{name}\n\nThe programme is big.")
        assert brief.author == "" and brief.sentences[1].kind == "heading"
    byline = parse_brief("x.txt", "Tidewater\n\nOffice for Coastal Policy Analysis\n\nIt is big.")
    assert byline.author == "Office for Coastal Policy Analysis"


def test_a_heading_is_chunked_with_the_paragraph_it_heads() -> None:
    brief = parse_brief("k.md", "Kestrel\n\nKestrel measures soils.\n\nPartners\n\n"
                                "- University of Warsaw\n- Wageningen University\n")
    texts = [c.text for c in make_chunks(brief)]
    assert any(t.startswith("Partners") and "Wageningen" in t for t in texts)
    html_like = parse_brief("k.html", "Kestrel\n\nKestrel measures soils.\n\nPartners\n\n"
                                      "- University of Warsaw\n\n- Wageningen University\n\n"
                                      "Funding\n\nKestrel receives 3.1 million euros.")
    assert [s.text for s in html_like.sentences if s.kind == "heading"] == ["Partners", "Funding"]
    assert "Partners\n\n- University of Warsaw\n\n- Wageningen University" in [
        c.text for c in make_chunks(html_like)]  # one list item a paragraph: still one chunk


def test_chunks_hold_whole_sentences_within_one_paragraph(brief_text: str) -> None:
    brief = parse_brief("brief.txt", brief_text)
    by_id = {s.id: s for s in brief.sentences}
    chunks = make_chunks(brief, target_words=60, overlap=1)
    covered = {sid for c in chunks for sid in c.sentence_ids}
    assert covered == set(by_id)
    for c in chunks:
        members = [by_id[i] for i in c.sentence_ids]
        assert len({m.paragraph for m in members if m.kind == "body"}) <= 1
        assert brief_text[c.start:c.end] == c.text
        assert c.text.startswith(members[0].text) and c.text.endswith(members[-1].text)


def test_long_paragraph_gives_overlapping_chunks(brief_text: str) -> None:
    brief = parse_brief("brief.txt", brief_text)
    chunks = make_chunks(brief, target_words=40, overlap=1)
    shared = [set(a.sentence_ids) & set(b.sentence_ids) for a, b in zip(chunks, chunks[1:])]
    assert any(shared)


def test_broken_files_are_reported_and_the_rest_loaded(tmp_path: Path, brief_text: str) -> None:
    (tmp_path / "good.txt").write_text(brief_text, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "junk.txt").write_bytes(b"\xff\xfe\x00\x81\x00binary\x00\xc3")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n")
    report = load_briefs(tmp_path)
    assert [b.source for b in report.briefs] == ["good.txt"]
    failed = dict(report.failed)
    assert set(failed) == {"empty.txt", "junk.txt", "image.png"}
    assert all(reason and "\n" not in reason for reason in failed.values())


def test_missing_or_non_folder_sources_raise_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="not found"):
        load_briefs(tmp_path / "nope")
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(SourcesError, match="not a folder"):
        load_briefs(tmp_path / "file.txt")


def test_chunks_record_sentence_spans_hash_and_author(brief_text: str) -> None:
    import hashlib

    brief = parse_brief("brief.txt", brief_text)
    for c in make_chunks(brief):
        assert len(c.sentence_spans) == len(c.sentence_ids)
        assert all(brief_text[a:b] in c.text for a, b in c.sentence_spans)
        assert c.sha256 == hashlib.sha256(c.text.encode("utf-8")).hexdigest()
        assert c.author == "Sanjeev K. Varshney"


def test_a_first_ingest_that_fails_leaves_no_empty_index_folder(tmp_path: Path) -> None:
    import ikqa
    from ikqa.indexing.run import run_ingest

    settings = ikqa.Settings(sources_dir=tmp_path / "nope", index_dir=tmp_path / "ix")
    with pytest.raises(SourcesError, match="not found"):
        run_ingest(settings)
    assert not settings.index_dir.exists()


def test_the_author_is_the_byline_line_that_names_a_person_not_a_series_number() -> None:
    brief = parse_brief("helix.txt", "Helix Urban Mobility Initiative\nPolicy Brief No. 7\n"
                                     "Jonas Ferreira, Institute for Transport Futures\n\n"
                                     "The initiative is led by Professor Annika Lindqvist.\n")
    assert brief.author == "Jonas Ferreira, Institute for Transport Futures"
    assert parse_brief("blue.txt", "The Blue Corridor Programme\n\nBriefing note, Baltic Mobility "
                                   "Office\n\nThe programme is led by Tomasz Wieczorek.\n").author == ""


@pytest.mark.parametrize("header,author,kind", [
    ("Prepared by the Delta Policy Unit, January 2025.", "Delta Policy Unit", "byline"),
    ("By Dr. Ana Silva, Lisbon Institute", "Dr. Ana Silva", "byline"),
    ("Written by: Jane Doe\nMarch 2026", "Jane Doe", "byline"),
    ("Headquarters: Lisbon", "", "body"),  # a fact under the title, not who wrote it
    ("By 2030, the programme will cover every district.", "", "body"),
])
def test_a_byline_may_be_written_as_a_sentence_and_a_labelled_fact_is_not_one(
        header: str, author: str, kind: str) -> None:
    brief = parse_brief("k.txt", f"Kestrel Programme\n\n{header}\n\nThe programme was founded "
                                 "in 2011 and is based in Porto.\n")
    assert brief.author == author
    assert brief.sentences[1].kind == kind and brief.sentences[1].text.startswith(header[:12])


def test_a_list_or_table_written_a_paragraph_per_line_is_one_chunk_and_a_heading_follows_it() -> None:
    """As Word and HTML give them: each row and item a paragraph of its own."""
    brief = parse_brief("agon.docx", "Glacier Network\n\nThe network was founded in 1998 in "
                                     "Huaraz.\n\n| Year | Budget (PEN million) |\n\n| 2022 | 12.9 |"
                                     "\n\n| 2023 | 13.8 |\n\nObjectives\n\nThe network has two objectives:"
                                     "\n\n1. Publish an inventory.\n\n2. Train monitors.\n")
    kinds = {s.text: s.kind for s in brief.sentences}
    assert kinds["Objectives"] == "heading"
    chunks = [c.text for c in make_chunks(brief)]
    assert any("2022 | 12.9" in c and "2023 | 13.8" in c and "Year | Budget" in c for c in chunks)
    assert any("two objectives:" in c and "1. Publish" in c and "2. Train" in c for c in chunks)


@pytest.mark.parametrize("header,title,author", [
    ("The Commission for Alpine Lakes: A Policy Brief\nPrepared by the Lakes Desk, March 2025.",
     "The Commission for Alpine Lakes: A Policy Brief", "Lakes Desk"),
    ("Seto Inland Sea Consortium\n(SIRC)", "Seto Inland Sea Consortium\n(SIRC)", ""),
    ("The Baltic Harbour Fund:\nProgrammes 2021-2027", "The Baltic Harbour Fund:\nProgrammes 2021-2027", ""),
])
def test_a_title_may_run_over_two_lines_and_share_its_paragraph_with_a_byline(
        header: str, title: str, author: str) -> None:
    brief = parse_brief("b.txt", f"{header}\n\nThe commission was founded in 1781 in Lausanne.\n")
    assert (brief.sentences[0].kind, brief.sentences[0].text, brief.author) == ("title", title, author)


def test_a_table_row_is_embedded_under_its_header_row() -> None:
    from ikqa.indexing.briefs import list_leads

    brief = parse_brief("t.md", "Funding\n\nThe accord is funded by both states.\n\n| Year | NOK million |"
                                "\n|---|---|\n| 2021 | 32 |\n| 2022 | 45 |\n")
    leads = list_leads(brief.sentences)
    rows = {s.text: leads.get(s.id) for s in brief.sentences if "|" in s.text}
    assert rows["| Year | NOK million |"] is None
    assert rows["| 2022 | 45 |"].text == rows["| 2021 | 32 |"].text == "| Year | NOK million |"


def test_a_title_may_end_with_an_abbreviation_and_a_file_name_title_is_read_as_words() -> None:
    brief = parse_brief("clubs/ashcombe_rovers.txt",
                        "Ashcombe Rovers F.C.\n\nAshcombe Rovers Football Club is a football club. "
                        "The team competes in League One.")
    assert brief.title == "Ashcombe Rovers F.C."
    assert [s.kind for s in brief.sentences] == ["title", "body", "body"]
    assert parse_brief("notes/ashcombe_rovers.txt", "It plays in League One. It was founded in "
                       "1887.").title == "ashcombe rovers"
