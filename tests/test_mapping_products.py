"""Pure mapping of FLOWii categories and products to the shop's."""

from decimal import Decimal

import pytest

from connector.mapping.products import (
    ProductProblem,
    fingerprint,
    plan_categories,
    product_payload,
    shop_price,
    tax_classes_by_rate,
)

TAX = {Decimal("20"): "", Decimal("10"): "reduced-rate", Decimal("0"): "zero-rate"}


def _product(**over):
    product = {
        "id": 7,
        "name": "Káva zrnková 1 kg",
        "code": "KAVA-1",
        "categoryId": 3,
        "unitId": 21,
        "vatRate": "10",
        "priceWithoutVat": "18.1818",
        "priceWithVat": "20.00",
        "isStockItem": True,
        "stockQuantity": "12.500",
        "isActive": True,
    }
    product.update(over)
    return product


def test_tree_orders_parents_first_and_leaves_out_excluded_subtrees():
    cats = [
        {"id": 5, "name": "Zrnková", "parentId": 2},
        {"id": 2, "name": "Káva", "parentId": 1},
        {"id": 1, "name": "Potraviny", "parentId": None},
        {"id": 9, "name": "Služby", "parentId": None},
        {"id": 10, "name": "Montáž", "parentId": 9},
    ]
    plan = plan_categories(cats, excluded_roots=[9])
    assert [c["id"] for c in plan.ordered] == [1, 2, 5]
    assert plan.excluded_ids == {9, 10}
    assert plan.problems == []


def test_missing_parent_goes_to_top_and_a_cycle_is_reported():
    cats = [
        {"id": 1, "name": "Sirota", "parentId": 99},
        {"id": 2, "name": "A", "parentId": 3},
        {"id": 3, "name": "B", "parentId": 2},
    ]
    plan = plan_categories(cats, excluded_roots=[])
    assert [c["id"] for c in plan.ordered] == [1]
    assert sorted((c["id"], why) for c, why in plan.problems) == [
        (1, "parent_missing"),
        (2, "cycle"),
        (3, "cycle"),
    ]


@pytest.mark.parametrize(
    "with_vat, expected", [(True, "20"), (False, "18.18")], ids=["gross", "net"]
)
def test_price_follows_the_vat_setting(with_vat, expected):
    payload = product_payload(
        _product(), prices_with_vat=with_vat, shop_category_id=40, tax_classes=TAX
    )
    assert payload["regular_price"] == expected
    assert payload["tax_class"] == "reduced-rate"
    assert payload["categories"] == [{"id": 40}]
    assert payload["manage_stock"] is True and payload["stock_quantity"] == 12
    assert "status" not in payload and "description" not in payload and "images" not in payload


def test_inactive_product_goes_out_of_stock_and_service_is_not_stock_managed():
    inactive = product_payload(
        _product(isActive=False), prices_with_vat=True, shop_category_id=None, tax_classes=TAX
    )
    assert inactive["stock_status"] == "outofstock" and inactive["manage_stock"] is False
    service = product_payload(
        _product(isStockItem=False, stockQuantity=None),
        prices_with_vat=True,
        shop_category_id=None,
        tax_classes=TAX,
    )
    assert service["manage_stock"] is False and service["categories"] == []


@pytest.mark.parametrize(
    "over, words",
    [
        ({"code": ""}, "no product number"),
        ({"code": "  "}, "no product number"),
        ({"name": ""}, "no name"),
        ({"priceWithVat": "abc"}, "“abc” is not a number"),
        ({"priceWithVat": "-1"}, "not a valid amount"),
        ({"stockQuantity": "x"}, "stock count"),
    ],
)
def test_bad_products_are_refused_with_the_reason(over, words):
    with pytest.raises(ProductProblem) as problem:
        product_payload(_product(**over), prices_with_vat=True, shop_category_id=1, tax_classes=TAX)
    assert words in problem.value.reason


def test_unknown_vat_rate_leaves_the_tax_class_alone():
    payload = product_payload(
        _product(vatRate="23"), prices_with_vat=True, shop_category_id=1, tax_classes=TAX
    )
    assert "tax_class" not in payload


def test_shop_price_is_unpadded_like_woocommerce():
    assert [shop_price(Decimal(v)) for v in ("25.00", "12.50", "100", "0.999")] == [
        "25",
        "12.5",
        "100",
        "1",
    ]


def test_tax_classes_from_the_shop_rates():
    rates = [
        {"country": "SK", "rate": "20.0000", "class": "standard"},
        {"country": "SK", "rate": "10.0000", "class": "reduced-rate"},
        {"country": "SK", "rate": "0.0000", "class": "zero-rate"},
        {"country": "CZ", "rate": "21.0000", "class": "standard"},
    ]
    assert tax_classes_by_rate(rates) == TAX


def test_fingerprint_ignores_key_order_but_not_values():
    assert fingerprint({"a": 1, "b": "x"}) == fingerprint({"b": "x", "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
