"""The preview's report rules (connector/preview_report.py), as tables: which log line puts
which record on which list, how records and JSON:API bodies become fields, old -> new."""

from __future__ import annotations

import pytest

from connector.http import Write
from connector.preview_report import (
    Line,
    Place,
    build,
    changes,
    flat,
    flat_resource,
    left_out_reasons,
    outcome_keys,
    outcome_of,
    outcomes,
    same_value,
    shown_ids,
    to_update,
    warnings,
    written_records,
)

PLACES = {
    "product": Place("WooCommerce", ("/products", "/products/*/variations"), True),
    "category": Place("WooCommerce", ("/products/categories",), True),
    "customer": Place("FLOWii", ("/partners",), False),
    "order": Place("FLOWii", ("/documents",), False),
}


@pytest.mark.parametrize(
    "line, expected",
    [
        (Line("info", "product.created", {}, "product", "-1", "7"), ("created", "")),
        (Line("info", "product.stock_updated", {}, "product", "5", "7"), ("updated", "")),
        (Line("info", "product.linked", {}, "product", "5", "7"), ("linked", "sku")),
        (Line("info", "category.linked", {}, "category", "5", "7"), ("linked", "name")),
        (
            Line("info", "partner.linked", {"by": "e-mail"}, "customer", "3", "9"),
            ("linked", "email"),
        ),
        (Line("info", "partner.linked", {"by": "IČO"}, "customer", "3", "9"), ("linked", "ico")),
        (
            Line("info", "partner.linked", {"by": "e-mail, IČO"}, "customer", "3", "9"),
            ("linked", "email+ico"),
        ),
        (Line("info", "orders.created", {}, "order", "12", "99"), ("created", "")),
        (Line("error", "orders.held", {}, "order", "12", ""), ("left_out", "")),
        (Line("error", "orders.not_exported", {}, "order", "12", ""), ("left_out", "")),
        (Line("error", "customer.failed", {}, "customer", "4", ""), ("left_out", "")),
        # An error about no record (a missing setting) is a warning, not a record left out.
        (Line("error", "orders.settings_missing", {}), None),
        (Line("warning", "partner.gone", {}, "customer", "4", "8"), None),
        (Line("info", "goods.left_out", {"count": 3}), None),
    ],
)
def test_outcome_of_a_line(line, expected):
    assert outcome_of(line) == expected


def test_a_record_linked_then_written_is_listed_once_as_linked():
    lines = [
        Line("info", "product.linked", {"sku": "A"}, "product", "5", "7"),
        Line("info", "product.updated", {"sku": "A"}, "product", "5", "7"),
        Line("info", "product.updated", {"sku": "B"}, "product", "6", "8"),
        Line("info", "category.updated", {}, "category", "2", "3"),
        Line("info", "category.linked", {}, "category", "2", "3"),  # matched by name, retried
        Line("error", "product.refused", {}, "product", "", "9"),
        Line("error", "product.refused", {}, "product", "", "9"),  # said twice: left out once
    ]
    found = outcomes(lines)
    assert [ln.shop_id for ln in found["linked"]] == ["5", "2"]
    assert [ln.shop_id for ln in found["updated"]] == ["6"]
    assert len(found["left_out"]) == 1


def test_outcome_keys_leave_out_the_ids_a_create_gives():
    preview = [
        Line("info", "product.created", {}, "product", "-1", "7"),
        Line("info", "partner.created", {}, "customer", "3", "9000000000000000001"),
        Line("info", "product.updated", {}, "product", "5", "8"),
    ]
    run = [
        Line("info", "product.created", {}, "product", "41", "7"),
        Line("info", "partner.created", {}, "customer", "3", "457900"),
        Line("info", "product.updated", {}, "product", "5", "8"),
    ]
    assert outcome_keys(preview, PLACES) == outcome_keys(run, PLACES)
    assert outcome_keys(run, PLACES)["created"] == {("product", "", "7"), ("customer", "3", "")}


