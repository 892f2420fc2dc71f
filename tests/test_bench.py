"""The benchmark (`make bench`) at a tiny size, so it cannot rot: every step measured, every
target judged, the JSON written. Not a timed test: no assertion on speed."""

import json
import subprocess
import sys
from pathlib import Path

from bench.measure import scaled, stats_diff, writes
from bench.targets import import_floor

PROJECT = Path(__file__).resolve().parent.parent
STEPS = {
    "ours.products_full",
    "ours.products_unchanged",
    "ours.customers",
    "ours.orders",
    "ours.all_first",
    "ours.all_idle",
    "ours.orders_compare_c4",
    "ours.orders_compare_c1",
    "ours.products_full_memory",
    "reference.products_full",
    "reference.orders",
}


def test_benchmark_runs_every_step_and_judges_every_target(tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "small", "--latency-ms", "0",
         "--products", "300", "--reference-products", "100", "--reference-orders", "40",
         "--memory-check", "--quiet", "--out", str(out)],
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
    # The reference ran on a subset and was scaled to every record.
    reference = results["steps"]["reference.products_full"]
    assert reference["records"] == 100 and reference["of_records"] == 300
    assert reference["scaled_by"] == 3
    assert reference["requests"]["total"] > reference["measured"]["requests"]["total"]
    assert results["steps"]["ours.products_full_memory"]["products"] == 1_500

    targets = {t["target"]: t for t in results["targets"]}
    assert len(targets) == 11
    assert all(t["met"] in (True, False) for t in targets.values()), targets
    # What does not depend on timing holds at any size.
    assert targets["unchanged re-import: zero writes"]["met"] is True
    assert targets["orders export: never a second create for one order"]["met"] is True
    orders = results["steps"]["ours.orders"]["orders_check"]
    assert orders["orders_created"] == orders["order_creates"] > 0
    assert results["floor"]["floor"] > 0 and set(results["ratios"]) == {"products_full", "orders"}
    for target in targets.values():
        verdict = "NOT MET" if target["met"] is False else "MET"
        assert f"| {target['target']} | **{verdict}** |" in done.stdout


def test_import_floor_counts_pages_batches_and_category_levels():
    flowii = {
        "product_categories": [
            {"id": 1, "name": "Služby", "parentId": None},
            {"id": 2, "name": "Potraviny", "parentId": None},
            *({"id": 10 + i, "name": f"Káva {i}", "parentId": 2} for i in range(150)),
        ],
        "products": [{"id": i, "categoryId": 11} for i in range(250)]
        + [{"id": 1000 + i, "categoryId": 1} for i in range(5)],
    }
    shop = {"products": [{}] * 120, "categories": [{}] * 3}
    floor = import_floor(flowii, shop, excluded_roots=[1])
    assert floor["parts"] == {
        "flowii_login": 1,
        "flowii_product_pages": 3,  # 255 products
        "shop_product_pages": 2,  # 120 products
        "product_batches": 3,  # 250 outside the excluded category
        "flowii_category_pages": 2,  # 152 categories
        "shop_category_pages": 1,  # 3 + "Uncategorized"
        "category_batches": 3,  # one root, then 150 children in two batches
    }
    assert floor["floor"] == 15
    assert floor["products_to_write"] == 250 and floor["categories_to_write"] == 151


def test_request_counts_between_snapshots_and_scaled_to_the_whole():
    before = {"by_path": {"GET /a": 2, "POST /a/batch": 1}}
    after = {"by_path": {"GET /a": 5, "POST /a/batch": 1, "PUT /a/{id}": 4}}
    step = stats_diff(before, after)
    assert step == {
        "total": 7,
        "by_method": {"GET": 3, "PUT": 4},
        "by_path": {"GET /a": 3, "PUT /a/{id}": 4},
    }
    assert writes(step) == 4
    assert scaled(step, 2.5)["by_path"] == {"GET /a": 8, "PUT /a/{id}": 10}
