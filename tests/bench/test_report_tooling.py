"""The benchmark's arithmetic and report on synthetic data, so the tooling cannot silently break.
No timings are asserted: targets are reported by bench/run_all.py, not tested."""

from __future__ import annotations

import statistics

import pytest

from bench import run_all
from bench.stats import (
    confusion_counts,
    fmt,
    markdown_table,
    percentile,
    ratio,
    summarise_latencies,
    text_table,
    within,
)


def test_percentile_interpolates_like_numpy():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 10
    assert percentile(values, 50) == statistics.median(values) == 5.5
    assert percentile(values, 95) == pytest.approx(9.55)  # numpy.percentile(values, 95)
    assert percentile(reversed(values), 99) == pytest.approx(9.91)
    assert percentile([42], 99) == 42


@pytest.mark.parametrize("q", [-1, 101])
def test_percentile_refuses_what_is_not_one(q):
    with pytest.raises(ValueError):
        percentile([1, 2], q)
    with pytest.raises(ValueError):
        percentile([], 50)


def test_latency_summary_is_in_milliseconds_with_throughput():
    summary = summarise_latencies([0.1] * 90 + [1.0] * 10, wall_seconds=20)
    assert summary.turns == 100
    assert summary.p50 == pytest.approx(100)
    assert summary.p99 == pytest.approx(1000)
    assert summary.messages_per_second == 5
    assert set(summary.as_dict()) == {"turns", "p50_ms", "p95_ms", "p99_ms", "messages_per_second"}


def test_ratio_and_target():
    assert ratio(150, 100) == 1.5
    assert within(ratio(150, 100), 1.5) is True
    assert within(ratio(151, 100), 1.5) is False
    assert ratio(1, 0) is None and within(None, 1.5) is None


def test_confusion_matrix_from_support_and_errors():
    labels, matrix = confusion_counts({"greet": 10, "inform": 5}, [("greet", "inform"), ("greet", "bye")])
    assert labels == ["bye", "greet", "inform"]
    assert matrix == [[0, 0, 0], [1, 8, 1], [0, 0, 5]]
    with pytest.raises(ValueError):
        confusion_counts({"greet": 1}, [("greet", "bye"), ("greet", "bye")])


def test_tables_render():
    assert markdown_table(["a", "b"], [["x", fmt(1234.5, 1)]]).splitlines() == [
        "| a | b |",
        "|---|---|",
        "| x | 1,234.5 |",
    ]
    assert fmt(None) == "n/a"
    assert text_table(["name", "n"], [["long name", "1"]]).splitlines()[2] == "long name  1"


def synthetic_results() -> dict:
    level = {
        "ours": {"turns": 10, "p50_ms": 300, "p95_ms": 600, "p99_ms": 900, "messages_per_second": 3.0},
        "starter": {"turns": 10, "p50_ms": 100, "p95_ms": 200, "p99_ms": 300, "messages_per_second": 9.0},
    }
    for bot in ("ours", "starter"):
        level[bot].update(errors=0, conversations=2)
    level["ratio"] = {
        k: level["ours"][k] / level["starter"][k] for k in level["ours"] if k.endswith(("ms", "second"))
    }
    level["load"] = [1.0, 1.0, 1.0]
    stamp = {"_stamp": {"taken": "2026-01-01T00:00:00+00:00", "load": [1.0, 1.0, 1.0], "seconds": 1}}
    samples = [
        {"conversations": n, "rasa": (500 + n) * 2**20, "actions": 200 * 2**20} for n in (0, 500, 1000)
    ]
    return {
        "latency": {
            "levels": {"1": level, "10": level, "50": level},
            "turns_per_conversation": {"ours_median": 8, "starter": 8},
            "starter_train_seconds": 60,
            "p95_ratio_at_10": 3.0,
            "target_met": False,
            **stamp,
        },
        "growth": {
            "conversations": 1,
            "probe": "how long",
            "result_at_turn": [6],
            "ratio_50_to_5": 2.0,
            "probe_median_ms": {"5": 100, "20": 150, "50": 200},
            "every_turn_median_ms": {str(n): 100 + 2 * n for n in range(1, 51)},
            "errors": 0,
            **stamp,
        },
        "memory": {"conversations": 1000, "turns_each": 3, "samples": samples, "errors": 0, **stamp},
        "nlu": {
            "folds": 3,
            "minutes": 1.0,
            "intent_accuracy": 0.96,
            "intent_macro_f1": 0.9,
            "entity_micro_f1": 0.95,
            "entity_f1_by_label": {"age": 1.0},
            "most_confused": [{"true": "a", "predicted": "b", "count": 1}],
            "outcomes": {"right": 0.93, "wrong": 0.03, "rephrase": 0.04},
            "holdout": {
                "intent_accuracy": 0.912,
                "intent_macro_f1": 0.9,
                "examples": 180,
                "most_confused": [{"true": "a", "predicted": "b", "count": 2}],
                "outcomes": {"right": 0.9, "wrong": 0.01, "rephrase": 0.09},
            },
            "confusion": {"labels": ["a", "b"], "matrix": [[3, 1], [0, 4]]},
            "targets": {"intent_accuracy": 0.95, "entity_f1": 0.9},
            **stamp,
        },
        "effort": {
            "personas": [
                {"name": "p", "messages": 5, "messages_in_process": 5, "form_pages": 20},
                {"name": "misread", "messages": 7, "messages_in_process": 5, "form_pages": 20},
            ],
            "median_messages": 5,
            "median_messages_in_process": 5,
            "median_form_pages": 20,
            "misread_over_rest": ["misread"],
            **stamp,
        },
        "engine": {"core_per_second": 6000.0, "near_miss_per_second": 300.0, **stamp},
        "startup": {"seconds": [30.0], "median_seconds": 30.0, "model": "hkta-x.tar.gz", **stamp},
        "_meta": {
            "started": "2026-01-01T00:00:00+00:00",
            "finished": "2026-01-01T00:10:00+00:00",
            "load_start": [1, 1, 1],
            "load_end": [1, 1, 1],
            "stages": list(run_all.STAGES),
            "failed": [],
            "machine": {
                "cpu": "test",
                "cores": 2,
                "memory_gib": 24,
                "python": "3.10",
                "rasa": "3.6",
                "system": "x",
            },
        },
    }


