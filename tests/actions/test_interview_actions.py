"""The interview's actions, driven with trackers as the action server receives them."""

import asyncio
import datetime as dt
import json

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import privacy
from actions.asking import ASK_ACTIONS
from actions.assessment import ActionAssess
from actions.corrections import ActionCorrectAnswer
from actions.profile_form import ValidateProfileForm
from actions.saved_results import ActionOpenResult, ActionSaveResult
from actions.scheme_info import ActionAnswerSchemeQuestion
from actions.summary import ActionShowAnswers
from actions.what_if import ActionWhatIf
from actions.why import ActionExplainQuestion
from bot.conversation.interview import SKIPPED, next_question
from bot.conversation.presenting import texts as texts_data
from bot.storage import load_assessment, migrate, save_assessment, storage_engine
from tests.actions.conftest import entity, make_tracker

DOMAIN = {"forms": {"profile_form": {"required_slots": ["nationality", "age"]}}}
BACHELOR = {
    "name": "bachelor", "kind": "together",
    "members": ["bachelor_institution", "bachelor_graduation_year", "bachelor_stem"],
}  # fmt: skip


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch):
    monkeypatch.setenv("HKTA_AS_OF", "2026-11-22")


def run(action, dispatcher, tracker, domain=DOMAIN):
    return asyncio.run(action.run(dispatcher, tracker, domain=domain))


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def texts(dispatcher):
    return [m.get("text") or m.get("response") for m in dispatcher.messages]


def test_details_in_the_first_message_fill_the_form_and_are_confirmed(dispatcher):
    text = "I'm 32, Indian, 8 years of work"
    tracker = make_tracker(
        text=text,
        intent="inform",
        entities=[
            entity("age", "I'm 32", text),
            entity("country", "Indian", text),
            entity("duration", "8 years", text),
        ],
    )
    events = slot_events(run(ValidateProfileForm(), dispatcher, tracker))
    assert events["age"] == 32
    assert events["nationality"] == "IN"
    assert events["work_experience_years"] == 8
    answers = {k: events[k] for k in ("age", "nationality", "work_experience_years")}
    assert events["requested_slot"] == next_question(answers, dt.date(2026, 11, 22)).slot
    assert texts(dispatcher)[0].startswith("Got it: Nationality: India; Age: 32")


def test_an_unreadable_answer_gets_a_specific_hint_and_the_question_again(dispatcher):
    tracker = make_tracker({"requested_slot": "age", "nationality": "GB"}, text="blah", intent="inform")
    events = slot_events(run(ValidateProfileForm(), dispatcher, tracker))
    assert texts(dispatcher) == [
        'Sorry, I didn\'t catch an age there. Please give it in years, like "34", or say "skip".'
    ]
    assert events["age"] is None
    assert events["interview_failures"] == {"age": 1}
    assert events["requested_slot"] == "age"


def test_an_amount_we_cannot_convert_is_explained_once_and_asked_again(dispatcher):
    tracker = make_tracker(
        {"requested_slot": "annual_income_hkd", "nationality": "BR"}, text="BRL 200k", intent="inform"
    )
    events = slot_events(run(ValidateProfileForm(), dispatcher, tracker))
    said = texts(dispatcher)
    assert len(said) == 1, 'the reason, without "I didn\'t catch an amount" on top of it'
    assert "can't convert BRL" in said[0] and "USD" in said[0] and "GBP" in said[0]
    assert events["annual_income_hkd"] is None, "still to be answered, not skipped"
    assert events["interview_failures"] == {"annual_income_hkd": 1}, "still counted: no endless loop"


def test_after_three_unreadable_answers_the_question_is_left_and_the_interview_moves_on(dispatcher):
    slots = {"requested_slot": "age", "nationality": "GB", "interview_failures": {"age": 2}}
    events = slot_events(
        run(ValidateProfileForm(), dispatcher, make_tracker(slots, text="blah", intent="inform"))
    )
    assert events["age"] == SKIPPED
    assert events["requested_slot"] != "age"
    assert "leave that one for now" in texts(dispatcher)[0]


