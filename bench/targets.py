"""The request floors of FLOWii's real API and the benchmark's targets, each judged met or not
from the measured numbers (pure functions: numbers in, floors and verdicts with their numbers
out; nothing here talks to a server).

The floors are the fewest requests a client can make for a piece of work with the API's
shapes, given which reads the work needs:

- FLOWii pages its lists in 50s (`page[size]` left at its default), answers a codebook whole,
  and gives its two-level goods tree as the top categories plus one subcategory list per top
  category. Its goods list carries no category: the products stream learns a good's place from
  the lists it reads filtered by category, by subcategory and by type (services), each of
  them at least one request even when empty (`grep -n "goods(" connector/sync/*.py`).
- WooCommerce reads in pages of 100 and writes in batches of 100; a category's parent must
  exist before the child is written, so the categories go one level per batch.
- An exported order is one create in FLOWii (`POST /documents`, not idempotent, never
  batched) and its total read back from the buyer's documents (`GET /partners/{id}/documents`,
  FLOWii has no list of documents), which the orders of one buyer in one page share. A new
  buyer first costs a search by e-mail and a partner create (a search that finds no
  candidate needs no detail to confirm one).
"""

from __future__ import annotations

from math import ceil

from .measure import writes

FLOWII_PAGE = 50
SHOP_PAGE = 100
SHOP_BATCH = 100
ORDERS_PAGE = 100  # shop orders read (and exported) a page of 100 at a time


def pages(count: int, size: int) -> int:
    """Requests to read a list of `count` records, `size` a page: an empty list is one."""
    return max(1, ceil(count / size))


def batches(count: int, size: int = SHOP_BATCH) -> int:
    """Batch requests to write `count` records (none when nothing is written)."""
    return ceil(count / size) if count > 0 else 0


def import_floor(
    *,
    goods: list[dict],
    categories: list[dict],
    excluded_ids: list[int],
    shop_products: int,
    shop_categories: list[dict],
    service_type: int = 1,
) -> dict:
    """The floor of a full product import on a fresh connector.

    goods: FLOWii goods as `{"id", "category", "subcategory", "type"}`; categories: FLOWii's
    tree as `{"id", "name", "parent"}` (parent None for a top category); excluded_ids: the
    non-stock and shipping categories (left out with their subcategories); shop_products: how
    many products the shop lists; shop_categories: the shop's categories as
    `{"id", "name", "parent"}` (parent 0 at the top), "Uncategorized" included.
    """
    excluded = set(excluded_ids)
    tops = [c for c in categories if c["parent"] is None]
    left_out = excluded | {c["id"] for c in categories if c["parent"] in excluded}
    subs = [c for c in categories if c["parent"] is not None and c["parent"] not in excluded]
    by_category: dict = {}
    by_sub: dict = {}
    services = 0
    for good in goods:
        by_category[good.get("category")] = by_category.get(good.get("category"), 0) + 1
        by_sub[good.get("subcategory")] = by_sub.get(good.get("subcategory"), 0) + 1
        services += good.get("type") == service_type
    imported = sum(
        1
        for g in goods
        if g.get("category") not in left_out and g.get("subcategory") not in left_out
    )
    first_level, second_level = _categories_to_write(categories, left_out, shop_categories)
    parts = {
        "flowii_login": 1,
        "flowii_category_tree": 1 + len(tops),
        "flowii_goods_pages": pages(len(goods), FLOWII_PAGE),
        "flowii_goods_by_category_pages": sum(
            pages(by_category.get(c["id"], 0), FLOWII_PAGE) for c in tops
        ),
        "flowii_goods_by_subcategory_pages": sum(
            pages(by_sub.get(c["id"], 0), FLOWII_PAGE) for c in subs
        ),
        "flowii_services_pages": pages(services, FLOWII_PAGE),
        "shop_category_pages": pages(len(shop_categories), SHOP_PAGE),
        "shop_product_pages": pages(shop_products, SHOP_PAGE),
        "shop_category_batches": batches(first_level) + batches(second_level),
        "shop_product_batches": batches(imported),
    }
    return {
        "parts": parts,
        "floor": sum(parts.values()),
        "flowii_goods": len(goods),
        "flowii_categories": len(categories),
        "shop_products": shop_products,
        "products_to_write": imported,
        "categories_to_write": first_level + second_level,
    }


