"""NLU quality: `rasa test nlu` cross-validation on data/nlu with the project config, and a summary.

    .venv/bin/python bench/nlu.py                 # 3 folds, results in results/nlu_cv
    .venv/bin/python bench/nlu.py --folds 5 --out /tmp/nlu_cv --config /tmp/config.yml
    .venv/bin/python bench/nlu.py --summary-only  # re-print the summary of an earlier run
    .venv/bin/python bench/nlu.py --holdout-only  # only the held-out figure (below), one training

Run from anywhere; it works in the repository root. It first builds the project's spaCy pipeline into
build/spacy_pipeline (`python -m bot.nlp.build build/spacy_pipeline`, a few seconds; skip with
--no-build), then runs

    rasa test nlu --cross-validation --folds N --config CONFIG --nlu data/nlu --domain domain.yml --out OUT

and prints: intent accuracy, macro F1, how many messages the FallbackClassifier would have sent to
"please rephrase" (and whether their intent was right), entity F1 per label and overall (micro), and the
intent pairs confused most often. Exit status 1 if intent accuracy < 0.95 or entity micro F1 < 0.90
(the targets of issue 4), 2 if Rasa itself failed; the figures are printed either way. The folds are
shuffled with a fixed seed, so two configs are scored on the same split. 3 folds take about 2 minutes
on two cores with the linear intent classifier (DIET took 20 minutes; docs/decisions/0203).

Entities come only from the rule-based spaCy pipeline (SpacyEntityExtractor; DIET has
entity_recognition: false). Stock `rasa test nlu` drops the entities of "pretrained" extractors
(SpacyEntityExtractor, Duckling) before scoring, so it would report no entity figures at all. This script
runs the Rasa CLI in a child process with that filter emptied (rasa.nlu.test.PRETRAINED_EXTRACTORS), so
Rasa scores the pipeline's entities against the annotations in data/nlu like any other extractor (token
level, as Rasa does). It also prints the exact-span F1 of the pipeline on the annotated examples.
tests/nlp/test_training_data_agrees.py keeps annotations and pipeline in step, so entity figures below
1.0 mean the data and the pipeline have drifted apart.

Cross-validation scores the data against itself: an example's neighbours, written by the same people, are
in the training folds. So the script also trains one model on all of data/nlu and scores it on
bench/nlu_holdout.yml, messages written apart from the training data and never trained on: the honest
figure for messages nobody anticipated. It is reported beside the target, not instead of it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
INTENT_ACCURACY_TARGET = 0.95
ENTITY_F1_TARGET = 0.90
ENTITY_EXTRACTOR = "SpacyEntityExtractor"

ENTITY_INTENTS_VARIABLE = "HKTA_BENCH_ENTITY_INTENTS"
FOLD_SEED = 2026
FALLBACKS_VARIABLE = "HKTA_BENCH_FALLBACKS"
FALLBACKS_FILE = "fallbacks.jsonl"


def run_rasa_cli(rasa_arguments: list[str]) -> None:
    """The child process: the Rasa CLI, with the spaCy pipeline's entities scored like any extractor's.

    Entities are scored only on examples of intents that carry annotations (inform, correct_answer, ...;
    the same rule as tests/nlp/test_training_data_agrees.py): "what's the weather in hong kong" is
    out_of_scope and nobody annotates its country.
    """
    import rasa.nlu.test as rasa_test
    from rasa.__main__ import main as rasa_main

    rasa_test.PRETRAINED_EXTRACTORS = set()
    scored_intents = set(filter(None, os.environ.get(ENTITY_INTENTS_VARIABLE, "").split(",")))
    original = rasa_test.get_eval_data

    async def get_eval_data(processor, test_data):
        intent_results, response_results, entity_results = await original(processor, test_data)
        # Rasa fills both lists in one pass over test_data.nlu_examples, so they pair up.
        intents = [example.get("intent") for example in test_data.nlu_examples]
        if entity_results and len(intents) == len(entity_results):
            entity_results = [
                result if intent in scored_intents else result._replace(entity_predictions=[])
                for intent, result in zip(intents, entity_results, strict=True)
            ]
        return intent_results, response_results, entity_results

    rasa_test.get_eval_data = get_eval_data
    rasa_test.generate_folds = generate_seeded_folds
    record_fallbacks(os.environ.get(FALLBACKS_VARIABLE))
    sys.argv = ["rasa", *rasa_arguments]
    rasa_main()


def record_fallbacks(path: str | None) -> None:
    """Write each message the FallbackClassifier caught to `path`, one JSON line each.

    Rasa scores the classifier's intent underneath a fallback ("undo_fallback_prediction"), so its
    accuracy says nothing about how often a user would be asked to rephrase. The summary reports that
    from this file: how many right answers a fallback would have thrown away, and how many wrong ones it
    would have caught.
    """
    if not path:
        return
    from rasa.nlu.classifiers import fallback_classifier

    undo = fallback_classifier.undo_fallback_prediction

    def undo_and_record(prediction):
        reverted = undo(prediction)
        line = {"text": prediction.get("text"), "intent": reverted.get("intent", {}).get("name")}
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
        return reverted

    fallback_classifier.undo_fallback_prediction = undo_and_record


def generate_seeded_folds(n, training_data):
    """Rasa's generate_folds with a fixed shuffle, so two runs (two configs) score the same folds.

    Rasa shuffles with an unseeded StratifiedKFold: every run drew other folds, and a difference of
    a point between two configs was partly a difference between two splits.
    """
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    examples = training_data.intent_examples
    labels = [example.get_full_intent() for example in examples]
    shared = {
        "entity_synonyms": training_data.entity_synonyms,
        "regex_features": training_data.regex_features,
        "lookup_tables": training_data.lookup_tables,
        "responses": training_data.responses,
    }
    splitter = StratifiedKFold(n_splits=n, shuffle=True, random_state=FOLD_SEED)
    for train_index, test_index in splitter.split(examples, labels):
        yield (
            TrainingData(training_examples=[examples[i] for i in train_index], **shared),
            TrainingData(training_examples=[examples[i] for i in test_index], **shared),
        )


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def build_pipeline(out_dir: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "bot.nlp.build", str(out_dir)], cwd=ROOT, env=_environment(), check=True
    )


def rasa_command(*arguments: str) -> list[str]:
    """The Rasa CLI with `arguments`, run through this script's child mode (see run_rasa_cli)."""
    return [sys.executable, str(Path(__file__).resolve()), "--run-rasa", *arguments]