def test_an_interruption_is_left_to_the_dialogue_rules(dispatcher):
    # No answer events: the form rejects the turn, so the "why do you ask" rule runs, then the form resumes.
    tracker = make_tracker({"requested_slot": "age", "nationality": "GB"}, text="why?", intent="ask_why")
    events = run(ValidateProfileForm(), dispatcher, tracker)
    assert [e for e in events if e["name"] != "requested_slot"] == []
    assert dispatcher.messages == []


@pytest.mark.parametrize("intent", ["out_of_scope", "check_eligibility", "help"])
def test_a_bare_answer_the_classifier_took_for_something_else_still_answers_the_question(dispatcher, intent):
    # "Germany" or "28" alone can only be an answer, whatever intent the NLU gave it.
    tracker = make_tracker(
        {"requested_slot": "nationality"}, text="Germany", intent=intent,
        entities=[entity("country", "Germany", "Germany")],
    )  # fmt: skip
    assert slot_events(run(ValidateProfileForm(), dispatcher, tracker))["nationality"] == "DE"
    tracker = make_tracker({"requested_slot": "age", "nationality": "DE"}, text="28", intent=intent)
    assert slot_events(run(ValidateProfileForm(), CollectingDispatcher(), tracker))["age"] == 28


def test_a_value_among_other_words_under_another_intent_is_left_to_the_rules(dispatcher):
    # "germany work visa": another country's visa, out of scope; the rule answers it, the form resumes.
    text = "germany work visa"
    tracker = make_tracker(
        {"requested_slot": "nationality"}, text=text, intent="out_of_scope",
        entities=[entity("country", "germany", text)],
    )  # fmt: skip
    assert [e for e in run(ValidateProfileForm(), dispatcher, tracker) if e["name"] != "requested_slot"] == []


def test_a_bare_value_meant_as_a_what_if_is_not_taken_for_the_asked_answer(dispatcher):
    tracker = make_tracker({"requested_slot": "age", "nationality": "DE"}, text="35", intent="what_if")
    assert [e for e in run(ValidateProfileForm(), dispatcher, tracker) if e["name"] != "requested_slot"] == []


def test_a_correction_that_says_what_to_change_is_left_to_the_correction(dispatcher):
    text = "sorry, my income is 2m"
    tracker = make_tracker(
        {"requested_slot": "age", "nationality": "DE"}, text=text, intent="correct_answer",
        entities=[entity("money", "2m", text)],
    )  # fmt: skip
    assert [e for e in run(ValidateProfileForm(), dispatcher, tracker) if e["name"] != "requested_slot"] == []


def test_a_correction_that_names_nothing_to_change_answers_the_question_asked(dispatcher):
    # The classifier reads "35" or "Manchester, 2006, no" as a correction; it changes nothing the bot
    # can see, so it must answer the question, or the same reply would loop on "which answer?".
    tracker = make_tracker({"requested_slot": "age", "nationality": "DE"}, text="35", intent="correct_answer")
    assert slot_events(run(ValidateProfileForm(), dispatcher, tracker))["age"] == 35

    text = "Manchester, 2006, no"
    slots = {"requested_slot": "bachelor_institution", "nationality": "GB", "asked_group": BACHELOR}
    tracker = make_tracker(slots, text=text, intent="correct_answer", entities=[entity("year", "2006", text)])
    events = slot_events(run(ValidateProfileForm(), CollectingDispatcher(), tracker))
    assert events["bachelor_graduation_year"] == 2006 and events["bachelor_stem"] is False
    assert events["bachelor_institution"] and events["asked_group"] is None


def test_naming_the_bachelors_in_answering_its_questions_keeps_the_higher_degree(dispatcher):
    """ "bachelor also zhejiang uni, 2012, yes" after "master's" set the highest degree to bachelor's."""
    text = "bachelor also zhejiang uni, 2012, yes"
    slots = {"requested_slot": "bachelor_institution", "degree_level": "master", "asked_group": BACHELOR}
    entities = [entity("degree", "bachelor", text), entity("year", "2012", text)]
    tracker = make_tracker(slots, text=text, intent="inform", entities=entities)
    events = slot_events(run(ValidateProfileForm(), dispatcher, tracker))
    assert "degree_level" not in events and events["bachelor_graduation_year"] == 2012


