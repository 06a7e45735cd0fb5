"""Follow-ups rewritten by the language model (the condense step), rules when it cannot help.

A stand-in model shows which questions reach the model, what rewrite is accepted and what
falls back to the rules; the ``llm`` tests run the packaged Qwen2.5-Coder-1.5B.
"""

from __future__ import annotations

from typing import Iterator, Sequence

import pytest

import ikqa
from ikqa.chat import CONDENSE_EXAMPLES, CONDENSE_SYSTEM, condense_prompt, needs_context
from ikqa.errors import ModelServerError
from ikqa.llm import LanguageModel
from ikqa.types import Answer, Turn


class Condenser(LanguageModel):
    """Rewrites every question to ``rewrite`` (or fails); records what it was asked."""

    name = "stand-in condenser"

    def __init__(self, rewrite: str = "", fail: bool = False) -> None:
        self.rewrite, self.fail, self.asked = rewrite, fail, []

    def check(self) -> None:
        pass

    def yes_probability(self, prompts: Sequence) -> list[float]:
        return [0.9 for _ in prompts]

    def complete(self, messages, max_tokens: int = 256, stop=()) -> str:
        if self.fail:
            raise ModelServerError("the model server did not answer: start it")
        self.asked.append(messages[-1].content)
        return self.rewrite

    def stream(self, messages, max_tokens: int = 256, stop=()) -> Iterator[str]:
        yield self.complete(messages, max_tokens, stop)


def _conversation(model: LanguageModel, mode: str = "generative",
                  condense: str = "model") -> ikqa.chat.Conversation:
    assistant = ikqa.Assistant(ikqa.Settings(answer_mode=mode, condense=condense))
    assistant._llm = model
    conversation = assistant.conversation()
    answer = Answer(question="What is FORGE?", short="a United States-led initiative",
                    text="FORGE is a United States-led multinational initiative [1].")
    conversation.turns.append(Turn("What is FORGE?", "What is FORGE?", answer))
    return conversation


@pytest.mark.parametrize("question,leans", [
    ("Who launched it?", True), ("What is its budget?", True), ("And KASA?", True),
    ("On what date?", True), ("What is the budget?", True), ("Which of them is newest?", True),
    ("What is the India-Korea Digital Bridge?", False), ("Where is IKCRI based?", False),
])
def test_a_question_that_leans_on_the_conversation_is_recognised(question: str, leans: bool) -> None:
    assert needs_context(question) is leans


def test_the_condense_prompt_holds_the_earlier_question_its_short_answer_and_the_follow_up() -> None:
    conversation = _conversation(Condenser())
    system, *examples, user = condense_prompt("Who launched it?", conversation.turns[-1])
    assert system.content == CONDENSE_SYSTEM
    assert user.content == ("Earlier question: What is FORGE?\nIts answer: a United States-led "
                            "initiative\nLast question: Who launched it?")
    # worked examples first, as turns: a pronoun after "which" names the answer, else the subject
    assert [m.role for m in examples] == ["user", "assistant"] * len(CONDENSE_EXAMPLES)
    assert examples[1].content == "Where is Nordvik Cycles based?"
    assert examples[3].content == "Who founded Nordvik Cycles?"


def test_a_rewrite_copied_from_a_worked_example_falls_back_to_the_rules() -> None:
    model = Condenser("Who founded Nordvik Cycles?")  # names nothing this conversation named
    assert _conversation(model).standalone("Who launched it?") == "Who launched FORGE?"


def test_with_a_model_the_follow_up_is_the_models_rewrite() -> None:
    model = Condenser("Who launched FORGE?")
    assert _conversation(model).standalone("Who launched it?") == "Who launched FORGE?"
    assert len(model.asked) == 1


def test_a_rewrite_naming_what_the_conversation_never_named_falls_back_to_the_rules() -> None:
    model = Condenser("Who launched the Zorblax Institute?")
    assert _conversation(model).standalone("Who launched it?") == "Who launched FORGE?"


def test_a_rewrite_that_drops_the_follow_ups_own_words_falls_back_to_the_rules() -> None:
    model = Condenser("What is FORGE?")  # the earlier question again, not "launched"
    assert _conversation(model).standalone("Who launched it?") == "Who launched FORGE?"


