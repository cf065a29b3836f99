"""Build the project's spaCy pipeline and write it to a directory.

    python -m bot.nlp.build OUT_DIR [--universities PATH]

The result is spacy.blank("en") plus the built-in entity_ruler, so ``spacy.load(OUT_DIR)`` needs no
project code (Rasa's SpacyNLP loads it by path, with ``model: OUT_DIR`` in config.yml).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import spacy
from spacy.language import Language

from bot.nlp import lexicon
from bot.nlp.labels import ENTITY_LABELS
from bot.nlp.patterns import all_patterns

PIPELINE_NAME = "hk_talent_rules"
PIPELINE_VERSION = "0.1.0"


def build_pipeline(universities_path: Path | None = lexicon.UNIVERSITIES_PATH) -> Language:
    """A blank English pipeline with an EntityRuler holding every project pattern."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe(
        "entity_ruler",
        config={"phrase_matcher_attr": "LOWER", "validate": True, "overwrite_ents": False},
    )
    ruler.add_patterns(all_patterns(universities_path))
    nlp.meta.update(
        {
            "name": PIPELINE_NAME,
            "version": PIPELINE_VERSION,
            "description": "Rule-based entities for the Hong Kong talent-scheme assistant: "
            + ", ".join(ENTITY_LABELS),
            "license": "Apache-2.0",
            # Saved pipelines only load on the spaCy minor version that wrote them.
            "spacy_version": spacy.util.get_minor_version_range(spacy.about.__version__),
        }
    )
    return nlp


def save_pipeline(out_dir: Path, universities_path: Path | None = lexicon.UNIVERSITIES_PATH) -> Language:
    nlp = build_pipeline(universities_path)
    Path(out_dir).mkdir(parents=True, exist_ok=True)  # spaCy creates only the last folder
    nlp.to_disk(out_dir)
    return nlp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="directory to write the pipeline to")
    parser.add_argument(
        "--universities",
        type=Path,
        default=lexicon.UNIVERSITIES_PATH,
        help=f"universities YAML (default: {lexicon.UNIVERSITIES_PATH})",
    )
    args = parser.parse_args(argv)
    if not args.universities.exists():
        print(f"warning: {args.universities} not found; building without universities", file=sys.stderr)
    nlp = save_pipeline(args.out_dir, args.universities)
    counts = Counter(pattern["label"] for pattern in nlp.get_pipe("entity_ruler").patterns)
    summary = ", ".join(f"{label} {counts.get(label, 0)}" for label in ENTITY_LABELS)
    print(f"wrote {PIPELINE_NAME} {PIPELINE_VERSION} to {args.out_dir} (patterns: {summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
