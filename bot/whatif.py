"""What-if and near misses: compare two assessments."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from bot.profile import Profile, parse_profile, profile_to_dict
from bot.ruleset import rules
from bot.texts import phrase


def _rank(status: str) -> int:
    return rules()["common"]["status_order"].index(status)


def status_rank(status: str) -> int:
    """Position of a status in the order not_eligible < more_info_needed < needs_job_offer < eligible."""
    return _rank(status)


def _merge(base: dict, changes: dict) -> dict:
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def apply_changes(profile: Profile | dict, changes: dict) -> Profile:
    """A new profile with ``changes`` (same JSON shape as a profile; nested objects merge; null = unknown)."""
    base = profile_to_dict(profile) if isinstance(profile, Profile) else dict(profile)
    return parse_profile(_merge(base, changes))


def diff(before: dict, after: dict) -> dict:
    """Differences between two assessments: scheme status changes and QMAS criteria changes."""
    old = {s["id"]: s for s in before["schemes"]}
    changes = []
    for new in after["schemes"]:
        prev = old[new["id"]]
        if prev["status"] != new["status"] or prev["reasons"] != new["reasons"]:
            changes.append(
                {
                    "id": new["id"],
                    "name": new["name"],
                    "from": prev["status"],
                    "to": new["status"],
                    "better": _rank(new["status"]) > _rank(prev["status"]),
                    "worse": _rank(new["status"]) < _rank(prev["status"]),
                    "reasons_added": [r for r in new["reasons"] if r not in prev["reasons"]],
                    "reasons_removed": [r for r in prev["reasons"] if r not in new["reasons"]],
                    "missing_now": new["missing"],
                }
            )
    g0, g1 = before["qmas"]["general_points_test"], after["qmas"]["general_points_test"]
    crit0 = {c["id"]: c["met"] for c in g0.get("criteria", [])}
    crit_changes = [
        {"id": c["id"], "from": crit0.get(c["id"]), "to": c["met"]}
        for c in g1.get("criteria", [])
        if crit0.get(c["id"]) != c["met"]
    ]
    return {
        "schemes": changes,
        "qmas": {
            "criteria": crit_changes,
            "met_from": g0.get("met"),
            "met_to": g1.get("met"),
            "points_from": g0.get("points"),
            "points_to": g1.get("points"),
            "passes_from": g0.get("passes"),
            "passes_to": g1.get("passes"),
        },
    }


def what_if(profile: Profile | dict, changes: dict, as_of: dt.date | None = None) -> dict:
    """Assess ``profile`` and ``profile`` + ``changes``; return both and their difference.

    Example: ``what_if(p, {"work_experience_last_5_years": 3})``.
    """
    from bot.engine import assess

    base = profile if isinstance(profile, Profile) else parse_profile(profile)
    changed = apply_changes(base, changes)
    before = assess(base, as_of, near_misses=False)
    after = assess(changed, as_of, near_misses=False)
    return {"changes": changes, "before": before, "after": after, "diff": diff(before, after)}


def _perturb(profile: Profile, spec: dict) -> Profile | None:
    path = spec["field"].split(".")
    if len(path) == 1:
        current = getattr(profile, path[0])
        if "add" in spec:
            return (
                None if current is None else dataclasses.replace(profile, **{path[0]: current + spec["add"]})
            )
        return None if current == spec["set"] else dataclasses.replace(profile, **{path[0]: spec["set"]})
    outer = getattr(profile, path[0])
    current = getattr(outer, path[1])
    if current is None or current == spec.get("set"):  # only change answers we know
        return None
    new_outer = dataclasses.replace(
        outer, **{path[1]: spec["set"] if "set" in spec else current + spec["add"]}
    )
    return dataclasses.replace(profile, **{path[0]: new_outer})


def find_near_misses(
    profile: Profile, as_of: dt.date, assessment: dict[str, Any] | None = None
) -> list[dict]:
    """Small changes (common.yaml ``near_misses``) that would make a scheme eligible or job-offer ready."""
    from bot.engine import ELIGIBLE, NEEDS_JOB, assess

    current = assessment or assess(profile, as_of, near_misses=False)
    now = {s["id"]: s["status"] for s in current["schemes"]}
    found = []
    for spec in rules()["common"]["near_misses"]:
        changed = _perturb(profile, spec)
        if changed is None:
            continue
        after = assess(changed, as_of, near_misses=False)
        for s in after["schemes"]:
            if s["status"] in (ELIGIBLE, NEEDS_JOB) and _rank(s["status"]) > _rank(now[s["id"]]):
                found.append(
                    {
                        "scheme": s["id"],
                        "field": spec["field"],
                        "to_status": s["status"],
                        "text": phrase(
                            "near_miss",
                            spec["text_key"],
                            scheme=s["name"],
                            outcome=phrase("near_miss_outcome", s["status"]),
                        ),
                    }
                )
    return found
