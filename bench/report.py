"""The benchmark's result as Markdown tables: requests per step by side and method, wall time,
peak memory, the ratios ours / reference, the request floor and every target met or not."""

from __future__ import annotations

NAMES = {
    "ours.products_full": "ours: full product import",
    "ours.products_unchanged": "ours: unchanged re-import",
    "ours.customers": "ours: customers export",
    "ours.orders": "ours: orders export (concurrency 4)",
    "ours.all_first": "ours: first `sync all` after the exports",
    "ours.all_idle": "ours: idle `sync all`",
    "ours.orders_compare_c4": "ours: orders export, concurrency 4 (comparison seed)",
    "ours.orders_compare_c1": "ours: orders export, concurrency 1 (comparison seed)",
    "ours.products_full_memory": "ours: full product import (memory check)",
    "reference.products_full": "reference: full product import",
    "reference.orders": "reference: orders export",
}
COLUMNS = (
    ("shop", "GET"),
    ("shop", "POST"),
    ("shop", "PUT"),
    ("shop", "DELETE"),
    ("flowii", "GET"),
    ("flowii", "POST"),
    ("flowii", "PUT"),
)


def _n(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def steps_table(results: dict) -> str:
    head = ["step"] + [f"{'shop' if s == 'shop' else 'FLOWii'} {m}" for s, m in COLUMNS]
    head += ["requests", "wall s", "peak RSS MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, step in results["steps"].items():
        name = NAMES.get(key, key)
        if step.get("scaled_by"):
            name += f" (scaled from {step['records']:,} of {step['of_records']:,})"
        if key == "ours.products_full_memory":
            name = f"ours: full import of {step['products']:,} products (memory check)"
        requests = step["requests"]
        cells = [name]
        cells += [_n(requests[side]["by_method"].get(method, 0)) for side, method in COLUMNS]
        cells += [_n(requests["total"]), _n(step["wall_s"]), _n(step["peak_rss_mb"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratios_table(results: dict) -> str:
    lines = [
        "| ours / reference | requests | wall time | peak RSS |",
        "|---|---|---|---|",
    ]
    for step, ratio in results["ratios"].items():
        lines.append(
            f"| {step.replace('_', ' ')} | {_n(ratio['requests'])} | {_n(ratio['wall_s'])} | "
            f"{_n(ratio['peak_rss_mb'])} |"
        )
    return "\n".join(lines)


def floor_line(results: dict) -> str:
    floor = results["floor"]
    parts = " + ".join(f"{n} {name.replace('_', ' ')}" for name, n in floor["parts"].items())
    return (
        f"Request floor of the full import ({floor['flowii_products']:,} FLOWii products, "
        f"{floor['shop_products']:,} shop products, {floor['products_to_write']:,} products and "
        f"{floor['categories_to_write']} categories to write): {parts} = {floor['floor']}."
    )


def orders_lines(results: dict) -> str:
    lines = []
    for key in ("ours.orders", "ours.orders_compare_c4", "ours.orders_compare_c1"):
        step = results["steps"].get(key)
        if not step:
            continue
        check = step["orders_check"]
        phases = step.get("phases_s") or {}
        lines.append(
            f"- {NAMES[key]}: {check['orders_created']:,} orders created "
            f"({check['order_creates']:,} POST orders); FLOWii {check['flowii_requests']:,} "
            f"requests, of them partners {check['partner_by_method']}; write-back "
            f"{check['writeback_batches']} batches + {check['per_order_shop_writes']:,} per-order "
            f"shop writes {check['per_order_shop_paths']}; time in partners "
            f"{phases.get('partners', '–')} s, in write-back {phases.get('write_back', '–')} s "
            f"of {step['wall_s']} s."
        )
    return "\n".join(lines)


def targets_table(results: dict) -> str:
    lines = ["| target | result | measured | limit | numbers |", "|---|---|---|---|---|"]
    for target in results["targets"]:
        verdict = {True: "MET", False: "NOT MET", None: "not run"}[target["met"]]
        lines.append(
            f"| {target['target']} | **{verdict}** | {_n(target['measured'])} | "
            f"{_n(target['limit'])} | {target['detail']} |"
        )
    return "\n".join(lines)


def render(results: dict) -> str:
    options = results["options"]
    seed = options["seed"]
    intro = (
        f"Seed: {seed['products']:,} products in {seed['categories']} categories, "
        f"{seed['customers']:,} customers, {seed['orders']:,} orders; "
        f"{options['latency_ms']} ms added per request on each side; "
        f"{results['machine']['cpus']} CPUs, Python {results['machine']['python']}; "
        f"benchmark took {results['benchmark_s']} s."
    )
    parts = [
        intro,
        steps_table(results),
        ratios_table(results) if results["ratios"] else "(reference skipped)",
        floor_line(results),
        orders_lines(results),
        targets_table(results),
    ]
    return "\n\n".join(parts) + "\n"
