"""Follow-up questions are rewritten from the previous turn, and conversations stay apart."""

from __future__ import annotations

import pytest

import ikqa
from ikqa.chat import rewrite_follow_up, subject_of
from ikqa.types import Answer, Turn


def _turn(question: str, answer_text: str = "") -> Turn:
    return Turn(question, question, Answer(question=question, text=answer_text))


@pytest.mark.parametrize("previous,follow_up,expected", [
    ("What is IKCRI?", "Where is it based?", "Where is IKCRI based?"),
    ("What is FORGE?", "Who launched it?", "Who launched FORGE?"),
    ("What does KIND-X connect?", "What are its goals?", "What are KIND-X's goals?"),
    ("Where is IKCRI based?", "And IKSTC?", "Where is IKSTC based?"),
    ("What is FORGE?", "What is the India-Korea Digital Bridge?", "What is the India-Korea Digital Bridge?"),
    ("Which institutional mechanisms has Korea launched?", "Which of them is newly launched?",
     "Which of the institutional mechanisms is newly launched?"),
    ("Which of Korea's centres is newest?", "What is its purpose?", "What is Korea's purpose?"),
    ("What did Lee Jae Myung discuss?", "Which topic has its own accelerator?",
     "Which topic has its own accelerator?"),  # "its own" points inside its own question
    ("What was the Helix budget for 2024?", "And what about Aurora?",
     "What was the Aurora budget for 2024?"),
    ("Where are the Observatory headquarters?", "And the Academia Real de Lisboa?",
     "Where are the Academia Real de Lisboa headquarters?"),  # one "the", not two
    ("Where are its headquarters?", "And the institute in Belém, when did it open?",
     "When did the institute in Belém open?"),  # a named thing, then a question about it
    ("Who directs the Joint Fisheries Centre?", "And the Salmon Task Force — where is that run "
     "out of?", "Where is the Salmon Task Force run out of?"),  # named, a dash, then asked
    ("Who heads IJRI?", "What about the materials laboratory in Sendai? Who heads that one?",
     "Who heads the materials laboratory in Sendai?"),
    ("What is IKCRI?", "And what is its purpose?", "What is IKCRI's purpose?"),
    ("Where is the Norway–Chile Joint Science Accord based?", "And its budget?",
     "What is Norway–Chile Joint Science Accord's budget?"),  # not a new subject "its budget"
    ("Who chairs the Canada–Vietnam Research Partnership?", "What about the Finland–Argentina "
     "agreement?", "Who chairs the Finland–Argentina agreement?"),  # a dashed name is one name
    ("How many solar cold rooms were running by 30 September 2024?", "How many of those were in "
     "Ghana?", "How many of the solar cold rooms were in Ghana?"),  # not "of September"
    ("How many TriCool fellowships were handed out in 2023?", "How many went to Vietnamese "
     "researchers?", "How many TriCool fellowships went to Vietnamese researchers?"),
    ("How many fellowships were handed out in 2023?", "And in 2022?",
     "How many fellowships were handed out in 2022?"),  # another year
    ("How many went to Vietnamese researchers?", "And in 2022?",
     "How many went to Vietnamese researchers in 2022?"),
    ("How many cold rooms were running in Viet Nam?", "And in Ghana?",
     "How many cold rooms were running in Ghana?"),  # another place
    ("Who directs the Kumasi post-harvest institute?", "And its Hanoi counterpart?",
     "Who directs the Hanoi post-harvest institute?"),
])
def test_follow_up_is_rewritten_from_the_previous_question(previous: str, follow_up: str,
                                                           expected: str) -> None:
    assert rewrite_follow_up(follow_up, [_turn(previous)]) == expected


