"""The applicant the fault tests interview: a 32-year-old Indian software engineer."""

from __future__ import annotations

from tests.scripted_applicant import APPLICANT, reply_to

FIRST_MESSAGE = "I'm 32 and Indian"
GIVEN = {"age": 32, "nationality": "IN"}  # the slots FIRST_MESSAGE fills
ANSWERS = {
    **APPLICANT,
    "degree_level": "master's",
    "work_experience_years": "8",
    "annual_income_hkd": "1.2m HKD",
}


def answer_to(question: str) -> str:
    return reply_to(question, ANSWERS)
