"""The benchmark's course: our connector's steps, then the reference client's, on the same
seeded sandbox, each step measured in its own child process; the result as one dict."""

from __future__ import annotations

import os
import platform
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.fernet import Fernet

from sandbox.seed import FLOWII_CHOICES, SIZES

from .child import in_child
from .measure import added, scaled
from .sandbox import BenchSandbox
from .targets import evaluate, import_floor, orders_check

EXCLUDED_ROOTS = FLOWII_CHOICES["non_stock_category_ids"] + FLOWII_CHOICES["shipping_category_ids"]
# The concurrency comparison runs the orders export twice on one smaller seed (at most these
# counts), so both runs start from the same state without doubling the benchmark's time.
COMPARE_AT_MOST = {"products": 1_000, "customers": 400, "orders": 1_000}
MEMORY_FACTOR = 5  # the memory check imports five times the products (50,000 for 10,000)


@dataclass
class Options:
    size: str = "large"
    latency_ms: int = 20
    products: int | None = None
    reference_products: int = 500
    reference_orders: int = 300
    skip_reference: bool = False
    memory_check: bool = False
    quiet: bool = False


class Bench:
    def __init__(self, options: Options, sandbox: BenchSandbox, env: dict):
        self.options = options
        self.sandbox = sandbox
        self.env = env
        self.steps: dict[str, dict] = {}
        self.started = time.perf_counter()

    def say(self, text: str) -> None:
        if not self.options.quiet:
            elapsed = time.perf_counter() - self.started
            print(f"[{elapsed:6.0f} s] {text}", file=sys.stderr, flush=True)

    def ours(self, name: str, kind: str, **job) -> dict:
        with self.sandbox.counting() as requests:
            result = in_child("sync", {**self.sandbox.job(), "env": self.env, "kind": kind, **job})
        result["requests"] = _with_total(requests)
        result["side"] = "ours"
        result["what"] = f"run({kind!r}{', full=True' if job.get('full') else ''})"
        self.steps[name] = result
        self.say(
            f"{name}: {result['requests']['total']} requests, {result['wall_s']} s, "
            f"{result['peak_rss_mb']} MB, {result['status']} {result['counts']}"
        )
        return result

    def unmeasured(self, kind: str, **job) -> None:
        result = in_child("sync", {**self.sandbox.job(), "env": self.env, "kind": kind, **job})
        self.say(f"  (set-up run {kind}: {result['wall_s']} s, {result['status']})")

    def reference(self, name: str, step: str, **job) -> dict:
        with self.sandbox.counting() as requests:
            result = in_child(step, {**self.sandbox.job(), **job})
        setup, records = result["setup"], result["records"]
        factor = result["of"] / result["read"] if result["read"] else 1.0
        record = {
            "side": "reference",
            "what": step,
            "requests": _with_total(requests),
            "wall_s": round(setup["wall_s"] + records["wall_s"], 3),
            "peak_rss_mb": result["peak_rss_mb"],
            "counts": result["counts"],
            "records": result["read"],
            "of_records": result["of"],
        }
        if factor > 1.0:
            # A subset: the set-up as measured, the per-record part scaled to every record.
            record["measured"] = {"requests": record["requests"], "wall_s": record["wall_s"]}
            record["scaled_by"] = round(factor, 3)
            record["requests"] = _with_total(
                {
                    side: added(setup["requests"][side], scaled(records["requests"][side], factor))
                    for side in ("shop", "flowii")
                }
            )
            record["wall_s"] = round(setup["wall_s"] + records["wall_s"] * factor, 3)
        self.steps[name] = record
        subset = (
            f" (measured on {result['read']:,} of {result['of']:,} records, scaled)"
            if factor > 1.0
            else ""
        )
        self.say(
            f"{name}: {record['requests']['total']} requests, {record['wall_s']} s, "
            f"{record['peak_rss_mb']} MB{subset}"
        )
        return record

    def check_orders(self, name: str) -> None:
        step = self.steps[name]
        step["orders_check"] = orders_check(step["requests"], self.sandbox.flowii_orders())
        step["orders_check"]["orders_read"] = (step.get("counts") or {}).get("read")


def _with_total(requests: dict) -> dict:
    return {**requests, "total": requests["shop"]["total"] + requests["flowii"]["total"]}


def _env(folder: str) -> dict:
    return {
        "DATABASE_URL": f"sqlite:///{os.path.join(folder, 'bench.sqlite3')}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CONNECTOR_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
        "REDIS_URL": "",
    }


