"""The chat's wording around the engine's result."""

import pytest

from bot.conversation.interview import SKIPPED, profile, questions
from bot.conversation.presenting import answers_summary, format_value, render_assessment, texts
from bot.engine import assess
from tests.conversation.conftest import AS_OF

SAMPLE_VALUES = {
    "yes_no": [True, False], "age": [32], "years": [0, 1, 5.5], "money": [1_200_000], "country": ["IN", "CN"],
    "degree_level": ["master", "none"], "institution": ["HKU"], "year": [2019], "month": ["2025-06-01"],
    "hk_programme": ["gba_campus"], "languages": [True, ["french"], []],
}  # fmt: skip


@pytest.mark.parametrize("question", questions(), ids=lambda q: q.field)
def test_every_kind_of_answer_can_be_shown(question):
    for value in [*SAMPLE_VALUES[question.kind], SKIPPED]:
        assert format_value(question, value)


def test_answers_are_shown_in_plain_words():
    by_field = {q.field: q for q in questions()}
    assert format_value(by_field["nationality"], "IN") == "India"
    assert format_value(by_field["degree_level"], "master") == "Master's"
    assert format_value(by_field["annual_income_hkd"], 1_200_000) == "HK$1,200,000"
    assert format_value(by_field["good_character"], True) == "yes"


def test_every_kind_has_a_kind_reask_hint():
    assert {q.kind for q in questions()} <= set(texts()["reask"])


def result_for(answers):
    return render_assessment(assess(profile(answers), AS_OF))


def test_result_lists_schemes_best_fit_first_with_icon_and_words():
    overview = result_for(
        {"nationality": "GB", "age": 30, "annual_income_hkd": 3_000_000, "good_character": True}
    )[0]
    lines = [line for line in overview.splitlines() if line[:1] in "✅🟡❔❌"]
    order = "✅🟡❔❌"
    assert [order.index(line[0]) for line in lines] == sorted(order.index(line[0]) for line in lines)
    assert "✅ You can apply: Top Talent Pass Scheme (TTPS) Category A" in overview


def test_result_names_each_official_page_once_with_its_date_and_ends_with_the_disclaimer():
    messages = result_for({"nationality": "GB"})
    sources = messages[-1]
    assert sources.count("TTPS.html") == 1
    assert "page dated" in sources
    assert (
        sources.splitlines()[-1] == "This is guidance, not legal advice. The Immigration Department decides."
    )


def test_the_qmas_points_message_warns_that_passing_is_not_approval():
    messages = result_for({"nationality": "GB", "age": 30})
    points = next(m for m in messages if m.startswith("QMAS points test"))
    assert "does not mean you will get a visa" in points


def test_answers_summary_lists_what_was_said_with_labels():
    message, answered = answers_summary({"age": 32, "nationality": "IN", "annual_income_hkd": SKIPPED})
    assert "• Nationality: India" in message
    assert "• Age: 32" in message
    assert "• Income last year: skipped" in message
    assert [q.field for q in answered] == ["nationality", "age", "annual_income_hkd"]


def test_answers_summary_when_nothing_is_known_says_how_to_start():
    message, answered = answers_summary({})
    assert "check my eligibility" in message
    assert answered == []


def test_a_scheme_you_can_apply_for_says_what_we_could_not_check():
    """TTPS A counts pay and business profit only: a yes must say so, as the income asked for may include
    investment returns. A caveat several schemes share (one TTPS stay per person) is said once."""
    overview = result_for(
        {"nationality": "GB", "age": 30, "annual_income_hkd": 3_000_000, "good_character": True}
    )[0]
    ttps_a = overview.split("✅ You can apply: Top Talent Pass Scheme (TTPS) Category A", 1)[1]
    assert "Money from your own investments does not count." in ttps_a.split("\n✅")[0].split("\n❔")[0]
    assert overview.count("Each person can get the first TTPS stay only once.") == 1
    assert "Where it says ✅, you seem to meet every rule I can check." in overview


