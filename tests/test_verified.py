"""``answer_mode = verified``: the packaged model confirms the cited sentence, or ikqa abstains.

The model tests run the real Qwen2.5-Coder-1.5B through xllamacpp over a real index of the
seed brief. The logic tests (which candidates are judged, in what order, when no model is
needed, what happens when it fails) use a stand-in that records its prompts.
"""

from __future__ import annotations

from typing import Iterator, Sequence

import pytest

import ikqa
from ikqa.errors import ModelServerError
from ikqa.llm import LanguageModel
from ikqa.answering.verify import SYSTEM, candidates, judge_prompt


class Judge(LanguageModel):
    """Says yes to the passages that hold ``yes_to`` (records every prompt it is shown)."""

    name = "stand-in judge"

    def __init__(self, yes_to: str = "", fail: bool = False) -> None:
        self.yes_to, self.fail, self.prompts = yes_to, fail, []

    def check(self) -> None:
        pass

    def yes_probability(self, prompts: Sequence) -> list[float]:
        if self.fail:
            raise ModelServerError("the model server did not answer: start it")
        self.prompts += list(prompts)
        return [0.9 if self.yes_to and self.yes_to in p[-1].content else 0.1 for p in prompts]

    def complete(self, messages, max_tokens: int = 256, stop=()) -> str:
        return ""

    def stream(self, messages, max_tokens: int = 256, stop=()) -> Iterator[str]:
        yield from ()


@pytest.fixture
def verified(built_settings: ikqa.Settings) -> ikqa.Assistant:
    return ikqa.Assistant(built_settings.replace(answer_mode="verified"))


def _with_judge(assistant: ikqa.Assistant, judge: Judge) -> ikqa.Assistant:
    assistant._llm = judge
    return assistant


def test_the_judge_prompt_holds_the_passage_and_the_question() -> None:
    messages = judge_prompt(" Where is IKCRI based? ", "[Brief] IKCRI is based in New Delhi.")
    assert messages[0].content == SYSTEM and messages[0].role == "system"
    assert "Passage: [Brief] IKCRI is based in New Delhi." in messages[1].content
    assert "Question: Where is IKCRI based?\n" in messages[1].content


@pytest.mark.slow
def test_a_confirmed_top_sentence_is_the_extractive_answer_with_the_models_confidence(
        verified: ikqa.Assistant, assistant: ikqa.Assistant) -> None:
    judge = Judge(yes_to="based in New Delhi")
    answer = _with_judge(verified, judge).ask("Where is IKCRI based?")
    assert answer.mode == "verified" and not answer.abstained
    assert answer.text == assistant.ask("Where is IKCRI based?").text
    assert answer.confidence == pytest.approx(0.9) and len(judge.prompts) == 1  # stopped at once


@pytest.mark.slow
def test_a_lower_candidate_the_model_confirms_becomes_the_answer(verified: ikqa.Assistant) -> None:
    judge = Judge(yes_to="Bangalore which serves")  # IKSTC's sentence, not the top one
    answer = _with_judge(verified, judge).ask("Which centre is a global knowledge platform?")
    assert "IKSTC" in answer.text and answer.citations[0].text.startswith("There is an India Korea")


@pytest.mark.slow
def test_when_the_model_confirms_nothing_ikqa_abstains_and_says_why(verified: ikqa.Assistant) -> None:
    judge = Judge(yes_to="no passage holds this")
    answer = _with_judge(verified, judge).ask("Where is IKCRI based?")
    assert answer.abstained and answer.citations == [] and "language model" in answer.note
    on_subject = candidates(verified.retrieve("Where is IKCRI based?"),
                            verified.settings.verify_candidates)
    assert len(judge.prompts) == len(on_subject) >= 1  # every candidate was read, none passed


def test_the_model_reads_only_sentences_that_state_the_fact_about_the_questions_subject(
        verified: ikqa.Assistant) -> None:
    """"IKCRI ... is based in New Delhi" is a place, but not IKSTC's: never shown to the model."""
    retrieval = verified.retrieve("Where is IKSTC based?")
    pool = candidates(retrieval, verified.settings.verify_candidates)
    assert pool and all(e.typed and e.anchored for e in pool)
    assert "Bangalore" in pool[0].text and not any("New Delhi" in e.text for e in pool)
    assert any("New Delhi" in e.text for e in retrieval.evidence)  # retrieved, then kept out


@pytest.mark.slow
def test_a_name_no_brief_mentions_abstains_without_asking_the_model(verified: ikqa.Assistant) -> None:
    judge = Judge(yes_to="IKCRI")
    answer = _with_judge(verified, judge).ask("Who heads the Zorblax Institute in New Delhi?")
    assert answer.abstained and judge.prompts == []


@pytest.mark.slow
def test_a_failing_model_falls_back_to_the_extractive_answer_with_a_note(
        verified: ikqa.Assistant) -> None:
    answer = _with_judge(verified, Judge(fail=True)).ask("Where is IKCRI based?")
    assert not answer.abstained and "New Delhi" in answer.text
    assert answer.note.startswith("Not checked by the language model") and "\n" not in answer.note


@pytest.mark.slow
def test_an_unreachable_model_server_is_a_note_not_an_error(built_settings: ikqa.Settings) -> None:
    settings = built_settings.replace(answer_mode="verified", llm="openai",
                                      llm_url="http://127.0.0.1:9/v1", llm_model="m", llm_timeout=5)
    answer = ikqa.Assistant(settings).ask("Where is IKCRI based?")
    assert "New Delhi" in answer.text and "Not checked" in answer.note


@pytest.mark.slow
@pytest.mark.llm
def test_qwen_confirms_an_answer_and_rejects_a_near_miss(verified: ikqa.Assistant) -> None:
    """The real packaged model: a stated fact passes; a question the brief only seems to answer
    (it names the initiative but never says who launched it), which the extractive layer
    answers, is refused."""
    right = verified.ask("Where is the India Korea Centre for Research & Innovation based?")
    assert not right.abstained and "New Delhi" in right.text and right.confidence >= 0.7
    question = "Who launched the Pax Silica initiative?"
    assert not verified.explain(question, mode="extractive")[0].abstained
    near_miss = verified.ask(question)
    assert near_miss.abstained and "language model" in near_miss.note, near_miss.text
