"""The benchmark's result as Markdown: requests per step by side and method, wall time, peak
memory, the ratios ours / reference, the request floors and every target met or not."""

from __future__ import annotations

NAMES = {
    "ours.products_full": "ours: full import",
    "ours.products_unchanged": "ours: unchanged re-import",
    "ours.customers": "ours: customers export",
    "ours.orders_seed": "ours: orders export, the seed's orders (mixed buyers)",
    "ours.all_first": "ours: first `sync all` after the exports",
    "ours.all_idle": "ours: idle `sync all`",
    "ours.orders_new": "ours: orders export, new buyers only",
    "ours.orders_returning": "ours: orders export, returning buyers only",
    "ours.orders_quota": "ours: orders export under FLOWii's quota of 60 requests a minute",
    "ours.products_c1": "ours: full import, shop-write concurrency 1",
    "ours.products_c2": "ours: full import, shop-write concurrency 2",
    "ours.products_c4": "ours: full import, shop-write concurrency 4",
    "ours.memory_small": "ours: full import (memory check, cost model off)",
    "ours.memory_big": "ours: full import (memory check, cost model off)",
    "reference.products_full": "reference: full import",
    "reference.orders": "reference: orders export, the seed's orders",
    "ours.webhooks": "ours: orders placed, delivered by the shop's webhooks",
}
COLUMNS = (
    ("shop", "GET"),
    ("shop", "POST"),
    ("shop", "PUT"),
    ("flowii", "GET"),
    ("flowii", "POST"),
    ("flowii", "PATCH"),
)


def _n(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _name(key: str, step: dict) -> str:
    name = NAMES.get(key, key)
    if step.get("goods"):
        name += f" ({step['goods']:,} goods)"
    if step.get("scaled_by"):
        name += f" (measured on {step['records']:,} of {step['of_records']:,}, scaled)"
    if step.get("orders_created") and "orders" in key:
        name += f" ({step['orders_created']:,} orders created)"
    return name


def steps_table(results: dict) -> str:
    head = ["step"] + [f"{'shop' if s == 'shop' else 'FLOWii'} {m}" for s, m in COLUMNS]
    head += ["requests", "wall s", "peak RSS MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, step in results["steps"].items():
        requests = step["requests"]
        cells = [_name(key, step)]
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


def floors_lines(results: dict) -> str:
    floors = results["floors"]
    out = []
    imp = floors["import"]
    parts = " + ".join(f"{n} {name.replace('_', ' ')}" for name, n in imp["parts"].items())
    out.append(
        f"- Full import ({imp['flowii_goods']:,} FLOWii goods in {imp['flowii_categories']} "
        f"categories, {imp['shop_products']:,} shop products; {imp['products_to_write']:,} "
        f"products and {imp['categories_to_write']} categories to write): {parts} = "
        f"**{imp['floor']}** requests."
    )
    if "order_new" in floors:
        new = floors["order_new"]
        parts = " + ".join(f"{n} {k.replace('_', ' ')}" for k, n in new["parts"].items())
        out.append(f"- FLOWii requests per order of a new buyer: {parts} = **{new['floor']}**.")
    if "order_returning" in floors:
        ret = floors["order_returning"]
        out.append(
            f"- FLOWii requests per order of a returning buyer: ({ret['creates']} creates + "
            f"{ret['read_backs']} read-backs, one per buyer per page of 100 orders) / "
            f"{ret['orders']} orders = **{ret['floor']}**."
        )
    out.append("- Idle `sync all`: the target is 10 requests on both sides together.")
    return "\n".join(out)


def orders_lines(results: dict) -> str:
    lines = []
    for key, step in results["steps"].items():
        check = step.get("orders_check")
        if not check:
            continue
        lines.append(
            f"- {NAMES.get(key, key)}: {check['orders_created']:,} orders created; FLOWii "
            f"{check['flowii_requests']:,} requests = {_n(check['flowii_per_order'])} per order "
            f"({check['order_creates']} order creates, {check['read_backs']} read-backs, "
            f"{check['partner_searches']} partner searches, {check['partner_details']} partner "
            f"details, {check['partner_creates']} partner creates, {check['partner_updates']} "
            f"partner updates); run {step['status']}, {step['wall_s']} s."
        )
    return "\n".join(lines)


def webhooks_lines(results: dict) -> str:
    step = results["steps"].get("ours.webhooks")
    if not step:
        return ""
    from .webhooks import lines

    return lines(step["webhooks"])


def targets_table(results: dict) -> str:
    lines = ["| target | result | measured | limit | numbers |", "|---|---|---|---|---|"]
    for target in results["targets"]:
        verdict = {True: "MET", False: "NOT MET", None: "not run"}[target["met"]]
        detail = str(target["detail"]).replace("|", "/")
        lines.append(
            f"| {target['target']} | **{verdict}** | {_n(target['measured'])} | "
            f"{_n(target['limit'])} | {detail} |"
        )
    return "\n".join(lines)


def render(results: dict) -> str:
    options = results["options"]
    seed = options["seed"]
    cost = options.get("cost_settings") or {}
    intro = (
        f"Seed: {seed['products']:,} FLOWii goods in {seed['categories']} categories, "
        f"{seed['customers']:,} shop customers, {seed['orders']:,} shop orders; "
        f"{options['latency_ms']} ms added per request on each side; the shop's cost model "
        f"{'ON' if options['cost_model'] else 'OFF'}"
        + (
            f" ({cost.get('workers')} PHP workers, {cost.get('request_ms')} ms a request, "
            f"{cost.get('product_create_ms')} ms a product created in a batch, "
            f"{cost.get('note_ms')} ms an order note)"
            if options["cost_model"]
            else ""
        )
        + f"; shop-write concurrency setting `{options['concurrency_field']}` (default "
        f"{options['concurrency_default']}); {results['machine']['cpus']} CPUs, Python "
        f"{results['machine']['python']}; the benchmark took {results['benchmark_s']} s."
    )
    if results.get("error"):
        intro += f" **The benchmark stopped early: {results['error']}**"
    parts = [
        intro,
        steps_table(results),
        ratios_table(results) if results["ratios"] else "(reference skipped)",
        "Request floors:\n\n" + floors_lines(results),
        orders_lines(results),
        webhooks_lines(results),
        targets_table(results),
    ]
    return "\n\n".join(parts) + "\n"