def test_after_a_who_question_it_is_the_thing_asked_about_and_he_is_the_person() -> None:
    turn = Turn("Who leads the Blue Corridor Programme?", "Who leads the Blue Corridor Programme?",
                Answer(question="Who leads the Blue Corridor Programme?", short="Tomasz Wieczorek",
                       text="The programme is led by Tomasz Wieczorek [1]."))
    assert rewrite_follow_up("Where is it based?", [turn]) == "Where is the Blue Corridor Programme based?"
    wrote = Turn("Who wrote the mid-term evaluation of the program?",
                 "Who wrote the mid-term evaluation of the program?",
                 Answer(question="", short="Dr. Helena Brunner", text="Dr. Helena Brunner [1]."))
    assert rewrite_follow_up("When was it published?", [wrote]) == \
        "When was the mid-term evaluation of the program published?"
    assert rewrite_follow_up("What is his background?", [turn]) == \
        "What is Tomasz Wieczorek's background?"


def test_a_name_with_lower_case_words_of_its_language_is_one_name() -> None:
    """"Centro de Investigación en Macroalgas Australes" is the centre answered, not
    "Macroalgas Australes"; in a glossary's bold it is the same name."""
    for name in ("Centro de Investigación en Macroalgas Australes (CIMA)",
                 "**Centro de Investigación en Macroalgas Australes (CIMA)**"):
        node = _turn("Which centre serves as TRIMARA's research node in Chile?",
                     f"{name}, in Puerto Montt, Chile, was founded in 2009. [1]")
        assert rewrite_follow_up("Who heads it?", [node]) == \
            "Who heads Centro de Investigación en Macroalgas Australes?"


def test_the_time_a_question_is_asked_at_is_not_what_it_is_about() -> None:
    runs = _turn("Who runs the lab today?", "Prof. Øystein Bjørnstad has directed BKL since 2015.")
    assert rewrite_follow_up("How many nationalities are among its staff?", [runs]) == \
        "How many nationalities are among the lab's staff?"


def test_it_after_a_question_about_a_person_is_what_the_turn_before_was_about() -> None:
    who = Turn("Who directs IHR?", "Who directs IHR?",
               Answer(question="Who directs IHR?", short="Dr. Tomasz Wójcik",
                      text="IHR is directed by Dr. Tomasz Wójcik [1]."))
    since = _turn("Since what year has Dr. Tomasz Wójcik been director?", "Since 2016 [1].")
    assert rewrite_follow_up("Where is its field station?", [who, since]) == \
        "Where is IHR's field station?"
    assert rewrite_follow_up("Where did he study?", [who, since]) == \
        "Where did Dr. Tomasz Wójcik study?"


def test_a_fragment_after_a_which_question_asks_about_the_one_answered() -> None:
    asked = "Which lender acts as host to the fibre fund?"
    lender = Turn(asked, asked, Answer(question=asked, short="FMO", text="FMO [1]."))
    assert rewrite_follow_up("In what city?", [lender]) == \
        "In what city: FMO acts as host to the fibre fund?"
    unanswered = Turn(asked, asked, Answer(question=asked, abstained=True,
                                           text="The briefings don't say."))
    assert rewrite_follow_up("In what city?", [unanswered]) == \
        "In what city: lender acts as host to the fibre fund?"


def test_she_is_the_person_the_answer_names_after_a_body_and_a_role() -> None:
    mandate = _turn("Until when does her mandate run?", "The Governing Board extended the mandate "
                    "of the Executive Secretary, Lucía Ferrándiz, until 31 December 2026. [1]")
    assert rewrite_follow_up("When did she first take up the post?", [mandate]) == \
        "When did Lucía Ferrándiz first take up the post?"
    moved = _turn("When did the office move?", "The Board moved the office to Buenos Aires. [1]")
    assert rewrite_follow_up("When did she join?", [moved]) == "When did she join?"  # a place


def _abstained(question: str) -> Turn:
    return Turn(question, question, Answer(question=question, abstained=True,
                                           text="The briefings don't say. No indexed source "
                                                "answers this question."))


