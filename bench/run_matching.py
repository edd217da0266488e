"""Trade desk matching: scoring one requirement against 10⁵ offers, and the best k offers for
each of 10⁴ requirements against the same 10⁵.

The market is synthetic but shaped like Indian cotton lint (domain.md §4.2, §6): 50 stations in
10 regions of 4 states, 15 % traders, HVI values around staple 29 mm / mic 4.1 / strength 29 /
trash 2.5 % / moisture 7.5 % with 3 % of values missing, prices around ₹55,000 a candy that
follow the staple and the mic (10 % quoted per quintal), the payment and delivery terms of §6;
requirements ask 3 to 5 of those parameters in realistic bands, 80 % with a target price.

1. **One requirement × 10⁵ offers**: ``totals_many`` (what ranking needs) on prepared arrays,
   one different requirement each time; also ``score_many`` (the four components as well).
2. **10⁴ requirements × 10⁵ offers, top k** with ``scoring_index.top_k_many`` (128
   requirements a batch, at most ~2·10⁶ requirement–offer pairs scored at once, so memory
   stays bounded), and for comparison the dense way (score every offer, keep the top k) on a
   sample, extrapolated.
3. **Exactness**: for a sample of requirements the pruned top k must equal the dense top k;
   otherwise the run fails (exit status 3).

    .venv/bin/python bench/run_matching.py [--offers 100000] [--requirements 10000] [--k 20]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tradehub.trade_desk.scoring import Band, Demand, Supply, Template
from tradehub.trade_desk.scoring_arrays import (
    SupplyArrays,
    round_half_up,
    score_many,
    totals_many,
)
from tradehub.trade_desk.scoring_index import SupplyIndex, top_k_many

RESULTS = Path(__file__).resolve().parent / "results"
STATES = ["24", "27", "29", "33"]
TEMPLATE = Template(
    parameter_weights={
        "staple_mm": Decimal("1.0"),
        "mic": Decimal("1.0"),
        "strength_gpt": Decimal("0.8"),
        "trash_pct": Decimal("0.6"),
        "moisture_pct": Decimal("0.5"),
    }
)
PAYMENT_DAYS = [30, 45, 60, 90]
DELIVERY_DAYS = [0, 5, 7, 15, 30]


def _geography() -> list[tuple[uuid.UUID, str, str]]:
    """50 stations: (id, region, state), 10 regions, 4 states."""
    return [
        (uuid.UUID(int=i + 1), f"region-{i // 5}", STATES[(i // 5) % len(STATES)])
        for i in range(50)
    ]


def _value(rng: np.random.Generator, mean: float, sd: float, places: int) -> Decimal | None:
    if rng.random() < 0.03:
        return None
    return Decimal(str(round(max(float(rng.normal(mean, sd)), 0.0), places)))


def make_offers(rng: np.random.Generator, n: int) -> list[Supply]:
    stations = _geography()
    offers = []
    for _ in range(n):
        station, region, state = stations[int(rng.integers(len(stations)))]
        values = {
            "staple_mm": _value(rng, 29.0, 1.0, 1),
            "mic": _value(rng, 4.1, 0.3, 2),
            "strength_gpt": _value(rng, 29.0, 1.5, 1),
            "trash_pct": _value(rng, 2.5, 0.7, 1),
            "moisture_pct": _value(rng, 7.5, 0.8, 1),
        }
        staple = float(values["staple_mm"] or 29)
        mic = float(values["mic"] or 4.1)
        per_candy = 55000 + 1500 * (staple - 29) - 2000 * abs(mic - 4.1) + rng.normal(0, 1500)
        per_quintal = rng.random() < 0.1
        price = per_candy * 100 / 355.6 if per_quintal else per_candy
        terms = str(rng.choice(["advance", "against_delivery", "credit"], p=[0.3, 0.4, 0.3]))
        offers.append(
            Supply(
                parameters={name: v for name, v in values.items() if v is not None},
                price=Decimal(round(price)),
                price_unit="quintal" if per_quintal else "candy",
                station_id=station,
                region=region,
                state_code=state,
                seller_is_trader=bool(rng.random() < 0.15),
                payment_terms=terms,
                payment_days=int(rng.choice(PAYMENT_DAYS)) if terms == "credit" else None,
                delivery_days=int(rng.choice(DELIVERY_DAYS)),
            )
        )
    return offers


def make_requirements(rng: np.random.Generator, n: int) -> list[Demand]:
    stations = _geography()
    bands = {
        "staple_mm": lambda: _band(28 + 0.5 * int(rng.integers(3)), 2),
        "mic": lambda: _band(3.6 + 0.1 * int(rng.integers(5)), 0.6),
        "strength_gpt": lambda: Band(Decimal(int(rng.integers(27, 31))), None),
        "trash_pct": lambda: Band(None, Decimal(str(2.5 + 0.5 * int(rng.integers(4))))),
        "moisture_pct": lambda: Band(None, Decimal(int(rng.integers(8, 11)))),
    }
    requirements = []
    for _ in range(n):
        station, region, state = stations[int(rng.integers(len(stations)))]
        names = rng.choice(list(bands), size=int(rng.integers(3, 6)), replace=False)
        terms = str(rng.choice(["advance", "against_delivery", "credit"], p=[0.2, 0.4, 0.4]))
        target = rng.random() < 0.8
        requirements.append(
            Demand(
                parameters={str(name): bands[str(name)]() for name in names},
                target_price=Decimal(int(rng.integers(53000, 58001))) if target else None,
                price_unit="candy",
                station_id=station,
                region=region,
                state_code=state,
                payment_terms=terms,
                payment_days=int(rng.choice(PAYMENT_DAYS)) if terms == "credit" else None,
                delivery_days=int(rng.choice([7, 15, 30])),
            )
        )
    return requirements


def _band(low: float, width: float) -> Band:
    return Band(Decimal(str(round(low, 2))), Decimal(str(round(low + width, 2))))


def _ms(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p90_ms": round(ordered[int(len(ordered) * 0.9) - 1] * 1000, 3),
        "min_ms": round(ordered[0] * 1000, 3),
    }


def one_requirement(arrays: SupplyArrays, requirements: list[Demand], runs: int) -> dict[str, Any]:
    for demand in requirements[:5]:  # warm-up
        totals_many(demand, arrays, TEMPLATE)
    ranking, components, cpu = [], [], []
    for demand in requirements[:runs]:
        start, started_cpu = time.perf_counter(), time.process_time()
        totals_many(demand, arrays, TEMPLATE)
        ranking.append(time.perf_counter() - start)
        cpu.append(time.process_time() - started_cpu)
    for demand in requirements[:runs]:
        start = time.perf_counter()
        score_many(demand, arrays, TEMPLATE)
        components.append(time.perf_counter() - start)
    return {
        "totals_many": _ms(ranking),
        "totals_many_cpu": _ms(cpu),
        "score_many": _ms(components),
        "runs": runs,
    }


def dense_top_k(demand: Demand, arrays: SupplyArrays, k: int) -> tuple[list[int], list[int]]:
    totals = round_half_up(totals_many(demand, arrays, TEMPLATE))
    best = np.argpartition(-totals, k - 1)[:k] if k < totals.shape[0] else np.arange(totals.size)
    # Ties at the k-th total: take the lowest positions, as top_k does.
    kth = totals[best].min()
    pool = np.flatnonzero(totals >= kth)
    order = pool[np.lexsort((pool, -totals[pool]))][:k]
    return order.tolist(), totals[order].tolist()


def many_requirements(
    arrays: SupplyArrays, requirements: list[Demand], k: int, dense_sample: int, check: int
) -> dict[str, Any]:
    start = time.perf_counter()
    index = SupplyIndex.build(arrays)
    index_seconds = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    found = top_k_many(requirements, index, TEMPLATE, k)
    pruned_seconds = time.perf_counter() - start
    pruned_cpu = time.process_time() - cpu
    scored = [best.scored for best in found]
    start = time.perf_counter()
    for demand in requirements[:dense_sample]:
        dense_top_k(demand, arrays, k)
    dense_seconds = (time.perf_counter() - start) / dense_sample * len(requirements)
    mismatches = 0
    for demand, best in zip(requirements[:check], found, strict=False):
        if (best.positions.tolist(), best.totals.tolist()) != dense_top_k(demand, arrays, k):
            mismatches += 1
    return {
        "requirements": len(requirements),
        "k": k,
        "index_build_s": round(index_seconds, 3),
        "top_k_all_s": round(pruned_seconds, 3),
        "top_k_all_cpu_s": round(pruned_cpu, 3),
        "top_k_per_requirement_ms": round(pruned_seconds / len(requirements) * 1000, 3),
        "offers_scored_median": int(statistics.median(scored)),
        "offers_scored_p90": int(sorted(scored)[int(len(scored) * 0.9) - 1]),
        "offers_scored_max": int(max(scored)),
        "dense_all_s_extrapolated": round(dense_seconds, 1),
        "dense_sample": dense_sample,
        "exactness_checked": check,
        "exactness_mismatches": mismatches,
    }


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--requirements", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--runs", type=int, default=200, help="single-requirement timings")
    parser.add_argument("--dense-sample", type=int, default=100)
    parser.add_argument("--check", type=int, default=200, help="requirements checked exactly")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    args = parser.parse_args()

    load_before = os.getloadavg()
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    offers = make_offers(rng, args.offers)
    requirements = make_requirements(rng, args.requirements)
    arrays = SupplyArrays.build(offers, TEMPLATE.parameter_weights)
    prepare = time.perf_counter() - start
    print(f"prepared {len(offers)} offers and {len(requirements)} requirements in {prepare:.1f} s")
    print(f"load average {' '.join(f'{x:.2f}' for x in load_before)}, CPUs {os.cpu_count()}")

    single = one_requirement(arrays, requirements, args.runs)
    print(f"one requirement × {len(offers)}: {json.dumps(single)}")
    many = many_requirements(arrays, requirements, args.k, args.dense_sample, args.check)
    print(f"{len(requirements)} requirements × {len(offers)}, top {args.k}: {json.dumps(many)}")

    result = {
        "offers": len(offers),
        "one_requirement": single,
        "many_requirements": many,
        "prepare_s": round(prepare, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "commit": _commit(),
        "seed": args.seed,
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    (args.results_dir / "matching.json").write_text(json.dumps(result, indent=2) + "\n")
    if many["exactness_mismatches"]:
        print("**the pruned top k differs from the dense top k: figures not valid**")
        sys.exit(3)


if __name__ == "__main__":
    main()
