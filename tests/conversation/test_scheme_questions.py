"""Questions about a scheme are answered from the rules data, with the source and its date."""

import pytest

from bot.conversation.scheme_questions import answer, schemes_in, topic_of
from tests.conversation.conftest import AS_OF


@pytest.mark.parametrize(
    ("text", "schemes"),
    [
        ("what is qmas", ["qmas"]),
        ("how long does ttps take", ["ttps_a", "ttps_b", "ttps_c"]),
        ("is there a quota for ttps c", ["ttps_c"]),
        ("compare gep and techtas", ["gep", "techtas"]),
        ("优才 and 高才 difference?", ["qmas", "ttps_a", "ttps_b", "ttps_c"]),
        ("what's the weather", []),
    ],
)
def test_schemes_are_recognised_by_name_abbreviation_and_chinese_name(text, schemes):
    assert schemes_in(text) == schemes


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("what are the fees for qmas", "fees"),
        ("how long does ttps take", "processing"),
        ("can i bring my family on iang", "dependants"),
        ("when can i get pr after qmas", "permanent_residence"),
        ("how long can i stay with gep", "stay"),
        ("qmas or ttps which is better", "compare"),
        ("what is techtas", "what"),
    ],
)
def test_the_topic_of_a_question(text, topic):
    assert topic_of(text) == topic


def test_fees_come_from_the_official_fee_page_with_its_date():
    (message,) = answer("what are the fees for qmas", AS_OF)
    assert "HK$600 per person to apply" in message
    assert "HK$1,300" in message
    assert "specifiedschemes.html (page dated 20 Oct 2025)" in message


def test_fees_before_the_first_known_fee_table_are_not_guessed():
    (message,) = answer("what are the fees for qmas", AS_OF.replace(year=2024))
    assert "We only have the fees that apply from 26 Feb 2025" in message
    assert "HK$600 per person" not in message


def test_a_processing_time_our_sources_lack_is_not_invented():
    (message,) = answer("how long does assg processing take", AS_OF)
    assert "Our sources don't state this" in message
    assert "secondgenerationhkpr.html" in message


def test_the_first_stay_follows_the_dated_rules():
    # TTPS Category A: 24 months for approvals before 16 Oct 2024, 36 months from then.
    assert "up to 36 months" in answer("how long can i stay with ttps a", AS_OF)[0]
    assert (
        "up to 24 months" in answer("how long can i stay with ttps a", AS_OF.replace(year=2024, month=6))[0]
    )


def test_a_comparison_shows_each_scheme_with_its_own_source():
    messages = answer("qmas or gep which is better", AS_OF)
    assert len(messages) == 2
    assert messages[0].startswith("Quality Migrant Admission Scheme (QMAS)")
    assert "does not need a job offer" in messages[0]
    assert "needs a job offer" in messages[1]
    assert all("Source: https://www.immd.gov.hk/" in m for m in messages)


def test_no_scheme_named_means_no_answer():
    assert answer("what's the weather", AS_OF) is None


def test_documents_are_left_to_the_official_page_not_guessed():
    (message,) = answer("what documents do i need for ttps c", AS_OF)
    assert message == (
        "The documents Top Talent Pass Scheme (TTPS) Category C asks for are listed on its official page, "
        "with the forms: https://www.immd.gov.hk/eng/services/visas/TTPS.html"
    )


def test_a_quota_answer_cites_the_quotas_own_source_and_how_sure_it_is():
    """TTPS C's 10,000 places come from a launch-time press release (S29, mirrored); no source gives the
    number now. The answer cites S29, not the TTPS page, and says the current size is not known."""
    (message,) = answer("is there a quota for ttps c", AS_OF)
    assert "10,000 a year at launch" in message
    assert "The number of places now is not on the official page." in message
    assert "Source of the quota: https://www.dimsumdaily.hk/" in message and "(dated 2023-02-08)" in message
    assert "TTPS.html" not in message


def test_a_quota_resting_on_a_secondary_source_says_so():
    (message,) = answer("is there a quota for qmas", AS_OF.replace(year=2023, month=6, day=1))
    assert "suspended" in message and "secondary source" in message


def test_categories_answering_alike_are_answered_once_together():
    """ "How long does TTPS take?" gave three identical paragraphs, one per category."""
    (message,) = answer("how long does ttps take", AS_OF)
    assert message.startswith("Top Talent Pass Scheme (TTPS) Categories A, B and C:")
    stays = answer("how long can I stay on ttps", AS_OF)  # A's first stay differs from B and C's
    assert [m.split(":")[0] for m in stays] == [
        "Top Talent Pass Scheme (TTPS) Category A",
        "Top Talent Pass Scheme (TTPS) Categories B and C",
    ]


def test_whether_iang_needs_a_job_offer_is_answered_by_when_you_apply():
    (message,) = answer("do I need a job offer for IANG?", AS_OF)
    assert "within 6 months" in message and "don't state" not in message


@pytest.mark.parametrize(
    "text", ["how much money do I need to show for QMAS", "how much real estate counts for New CIES"]
)
def test_how_much_of_something_else_is_not_a_fee_question(text):
    """Both got the fee table."""
    assert topic_of(text) != "fees"