def test_a_change_button_at_questions_asked_together_is_a_change_not_an_answer(dispatcher):
    """ "Change: Highest degree" tapped at the bachelor's questions got "Sorry, I didn't catch those"."""
    slots = {"requested_slot": "bachelor_institution", "degree_level": "master", "asked_group": BACHELOR}
    text = '/correct_answer{"answer_field": "degree_level"}'
    entities = [{"entity": "answer_field", "value": "degree_level"}]
    tracker = make_tracker(slots, text=text, intent="correct_answer", entities=entities)
    events = slot_events(run(ValidateProfileForm(), dispatcher, tracker))
    assert set(events) <= {"requested_slot"}  # nothing read as an answer: left to the correction rule
    assert texts(dispatcher) == []


def test_an_answer_asked_to_change_is_asked_again_even_when_no_scheme_needs_it(dispatcher):
    """ "Change: Good English" after the result said "let's go over it again" and showed the result."""
    slots = {"nationality": "AF", "age": 30, "languages_english": None,
             "answer_before_change": {"languages_english": True}}  # fmt: skip
    tracker = make_tracker(slots, text="", intent="correct_answer")
    assert (
        next_question({"nationality": "AF", "age": 30}, dt.date(2026, 11, 22)) is None
    )  # excluded: none to ask
    events = slot_events(run(ValidateProfileForm(), dispatcher, tracker))
    assert events["requested_slot"] == "languages_english"


def test_a_correction_naming_nothing_at_a_question_leaves_it_to_the_form_in_silence(dispatcher):
    tracker = make_tracker(
        {"requested_slot": "age"}, text="35", intent="correct_answer", active_loop="profile_form"
    )
    assert run(ActionCorrectAnswer(), dispatcher, tracker) == []
    assert dispatcher.messages == []


def test_an_answer_clears_the_failure_count(dispatcher):
    slots = {"requested_slot": "age", "nationality": "GB", "interview_failures": {"age": 1}}
    events = slot_events(
        run(ValidateProfileForm(), dispatcher, make_tracker(slots, text="34", intent="inform"))
    )
    assert events["age"] == 34
    assert events["interview_failures"] == {}


def test_the_result_is_sent_as_text_and_as_the_assessment_payload(dispatcher):
    slots = {"nationality": "GB", "age": 30, "annual_income_hkd": 3_000_000, "good_character": True}
    run(ActionAssess(), dispatcher, make_tracker(slots))
    payloads = [m["custom"] for m in dispatcher.messages if m.get("custom")]
    assert len(payloads) == 1
    assessment = payloads[0]["assessment"]
    assert payloads[0]["type"] == "assessment"
    assert assessment["as_of"] == "2026-11-22"
    assert {s["id"] for s in assessment["schemes"]} >= {
        "qmas",
        "ttps_a",
        "ttps_b",
        "ttps_c",
        "gep",
        "new_cies",
    }
    assert next(s for s in assessment["schemes"] if s["id"] == "ttps_a")["status"] == "eligible"
    json.dumps(assessment)  # it must travel as JSON
    assert any(t and t.endswith("The Immigration Department decides.") for t in texts(dispatcher))


def test_why_names_the_reason_and_the_schemes_waiting_for_the_answer(dispatcher):
    run(ActionExplainQuestion(), dispatcher, make_tracker({"requested_slot": "age", "nationality": "GB"}))
    (message,) = texts(dispatcher)
    assert "age" in message.lower()
    assert "Your answer matters for:" in message
    assert "Quality Migrant Admission Scheme" in message


def test_why_with_no_question_gives_the_general_reason(dispatcher):
    run(ActionExplainQuestion(), dispatcher, make_tracker())
    assert texts(dispatcher) == ["utter_why_general"]


def test_a_correction_with_a_new_value_updates_it(dispatcher):
    text = "actually I'm 35"
    tracker = make_tracker(
        {"age": 34}, text=text, intent="correct_answer", entities=[entity("age", "I'm 35", text)]
    )
    events = slot_events(run(ActionCorrectAnswer(), dispatcher, tracker))
    assert events == {"age": 35}
    assert texts(dispatcher) == ["Updated: Age: 35."]


def test_a_correction_without_a_value_asks_that_question_again(dispatcher):
    tracker = make_tracker(
        {"degree_level": "master"}, text="I was wrong about the degree", intent="correct_answer"
    )
    assert slot_events(run(ActionCorrectAnswer(), dispatcher, tracker)) == {
        "degree_level": None,
        "answer_before_change": {"degree_level": "master"},
    }
    assert texts(dispatcher) == ['OK, let\'s go over "Highest degree" again.']


