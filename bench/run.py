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

from sandbox.flowii_seed import FLOWII_CHOICES
from sandbox.seed import SIZES

from .child import in_child
from .measure import added, scaled
from .sandbox import BenchSandbox
from .scenarios import add_orders
from .targets import (
    evaluate,
    import_floor,
    new_buyer_order_floor,
    orders_check,
    pages_of,
    returning_order_floor,
)

EXCLUDED = FLOWII_CHOICES["non_stock_category_ids"] + FLOWII_CHOICES["shipping_category_ids"]
MEMORY_FACTOR = 5  # the memory check imports five times the goods (50,000 for 10,000)
CONCURRENCIES = (1, 2, 4)


@dataclass
class Options:
    size: str = "large"
    latency_ms: int = 20
    products: int | None = None
    orders: int | None = 1_000
    reference_products: int = 500
    reference_orders: int = 100
    scenario_orders: int = 100
    quota_orders: int = 40
    compare_products: int | None = 1_000
    skip_reference: bool = False
    memory_check: bool = False
    cost_model: bool = True
    quiet: bool = False
    only: str = ""  # one check alone (ONLY below), after the set-up it needs


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
        documents = len(self.sandbox.flowii_documents())
        with self.sandbox.counting() as requests:
            result = in_child("sync", {**self.sandbox.job(), "env": self.env, "kind": kind, **job})
        result["requests"] = _with_total(requests)
        result["orders_created"] = len(self.sandbox.flowii_documents()) - documents
        result["side"] = "ours"
        result["cost_model"] = self.sandbox.cost_model
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
            "cost_model": self.sandbox.cost_model,
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

    def add_orders(self, **kw) -> dict:
        """Orders added to the shop for a scenario, with the cost model off meanwhile (the
        set-up is not measured)."""
        cost = self.sandbox.cost_model
        if cost:
            self.sandbox.set_cost_model(False)
        try:
            return add_orders(self.sandbox, **kw)
        finally:
            if cost:
                self.sandbox.set_cost_model(True)


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


def seed_counts(options: Options) -> dict:
    counts = {"products": options.products, "orders": options.orders}
    return {**SIZES[options.size], **{k: v for k, v in counts.items() if v}}


def _import_floor(sandbox: BenchSandbox) -> dict:
    firm = sandbox.seed_data().flowii["firms"][0]
    shop = sandbox.shop_counts()
    return import_floor(
        goods=[
            {
                "id": g["id"],
                "category": g["_category"],
                "subcategory": g["_subcategory"],
                "type": g["type"],
            }
            for g in firm["goods"]
        ],  # fmt: skip
        categories=[
            {"id": c["id"], "name": c["name"], "parent": c["_parent"]}
            for c in sorted(firm["good_categories"], key=lambda c: c["_parent"] is not None)
        ],
        excluded_ids=EXCLUDED,
        shop_products=shop["products"],
        shop_categories=shop["categories"],
    )


def run_benchmark(options: Options) -> dict:
    counts = seed_counts(options)
    overrides = {k: v for k, v in counts.items() if k in ("products", "orders")}
    floors: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        env = _env(folder)
        with BenchSandbox(options.size, options.latency_ms, **overrides) as sandbox:
            bench = Bench(options, sandbox, env)
            sandbox.set_cost_model(options.cost_model)
            bench.say(
                f"sandbox ready: {counts}, {options.latency_ms} ms per request, shop cost "
                f"model {'on' if options.cost_model else 'off'}"
            )
            prepared = in_child("prepare", {**sandbox.job(), "env": env})
            floors["import"] = _import_floor(sandbox)
            error = None
            try:
                if options.only:
                    ONLY[options.only](bench, counts)
                else:
                    _full_course(bench, floors, prepared, counts)
            except Exception as exc:  # what was measured is kept, and the failure said
                error = f"{type(exc).__name__}: {exc}"
                bench.say(f"the benchmark stopped: {error}")
            cost_settings = sandbox.cost_settings()
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
            "seed": counts,
            "reference_products": options.reference_products,
            "reference_orders": options.reference_orders,
            "scenario_orders": options.scenario_orders,
            "quota_orders": options.quota_orders,
            "compare_products": _compare_products(options, counts),
            "skip_reference": options.skip_reference,
            "memory_check": options.memory_check,
            "cost_model": options.cost_model,
            "cost_settings": cost_settings,
            "concurrency_field": prepared["concurrency_field"],
            "concurrency_default": prepared["concurrency_default"],
        },
        "floors": floors,
        "steps": bench.steps,
        "benchmark_s": elapsed,
        "error": error,
    }
    results["ratios"] = ratios(results["steps"])
    results["targets"] = evaluate(results)
    return results


def _full_course(bench: Bench, floors: dict, prepared: dict, counts: dict) -> None:
    _ours_main(bench, floors)
    if not bench.options.skip_reference:
        _reference(bench, prepared, floors["import"]["flowii_goods"])
    _concurrency(bench, counts)
    if bench.options.memory_check:
        _memory(bench, counts)


def _orders_step(bench: Bench, name: str, **job) -> dict:
    step = bench.ours(name, "orders", **job)
    step["orders_check"] = orders_check(step["requests"], step["orders_created"])
    return step