def _categories_to_write(categories, left_out, shop_categories) -> tuple[int, int]:
    """Kept categories per level that the shop does not already have by name under the same
    parent (those are linked, not written)."""

    def key(name) -> str:
        return " ".join(str(name or "").split()).casefold()

    shop = {(key(c["name"]), c.get("parent") or 0): c["id"] for c in shop_categories}
    shop_of: dict = {}
    first = second = 0
    for cat in categories:  # parents first
        if cat["id"] in left_out:
            continue
        parent = 0 if cat["parent"] is None else shop_of.get(cat["parent"])
        found = shop.get((key(cat["name"]), parent)) if parent is not None else None
        if found is not None:
            shop_of[cat["id"]] = found
        elif cat["parent"] is None:
            first += 1
        else:
            second += 1
    return first, second


def returning_order_floor(partners_by_page: list[list]) -> dict:
    """FLOWii requests per exported order whose buyer's partner is linked: one create each,
    plus one read-back of each buyer's documents per page of orders (its orders there share
    it). partners_by_page: the partner (or buyer) of each order, a list per page of 100."""
    orders = sum(len(page) for page in partners_by_page)
    read_backs = sum(len(set(page)) for page in partners_by_page)
    return {
        "orders": orders,
        "creates": orders,
        "read_backs": read_backs,
        "floor": round((orders + read_backs) / orders, 4) if orders else None,
    }


def new_buyer_order_floor(
    searches: int = 1, confirms: int = 0, partner_creates: int = 1, read_backs: int = 1
) -> dict:
    """FLOWii requests per exported order of a buyer FLOWii does not know: the search by
    e-mail (it finds no candidate, so no detail confirms one), the partner create, the order
    create and its total read back (a new partner's only order shares it with no other)."""
    parts = {
        "search_by_email": searches,
        "detail_to_confirm": confirms,
        "partner_create": partner_creates,
        "order_create": 1,
        "read_back": read_backs,
    }
    return {"parts": parts, "floor": sum(parts.values())}


def pages_of(items: list, size: int = ORDERS_PAGE) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# -- the targets ------------------------------------------------------------------------------


def _target(name: str, met: bool | None, measured, limit, detail: str) -> dict:
    return {"target": name, "met": met, "measured": measured, "limit": limit, "detail": detail}


def _ratio(a, b) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _not_run(name: str, why: str) -> dict:
    return _target(name, None, None, None, why)