def test_skipping_an_answer_asked_again_to_change_it_keeps_the_earlier_one(dispatcher):
    slots = {"requested_slot": "age", "nationality": "GB", "answer_before_change": {"age": 32}}
    events = slot_events(
        run(ValidateProfileForm(), dispatcher, make_tracker(slots, text="skip", intent="skip"))
    )
    assert events["age"] == 32
    assert events["answer_before_change"] == {}
    assert texts(dispatcher) == ["I've kept your earlier answer: Age: 32."]


def test_no_usable_reply_to_an_answer_asked_again_keeps_the_earlier_one(dispatcher):
    slots = {
        "requested_slot": "age",
        "nationality": "GB",
        "interview_failures": {"age": 2},
        "answer_before_change": {"age": 32, "nationality": "GB"},
    }
    events = slot_events(
        run(ValidateProfileForm(), dispatcher, make_tracker(slots, text="blah", intent="inform"))
    )
    assert events["age"] == 32 and events["requested_slot"] != "age"
    assert events["answer_before_change"] == {"nationality": "GB"}
    assert "kept your earlier answer: Age: 32" in texts(dispatcher)[0]
    assert not any("leave that one for now" in t for t in texts(dispatcher))


def test_a_change_button_names_the_answer(dispatcher):
    tracker = make_tracker(
        {"annual_income_hkd": 1_000_000},
        text='/correct_answer{"answer_field": "annual_income_hkd"}',
        intent="correct_answer",
        entities=[{"entity": "answer_field", "value": "annual_income_hkd"}],
    )
    assert slot_events(run(ActionCorrectAnswer(), dispatcher, tracker)) == {
        "annual_income_hkd": None,
        "answer_before_change": {"annual_income_hkd": 1_000_000},
    }


def test_an_unclear_correction_asks_which_answer(dispatcher):
    tracker = make_tracker(text="that's wrong", intent="correct_answer")
    assert run(ActionCorrectAnswer(), dispatcher, tracker) == []
    assert "Which answer would you like to change?" in texts(dispatcher)[0]


def test_show_my_answers_offers_a_change_button_for_each(dispatcher):
    run(ActionShowAnswers(), dispatcher, make_tracker({"age": 32, "nationality": "IN"}))
    (message,) = dispatcher.messages
    assert "• Age: 32" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == [
        '/correct_answer{"answer_field": "nationality"}',
        '/correct_answer{"answer_field": "age"}',
    ]


def test_a_scheme_question_is_answered_with_its_source(dispatcher):
    run(
        ActionAnswerSchemeQuestion(),
        dispatcher,
        make_tracker(text="how long does techtas take", intent="ask_scheme_info"),
    )
    (message,) = texts(dispatcher)
    assert "about 2 weeks" in message
    assert "TECHTAS.html" in message


def test_a_scheme_question_without_a_scheme_offers_a_button_per_scheme(dispatcher):
    run(
        ActionAnswerSchemeQuestion(),
        dispatcher,
        make_tracker(text="/ask_scheme_info", intent="ask_scheme_info"),
    )
    (message,) = dispatcher.messages
    assert message["text"] == "Which scheme would you like to know about?"
    assert '/ask_scheme_info{"scheme": "qmas"}' in [b["payload"] for b in message["buttons"]]
    assert len(message["buttons"]) == 10


def test_which_scheme_buttons_carry_the_topic_asked_about(dispatcher):
    tracker = make_tracker(text="how much are the fees", intent="ask_scheme_info")
    run(ActionAnswerSchemeQuestion(), dispatcher, tracker)
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert '/ask_scheme_info{"scheme": "qmas", "topic": "fees"}' in payloads
    chosen = CollectingDispatcher()
    button = make_tracker(
        text=payloads[0], intent="ask_scheme_info",
        entities=[{"entity": "scheme", "value": "qmas"}, {"entity": "topic", "value": "fees"}],
    )  # fmt: skip
    run(ActionAnswerSchemeQuestion(), chosen, button)
    assert "HK$" in texts(chosen)[0]  # the fees, not what QMAS is


