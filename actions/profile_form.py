"""The applicant-profile interview: all of its behaviour is the shared interview base."""

from actions.form_base import InterviewFormValidation


class ValidateProfileForm(InterviewFormValidation):
    def name(self) -> str:
        return "validate_profile_form"
