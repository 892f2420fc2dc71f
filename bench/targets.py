"""The request floor of a full product import and the issue's targets, each judged met or not
from the measured numbers (pure functions: numbers in, verdicts with their numbers out)."""

from __future__ import annotations

from math import ceil

from connector.mapping.products import plan_categories

from .measure import count, writes

PAGE = 100


def import_floor(flowii: dict, shop: dict, excluded_roots: list[int]) -> dict:
    """The fewest requests a full import of this seed can make: one FLOWii login, FLOWii's
    products and categories read in pages of 100, the shop's products and categories read in
    pages of 100, the products written in batches of 100 and the categories in batches of 100
    per tree level (a child needs its parent's shop id first)."""
    plan = plan_categories(list(flowii["product_categories"]), excluded_roots)
    depth: dict[int, int] = {}
    for category in plan.ordered:  # parents come first
        depth[category["id"]] = depth.get(category.get("parentId"), -1) + 1
    per_level: dict[int, int] = {}
    for level in depth.values():
        per_level[level] = per_level.get(level, 0) + 1
    imported = [p for p in flowii["products"] if p.get("categoryId") not in plan.excluded_ids]
    parts = {
        "flowii_login": 1,
        "flowii_product_pages": ceil(len(flowii["products"]) / PAGE),
        "shop_product_pages": ceil(len(shop["products"]) / PAGE),
        "product_batches": ceil(len(imported) / PAGE),
        "flowii_category_pages": ceil(len(flowii["product_categories"]) / PAGE),
        # The shop's own seed categories plus the "Uncategorized" every shop has.
        "shop_category_pages": ceil((len(shop["categories"]) + 1) / PAGE),
        "category_batches": sum(ceil(n / PAGE) for n in per_level.values()),
    }
    return {
        "parts": parts,
        "floor": sum(parts.values()),
        "flowii_products": len(flowii["products"]),
        "shop_products": len(shop["products"]),
        "products_to_write": len(imported),
        "categories_to_write": len(plan.ordered),
    }