def test_documents_needed_under_a_result_points_to_the_official_page_of_each_scheme_that_fits(dispatcher):
    # A British 30-year-old earning HK$3m with a clean record: TTPS A fits; the rest wait for answers.
    slots = {"nationality": "GB", "age": 30, "annual_income_hkd": 3_000_000, "good_character": True,
             "self_supporting": True}  # fmt: skip
    tracker = make_tracker(
        slots, text='/ask_scheme_info{"topic": "documents"}', intent="ask_scheme_info",
        entities=[{"entity": "topic", "value": "documents"}],
    )  # fmt: skip
    run(ActionAnswerSchemeQuestion(), dispatcher, tracker)
    messages = texts(dispatcher)
    assert messages == [
        "The documents Top Talent Pass Scheme (TTPS) Category A asks for are listed on its official page, "
        "with the forms: https://www.immd.gov.hk/eng/services/visas/TTPS.html"
    ]


def test_what_if_shows_the_change_without_touching_the_real_answers(dispatcher):
    text = "what if i earned 2.6m"
    slots = {"nationality": "GB", "age": 30, "annual_income_hkd": 1_000_000, "good_character": True}
    tracker = make_tracker(slots, text=text, intent="what_if", entities=[entity("money", "2.6m", text)])
    assert run(ActionWhatIf(), dispatcher, tracker) == []
    (message,) = texts(dispatcher)
    assert message.startswith("If Income last year: HK$2,600,000:")
    assert "Top Talent Pass Scheme (TTPS) Category A: ❌ Not a fit today → ✅ You can apply" in message
    assert "your real answers are unchanged" in message


def test_what_if_without_a_change_says_how_to_ask(dispatcher):
    run(ActionWhatIf(), dispatcher, make_tracker(text="what if", intent="what_if"))
    assert "what if I earned 2.6m" in texts(dispatcher)[0]


def test_a_grouped_question_is_asked_as_one_and_remembered(dispatcher):
    ask_good_character = next(a for a in ASK_ACTIONS if a.slot == "good_character")()
    slots = {"nationality": "GB", "age": 30, "annual_income_hkd": 3_000_000}
    events = slot_events(run(ask_good_character, dispatcher, make_tracker(slots)))
    assert events["asked_group"]["members"] == ["good_character", "self_supporting"]
    assert texts(dispatcher)[0].startswith("Two quick checks")


def test_yes_to_a_grouped_question_answers_all_its_members(dispatcher):
    asked = {"name": "prerequisites", "kind": "all_yes", "members": ["good_character", "self_supporting"]}
    slots = {"requested_slot": "good_character", "nationality": "GB", "asked_group": asked}
    events = slot_events(
        run(ValidateProfileForm(), dispatcher, make_tracker(slots, text="yes", intent="affirm"))
    )
    assert events["good_character"] is True
    assert events["self_supporting"] is True
    assert events["asked_group"] is None


def test_no_to_a_grouped_question_asks_its_members_one_by_one(dispatcher):
    asked = {"name": "prerequisites", "kind": "all_yes", "members": ["good_character", "self_supporting"]}
    slots = {"requested_slot": "good_character", "nationality": "GB", "asked_group": asked}
    events = slot_events(
        run(ValidateProfileForm(), dispatcher, make_tracker(slots, text="no", intent="deny"))
    )
    assert events["declined_groups"] == ["prerequisites"]
    assert events["good_character"] is None
    # Asked again later, it is the single question.
    ask_good_character = next(a for a in ASK_ACTIONS if a.slot == "good_character")()
    after = CollectingDispatcher()
    run(ask_good_character, after, make_tracker({**slots, "declined_groups": ["prerequisites"], "age": 30}))
    assert after.messages[0]["response"] == "utter_ask_good_character"


def test_none_to_the_circumstances_answers_a_clean_record_and_self_support():
    members = ["job_offer.has_offer", "hk_study", "good_character", "self_supporting"]

    def reply(text: str, intent: str) -> dict:
        asked = {"name": "circumstances", "kind": "checklist", "members": members}
        slots = {"requested_slot": "job_offer_has_offer", "nationality": "GB", "asked_group": asked}
        tracker = make_tracker(slots, text=text, intent=intent)
        return slot_events(run(ValidateProfileForm(), CollectingDispatcher(), tracker))

    none = reply("none", "deny")
    assert none["job_offer_has_offer"] is False and none["hk_study"] is False
    assert none["good_character"] is True and none["self_supporting"] is True
    record = reply("3", "inform")  # "I have a criminal record, or have had immigration problems"
    assert record["good_character"] is False and record["self_supporting"] is True