def test_an_unanswered_turn_names_no_one_and_he_stays_the_person_asked_about() -> None:
    asked = _abstained("When did Dr. Joaquín Peñalver take up the role?")
    assert rewrite_follow_up("Whom did he replace?", [asked]) == \
        "Whom did Dr. Joaquín Peñalver replace?"  # not "Whom did No replace?"
    replaced = _turn("Whom did Dr. Joaquín Peñalver replace?", "Dr. Ana Louro retired in 2021 [1].")
    assert rewrite_follow_up("Where did he do his doctorate?", [replaced]) == \
        "Where did Dr. Joaquín Peñalver do his doctorate?"  # the subject, not the one answered


def test_he_or_she_is_a_person_never_a_body_or_an_amount() -> None:
    pledged = Turn("How much did the French minister pledge?", "How much did the French minister "
                   "pledge?", Answer(question="", short="EUR 9.5 million",
                                     text="Spain's pledge of EUR 9.5 million is the backbone. [1]"))
    assert rewrite_follow_up("What did she say about glaciers?", [pledged]) == \
        "What did the French minister say about glaciers?"
    minister = _turn("Who is the Spanish science minister?", "1. Ministers from six countries met "
                     "in Valletta. [1]")
    assert rewrite_follow_up("What did he commit?", [minister]) == \
        "What did the Spanish science minister commit?"
    chaired = _turn("Who replaced Prof. Lars Øvergaard?", "The Governing Board met in June. [1]")
    assert rewrite_follow_up("Where was she elected?", [chaired]) == "Where was she elected?"
    said = _turn("Who said that chips matter?", "“Chips matter,” Deputy Minister Lê Văn Hùng said "
                 "in Hà Nội. [1]")
    assert rewrite_follow_up("When did he say it?", [said]) == \
        "When did Deputy Minister Lê Văn Hùng say it?"


def test_a_question_naming_that_flagship_or_asking_who_runs_it_is_no_fragment() -> None:
    turn = _turn("What did the minister commit?", "EUR 9.5 million to the flagship. [1]")
    assert rewrite_follow_up("Which body coordinates that flagship?", [turn]) == \
        "Which body coordinates that flagship?"
    assert rewrite_follow_up("Who runs the other flagship?", [turn]) == \
        "Who runs the other flagship?"
    named = _turn("Who leads the Blue Carbon Mapping flagship?", "Dr. Peñalver. [1]")
    assert rewrite_follow_up("Which body coordinates that flagship?", [named]) == \
        "Which body coordinates the Blue Carbon Mapping flagship?"


def test_subject_falls_back_to_the_previous_answer() -> None:
    turn = _turn("What was launched to connect defense startups?",
                 "Now, Korea India Defense Accelerator (KIND-X) has been launched [1]")
    assert subject_of(turn.question, turn.answer.text) == "Korea India Defense Accelerator (KIND-X)"
    assert rewrite_follow_up("When was it launched?", [turn]) == \
        "When was Korea India Defense Accelerator (KIND-X) launched?"


def test_first_question_is_left_alone() -> None:
    assert rewrite_follow_up("Where is it based?", []) == "Where is it based?"


@pytest.mark.slow
def test_conversation_answers_a_follow_up_from_context(assistant: ikqa.Assistant) -> None:
    conv = assistant.conversation()
    first = conv.ask("What is IKCRI?")
    assert not first.abstained
    second = conv.ask("Where is it based?")
    assert second.standalone_question == "Where is IKCRI based?"
    assert "New Delhi" in second.text
    assert any("based in New Delhi" in c.text for c in second.citations)


@pytest.mark.slow
def test_two_conversations_do_not_mix(assistant: ikqa.Assistant) -> None:
    a, b = assistant.conversation(), assistant.conversation()
    a.ask("What is FORGE?")
    b.ask("What is the Korea India Defense Accelerator?")
    assert "FORGE" in a.ask("Who leads it?").standalone_question
    assert "Korea India Defense Accelerator" in b.ask("What does it connect?").standalone_question