def run_benchmark(options: Options) -> dict:
    counts = {"products": options.products} if options.products else {}
    seed_counts = {**SIZES[options.size], **counts}
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        env = _env(folder)
        with BenchSandbox(options.size, options.latency_ms, **counts) as sandbox:
            bench = Bench(options, sandbox, env)
            bench.say(f"sandbox ready: {seed_counts}, {options.latency_ms} ms per request")
            prepared = in_child("prepare", {**sandbox.job(), "env": env})
            seed = sandbox.seed_data()
            floor = import_floor(seed.flowii, seed.woocommerce, EXCLUDED_ROOTS)
            del seed
            _ours_main(bench)
            if not options.skip_reference:
                _reference(bench, prepared)
            _concurrency(bench, seed_counts)
            if options.memory_check:
                _memory(bench, seed_counts)
            elapsed = round(time.perf_counter() - bench.started, 1)
    results = {
        "when": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "system": platform.system(),
        },
        "options": {
            "size": options.size,
            "latency_ms": options.latency_ms,
            "seed": seed_counts,
            "reference_products": options.reference_products,
            "reference_orders": options.reference_orders,
            "skip_reference": options.skip_reference,
            "memory_check": options.memory_check,
            "compare_seed": _compare_counts(seed_counts),
        },
        "floor": floor,
        "steps": bench.steps,
        "benchmark_s": elapsed,
    }
    results["steps"]["ours.products_full"]["products"] = seed_counts["products"]
    results["ratios"] = ratios(results["steps"])
    results["targets"] = evaluate(results)
    return results


def _ours_main(bench: Bench) -> None:
    bench.ours("ours.products_full", "products", full=True, fresh=True)
    bench.ours("ours.products_unchanged", "products", full=True)
    bench.ours("ours.customers", "customers")
    bench.ours("ours.orders", "orders", phases=True)
    bench.check_orders("ours.orders")
    # The first `sync all` after the exports, then the one measured: idle.
    bench.ours("ours.all_first", "all")
    bench.ours("ours.all_idle", "all")


def _reference(bench: Bench, prepared: dict) -> None:
    options = bench.options
    bench.sandbox.reset()
    bench.reference(
        "reference.products_full", "reference-products", limit=options.reference_products
    )
    bench.sandbox.reset()
    bench.reference(
        "reference.orders",
        "reference-orders",
        limit=options.reference_orders,
        orders_from=prepared["orders_from"],
        statuses=prepared["statuses"],
    )


def _compare_counts(seed_counts: dict) -> dict:
    return {k: min(seed_counts[k], COMPARE_AT_MOST.get(k, seed_counts[k])) for k in seed_counts}


def _concurrency(bench: Bench, seed_counts: dict) -> None:
    """The orders export at the default concurrency (4) and at 1, each after the same set-up
    (products imported, customers exported) on the same fresh seed."""
    compare = _compare_counts(seed_counts)
    bench.say(f"concurrency comparison on {compare}")
    for concurrency, name in ((4, "ours.orders_compare_c4"), (1, "ours.orders_compare_c1")):
        bench.sandbox.reseed(**compare)
        bench.unmeasured("products", full=True, fresh=True)
        bench.unmeasured("customers")
        bench.ours(name, "orders", concurrency=concurrency, phases=True)
        bench.check_orders(name)


def _memory(bench: Bench, seed_counts: dict) -> None:
    products = seed_counts["products"] * MEMORY_FACTOR
    bench.say(f"memory check: {products:,} products")
    bench.sandbox.reseed(products=products)
    step = bench.ours("ours.products_full_memory", "products", full=True, fresh=True)
    step["products"] = products


def ratios(steps: dict) -> dict:
    """Ours / reference, for the steps both sides run."""
    out = {}
    for ours, reference in (
        ("ours.products_full", "reference.products_full"),
        ("ours.orders", "reference.orders"),
    ):
        if ours not in steps or reference not in steps:
            continue
        a, b = steps[ours], steps[reference]
        out[ours.split(".", 1)[1]] = {
            "requests": _ratio(a["requests"]["total"], b["requests"]["total"]),
            "wall_s": _ratio(a["wall_s"], b["wall_s"]),
            "peak_rss_mb": _ratio(a["peak_rss_mb"], b["peak_rss_mb"]),
        }
    return out


def _ratio(a, b):
    return round(a / b, 4) if b else None
