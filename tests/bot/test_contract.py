"""The JSON contract of issue 3 and the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine import SCHEME_IDS, assess
from bot.profile import Profile, ProfileError, parse_profile
from tests.bot.conftest import BASE, run

STATUSES = {"eligible", "needs_job_offer", "not_eligible", "more_info_needed"}
REPO = Path(__file__).resolve().parents[2]


def test_assessment_has_contract_fields_for_every_scheme():
    a = run()
    assert a["as_of"] == "2025-06-01"
    assert isinstance(a["rules_version"], str) and a["rules_version"]
    assert [s["id"] for s in a["schemes"]] == list(SCHEME_IDS)
    for s in a["schemes"]:
        assert s["status"] in STATUSES
        assert isinstance(s["name"], str) and s["name"]
        assert s["reasons"] and all(isinstance(r, str) for r in s["reasons"])
        assert isinstance(s["missing"], list)
        assert s["sources"] and all(u.startswith("http") for u in s["sources"])
        assert s["next_steps"]


def test_every_reason_cites_a_rule_and_a_source_id():
    for s in run()["schemes"]:
        for reason in s["reasons"]:
            assert reason.rstrip().endswith("]")
            rule, cite = reason.rsplit("[", 1)[1].rstrip("]").split("; ")
            assert rule.startswith(s["id"].split("_")[0]) or rule.startswith(s["id"])
            assert cite.startswith("S") or cite.startswith("UGC")


def test_qmas_block_has_twelve_criteria_and_threshold_six_from_november_2024():
    gpt = run()["qmas"]["general_points_test"]
    assert [c["id"] for c in gpt["criteria"]] == list(range(1, 13))
    assert all(c["met"] in (True, False, None) and c["reason"] for c in gpt["criteria"])
    assert gpt["threshold"] == 6
    assert isinstance(gpt["met"], int)
    assert gpt["passes"] in (True, False, None)
    assert "passes" in run()["qmas"]["achievement_based"]


def test_assessment_ends_with_the_guidance_not_legal_advice_line():
    a = run()
    assert list(a)[-1] == "disclaimer"
    assert a["disclaimer"] == "This is guidance, not legal advice. The Immigration Department decides."


def test_qmas_warning_says_meeting_threshold_is_not_approval():
    a = run()
    assert "does not mean you will get a visa" in a["qmas"]["warning"]
    assert "more of the points" in a["qmas"]["warning"]


def test_empty_profile_is_valid_and_nothing_is_eligible():
    a = assess(parse_profile({}), near_misses=False)
    assert all(s["status"] != "eligible" for s in a["schemes"])


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"age": "thirty"}, "age"),
        ({"age": 30.5}, "age"),
        ({"age": -1}, "age"),
        ({"nationality": "GBR"}, "nationality"),
        ({"degree_level": "phd"}, "degree_level"),
        ({"hk_study": {"programme": "part_time"}}, "hk_study.programme"),
        ({"hk_study": {"graduation_date": "2024-13-01"}}, "hk_study.graduation_date"),
        ({"hk_study": True}, "hk_study"),
        ({"languages": {"other": "French"}}, "languages.other"),
        ({"job_offer": {"has_offer": "yes"}}, "job_offer.has_offer"),
        ({"annual_income_hkd": True}, "annual_income_hkd"),
        ({"good_character": 1}, "good_character"),
    ],
)
def test_bad_field_raises_profile_error_naming_the_field(data, field):
    with pytest.raises(ProfileError) as err:
        parse_profile(data)
    assert err.value.field == field


def test_profile_parses_full_example():
    p = parse_profile(BASE)
    assert isinstance(p, Profile)
    assert p.languages.english is True and p.job_offer.has_offer is False and p.hk_study is False


def test_cli_prints_json_assessment(tmp_path, capsys):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(BASE))
    assert main(["assess", str(path), "--as-of", "2025-06-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2025-06-01" and len(out["schemes"]) == len(SCHEME_IDS)


def test_cli_bad_field_exits_2_and_names_field(tmp_path, capsys):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"age": "old"}))
    assert main(["assess", str(path)]) == 2
    assert "'age'" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", "null", '"text"'])
def test_cli_bad_file_exits_2(tmp_path, capsys, content):
    path = tmp_path / "p.json"
    path.write_text(content)
    assert main(["assess", str(path)]) == 2
    assert "error:" in capsys.readouterr().err


def test_cli_missing_file_and_bad_date_exit_2(tmp_path, capsys):
    assert main(["assess", str(tmp_path / "nope.json")]) == 2
    path = tmp_path / "p.json"
    path.write_text("{}")
    assert main(["assess", str(path), "--as-of", "2025-02-30"]) == 2
    assert "--as-of" in capsys.readouterr().err


def test_cli_lists_unknown_fields_as_ignored(tmp_path, capsys):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"age": 30, "favourite_colour": "blue"}))
    assert main(["assess", str(path), "--no-near-misses"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ignored_fields"] == ["favourite_colour"]
    assert list(out)[-1] == "disclaimer"


def test_python_dash_m_bot_runs_as_a_module(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"nationality": "AF"}))
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "assess", str(path), "--as-of", "2025-01-01"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert all(s["status"] == "not_eligible" for s in out["schemes"] if s["id"] != "asmtp")


def test_bot_package_does_not_import_rasa():
    rasa_import = re.compile(r"^\s*(from|import)\s+(rasa|rasa_sdk)(\.|\s|$)", re.MULTILINE)
    for path in (REPO / "bot").rglob("*.py"):
        assert not rasa_import.search(path.read_text()), path


def test_missing_answers_come_with_plain_questions_and_why_we_ask():
    from bot.texts import why_we_ask

    a = run(drop=("annual_income_hkd",))
    s = next(x for x in a["schemes"] if x["id"] == "ttps_a")
    assert s["missing_questions"] == [
        "What was your income last year from work or your own business, in Hong Kong dollars?"
    ]
    assert "income" in why_we_ask("annual_income_hkd")
    assert why_we_ask("languages.english") == why_we_ask("languages")


def test_explain_scheme_names_official_source_and_date_and_mentions_family():
    from bot.texts import explain_scheme

    for sid in SCHEME_IDS:
        info = explain_scheme(sid)
        assert info["official_url"].startswith("https://www.immd.gov.hk/")
        assert info["source_date"] and info["summary"]
        assert info["disclaimer"].endswith("The Immigration Department decides.")
    assert any("business" in line for line in explain_scheme("gep")["summary"])
    assert any("children under 18" in line for line in explain_scheme("qmas")["summary"])


def test_assess_json_accepts_a_dict_and_an_iso_date():
    from bot.engine import assess_json

    a = assess_json(
        {"annual_income_hkd": 3_000_000, "nationality": "GB", "good_character": True}, "2025-01-01"
    )
    assert a["as_of"] == "2025-01-01"
    assert next(s for s in a["schemes"] if s["id"] == "ttps_a")["status"] == "eligible"
    with pytest.raises(ProfileError):
        assess_json({"age": "x"})


def test_render_text_ends_with_the_disclaimer_line():
    from bot.texts import render_text

    out = render_text(run())
    assert out.splitlines()[-1] == "This is guidance, not legal advice. The Immigration Department decides."
    assert "Top Talent Pass Scheme (TTPS) Category A: You do not seem able to apply now." in out


def test_every_profile_field_survives_parsing():
    """overseas_residence_1_year was asked, stored and shown, but never parsed: the engine kept asking
    for it. Every field the profile holds must come through parse_profile."""
    import dataclasses

    from bot.profile import Profile, parse_profile, profile_to_dict

    sample = {"bool": True, "float | None": 3.0, "int | None": 30, "str | None": "X"}
    data = {}
    for f in dataclasses.fields(Profile):
        kind = str(f.type).replace("bool | None", "bool")
        if kind in sample:
            data[f.name] = sample[kind]
    data.update({"nationality": "CN", "degree_level": "master"})
    parsed = profile_to_dict(parse_profile(data))
    for name, value in data.items():
        assert parsed[name] == value, name