@pytest.mark.parametrize("first,said,follow_up,read_as", [
    ("Who is the director of MDRI?", "The director of MDRI is Dr Nguyễn Thị Lan. [1]",
     "Where is its field station?", "Where is MDRI's field station?"),
    ("Who is the director of MDRI?", "The director of MDRI is Dr Nguyễn Thị Lan. [1]",
     "Where is she based?", "Where is Dr Nguyễn Thị Lan based?"),
    ("Who chairs the Bergen Society?", "Since 2019 the Society has been chaired by Zoë "
     "Ångström. [1]", "What did she study?", "What did Zoë Ångström study?"),
    ("Who heads IKCRI?", "Dr. Rao heads it. [1]", "Where is he based?", "Where is Dr. Rao based?"),
    ("What is LVBFC's budget?", "LVBFC had a budget of KES 850 million. [1]", "Who leads it?",
     "Who leads LVBFC?"),
])
def test_it_is_the_body_asked_about_and_she_the_person_answered(first, said, follow_up,
                                                                read_as) -> None:
    from ikqa.chat import rewrite_follow_up
    from ikqa.types import Answer, Turn

    turn = Turn(first, first, Answer(question=first, text=said))
    assert rewrite_follow_up(follow_up, [turn]) == read_as


@pytest.mark.parametrize("short, expected", [
    ("1635", "What opened in Québec in 1635?"),
    ("20 April 2026", "What opened in Québec on 20 April 2026?"),
    ("April 20, 2026", "What opened in Québec on April 20, 2026?"),
])
def test_that_same_year_is_the_time_the_last_answer_gave(short: str, expected: str) -> None:
    last = Turn("When was the Académie founded?", "When was the Académie founded?",
                Answer(question="When was the Académie founded?", text=f"It was founded in {short}. [1]",
                       short=short))
    assert rewrite_follow_up("What opened in Québec that same year?", [last]) == expected


def test_that_city_is_the_place_the_last_answer_gave() -> None:
    last = Turn("Where is the Task Force hosted?", "Where is the Task Force hosted?",
                Answer(question="", text="The Task Force is hosted at Eduardo Mondlane University "
                                         "in Maputo. [1]", short="Eduardo Mondlane University"))
    assert rewrite_follow_up("What was that city called until 1976?", [last]) == \
        "What was Maputo called until 1976?"


def test_it_after_the_task_force_is_the_task_force_an_earlier_turn_named() -> None:
    first = _turn("Where is the Mangrove and Coastal Task Force hosted?", "It is in Maputo. [1]")
    then = _turn("How many hectares does the task force want to restore?",
                 "With a budget of USD 35 million, the Task Force aims to restore 18,000 hectares. [1]")
    assert rewrite_follow_up("How much money does it have?", [first, then]) == \
        "How much money does the Mangrove and Coastal Task Force have?"


@pytest.mark.parametrize("first, said, follow_up, read_as", [
    ("Which fund is hosted in Ebène?", "The Tsunami Preparedness Trust Fund (TPTF) was established "
     "in 2012. [1] It is hosted by the Indian Ocean Commission in Ebène. [2]",
     "How much was it established with?",
     "How much was Tsunami Preparedness Trust Fund established with?"),  # not "Ebène"
    ("Which body carries out research from Aqaba?", "The Joint Desalination Research Institute "
     "(JDRI) is headquartered in Aqaba. [1]", "Who is its director?",
     "Who is Joint Desalination Research Institute's director?"),
])
def test_it_after_which_fund_is_the_fund_the_answer_named(first, said, follow_up, read_as) -> None:
    assert rewrite_follow_up(follow_up, [_turn(first, said)]) == read_as


