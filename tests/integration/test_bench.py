"""The benchmark (`make bench`) at a tiny size, so it cannot rot: every step measured, every
target judged, the JSON written; and the request floors of FLOWii's real API, by hand. Not a
timed test: no assertion on speed."""

import json
import subprocess
import sys
from pathlib import Path

from bench.measure import scaled, stats_diff, writes
from bench.targets import (
    batches,
    data_writes,
    import_floor,
    new_buyer_order_floor,
    pages,
    pages_of,
    returning_order_floor,
)

PROJECT = Path(__file__).resolve().parents[2]
STEPS = {
    "ours.products_full",
    "ours.products_unchanged",
    "ours.customers",
    "ours.orders_seed",
    "ours.all_first",
    "ours.all_idle",
    "ours.orders_new",
    "ours.orders_returning",
    "ours.orders_quota",
    "ours.products_c1",
    "ours.products_c2",
    "ours.products_c4",
    "ours.memory_small",
    "ours.memory_big",
    "reference.products_full",
    "reference.orders",
}


def test_benchmark_runs_every_step_and_judges_every_target(tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "small", "--latency-ms", "0",
         "--products", "300", "--orders", "0", "--reference-products", "100",
         "--reference-orders", "40", "--scenario-orders", "20", "--quota-orders", "6",
         "--compare-products", "0", "--memory-check", "--quiet", "--out", str(out)],
        cwd=PROJECT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))

    assert set(results["steps"]) == STEPS
    for name, step in results["steps"].items():
        requests = step["requests"]
        assert requests["total"] == requests["shop"]["total"] + requests["flowii"]["total"], name
        assert requests["total"] > 0, name
        assert step["wall_s"] > 0 and step["peak_rss_mb"] > 0, name
        if step["side"] == "ours":
            assert step["status"] == "succeeded", (name, step.get("reason"))
    # The reference ran on a subset and was scaled to every good.
    reference = results["steps"]["reference.products_full"]
    assert reference["records"] == 100 and reference["of_records"] == 300
    assert reference["scaled_by"] == 3
    assert reference["requests"]["total"] > reference["measured"]["requests"]["total"]
    assert results["steps"]["ours.memory_big"]["goods"] == 1_500
    # The scenarios' orders were all created, once each.
    for name, wanted in (("ours.orders_new", 20), ("ours.orders_returning", 20)):
        check = results["steps"][name]["orders_check"]
        assert check["orders_created"] == check["order_creates"] == wanted, name
    assert results["steps"]["ours.orders_returning"]["orders_check"]["partner_creates"] == 0

    targets = results["targets"]
    assert len(targets) == 8
    assert all(t["met"] in (True, False) for t in targets), targets
    by_name = {t["target"]: t for t in targets}
    # What does not depend on timing holds at any size.
    assert by_name["unchanged re-import: 0 writes"]["met"] is True
    assert results["floors"]["import"]["floor"] > 0
    assert set(results["ratios"]) == {"products_full", "orders_seed"}
    for target in targets:
        verdict = "NOT MET" if target["met"] is False else "MET"
        assert f"| {target['target']} | **{verdict}** |" in done.stdout


def test_pages_and_batches():
    assert [pages(n, 50) for n in (0, 1, 50, 51, 10_000)] == [1, 1, 1, 2, 200]
    assert [batches(n) for n in (0, 1, 100, 101)] == [0, 1, 1, 2]


def test_import_floor_counts_the_reads_the_stream_makes_and_the_batches():
    # Two top categories: "Služby" (left out: non-stock) and "Potraviny" with 150
    # subcategories; the shop already has "Potraviny" and one of its subcategories.
    categories = [
        {"id": 1, "name": "Služby", "parent": None},
        {"id": 2, "name": "Potraviny", "parent": None},
        {"id": 3, "name": "Montáž", "parent": 1},
        *({"id": 10 + i, "name": f"Káva {i}", "parent": 2} for i in range(150)),
    ]
    goods = (
        [{"id": i, "category": 2, "subcategory": 11, "type": 0} for i in range(120)]
        + [{"id": 200 + i, "category": 2, "subcategory": None, "type": 0} for i in range(10)]
        + [{"id": 300 + i, "category": 1, "subcategory": 3, "type": 1} for i in range(5)]
    )
    shop_categories = [
        {"id": 1, "name": "Uncategorized", "parent": 0},
        {"id": 7, "name": "potraviny ", "parent": 0},
        {"id": 8, "name": "Káva 0", "parent": 7},
    ]
    floor = import_floor(
        goods=goods,
        categories=categories,
        excluded_ids=[1],
        shop_products=230,
        shop_categories=shop_categories,
    )
    assert floor["parts"] == {
        "flowii_login": 1,
        "flowii_category_tree": 3,  # the top level + one list per top category
        "flowii_goods_pages": 3,  # 135 goods, 50 a page
        "flowii_goods_by_category_pages": 1 + 3,  # Služby 5 goods; Potraviny 130
        "flowii_goods_by_subcategory_pages": 150 + 2,  # Montáž is left out; Káva 1: 120 goods
        "flowii_services_pages": 1,
        "shop_category_pages": 1,
        "shop_product_pages": 3,  # 230 products, 100 a page
        "shop_category_batches": 2,  # no root to write; 149 subcategories
        "shop_product_batches": 2,  # the 130 goods outside Služby
    }
    assert floor["floor"] == sum(floor["parts"].values()) == 172
    assert floor["products_to_write"] == 130 and floor["categories_to_write"] == 149


def test_order_floors():
    assert new_buyer_order_floor()["floor"] == 4
    assert new_buyer_order_floor(confirms=1)["floor"] == 5
    # 200 orders of 100 buyers, two each next to each other: one read-back per buyer a page.
    buyers = [f"c{n // 2}" for n in range(200)]
    floor = returning_order_floor(pages_of(buyers))
    assert floor == {"orders": 200, "creates": 200, "read_backs": 100, "floor": 1.5}
    # A buyer whose orders fall in two pages is read back in each.
    split = returning_order_floor([["a"] * 99 + ["b"], ["b"]])
    assert split["read_backs"] == 3 and split["floor"] == round(104 / 101, 4)
    assert returning_order_floor([])["floor"] is None


def test_request_counts_between_snapshots_and_scaled_to_the_whole():
    before = {"by_path": {"GET /a": 2, "POST /a/batch": 1}}
    after = {"by_path": {"GET /a": 5, "POST /a/batch": 1, "PUT /a/{id}": 4, "POST /token": 1}}
    step = stats_diff(before, after)
    assert step == {
        "total": 8,
        "by_method": {"GET": 3, "PUT": 4, "POST": 1},
        "by_path": {"GET /a": 3, "POST /token": 1, "PUT /a/{id}": 4},
    }
    assert writes(step) == 5 and data_writes(step) == 4
    assert scaled(step, 2.5)["by_path"] == {"GET /a": 8, "POST /token": 2, "PUT /a/{id}": 10}