def run_cross_validation(folds: int, config: Path, nlu: Path, domain: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    from tests.nlp.training_data import annotated_examples

    scored_intents = sorted({example.intent for example in annotated_examples(nlu)})
    command = rasa_command(
        "test", "nlu", "--cross-validation", "--folds", str(folds),
        "--config", str(config), "--nlu", str(nlu), "--domain", str(domain), "--out", str(out),
        "--no-plot", "--successes",
    )  # fmt: skip
    log = out / "rasa.log"
    with log.open("w", encoding="utf-8") as handle:
        (out / FALLBACKS_FILE).unlink(missing_ok=True)
        env = {
            **_environment(),
            ENTITY_INTENTS_VARIABLE: ",".join(scored_intents),
            FALLBACKS_VARIABLE: str(out / FALLBACKS_FILE),
        }
        completed = subprocess.run(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    if completed.returncode != 0:
        print(f"rasa test nlu failed (exit {completed.returncode}); last lines of {log}:", file=sys.stderr)
        print("\n".join(log.read_text(encoding="utf-8").splitlines()[-30:]), file=sys.stderr)
    return completed.returncode


def run_holdout(config: Path, nlu: Path, holdout: Path, out: Path) -> int:
    """Train on all of `nlu`, then score the model on `holdout`; Rasa's reports go to out/holdout."""
    models = out / "holdout_model"
    train = rasa_command(
        "train", "nlu", "--config", str(config), "--nlu", str(nlu),
        "--out", str(models), "--fixed-model-name", "all_data",
    )  # fmt: skip
    test = rasa_command(
        "test", "nlu", "--model", str(models / "all_data.tar.gz"), "--nlu", str(holdout),
        "--out", str(out / "holdout"), "--no-plot", "--successes",
    )  # fmt: skip
    (out / "holdout").mkdir(parents=True, exist_ok=True)
    (out / "holdout" / "intent_report.json").unlink(missing_ok=True)
    (out / "holdout" / FALLBACKS_FILE).unlink(missing_ok=True)
    env = {**_environment(), FALLBACKS_VARIABLE: str(out / "holdout" / FALLBACKS_FILE)}
    log = out / "holdout.log"
    with log.open("w", encoding="utf-8") as handle:
        for command in (train, test):
            completed = subprocess.run(command, cwd=ROOT, env=env, stdout=handle, stderr=handle)
            if completed.returncode != 0:
                print(f"held-out scoring failed (exit {completed.returncode}); see {log}", file=sys.stderr)
                return completed.returncode
    return 0


# ---------------------------------------------------------------- reading Rasa's reports


def summarise_holdout(out: Path, holdout: Path) -> None:
    accuracy, macro_f1, pairs, _ = intent_figures(out / "holdout")
    name = holdout.relative_to(ROOT) if holdout.is_relative_to(ROOT) else holdout
    print(f"\nHeld out ({name}; the model trained on all the training data)")
    print(f"  intent accuracy   {_fmt(accuracy)}   (not a target: messages the data never anticipated)")
    print(f"  intent macro F1   {_fmt(macro_f1)}")
    print_fallbacks(out / "holdout")
    for count, true, predicted in pairs[:8]:
        print(f"    {true} -> {predicted}: {count}")


def _load(path: Path) -> dict | list | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def intent_figures(out: Path) -> tuple[float | None, float | None, list[tuple[int, str, str]], dict]:
    """Accuracy, macro F1, [(count, true intent, predicted intent)] worst first, per-intent report."""
    report = _load(out / "intent_report.json")
    if not isinstance(report, dict):
        return None, None, [], {}
    per_intent = {
        name: scores
        for name, scores in report.items()
        if isinstance(scores, dict) and name not in ("macro avg", "weighted avg", "micro avg")
    }
    pairs = [
        (count, true, predicted)
        for true, scores in per_intent.items()
        for predicted, count in (scores.get("confused_with") or {}).items()
    ]
    pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
    accuracy = report.get("accuracy")
    if accuracy is None and "micro avg" in report:  # sklearn omits "accuracy" when labels are partial
        accuracy = report["micro avg"]["f1-score"]
    return accuracy, report.get("macro avg", {}).get("f1-score"), pairs, per_intent


def fallback_figures(out: Path) -> tuple[int, int, int, int] | None:
    """(messages, wrong intents, right ones that fell back, wrong ones that fell back); None if unrecorded."""
    path, report = out / FALLBACKS_FILE, _load(out / "intent_report.json")
    if not path.exists() or not isinstance(report, dict):
        return None
    messages = int((report.get("weighted avg") or {}).get("support", 0))
    errors = {(e["text"], e["intent_prediction"]["name"]) for e in _load(out / "intent_errors.json") or []}
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wrong = sum((line["text"], line["intent"]) in errors for line in lines)
    return messages, len(errors), len(lines) - wrong, wrong


def outcome_shares(out: Path) -> dict[str, float] | None:
    """What the user gets, as shares of all messages: an action on the right intent, on a wrong one,
    or "please rephrase". None when the fallbacks were not recorded."""
    figures = fallback_figures(out)
    if figures is None or not figures[0]:
        return None
    messages, errors, right, wrong = figures
    return {
        "right": (messages - errors - right) / messages,
        "wrong": (errors - wrong) / messages,
        "rephrase": (right + wrong) / messages,
    }


def print_fallbacks(out: Path) -> None:
    figures, shares = fallback_figures(out), outcome_shares(out)
    if figures is None or shares is None:
        return
    messages, _, right, wrong = figures
    print(
        f"  fell back ('please rephrase')  {right + wrong} of {messages} ({shares['rephrase']:.1%}): "
        f"{right} whose intent was right, {wrong} wrong (accuracy counts the intent underneath)"
    )
    print(f"  so the bot acts on   the right intent {shares['right']:.3f}, a wrong one {shares['wrong']:.3f}")


def entity_figures(out: Path) -> dict[str, dict] | None:
    """Rasa's token-level entity report for the spaCy pipeline: label -> scores, plus "micro avg"."""
    report = _load(out / f"{ENTITY_EXTRACTOR}_report.json")
    return report if isinstance(report, dict) else None


def span_figures(nlu: Path) -> dict[str, tuple[int, int, int]]:
    """Exact-span (start, end, label) agreement of the pipeline with the annotations: label -> (tp, fp, fn).
    Only intents that carry annotations are counted (see tests/nlp/test_training_data_agrees.py)."""
    import spacy

    from tests.nlp.training_data import annotated_examples, pipeline_spans

    nlp = spacy.load(ROOT / "build" / "spacy_pipeline")
    counts: dict[str, list[int]] = {}
    for example in annotated_examples(nlu):
        gold, found = set(example.spans), set(pipeline_spans(nlp, example.text))
        for span in gold | found:
            tally = counts.setdefault(span[2], [0, 0, 0])
            tally[0 if span in gold and span in found else 1 if span in found else 2] += 1
    return {label: (tp, fp, fn) for label, (tp, fp, fn) in counts.items()}


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def summarise(out: Path, nlu: Path, folds: int | None, seconds: float | None) -> int:
    accuracy, macro_f1, pairs, per_intent = intent_figures(out)
    entities = entity_figures(out)
    spans = span_figures(nlu)
    timing = f", {seconds / 60:.1f} min" if seconds is not None else ""
    print(f"\nNLU cross-validation ({folds or '?'} folds{timing}); reports in {out}")
    print(f"  intent accuracy   {_fmt(accuracy)}   (target >= {INTENT_ACCURACY_TARGET})")
    print(f"  intent macro F1   {_fmt(macro_f1)}")
    print_fallbacks(out)
    weakest = sorted(per_intent.items(), key=lambda item: item[1].get("f1-score", 1.0))[:5]
    if weakest:
        print("  weakest intents   " + ", ".join(f"{name} {s['f1-score']:.2f}" for name, s in weakest))
    print("  most confused (true -> predicted: count)")
    for count, true, predicted in pairs[:8] or []:
        print(f"    {true} -> {predicted}: {count}")
    if not pairs:
        print("    none")

    print(f"  entities ({ENTITY_EXTRACTOR}, token level as `rasa test nlu` scores them | exact spans)")
    print(f"    {'label':<12}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}   {'span F1':>8}")
    labels = sorted(
        (set(entities or {}) | set(spans)) - {"micro avg", "macro avg", "weighted avg", "accuracy"}
    )
    for label in labels:
        scores = (entities or {}).get(label) or {}
        span = spans.get(label)
        print(
            f"    {label:<12}{_fmt(scores.get('precision')):>10}{_fmt(scores.get('recall')):>8}"
            f"{_fmt(scores.get('f1-score')):>8}{scores.get('support', 0):>9}   "
            f"{_fmt(_f1(*span) if span else None):>8}"
        )
    micro = (entities or {}).get("micro avg") or {}
    totals = [sum(values) for values in zip(*spans.values(), strict=True)] if spans else [0, 0, 0]
    entity_f1 = micro.get("f1-score")
    print(
        f"    {'overall':<12}{_fmt(micro.get('precision')):>10}{_fmt(micro.get('recall')):>8}"
        f"{_fmt(entity_f1):>8}{micro.get('support', 0):>9}   {_fmt(_f1(*totals)):>8}"
        f"   (target F1 >= {ENTITY_F1_TARGET})"
    )

    failures = []
    if accuracy is None or accuracy < INTENT_ACCURACY_TARGET:
        failures.append(f"intent accuracy {_fmt(accuracy)} < {INTENT_ACCURACY_TARGET}")
    if entity_f1 is None or entity_f1 < ENTITY_F1_TARGET:
        failures.append(f"entity F1 {_fmt(entity_f1)} < {ENTITY_F1_TARGET}")
    print("  RESULT: " + ("FAIL: " + "; ".join(failures) if failures else "targets met"))
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--run-rasa"]:  # a child process started with rasa_command
        run_rasa_cli(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--nlu", type=Path, default=ROOT / "data" / "nlu")
    parser.add_argument("--domain", type=Path, default=ROOT / "domain.yml")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "nlu_cv")
    parser.add_argument("--no-build", action="store_true", help="use build/spacy_pipeline as it is")
    parser.add_argument("--summary-only", action="store_true", help="summarise the reports already in --out")
    parser.add_argument("--holdout", type=Path, default=ROOT / "bench" / "nlu_holdout.yml")
    parser.add_argument("--holdout-only", action="store_true", help="only train on all data, score held out")
    args = parser.parse_args(argv)
    os.environ.update({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"})

    if args.summary_only:
        status = summarise(args.out, args.nlu, None, None)
        if (args.out / "holdout" / "intent_report.json").exists():
            summarise_holdout(args.out, args.holdout)
        return status
    if not args.no_build:
        build_pipeline(ROOT / "build" / "spacy_pipeline")
    if args.holdout_only:
        code = run_holdout(args.config, args.nlu, args.holdout, args.out)
        if code == 0:
            summarise_holdout(args.out, args.holdout)
        return 2 if code else 0
    for stale in ("intent_report.json", f"{ENTITY_EXTRACTOR}_report.json"):
        (args.out / stale).unlink(missing_ok=True)
    started = time.monotonic()
    code = run_cross_validation(args.folds, args.config, args.nlu, args.domain, args.out)
    seconds = time.monotonic() - started
    status = summarise(args.out, args.nlu, args.folds, seconds)
    held_out = 0
    if args.holdout.exists():
        held_out = run_holdout(args.config, args.nlu, args.holdout, args.out)
        if held_out == 0:
            summarise_holdout(args.out, args.holdout)
    return 2 if code != 0 or held_out != 0 else status


if __name__ == "__main__":
    sys.exit(main())
