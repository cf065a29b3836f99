"""One pipeline per test session, built from the fixture universities so tests do not depend on the
real list (owned and edited elsewhere), saved to disk and loaded back exactly as Rasa's SpacyNLP does."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_UNIVERSITIES = FIXTURES / "universities.yaml"


@pytest.fixture(scope="session")
def pipeline_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bot.nlp.build import save_pipeline

    out_dir = tmp_path_factory.mktemp("spacy_pipeline")
    save_pipeline(out_dir, FIXTURE_UNIVERSITIES)
    return out_dir


@pytest.fixture(scope="session")
def nlp(pipeline_dir: Path):
    import spacy

    return spacy.load(pipeline_dir, disable=["parser"])


@pytest.fixture(scope="session")
def entities(nlp):
    """text -> [(entity text, label), ...] as the loaded pipeline tags it."""

    def tag(text: str) -> list[tuple[str, str]]:
        return [(ent.text, ent.label_) for ent in nlp(text).ents]

    return tag


@pytest.fixture(scope="session")
def project_nlp(tmp_path_factory: pytest.TempPathFactory):
    """The pipeline as shipped: built from the real universities list (bot/rules/universities.yaml), saved
    and loaded back. For checks of the training data, which names real universities."""
    import spacy

    from bot.nlp.build import save_pipeline

    out_dir = tmp_path_factory.mktemp("project_spacy_pipeline")
    save_pipeline(out_dir)
    return spacy.load(out_dir)