def test_left_out_reasons_count_each_reason_and_the_counted_lines():
    lines = [
        Line("error", "orders.held", {"number": 1}, "order", "1"),
        Line("error", "orders.held", {"number": 2}, "order", "2"),
        Line("error", "orders.not_exported", {"number": 3}, "order", "3"),
        Line("info", "goods.left_out", {"count": 4}),
    ]
    assert left_out_reasons(lines) == [
        ["goods.left_out", 4, {"count": 4}],
        ["orders.held", 2, {"number": 1}],
        ["orders.not_exported", 1, {"number": 3}],
    ]


def test_warnings_are_a_runs_warnings_and_record_less_errors_without_artefacts():
    lines = [
        Line("warning", "orders.variable_symbol", {}, "order", "1"),
        Line("warning", "orders.total_unread", {}, "order", "1"),  # no document was made
        Line("error", "orders.settings_missing", {}),
        Line("error", "orders.not_exported", {}, "order", "2"),  # a record left out
        Line("info", "orders.created", {}, "order", "1", "5"),
    ]
    assert [ln.code for ln in warnings(lines)] == [
        "orders.variable_symbol",
        "orders.settings_missing",
    ]


@pytest.mark.parametrize(
    "record, expected",
    [
        ({"name": "A", "regular_price": "1.50"}, {"name": "A", "regular_price": "1.50"}),
        ({"categories": [{"id": 4}, {"id": 9}]}, {"categories": "4, 9"}),
        ({"tags": ["a", "b"]}, {"tags": "a, b"}),
        (
            {"manage_stock": True, "stock_quantity": 3.0},
            {"manage_stock": "yes", "stock_quantity": "3"},
        ),
        ({"dimensions": {"width": "2"}}, {"dimensions.width": "2"}),
        (
            {"meta_data": [{"key": "k", "value": "v"}]},
            {"meta_data.1.key": "k", "meta_data.1.value": "v"},
        ),
        ({"sale_price": None}, {"sale_price": ""}),
    ],
)
def test_flat(record, expected):
    assert flat(record) == expected


def test_flat_resource_reads_nested_records_and_included_ones_alike():
    body = {
        "data": {
            "type": "partner",
            "attributes": {"name": "Nová", "ico": "123"},
            "relationships": {
                "billing-address": {"data": {"type": "address", "attributes": {"city": "Žilina"}}},
                "base-business-relationship": {
                    "data": {"type": "business-relationship", "id": "5"}
                },
                "items": {"data": [{"type": "item", "attributes": {"name": "Čaj"}}]},
            },
        }
    }
    answer = {
        "data": {
            "type": "partner",
            "id": "8",
            "attributes": {"name": "Stará", "ico": "123"},
            "relationships": {"billing-address": {"data": {"type": "address", "id": "31"}}},
        },
        "included": [{"type": "address", "id": "31", "attributes": {"city": "Košice"}}],
    }
    assert flat_resource(body) == {
        "name": "Nová",
        "ico": "123",
        "billing-address.city": "Žilina",
        "base-business-relationship": "5",
        "items.1.name": "Čaj",
    }
    assert flat_resource(answer) == {
        "name": "Stará",
        "ico": "123",
        "billing-address.city": "Košice",
    }
    assert flat_resource({"errors": []}) == {}


@pytest.mark.parametrize(
    "new, old, expected",
    [
        ({"name": "B", "id": "5"}, None, [["name", "", "B"]]),  # a create: every field
        ({"name": "B", "sku": "X"}, {"name": "A", "sku": "X"}, [["name", "A", "B"]]),
        ({"street": "Nová 1"}, {}, [["street", "", "Nová 1"]]),  # a field the record lacks
        ({"name": "A"}, {"name": "A"}, []),  # written, but nothing changes
    ],
)
def test_changes(new, old, expected):
    assert changes(new, old) == expected