def _target(name: str, met: bool | None, measured, limit, detail: str) -> dict:
    return {"target": name, "met": met, "measured": measured, "limit": limit, "detail": detail}


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def evaluate(results: dict) -> list[dict]:
    steps = results["steps"]
    out = []

    full, ref = steps["ours.products_full"], steps["reference.products_full"]
    floor = results["floor"]["floor"]
    total = full["requests"]["total"]
    out.append(
        _target(
            "full import: requests <= 1.2 x floor",
            total <= 1.2 * floor,
            total,
            round(1.2 * floor, 1),
            f"{total} requests, floor {floor} (x{_ratio(total, floor)})",
        )
    )
    fewer = _ratio(ref["requests"]["total"], total)
    out.append(
        _target(
            "full import: >= 20 x fewer requests than the reference",
            fewer is not None and fewer >= 20,
            fewer,
            20,
            f"reference {ref['requests']['total']} / ours {total}",
        )
    )
    faster = _ratio(ref["wall_s"], full["wall_s"])
    out.append(
        _target(
            "full import: >= 10 x less wall time than the reference",
            faster is not None and faster >= 10,
            faster,
            10,
            f"reference {ref['wall_s']} s / ours {full['wall_s']} s",
        )
    )

    again = steps["ours.products_unchanged"]
    shop_writes = writes(again["requests"]["shop"])
    out.append(
        _target(
            "unchanged re-import: zero writes",
            shop_writes == 0,
            shop_writes,
            0,
            f"{shop_writes} POST/PUT/PATCH/DELETE on the shop",
        )
    )

    idle = steps["ours.all_idle"]
    out.append(
        _target(
            "incremental idle sync all: <= 10 requests",
            idle["requests"]["total"] <= 10,
            idle["requests"]["total"],
            10,
            _paths(idle["requests"]),
        )
    )

    orders = steps["ours.orders"]
    check = orders["orders_check"]
    per_order = check["flowii_per_order_beyond_partners"]
    out.append(
        _target(
            "orders export: <= 1.05 FLOWii requests per order beyond partners",
            per_order is not None and per_order <= 1.05,
            per_order,
            1.05,
            f"{check['flowii_requests']} FLOWii requests - {check['partner_requests']} partner "
            f"requests ({check['partner_by_method']}) over {check['orders_created']} orders",
        )
    )
    # The number goes back as order meta in batches (one per page of orders read, at most
    # 100 orders each). The order note has no batch route in WooCommerce's API, so one note
    # per order is the floor there; any other per-order write would be a miss.
    pages = ceil(check["orders_read"] / PAGE) if check.get("orders_read") else None
    notes = check["per_order_shop_paths"].get("POST /wp-json/wc/v3/orders/{id}/notes", 0)
    batched = (
        check["writeback_batches"] * PAGE >= check["orders_created"]
        and (pages is None or check["writeback_batches"] <= pages)
        and check["per_order_shop_writes"] == notes
        and notes <= check["orders_created"]
    )
    out.append(
        _target(
            "orders export: write-back in batches (notes: one per order, no batch route)",
            batched,
            check["writeback_batches"],
            pages,
            f"{check['writeback_batches']} POST orders/batch for {check['orders_created']} "
            f"orders; {notes} order notes; other per-order shop writes: "
            f"{check['per_order_shop_writes'] - notes}",
        )
    )
    fast, slow = steps["ours.orders_compare_c4"], steps["ours.orders_compare_c1"]
    speedup = _ratio(slow["wall_s"], fast["wall_s"])
    out.append(
        _target(
            "orders export: concurrency 4 >= 3 x faster than 1",
            speedup is not None and speedup >= 3,
            speedup,
            3,
            f"{slow['wall_s']} s at 1 / {fast['wall_s']} s at 4 "
            f"({fast['orders_check']['orders_created']} orders)",
        )
    )
    once = all(
        s["orders_check"]["flowii_orders"] == s["orders_check"]["distinct_external_ids"]
        for s in (orders, fast, slow)
    )
    out.append(
        _target(
            "orders export: never a second create for one order",
            once,
            [s["orders_check"]["flowii_orders"] for s in (orders, fast, slow)],
            [s["orders_check"]["distinct_external_ids"] for s in (orders, fast, slow)],
            "FLOWii orders == distinct externalIds after each orders export",
        )
    )

    big = steps.get("ours.products_full_memory")
    if big is None:
        for name in ("memory: peak RSS at 5 x products <= 1.2 x", "memory: peak RSS < 250 MB"):
            out.append(_target(name, None, None, None, "not run (--memory-check)"))
    else:
        growth = _ratio(big["peak_rss_mb"], full["peak_rss_mb"])
        out.append(
            _target(
                f"memory: peak RSS of {big['products']:,} products <= 1.2 x that of "
                f"{full['products']:,}",
                growth is not None and growth <= 1.2,
                growth,
                1.2,
                f"{big['peak_rss_mb']} MB / {full['peak_rss_mb']} MB",
            )
        )
        out.append(
            _target(
                f"memory: peak RSS of {big['products']:,} products < 250 MB",
                big["peak_rss_mb"] < 250,
                big["peak_rss_mb"],
                250,
                f"{big['peak_rss_mb']} MB",
            )
        )
    return out


def orders_check(requests: dict, flowii_orders: list[dict]) -> dict:
    """What the orders targets need from one orders export: FLOWii requests with and without
    the partner calls, the write-back requests, and whether any order was created twice."""
    flowii, shop = requests["flowii"], requests["shop"]
    partner_by_method = {
        method: count(flowii, method, "/partners") for method in ("GET", "POST", "PUT")
    }
    partner_requests = sum(partner_by_method.values())
    created = count(flowii, "POST", "/api/v1/orders")
    per_order_paths = {
        key: n
        for key, n in shop["by_path"].items()
        if key.split(" ", 1)[0] in ("POST", "PUT", "PATCH") and "/orders/{id}" in key
    }
    external_ids = [str(o.get("externalId")) for o in flowii_orders if o.get("externalId")]
    return {
        "flowii_requests": flowii["total"],
        "partner_requests": partner_requests,
        "partner_by_method": partner_by_method,
        "order_creates": created,
        "orders_created": len(flowii_orders),
        "flowii_per_order_beyond_partners": _ratio(
            flowii["total"] - partner_requests, len(flowii_orders)
        ),
        "writeback_batches": count(shop, "POST", "/orders/batch"),
        "per_order_shop_writes": sum(per_order_paths.values()),
        "per_order_shop_paths": per_order_paths,
        "flowii_orders": len(flowii_orders),
        "distinct_external_ids": len(set(external_ids)),
    }


def _paths(requests: dict) -> str:
    parts = []
    for side in ("shop", "flowii"):
        for key, n in requests[side]["by_path"].items():
            parts.append(f"{n} x {key}")
    return "; ".join(parts)
