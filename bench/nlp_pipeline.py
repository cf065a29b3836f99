"""Throughput of the project's spaCy pipeline on one core: docs/second over realistic applicant messages.

    python bench/nlp_pipeline.py [--docs 5000] [--pipeline DIR]

Without --pipeline it builds the pipeline into a temporary directory first (that time is not counted)
and loads it with spacy.load, as Rasa does. Messages are lower-cased too, as Rasa's SpacyNLP does.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MESSAGES = [
    "I'm 32, Indian, master's in CS from HKUST, 8 years at Google, earn about 1.2m HKD",
    "im 28 , from mainland china, bachelor degree from Peking University, 5 yrs working, 60k RMB a month",
    "PRC citizen, PhD Tsinghua, graduated in 2018, speak Putonghua and English",
    "MSc from Univ. of Hong Kong, class of 2019, working since 2015 at HSBC",
    "hi",
    "what is the difference between TTPS and QMAS?",
    "I am thirty-two years old, my income is HK$2.5m per year",
    "yes",
    "I'd rather not say",
    "actually I'm 35",
    "change my income to 2.6 million",
    "from IIT Bombay, B.Tech 2012-2016, 25 lakhs salary, can speak Hindi, Tamil and English",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--pipeline", type=Path)
    args = parser.parse_args()

    import spacy

    from bot.nlp.build import save_pipeline

    with tempfile.TemporaryDirectory() as scratch:
        pipeline_dir = args.pipeline
        if pipeline_dir is None:
            pipeline_dir = Path(scratch) / "pipeline"
            save_pipeline(pipeline_dir)
        nlp = spacy.load(pipeline_dir, disable=["parser"])
        texts = list(itertools.islice(itertools.cycle(MESSAGES + [m.lower() for m in MESSAGES]), args.docs))
        for text in texts[:50]:  # warm-up: first calls compile regexes and fill caches
            nlp(text)
        started = time.perf_counter()
        entities = sum(len(nlp(text).ents) for text in texts)  # one call per message, as Rasa does
        elapsed = time.perf_counter() - started
    print(
        f"{args.docs / elapsed:,.0f} docs/second on one core ({args.docs} docs, {entities} entities, "
        f"{elapsed:.2f}s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
