"""Benchmark: eligibility assessments per second on one core.

Run: ``python bench/engine.py [--seconds 3]``. Prints figures only; tests never assert timings.
Profiles are a fixed, seeded mix (complete, sparse, Mainland, graduates, investors) so runs compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.engine import assess
from bot.profile import parse_profile

AS_OF = dt.date(2025, 6, 1)
TARGET_PER_SECOND = 5_000
UNIS = [
    "HKU",
    "MIT",
    "Tsinghua",
    "Oxford",
    "Unknown College",
    "NUS",
    "Sichuan University",
    "Standford University",
]


def make_profiles(n: int, seed: int = 7) -> list:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        data = {
            "age": rng.randint(18, 60),
            "nationality": rng.choice(["GB", "US", "CN", "IN", "VN", "AF"]),
            "degree_level": rng.choice(["bachelor", "master", "doctorate", "sub_degree"]),
            "bachelor_institution": rng.choice(UNIS),
            "bachelor_graduation_year": rng.randint(2000, 2025),
            "postgraduate_institution": rng.choice(UNIS),
            "postgraduate_stem": rng.random() < 0.5,
            "work_experience_years": rng.uniform(0, 20),
            "work_experience_last_5_years": rng.uniform(0, 5),
            "multinational_years": rng.uniform(0, 8),
            "annual_income_hkd": rng.randint(0, 4_000_000),
            "languages": {"english": rng.random() < 0.7, "chinese": rng.random() < 0.5},
            "job_offer": {"has_offer": rng.random() < 0.3, "market_pay": True},
            "good_character": True,
            "self_supporting": rng.random() < 0.8,
        }
        if data["nationality"] == "CN":
            data["mainland_resident"] = rng.random() < 0.6
        # make some answers unknown
        for key in rng.sample(sorted(data), k=rng.randint(0, 5)):
            del data[key]
        out.append(parse_profile(data))
    return out


def measure(profiles: list, seconds: float, near_misses: bool) -> float:
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for p in profiles:
            assess(p, AS_OF, near_misses=near_misses)
        count += len(profiles)
    return count / (time.perf_counter() - start)


def figures(seconds: float) -> dict[str, float]:
    """Assessments per second pinned to one core (the caller's affinity is restored afterwards)."""
    pinned = hasattr(os, "sched_setaffinity")
    if pinned:
        cores = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(cores)})  # one core
    try:
        profiles = make_profiles(200)
        for p in profiles[:20]:  # warm caches (YAML load, university index)
            assess(p, AS_OF)
        core = measure(profiles, seconds, near_misses=False)
        full = measure(profiles, seconds, near_misses=True)
    finally:
        if pinned:
            os.sched_setaffinity(0, cores)
    return {"core_per_second": core, "near_miss_per_second": full}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    result = figures(args.seconds)
    core, full = result["core_per_second"], result["near_miss_per_second"]
    print(f"assessments/s (one core, all 10 schemes, no near-miss search): {core:,.0f}")
    print(f"assessments/s (one core, with near-miss search):               {full:,.0f}")
    print(f"target: >= {TARGET_PER_SECOND:,}/s for the core assessment")


if __name__ == "__main__":
    main()