HEIDELBERG = "Heidelberg University"


def test_a_yes_that_rests_on_our_own_reading_says_so():
    """Heidelberg is not named in any source we hold: we hold it eligible because it is top 100 in all
    four rankings (the list's definition), and top 100 in STEM from its overall rank (TechTAS). Both are
    our reading, and the user is told so, for TTPS B, TechTAS and QMAS's degree points alike."""
    answers = {
        "nationality": "US", "age": 40, "degree_level": "master", "bachelor_institution": HEIDELBERG,
        "bachelor_graduation_year": 2010, "bachelor_stem": True, "postgraduate_institution": HEIDELBERG,
        "postgraduate_stem": True, "hk_study": False, "work_experience_years": 10,
        "work_experience_last_5_years": 5, "good_character": True, "job_offer_has_offer": True,
        "job_offer_market_pay": True, "job_offer_degree_level": True, "job_offer_techtas_rd": True,
    }  # fmt: skip
    overview, points = result_for(answers)[:2]
    note = "(We worked this out from the official rule. No official page says it in these words."
    schemes = ("Top Talent Pass Scheme (TTPS) Category B", "Technology Talent Admission Scheme (TechTAS)")
    for scheme in schemes:
        detail = overview.split(f"You can apply: {scheme}\n", 1)[1].split("\n✅")[0]
        assert note in detail, scheme
    degree_points = [line for line in points.splitlines() if "master's or doctor's degree" in line]
    assert len(degree_points) == 2 and all(note in line for line in degree_points)
    assert "secondary source" not in overview  # no source says it: it is not a secondary source's word


def test_a_scheme_only_the_immigration_department_can_settle_says_so_rather_than_asking_for_more():
    overview = result_for(
        {"nationality": "GB", "age": 30, "annual_income_hkd": 3_000_000, "good_character": False}
    )[0]
    ttps_a = overview.split("Top Talent Pass Scheme (TTPS) Category A\n", 1)
    assert ttps_a[0].endswith("❔ I can't tell: ")
    assert ttps_a[1].startswith("   You told us your record is not clean. Here only a serious crime")
    assert "❌ Not a fit today: Quality Migrant Admission Scheme (QMAS)" in overview


def test_close_calls_are_told_in_words_not_as_data():
    """They were shown as "{'scheme': 'qmas', ...}": the key read was "message", the engine's is "text"."""
    answers = {
        "nationality": "GB", "age": 30, "degree_level": "bachelor", "bachelor_institution": "HKU",
        "bachelor_graduation_year": 2015, "hk_study": False, "work_experience_years": 4,
        "work_experience_last_5_years": 2, "good_character": True, "self_supporting": True,
    }  # fmt: skip
    assessment = assess(profile(answers), AS_OF)
    assert assessment["near_misses"], "the profile has a close call (one more year of work)"
    close = next(m for m in render_assessment(assessment) if m.startswith("Close calls:"))
    assert "{" not in close and "One more year of work" in close


def test_a_university_we_cannot_confirm_is_not_asked_for_again_in_the_result():
    """ "To decide, I still need: Bachelor's university" came after the university was given: it is the
    name we cannot confirm on the list, and the result now says so."""
    answers = {
        "nationality": "IN", "age": 30, "degree_level": "bachelor", "bachelor_institution": "IIT Bombay",
        "bachelor_graduation_year": 2018, "bachelor_stem": True, "hk_study": False,
        "work_experience_years": 6, "work_experience_last_5_years": 5, "good_character": True,
    }  # fmt: skip
    overview = render_assessment(assess(profile(answers), AS_OF), answers)[0]
    ttps_b = overview.split("Top Talent Pass Scheme (TTPS) Category B\n", 1)
    assert ttps_b[0].endswith("❔ I can't tell: ")
    assert ttps_b[1].startswith('   We could not confirm if "IIT Bombay" is on the list')
    assert "I still need: Bachelor's university" not in overview