def test_a_rewrite_that_runs_on_falls_back_to_the_rules() -> None:
    model = Condenser("Who launched FORGE? " + "FORGE is a United States-led initiative. " * 8)
    assert _conversation(model).standalone("Who launched it?") == "Who launched FORGE?"


def test_a_rewrite_holding_two_questions_falls_back_to_the_rules() -> None:
    model = Condenser("What is FORGE? And who launched it?")
    assert _conversation(model).standalone("Who launched it?") == "Who launched FORGE?"


def test_a_name_alone_given_back_unresolved_falls_back_to_the_rules() -> None:
    model = Condenser("And KASA?")
    assert _conversation(model).standalone("And KASA?") == "What is KASA?"
    model = Condenser("And to young researchers?")  # not a name alone: the model's reading stands
    assert _conversation(model).standalone("And to young researchers?") == "And to young researchers?"


def test_a_rewrite_reading_it_as_the_person_just_named_falls_back_to_the_rules() -> None:
    conversation = _conversation(Condenser("Where is Tomasz Wieczorek based?"))
    answer = Answer(question="Who leads the Blue Corridor Programme?", short="Tomasz Wieczorek",
                    text="The programme is led by Tomasz Wieczorek [1].")
    conversation.turns.append(Turn("Who leads the Blue Corridor Programme?",
                                   "Who leads the Blue Corridor Programme?", answer))
    assert conversation.standalone("Where is it based?") == "Where is the Blue Corridor Programme based?"
    conversation.assistant._llm = Condenser("Where is Tomasz Wieczorek's Blue Corridor Programme based?")
    assert conversation.standalone("Where is it based?") == \
        "Where is Tomasz Wieczorek's Blue Corridor Programme based?"  # it is kept: not replaced


def test_the_person_just_named_is_recognised_however_the_model_punctuates_the_title() -> None:
    conversation = _conversation(Condenser("When was Dr. Sarah Pokiak founded?"))
    answer = Answer(question="Who leads the Arctic Science Fund?", short="Dr Sarah Pokiak",
                    text="- Arctic Health, led by Dr Sarah Pokiak [1]")
    conversation.turns.append(Turn("Who leads it?", "Who leads the Arctic Science Fund?", answer))
    assert conversation.standalone("When was it founded?") == \
        "When was the Arctic Science Fund founded?"


def test_a_failing_model_falls_back_to_the_rules() -> None:
    assert _conversation(Condenser(fail=True)).standalone("Who launched it?") == "Who launched FORGE?"


def test_a_question_that_stands_alone_and_extractive_mode_never_ask_the_model() -> None:
    model = Condenser("Who launched FORGE?")
    assert _conversation(model).standalone("Where is IKCRI based?") == "Where is IKCRI based?"
    assert _conversation(model, mode="extractive").standalone("Who launched it?") == \
        "Who launched FORGE?"
    assert model.asked == []


def test_with_condense_rules_the_model_is_never_asked_even_in_a_model_mode() -> None:
    model = Condenser("Who launched the FORGE initiative?")
    assert ikqa.Settings().condense == "model"  # chosen on the dev conversations
    assert _conversation(model, condense="rules").standalone("Who launched it?") == \
        "Who launched FORGE?"
    assert model.asked == []


def test_an_unknown_condense_step_is_a_one_line_settings_error() -> None:
    with pytest.raises(ikqa.errors.SettingsError, match="IKQA_CONDENSE"):
        ikqa.Settings(condense="psychic")


@pytest.mark.slow
@pytest.mark.llm
def test_qwen_rewrites_follow_ups_into_standalone_questions(built_settings: ikqa.Settings) -> None:
    """The real model, through a real conversation over the seed brief: the rewrite is what
    the answer is searched with, and it is shown as the turn's standalone question."""
    conversation = ikqa.Assistant(built_settings.replace(answer_mode="generative",
                                                         condense="model")).conversation()
    conversation.ask("What is FORGE?")
    answer = conversation.ask("When was it launched?")
    assert "FORGE" in answer.standalone_question and "February 2026" in answer.text
    assert answer.to_dict()["standalone_question"] == answer.standalone_question
