"""Round trip on a real index (real MiniLM, real Chroma): answers, citation spans, abstention."""

from __future__ import annotations

from dataclasses import replace

import pytest

import ikqa
from ikqa.answering.compose import is_list_question
from qa_cases import ANSWERABLE, UNANSWERABLE
from conftest import BRIEF

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("question,expected,cited", ANSWERABLE, ids=[q for q, _, _ in ANSWERABLE])
def test_answerable_question_gets_a_cited_answer(assistant: ikqa.Assistant, question: str,
                                                 expected: list[str], cited: str) -> None:
    answer = assistant.ask(question)
    assert not answer.abstained, answer.text
    assert any(e.lower() in answer.text.lower() for e in expected), answer.text
    assert any(cited in c.text for c in answer.citations), [c.text for c in answer.citations]
    budget = 120 if is_list_question(question) else 60  # a list answer may gather several sentences
    assert len(answer.text.split()) <= budget + 3 * len(answer.citations)


@pytest.mark.parametrize("question,expected,cited", ANSWERABLE[:8])
def test_every_marker_points_to_the_exact_source_span(assistant: ikqa.Assistant, question: str,
                                                      expected: list[str], cited: str) -> None:
    answer = assistant.ask(question)
    source = BRIEF.read_text(encoding="utf-8")
    assert answer.citations
    for c in answer.citations:
        assert f"[{c.marker}]" in answer.text
        assert source[c.start:c.end] == c.text
        assert c.source == BRIEF.name
        assert c.title == "India-Republic of Korea Scientific Cooperation"
        assert 0.0 < c.score


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_question_the_brief_cannot_answer_abstains(assistant: ikqa.Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained, answer.text
    assert answer.citations == []
    assert "don't say" in answer.text


def test_an_abstention_names_the_unknown_name_as_the_question_spells_it(
        assistant: ikqa.Assistant) -> None:
    answer = assistant.ask("What is the capital of France?")
    assert answer.abstained and "never mention France" in answer.note, answer.note


def test_abstention_offers_related_passages(assistant: ikqa.Assistant) -> None:
    answer = assistant.ask("What is the annual budget of IKCRI?")
    assert answer.abstained
    assert any("IKCRI" in r.text for r in answer.related)


def test_empty_question_is_refused(assistant: ikqa.Assistant) -> None:
    with pytest.raises(ikqa.EmptyQuestionError):
        assistant.ask("   ")


@pytest.mark.parametrize("question", ["??", "the", "x", "a b c"])
def test_question_without_a_searchable_word_abstains_instead_of_failing(
        assistant: ikqa.Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained
    assert answer.citations == []


@pytest.mark.parametrize("question,is_list", [
    ("Which topics were discussed?", True),
    ("How many focus areas does the brief list?", True),
    ("How many principles are named, and which are they?", True),
    ("How many defense startups have joined KIND-X?", False),
    ("Where is IKCRI based?", False),
])
def test_questions_that_ask_for_several_items(question: str, is_list: bool) -> None:
    assert is_list_question(question) is is_list


@pytest.mark.parametrize("question,parts", [
    ("Which agency partners with ISRO, and on what date did that group begin?",
     ["Which agency partners with ISRO?", "On what date did that group begin?"]),
    ("Where is IKCRI based and what does it do?", ["Where is IKCRI based?", "What does it do?"]),
    ("What is FORGE?", ["What is FORGE?"]),
    ("Which research and development bodies exist?", ["Which research and development bodies exist?"]),
    ("On what date, and in which city, was the new Board chair elected?",  # one clause, two asks
     ["On what date was the new Board chair elected?", "In which city was the new Board chair elected?"]),
    ("Where and when will the committee meet next?",
     ["Where will the committee meet next?", "When will the committee meet next?"]),
])
def test_a_two_part_question_is_split_into_its_questions(question: str, parts: list[str]) -> None:
    from ikqa.answering.compose import sub_questions

    assert sub_questions(question) == parts


@pytest.mark.slow
def test_a_two_part_question_cites_a_sentence_for_each_part(assistant: ikqa.Assistant) -> None:
    answer = assistant.ask("Which Korean agency works with ISRO in the space working group, "
                           "and on what date did that group begin?")
    assert "Korea Aerospace Administration" in answer.text and "20th April 2026" in answer.text
    assert len(answer.citations) >= 2


def test_two_parts_answered_by_one_sentence_give_it_once_with_one_marker() -> None:
    from ikqa.answering.compose import joined_answer
    from ikqa.types import Answer, Citation

    def cited(start: int, text: str) -> Citation:
        return Citation(marker=1, source="a.txt", title="A", text=text, start=start,
                        end=start + len(text), score=1.0)

    hosted = cited(0, "It will be hosted in Tromsø and run by June 2025.")
    board = cited(60, "The Board proposed it.")
    parts = [Answer(question="Which city?", text=f"{hosted.text} [1]", citations=[hosted]),
             Answer(question="By when?", text=f"{hosted.text} [1] {board.text} [2]",
                    citations=[hosted, replace(board, marker=2)])]
    joined = joined_answer("Which city, and by when?", parts)
    assert joined.text == f"{hosted.text} [1] {board.text} [2]"
    assert [c.marker for c in joined.citations] == [1, 2]
    assert [c.start for c in joined.citations] == [0, 60]


@pytest.mark.slow
def test_a_question_dated_otherwise_than_the_brief_abstains_and_says_which_number(
        assistant: ikqa.Assistant) -> None:
    asked = "Which joint group began with the India–ROK Space Day held on 20th April {}?"
    right = assistant.ask(asked.format(2026))
    assert not right.abstained and any("20th April 2026" in c.text for c in right.citations)
    assert "Joint Working Group between Indian Space Research" in right.text  # names the group
    wrong = assistant.ask(asked.format(2024))  # the brief's sentence is about 2026
    assert wrong.abstained and "2024" in wrong.note
