"""The built pipeline loads with plain spacy.load, the way Rasa's SpacyNLP loads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from bot.nlp.build import main
from bot.nlp.labels import ENTITY_LABELS
from tests.nlp.conftest import FIXTURE_UNIVERSITIES


def test_built_pipeline_loads_with_spacy_load_and_has_a_path(pipeline_dir: Path) -> None:
    nlp = spacy.load(pipeline_dir, disable=["parser"])
    assert nlp.path is not None  # SpacyNLP refuses a pipeline whose path is None
    assert nlp.pipe_names == ["entity_ruler"]
    assert nlp.lang == "en"


def test_pipeline_uses_only_built_in_factories(pipeline_dir: Path) -> None:
    config = spacy.util.load_config(pipeline_dir / "config.cfg")
    assert {component["factory"] for component in config["components"].values()} == {"entity_ruler"}


def test_meta_declares_the_running_spacy_minor_version(pipeline_dir: Path) -> None:
    meta = json.loads((pipeline_dir / "meta.json").read_text())
    assert spacy.util.is_compatible_version(spacy.about.__version__, meta["spacy_version"])
    assert meta["name"] == "hk_talent_rules"


def test_pipeline_labels_are_exactly_the_project_entities(nlp) -> None:
    assert set(nlp.get_pipe("entity_ruler").labels) == set(ENTITY_LABELS)


def test_build_command_writes_a_loadable_pipeline(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path / "out"), "--universities", str(FIXTURE_UNIVERSITIES)]) == 0
    assert "wrote hk_talent_rules" in capsys.readouterr().out
    doc = spacy.load(tmp_path / "out")("MSc from HKU")
    assert [(ent.text, ent.label_) for ent in doc.ents] == [("MSc", "degree"), ("HKU", "university")]


def test_build_without_a_universities_file_still_builds(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path / "out"), "--universities", str(tmp_path / "missing.yaml")]) == 0
    assert "building without universities" in capsys.readouterr().err
    assert spacy.load(tmp_path / "out")("HKUST").ents == ()


def test_pipeline_on_disk_is_small(pipeline_dir: Path) -> None:
    size = sum(path.stat().st_size for path in pipeline_dir.rglob("*") if path.is_file())
    assert size < 2_000_000


def test_rasa_spacy_nlp_accepts_the_pipeline_and_extracts_entities(pipeline_dir: Path) -> None:
    spacy_utils = pytest.importorskip("rasa.nlu.utils.spacy_utils")
    extractor = pytest.importorskip("rasa.nlu.extractors.spacy_entity_extractor")

    model = spacy_utils.SpacyNLP.load_model(str(pipeline_dir))
    spacy_utils.SpacyNLP.ensure_proper_language_model(model.model)
    found = extractor.SpacyEntityExtractor._extract_entities(model.model("i'm 32, indian, 1.2m hkd"))
    assert [(entity["entity"], entity["value"]) for entity in found] == [
        ("age", "i'm 32"),
        ("country", "indian"),
        ("money", "1.2m hkd"),
    ]