def evaluate(results: dict) -> list[dict]:
    """Every target, judged from `results` (a step that did not run: judged None)."""
    steps, floors = results["steps"], results["floors"]
    out = []

    name = "full import: requests <= 1.2 x floor"
    full = steps.get("ours.products_full")
    if full:
        total, floor = full["requests"]["total"], floors["import"]["floor"]
        out.append(
            _target(
                name,
                total <= 1.2 * floor,
                total,
                round(1.2 * floor, 1),
                f"{total} requests, floor {floor} (x{_ratio(total, floor)})",
            )
        )
    else:
        out.append(_not_run(name, "the full import did not run"))

    for key, label in (("returning", "a returning buyer"), ("new", "a new buyer")):
        name = f"orders: FLOWii requests per order for {label} <= 1.2 x floor"
        step = steps.get(f"ours.orders_{key}")
        floor = (floors.get(f"order_{key}") or {}).get("floor")
        if not step or not floor:
            out.append(_not_run(name, "not run"))
            continue
        per = step["orders_check"]["flowii_per_order"]
        out.append(
            _target(
                name,
                per is not None and per <= 1.2 * floor,
                per,
                round(1.2 * floor, 3),
                f"{step['requests']['flowii']['total']} FLOWii requests for "
                f"{step['orders_check']['orders_created']} orders (floor {floor} per order, "
                f"x{_ratio(per, floor)}); {_paths(step['requests'], 'flowii')}",
            )
        )

    name = "unchanged re-import: 0 writes"
    again = steps.get("ours.products_unchanged")
    if again:
        both = data_writes(again["requests"]["shop"]) + data_writes(again["requests"]["flowii"])
        out.append(
            _target(
                name,
                both == 0 and again.get("status") == "succeeded",
                both,
                0,
                f"{both} POST/PUT/PATCH/DELETE (the login not counted); run {again.get('status')}",
            )
        )
    else:
        out.append(_not_run(name, "not run"))

    name = "idle sync all: <= 10 requests (both sides)"
    idle = steps.get("ours.all_idle")
    if idle:
        total = idle["requests"]["total"]
        out.append(_target(name, total <= 10, total, 10, _paths(idle["requests"])))
    else:
        out.append(_not_run(name, "not run"))

    quota = steps.get("ours.orders_quota")
    name = "quota 60/min: the order export finishes with no failed order"
    if quota:
        check = quota["orders_check"]
        wanted = quota.get("orders_wanted")
        met = (
            quota["status"] == "succeeded"
            and not quota["counts"].get("failed")
            and check["orders_created"] == wanted
        )
        size = f"{wanted} orders" + (
            "" if wanted == 500 else " (fewer than the target's 500, to fit the budget)"
        )
        out.append(
            _target(
                f"{name} ({size})",
                met,
                check["orders_created"],
                wanted,
                f"run {quota['status']} {quota['reason'][:160]!r}; failed "
                f"{quota['counts'].get('failed', 0)}; {quota['wall_s']} s; 429 answers "
                f"{quota.get('refused_429', '–')}; {quota['requests']['flowii']['total']} "
                f"FLOWii requests ({quota.get('flowii_accepted', '–')} carried out, the "
                f"429s counted too)",
            )
        )
    else:
        out.append(_not_run(name, "not run"))

    name = "memory: peak RSS flat from 10,000 to 50,000 goods (<= 1.2 x)"
    small, big = steps.get("ours.memory_small"), steps.get("ours.memory_big")
    if small and big:
        growth = _ratio(big["peak_rss_mb"], small["peak_rss_mb"])
        out.append(
            _target(
                f"memory: peak RSS flat from {small['goods']:,} to {big['goods']:,} goods "
                "(<= 1.2 x)",
                growth is not None and growth <= 1.2,
                growth,
                1.2,
                f"{big['peak_rss_mb']} MB / {small['peak_rss_mb']} MB",
            )
        )
    else:
        out.append(_not_run(name, "not run (--memory-check)"))

    name = "cost model on: full import >= 5 x less wall time than the reference"
    reference = steps.get("reference.products_full")
    if full and reference:
        faster = _ratio(reference["wall_s"], full["wall_s"])
        out.append(
            _target(
                name,
                faster is not None and faster >= 5,
                faster,
                5,
                f"reference {reference['wall_s']} s / ours {full['wall_s']} s"
                + ("" if results["options"]["cost_model"] else " (cost model OFF)"),
            )
        )
    else:
        out.append(_not_run(name, "not run"))
    return out


def data_writes(side: dict) -> int:
    """Writes of records: POST/PUT/PATCH/DELETE, FLOWii's login (POST /token) not counted."""
    return writes(side) - side["by_path"].get("POST /token", 0)


def orders_check(requests: dict, created: int) -> dict:
    """FLOWii requests per order created in one orders export, by kind of request."""
    flowii = requests["flowii"]

    def n(key):
        return flowii["by_path"].get(key, 0)

    return {
        "orders_created": created,
        "flowii_requests": flowii["total"],
        "order_creates": n("POST /documents"),
        "read_backs": n("GET /partners/{id}/documents"),
        "partner_searches": n("GET /partners"),
        "partner_details": n("GET /partners/{id}"),
        "partner_creates": n("POST /partners"),
        "partner_updates": n("PATCH /partners/{id}"),
        "flowii_per_order": _ratio(flowii["total"], created),
    }


def _paths(requests: dict, only: str | None = None) -> str:
    parts = []
    for side in ("shop", "flowii"):
        if only and side != only:
            continue
        for key, n in requests[side]["by_path"].items():
            parts.append(f"{n} x {key}")
    return "; ".join(parts) or "none"
