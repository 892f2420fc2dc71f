"""`python -m bench` (`make bench`): runs the benchmark, prints the tables and writes the
result as JSON (bench/results.json unless --out says otherwise)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .report import render
from .run import Options, run_benchmark

DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"


def parse(argv=None) -> tuple[Options, Path]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=["large", "small"], default="large")
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--products", type=int, help="FLOWii goods instead of the size's")
    parser.add_argument(
        "--orders", type=int, default=1_000, help="seeded shop orders (0: the size's)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument(
        "--memory-check",
        action="store_true",
        help="also import five times the goods and compare peak memory",
    )
    parser.add_argument(
        "--no-cost-model",
        action="store_true",
        help="leave the simulated shop's cost model off (every request costs next to nothing)",
    )
    parser.add_argument(
        "--reference-products",
        type=int,
        default=500,
        help="goods the reference imports before its time is scaled to all (0: all)",
    )
    parser.add_argument(
        "--reference-orders",
        type=int,
        default=100,
        help="orders the reference exports before its time is scaled to all (0: all)",
    )
    parser.add_argument(
        "--scenario-orders",
        type=int,
        default=100,
        help="orders added for each of the new-buyer and returning-buyer exports",
    )
    parser.add_argument(
        "--quota-orders",
        type=int,
        default=40,
        help="orders exported under FLOWii's 60 requests a minute (the target says 500)",
    )
    parser.add_argument(
        "--compare-products",
        type=int,
        default=1_000,
        help="goods of the shop-write concurrency comparison (0: the seed's)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument(
        "--only",
        choices=["quota", "memory", "webhooks"],
        default="",
        help="run only that check: the quota step (after an unmeasured set-up) or the memory "
        "check (the full import at the seed's goods and at five times as many), or the "
        "webhooks' order -> FLOWii time (bench/webhooks.py)",
    )
    args = parser.parse_args(argv)
    options = Options(
        size=args.size,
        latency_ms=args.latency_ms,
        products=args.products,
        orders=args.orders or None,
        reference_products=args.reference_products,
        reference_orders=args.reference_orders,
        scenario_orders=args.scenario_orders,
        quota_orders=args.quota_orders,
        compare_products=args.compare_products or None,
        skip_reference=args.skip_reference,
        memory_check=args.memory_check,
        cost_model=not args.no_cost_model,
        quiet=args.quiet,
        only=args.only,
    )
    return options, args.out


def main(argv=None) -> int:
    options, out = parse(argv)
    results = run_benchmark(options)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(render(results))
    sys.stdout.write(f"\nWritten to {out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