def test_the_report_says_each_target_and_draws_each_picture(tmp_path):
    report = run_all.write_report(synthetic_results(), tmp_path, quick=False).read_text()
    assert "ratio 3.00x, **NOT met**" in report
    assert "Median **5.0** messages over REST (target <= 6: **met**; in process 5.0)" in report
    assert "(a reply the classifier misread): misread." in report
    assert "| messages to the full comparison (median, 2 personas, over REST) | 5.0 |" in report
    assert "| p95 per turn, 10 concurrent | 600 ms | 200 ms | 3.00x | ratio <= 1.5 | NOT met |" in report
    assert "Held out (bench/nlu_holdout.yml, 180 messages" in report
    assert "intent accuracy **0.912**" in report and "a -> b (2)" in report
    assert "In cross-validation the bot acts on the right intent for 93.0% of messages, on a wrong" in report
    assert "held-out messages the bot acts on the right intent for 90.0%" in report
    for picture in ("latency", "growth", "memory", "confusion", "effort"):
        assert (tmp_path / f"{picture}.png").stat().st_size > 1000
        assert f"]({picture}.png)" in report


def test_effort_taken_in_process_only_before_the_rest_stage_still_reports(tmp_path):
    """results.json from before the REST effort stage (a partial run keeps them) must still render."""
    results = synthetic_results()
    results["effort"] = {
        "personas": [{"name": "p", "messages": 5, "form_pages": 20}],
        "median_messages": 5,
        "median_form_pages": 20,
        "_stamp": results["engine"]["_stamp"],
    }
    report = run_all.write_report(results, tmp_path, quick=False).read_text()
    assert "Median **5.0** messages (target <= 6: **met**) against 20.0 form pages." in report
    assert "in process: the real entity pipeline" in report


def test_a_partial_run_reports_only_its_stages(tmp_path):
    results = {k: v for k, v in synthetic_results().items() if k in ("engine", "_meta")}
    report = run_all.write_report(results, tmp_path, quick=True).read_text()
    assert "## Engine" in report and "## Latency" not in report
    assert "come from earlier runs" not in report
    results["_meta"]["stages"] = ["effort"]
    assert (
        "This run measured effort; engine come from earlier runs"
        in run_all.write_report(results, tmp_path, True).read_text()
    )
    assert [p.name for p in tmp_path.glob("*.png")] == []


def test_the_nlu_bench_counts_fallbacks_apart_from_the_intent_underneath(tmp_path, capsys):
    """Rasa scores the intent under a fallback; the bench says which fallbacks lost a right answer."""
    import json

    from bench import nlu

    (tmp_path / "intent_report.json").write_text(json.dumps({"weighted avg": {"support": 10}}))
    errors = [
        {"text": "germany work visa", "intent": "out_of_scope", "intent_prediction": {"name": "inform"}},
        {"text": "hiya", "intent": "greet", "intent_prediction": {"name": "out_of_scope"}},
    ]
    (tmp_path / "intent_errors.json").write_text(json.dumps(errors))
    fallbacks = [{"text": "hiya", "intent": "out_of_scope"}, {"text": "no, maybe later", "intent": "deny"}]
    (tmp_path / nlu.FALLBACKS_FILE).write_text("".join(json.dumps(line) + "\n" for line in fallbacks))

    # 10 messages, 2 of them wrong; 1 right and 1 wrong fell back
    assert nlu.fallback_figures(tmp_path) == (10, 2, 1, 1)
    nlu.print_fallbacks(tmp_path)
    printed = capsys.readouterr().out
    assert "2 of 10 (20.0%): 1 whose intent was right, 1 wrong" in printed
    assert "the right intent 0.700, a wrong one 0.100" in printed


def test_the_nlu_bench_scores_every_config_on_the_same_folds():
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bench import nlu

    examples = [Message(data={"text": f"m{i}", "intent": "a" if i % 2 else "b"}) for i in range(12)]
    data = TrainingData(training_examples=examples)

    def split():
        folds = nlu.generate_seeded_folds(3, data)
        return [[message.get("text") for message in test.training_examples] for _, test in folds]

    assert split() == split()