def _ours_main(bench: Bench, floors: dict) -> None:
    options = bench.options
    bench.ours("ours.products_full", "products", full=True, fresh=True)
    bench.ours("ours.products_unchanged", "products", full=True)
    bench.ours("ours.customers", "customers")
    _orders_step(bench, "ours.orders_seed")
    # The first `sync all` after the exports (it reads again the orders the write-back
    # changed), then the one measured: idle.
    bench.ours("ours.all_first", "all")
    bench.ours("ours.all_idle", "all")

    n = options.scenario_orders
    if n:
        bench.add_orders(new=n, tag="new")
        floors["order_new"] = new_buyer_order_floor()
        _orders_step(bench, "ours.orders_new")
        added_orders = bench.add_orders(returning=n, tag="ret")
        floors["order_returning"] = returning_order_floor(pages_of(added_orders["buyers"]))
        _orders_step(bench, "ours.orders_returning")

    _quota(bench)


def _quota(bench: Bench) -> None:
    q = bench.options.quota_orders
    if q:
        bench.add_orders(new=q // 2, returning=q - q // 2, tag="quota")
        service = bench.sandbox.servers.flowii.service
        # Setting a quota starts its count of refusals anew (so does switching it off):
        # they are read between the two.
        bench.sandbox.flowii_faults(quota_per_minute=60)
        bench.say(f"quota 60 requests a minute on FLOWii: exporting {q} orders")
        try:
            step = _orders_step(bench, "ours.orders_quota")
            refused = service._quota_refusals
        finally:
            bench.sandbox.flowii_faults(quota_per_minute=0)
        step["orders_wanted"] = q
        step["refused_429"] = refused
        # The simulator counts every request it answers, 429s too: what FLOWii carried out.
        step["flowii_accepted"] = step["requests"]["flowii"]["total"] - refused


def _quota_alone(bench: Bench, counts: dict) -> None:
    """The quota step on its own: first, unmeasured and with the shop's cost model off, what
    the full course runs before it (the goods imported, the customers linked, the seed's
    orders exported), so that the step exports only its own orders, as in the full course."""
    cost = bench.sandbox.cost_model
    bench.sandbox.set_cost_model(False)
    try:
        bench.unmeasured("products", full=True, fresh=True)
        bench.unmeasured("customers")
        bench.unmeasured("orders")
    finally:
        bench.sandbox.set_cost_model(cost)
    _quota(bench)


def _reference(bench: Bench, prepared: dict, goods: int) -> None:
    options = bench.options
    bench.sandbox.reset()
    bench.reference(
        "reference.products_full",
        "reference-products",
        limit=options.reference_products,
        total=goods,
    )
    bench.sandbox.reset()
    bench.reference(
        "reference.orders",
        "reference-orders",
        limit=options.reference_orders,
        orders_from=prepared["orders_from"],
        statuses=prepared["statuses"],
    )


def _compare_products(options: Options, counts: dict) -> int:
    return min(counts["products"], options.compare_products or counts["products"])


def _concurrency(bench: Bench, counts: dict) -> None:
    """The full import at shop-write concurrency 1, 2 and 4, each on the same fresh seed."""
    products = _compare_products(bench.options, counts)
    bench.say(f"concurrency comparison: full import of {products:,} goods at {CONCURRENCIES}")
    for concurrency in CONCURRENCIES:
        bench.sandbox.reseed(products=products)
        step = bench.ours(
            f"ours.products_c{concurrency}",
            "products",
            full=True,
            fresh=True,
            concurrency=concurrency,
        )
        step["goods"] = products


def _memory(bench: Bench, counts: dict) -> None:
    """Peak memory of a full import at the seed's goods and at five times as many, with the
    shop's cost model off (memory does not depend on the shop's speed; the time would)."""
    cost = bench.sandbox.cost_model
    bench.sandbox.set_cost_model(False)
    try:
        for name, goods in (
            ("ours.memory_small", counts["products"]),
            ("ours.memory_big", counts["products"] * MEMORY_FACTOR),
        ):
            bench.say(f"memory check: {goods:,} goods")
            bench.sandbox.reseed(products=goods)
            step = bench.ours(name, "products", full=True, fresh=True)
            step["goods"] = goods
    finally:
        bench.sandbox.set_cost_model(cost)


def _webhooks_alone(bench: Bench, counts: dict) -> None:
    """Order placed -> FLOWii document with the shop's webhooks (bench/webhooks.py)."""
    from .webhooks import measure

    sandbox, started = bench.sandbox, time.perf_counter()
    with sandbox.counting() as requests:
        figures = measure(
            sandbox.woo_url, sandbox.servers.flowii.service, sandbox.flowii_url, say=bench.say
        )
    bench.steps["ours.webhooks"] = {
        "requests": _with_total(requests),
        "wall_s": round(time.perf_counter() - started, 1),
        "peak_rss_mb": None,
        "side": "ours",
        "what": "orders placed in the shop, delivered by webhooks",
        "webhooks": figures,
    }
    bench.say(f"webhooks: median {figures['median_s']} s, p95 {figures['p95_s']} s")


ONLY = {"quota": _quota_alone, "memory": _memory, "webhooks": _webhooks_alone}


def ratios(steps: dict) -> dict:
    """Ours / reference, for the steps both sides run."""
    out = {}
    for ours, reference in (
        ("ours.products_full", "reference.products_full"),
        ("ours.orders_seed", "reference.orders"),
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