def writes():
    return [
        Write(
            "WooCommerce",
            "POST",
            "/products/batch",
            {"create": [{"name": "N", "sku": "S1"}], "update": [{"id": 5, "name": "U"}]},
            {"create": [{"name": "N", "sku": "S1", "id": -1}], "update": [{"id": 5, "name": "U"}]},
        ),
        Write(
            "WooCommerce",
            "POST",
            "/products/categories/batch",
            {"update": [{"id": 5, "name": "Kat"}]},
            {"update": [{"id": 5, "name": "Kat"}]},
        ),
        Write(
            "FLOWii",
            "PATCH",
            "/partners/8",
            {"data": {"type": "partner", "id": "8", "attributes": {"name": "Nová"}}},
            {"data": {"type": "partner", "id": "8", "attributes": {"name": "Nová"}}},
        ),
    ]


def test_written_records_keep_each_record_by_its_collection():
    found = written_records(writes())
    assert found[("WooCommerce", "/products", "-1")].fields == {
        "name": "N",
        "sku": "S1",
        "id": "-1",
    }
    # Product 5 and category 5 are different records.
    assert found[("WooCommerce", "/products", "5")].fields["name"] == "U"
    assert found[("WooCommerce", "/products/categories", "5")].fields["name"] == "Kat"
    assert found[("FLOWii", "/partners", "8")].fields == {"name": "Nová"}


def test_build_shows_values_and_old_to_new():
    lines = [
        Line("info", "product.created", {"name": "N", "sku": "S1"}, "product", "-1", "70"),
        Line("info", "product.updated", {"name": "U", "sku": "S2"}, "product", "5", "71"),
        Line("info", "partner.linked", {"name": "Nová", "by": "e-mail"}, "customer", "3", "8"),
    ]
    wanted = to_update(lines, writes(), PLACES)
    assert wanted == {"WooCommerce": {"/products": ["5"]}, "FLOWii": {"/partners": ["8"]}}
    old = {
        ("WooCommerce", "/products", "5"): {"id": "5", "name": "Old"},
        ("FLOWii", "/partners", "8"): {"name": "Stará"},
    }
    report = build(lines, writes(), old, {"created": 1}, PLACES)
    created = report["lists"]["created"]["items"][0]
    assert created["changes"] == [["name", "", "N"], ["sku", "", "S1"]]
    assert report["lists"]["updated"]["items"][0]["changes"] == [["name", "Old", "U"]]
    assert report["lists"]["linked"]["items"][0]["changes"] == [["name", "Stará", "Nová"]]
    assert report["linked_by"] == {"email": 1}
    assert report["writes"] == {"WooCommerce": 2, "FLOWii": 1}
    assert report["lists"]["created"]["by_kind"] == {"product": 1}


def test_build_shows_the_first_records_and_counts_them_all():
    lines = [Line("info", "product.created", {}, "product", f"-{i}", str(i)) for i in range(1, 8)]
    report = build(lines, [], {}, {}, PLACES, shown=3)
    assert report["lists"]["created"]["count"] == 7
    assert len(report["lists"]["created"]["items"]) == 3


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("9.5", "9.50", True),
        ("1", "1.0", True),
        ("A", "A", True),
        ("9.5", "9.6", False),
        ("", "0", False),
        ("abc", "abd", False),
    ],
)
def test_same_value(a, b, same):
    assert same_value(a, b) is same


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("categories", "3, -7", "3, new"),
        ("parent", "-2", "new"),
        ("partner", "9000000000000000004", "new"),
        ("stock_quantity", "-2", "-2"),  # a number, not an id: kept
        ("categories", "", ""),
    ],
)
def test_shown_ids(name, value, expected):
    assert shown_ids(name, value, "new") == expected


def test_a_variation_is_found_under_its_variable_product():
    kept = [
        Write(
            "WooCommerce",
            "POST",
            "/products/30/variations/batch",
            {"update": [{"id": 31, "regular_price": "2.00"}]},
            {"update": [{"id": 31, "regular_price": "2.00"}]},
        )
    ]
    lines = [Line("info", "variation.updated", {"sku": "V"}, "product", "31", "70")]
    assert to_update(lines, kept, PLACES) == {"WooCommerce": {"/products/30/variations": ["31"]}}
    old = {("WooCommerce", "/products/30/variations", "31"): {"regular_price": "1.50"}}
    report = build(lines, kept, old, {}, PLACES)
    assert report["lists"]["updated"]["items"][0]["changes"] == [["regular_price", "1.50", "2.00"]]