@pytest.mark.parametrize("earlier, follow_up, read_as", [
    (["When was the Membrane Innovation Fund launched?", "Who first proposed it?"],
     "And who heads the fund today?", "Who heads the Membrane Innovation Fund today?"),
    (["Who chairs the brine consortium?"], "Where is that consortium's secretariat now?",
     "Where is the brine consortium's secretariat now?"),
    (["Where does the drills working group meet?"],  # not a fragment of the question before
     "And in how many villages has it organised drills?",
     "In how many villages has the drills working group organised drills?"),
])
def test_the_fund_is_the_fund_the_conversation_named(earlier, follow_up, read_as) -> None:
    assert rewrite_follow_up(follow_up, [_turn(q) for q in earlier]) == read_as


@pytest.mark.parametrize("first, said, short, follow_up, read_as", [
    ("Which partner body does the new Board chair come from?", "He was succeeded by Dr. Aylin "
     "Demirtaş, a hydrologist from ASWA, who was elected in June 2022. [1]", "",
     "Who heads that body?", "Who heads ASWA?"),  # a bare acronym answered; not "... ASWA body"
    ("Who has to draft the data-sharing agreement?", "A17.4 | Draft a data-sharing agreement | "
     "Owner: S. Håland | Deadline: 31 July 2024 [1]", "S. Håland",
     "Which partner body does that person represent?", "Which partner body does S. Håland "
     "represent?"),
    ("Where will the next ministerial conference take place?", "The Third Ministerial Conference "
     "will be held in Kraków in 2026. [1]", "", "Which minister invited the partners there?",
     "Which minister invited the partners in Kraków?"),
    ("Where will the next ministerial conference take place?", "It will be held in Kraków. [1]",
     "Kraków", "Are there any observers?", "Are there any observers?"),  # "there" is no place
])
def test_that_body_that_person_and_there_are_what_the_last_answer_gave(
        first, said, short, follow_up, read_as) -> None:
    last = Turn(first, first, Answer(question=first, text=said, short=short))
    assert rewrite_follow_up(follow_up, [last]) == read_as


def test_it_after_which_of_the_institutes_is_the_one_the_answer_puts_in_the_asked_place() -> None:
    first = "Which of the founding institutes is based in Kraków?"
    said = ("Four institutes are founding partners: IECA in Aveiro, directed by Dr. Inês Ribeiro; "
            "BIBP in Gdańsk; and IHR in Kraków, directed by Dr. Tomasz Wójcik. [1]")
    assert rewrite_follow_up("What was it called originally?", [_turn(first, said)]) == \
        "What was IHR called originally?"


def test_that_office_is_the_office_the_last_answer_named() -> None:
    last = _turn("What was IHR called originally?", "- 1951 — The Kraków River Survey Office is "
                 "renamed Instytut Hydrologii Rzecznej (IHR). [1]")
    assert rewrite_follow_up("When was that office established?", [last]) == \
        "When was the Kraków River Survey Office established?"


def test_her_after_a_verb_is_the_person_herself_and_before_a_noun_her_own() -> None:
    chair = _turn("Who chairs the advisory group?", "It is chaired by Prof. Birgitte Aagaard. [1]")
    assert rewrite_follow_up("Which minister appointed her?", [chair]) == \
        "Which minister appointed Prof. Birgitte Aagaard?"  # not "... Aagaard's?"
    assert rewrite_follow_up("What is her field?", [chair]) == \
        "What is Prof. Birgitte Aagaard's field?"


def test_the_kenyan_one_is_the_kind_of_body_the_conversation_described() -> None:
    chile = _turn("What's the Chilean agency's pledge?", "ANAI pledged CLP 3,150 million. [1]")
    assert rewrite_follow_up("What about the Kenyan one?", [chile]) == \
        "What's the Kenyan agency's pledge?"  # not "the Kenyan one", nor "What's" as a name
    assert rewrite_follow_up("Who represents it on the board?", [chile]) == \
        "Who represents the Chilean agency on the board?"  # the agency, not "Chilean"