def test_erasing_deletes_the_records_and_marks_the_turn_for_the_tracker_store(
    dispatcher, tmp_path, monkeypatch
):
    url = f"sqlite:///{tmp_path}/data.db"
    monkeypatch.setenv("DATABASE_URL", url)
    privacy.storage.cache_clear()
    migrate(url)
    code = save_assessment(
        storage_engine(url), "test-user", {"age": 32}, {"as_of": "2026-11-22", "rules_version": "x"}
    )
    events = run(privacy.ActionEraseMyData(), dispatcher, make_tracker())
    assert {"event": "slot", "name": "erase_requested", "value": True, "timestamp": None} in events
    assert "I've deleted this conversation" in texts(dispatcher)[0]
    assert load_assessment(storage_engine(url), code) is None
    privacy.storage.cache_clear()


def test_a_yes_to_another_question_is_left_to_the_rules(dispatcher):
    # "Delete your data?" asked mid-interview: the "yes" answers that question, not the form's.
    events = [
        {"event": "action", "name": "profile_form"},
        {"event": "user", "text": "delete my data"},
        {"event": "action", "name": "utter_ask_confirm_erase"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes"},
    ]
    slots = {"requested_slot": "hk_study", "nationality": "GB"}
    tracker = make_tracker(slots, text="yes", intent="affirm", events=events)
    assert [e for e in run(ValidateProfileForm(), dispatcher, tracker) if e["name"] != "requested_slot"] == []


@pytest.fixture
def storage_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/data.db"
    monkeypatch.setenv("DATABASE_URL", url)
    privacy.storage.cache_clear()
    migrate(url)
    yield url
    privacy.storage.cache_clear()


def test_save_my_result_gives_a_code_that_reopens_it(dispatcher, storage_db):
    slots = {"nationality": "GB", "age": 30, "annual_income_hkd": 3_000_000, "good_character": True}
    run(ActionSaveResult(), dispatcher, make_tracker(slots))
    (message,) = texts(dispatcher)
    code = message.split("reference code is ")[1].split(".")[0]
    assert len(code) == 10
    later = CollectingDispatcher()
    typed = f"open result {code[:5].lower()}-{code[5:].lower()}"
    run(ActionOpenResult(), later, make_tracker(text=typed, intent="open_result"))
    assert "Here is the result you saved on" in later.messages[0]["text"]
    payload = next(m["custom"] for m in later.messages if m.get("custom"))
    assert next(s for s in payload["assessment"]["schemes"] if s["id"] == "ttps_a")["status"] == "eligible"


def test_a_code_taken_for_saving_opens_that_result_instead_of_saving_another(
    dispatcher, storage_db, monkeypatch
):
    monkeypatch.setattr("bot.storage.records.new_reference_code", lambda: "7KQ2MX8PZ4")
    slots = {"nationality": "GB", "age": 30, "annual_income_hkd": 3_000_000, "good_character": True}
    run(ActionSaveResult(), dispatcher, make_tracker(slots))
    code = texts(dispatcher)[0].split("reference code is ")[1].split(".")[0]
    assert code == "7KQ2MX8PZ4"
    misread = CollectingDispatcher()
    run(ActionSaveResult(), misread, make_tracker(text=f"open result {code}", intent="save_result"))
    assert "Here is the result you saved on" in misread.messages[0]["text"]
    assert not any("reference code is" in (m.get("text") or "") for m in misread.messages)


def test_an_unknown_code_is_answered_kindly(dispatcher, storage_db):
    run(ActionOpenResult(), dispatcher, make_tracker(text="open result 2345678923", intent="open_result"))
    assert "couldn't find a saved result" in texts(dispatcher)[0]


ABOUT_YOU = {"name": "about_you", "kind": "together", "members": ["nationality", "age"]}


def test_the_first_questions_are_asked_together(dispatcher):
    ask_nationality = next(a for a in ASK_ACTIONS if a.slot == "nationality")()
    events = slot_events(run(ask_nationality, dispatcher, make_tracker()))
    assert events["asked_group"] == ABOUT_YOU
    assert texts(dispatcher)[0].startswith("Two quick questions: what is your nationality")


def test_one_reply_to_questions_asked_together_answers_both_and_is_said_back(dispatcher):
    text = "British, 41"
    slots = {"requested_slot": "nationality", "asked_group": ABOUT_YOU}
    tracker = make_tracker(slots, text=text, intent="inform", entities=[entity("country", "British", text)])
    events = slot_events(run(ValidateProfileForm(), dispatcher, tracker))
    assert events["nationality"] == "GB" and events["age"] == 41
    assert events["asked_group"] is None
    assert texts(dispatcher)[0] == "Got it: Nationality: United Kingdom; Age: 41."
    assert events["requested_slot"] not in ("nationality", "age")


def test_the_part_a_reply_leaves_out_is_asked_on_its_own_next(dispatcher):
    text = "I'm British"
    slots = {"requested_slot": "nationality", "asked_group": ABOUT_YOU}
    tracker = make_tracker(slots, text=text, intent="inform", entities=[entity("country", "British", text)])
    events = slot_events(run(ValidateProfileForm(), dispatcher, tracker))
    assert events["nationality"] == "GB" and "age" not in events
    assert events["requested_slot"] == "age"
    ask_age = next(a for a in ASK_ACTIONS if a.slot == "age")()
    after = CollectingDispatcher()
    run(ask_age, after, make_tracker({"nationality": "GB"}))
    assert after.messages[0]["response"] == "utter_ask_age"


def test_a_reply_to_questions_asked_together_that_answers_none_gets_a_hint(dispatcher):
    slots = {"requested_slot": "nationality", "asked_group": ABOUT_YOU}
    events = slot_events(
        run(ValidateProfileForm(), dispatcher, make_tracker(slots, text="hmm", intent="inform"))
    )
    assert texts(dispatcher) == [texts_data()["reask"]["together"]]
    assert events["interview_failures"] == {"nationality": 1}
    assert events["requested_slot"] == "nationality"


def test_something_else_told_at_questions_asked_together_is_kept_and_they_are_asked_again(dispatcher):
    """ "My bachelor's was at HKU" at the nationality-and-age question was "Sorry, I didn't catch those",
    and the university was lost."""
    text = "my bachelor's was at HKU"
    slots = {"requested_slot": "nationality", "asked_group": ABOUT_YOU}
    entities = [entity("degree", "bachelor's", text), entity("university", "HKU", text)]
    tracker = make_tracker(slots, text=text, intent="inform", entities=entities)
    events = slot_events(run(ValidateProfileForm(), dispatcher, tracker))
    assert events["bachelor_institution"] == "The University of Hong Kong"
    assert (
        texts(dispatcher)[0].startswith("Got it: ") and "The University of Hong Kong" in texts(dispatcher)[0]
    )
    assert texts_data()["reask"]["together"] not in texts(dispatcher)
    assert "interview_failures" not in events and events["requested_slot"] == "nationality"


def test_a_university_named_alone_replaces_the_name_kept_as_written(dispatcher):
    """The note on "Manchester" says: 'If you mean The University of Manchester, say "actually, The
    University of Manchester"'. That must work at whatever question comes next."""
    text = "actually, The University of Manchester"
    slots = {"bachelor_institution": "Manchester", "requested_slot": "age"}
    entities = [entity("university", "The University of Manchester", text)]
    tracker = make_tracker(slots, text=text, intent="correct_answer", entities=entities)
    events = slot_events(run(ActionCorrectAnswer(), dispatcher, tracker))
    assert events == {"bachelor_institution": "The University of Manchester"}
    assert texts(dispatcher)[0] == "Updated: Bachelor's university: The University of Manchester."
    form_events = slot_events(run(ValidateProfileForm(), CollectingDispatcher(), tracker))
    assert "age" not in form_events  # the form leaves it to the correction, not read as the age


def test_why_at_questions_asked_together_explains_each_of_them(dispatcher):
    slots = {"requested_slot": "nationality", "asked_group": ABOUT_YOU}
    run(ActionExplainQuestion(), dispatcher, make_tracker(slots))
    (message,) = texts(dispatcher)
    reasons = message.split("\n\n")
    assert len(reasons) == 2
    assert all("Your answer matters for:" in reason for reason in reasons)
