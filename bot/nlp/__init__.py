"""The project's own spaCy pipeline: a blank English pipeline plus the built-in EntityRuler.

Build it with ``python -m bot.nlp.build OUT_DIR``; load it with ``spacy.load(OUT_DIR)``.
This package's import does not load spaCy: bot.normalise reads the same word lists without it.
"""

from bot.nlp.labels import ENTITY_LABELS

__all__ = ["ENTITY_LABELS"]
