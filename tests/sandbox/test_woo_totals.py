"""Order totals of the simulated shop against orders recorded from a real WooCommerce store,
plus small hand-worked orders that pin the rules outside the recorded ones."""

import json
from decimal import Decimal

import pytest

from sandbox.woo_totals import calculate_order, render_amounts
from tests.golden import CASES as GOLDEN

ORDERS = [f"{letter}-{mode}-tax" for letter in "abcdefgh" for mode in ("excl", "incl")]
VIEWS = {
    "create": ("orders-create-{}", 2),
    "get": ("orders-get-{}", 2),
    "get-dp4": ("orders-get-{}-dp4", 4),
}

ORDER_FIELDS = [
    "discount_total",
    "discount_tax",
    "shipping_total",
    "shipping_tax",
    "cart_tax",
    "total",
    "total_tax",
]
ITEM_FIELDS = {
    "line_items": ["subtotal", "subtotal_tax", "total", "total_tax", "price", "taxes"],
    "fee_lines": ["total", "total_tax", "taxes"],
    "shipping_lines": ["total", "total_tax", "taxes"],
    "coupon_lines": ["code", "discount", "discount_tax"],
    "tax_lines": [
        "rate_code",
        "rate_id",
        "label",
        "compound",
        "tax_total",
        "shipping_tax_total",
        "rate_percent",
    ],
}
TAX_FIELDS = ["id", "total", "subtotal"]


def _case(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text())


def _shop_setup() -> tuple[dict, dict, dict]:
    """Products by id and by SKU, tax rates by class and coupons by code, as the shop
    answered when they were created."""
    products = {}
    for path in sorted(GOLDEN.glob("setup-products-create-gold-*.json")):
        body = json.loads(path.read_text())["response"]["body"]
        products[body["id"]] = products[body["sku"]] = body
    tax_rates: dict[str, list[dict]] = {}
    for path in sorted(GOLDEN.glob("setup-taxes-create-*.json")):
        body = json.loads(path.read_text())["response"]["body"]
        tax_class = "" if body["class"] == "standard" else body["class"]
        tax_rates.setdefault(tax_class, []).append(
            {
                "id": body["id"],
                "rate": Decimal(body["rate"]),
                "name": body["name"],
                "shipping": body["shipping"],
                "compound": body["compound"],
                "priority": body["priority"],
                "country": body["country"],
            }
        )
    coupons = {}
    for path in sorted(GOLDEN.glob("setup-coupons-create-*.json")):
        body = json.loads(path.read_text())["response"]["body"]
        coupons[body["code"].lower()] = body
    return products, tax_rates, coupons


def _money(value):
    return None if value is None else Decimal(str(value))


def _inputs_from_request(name: str) -> dict:
    products, tax_rates, coupons = _shop_setup()
    body = _case(f"orders-create-{name}")["request"]["body"]
    line_items = []
    for line in body.get("line_items", []):
        product = products[line["product_id"]] if "product_id" in line else products[line["sku"]]
        line_items.append(
            {
                "quantity": line.get("quantity", 1),
                "price": Decimal(product["regular_price"]),
                "tax_class": product["tax_class"],
                "subtotal": _money(line.get("subtotal")),
                "total": _money(line.get("total")),
            }
        )
    coupon_list = []
    for coupon_line in body.get("coupon_lines", []):
        coupon = coupons[coupon_line["code"].lower()]
        coupon_list.append(
            {
                "code": coupon_line["code"],
                "discount_type": coupon["discount_type"],
                "amount": Decimal(coupon["amount"]),
            }
        )
    return {
        "line_items": line_items,
        "fee_lines": [
            {
                "name": fee["name"],
                "total": Decimal(fee["total"]),
                "tax_class": fee.get("tax_class", ""),
                "tax_status": fee.get("tax_status", "taxable"),
            }
            for fee in body.get("fee_lines", [])
        ],
        "shipping_lines": [
            {"total": Decimal(ship["total"])} for ship in body.get("shipping_lines", [])
        ],
        "coupons": coupon_list,
        "tax_rates": tax_rates,
        "prices_include_tax": name.endswith("incl-tax"),
    }


def _amounts_shown_by_shop(order: dict) -> dict:
    """The amount fields of a recorded order, in the shape `render_amounts` returns."""
    shown = {key: order[key] for key in ORDER_FIELDS}
    for group, fields in ITEM_FIELDS.items():
        shown[group] = [
            {
                key: [{k: tax[k] for k in TAX_FIELDS} for tax in item[key]]
                if key == "taxes"
                else item[key]
                for key in fields
            }
            for item in order[group]
        ]
    return shown


def _assert_same(ours, theirs, where="order"):
    """Equal values of the same JSON type, so "5" is not "5.00" and 0.99 is not "0.99"."""
    assert type(ours) is type(theirs), f"{where}: {ours!r} vs {theirs!r}"
    if isinstance(theirs, dict):
        assert ours.keys() == theirs.keys(), where
        for key in theirs:
            _assert_same(ours[key], theirs[key], f"{where}.{key}")
    elif isinstance(theirs, list):
        assert len(ours) == len(theirs), f"{where}: {len(ours)} vs {len(theirs)} entries"
        for index, (mine, shop) in enumerate(zip(ours, theirs, strict=True)):
            _assert_same(mine, shop, f"{where}[{index}]")
    else:
        assert ours == theirs, f"{where}: {ours!r} vs {theirs!r}"


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("name", ORDERS)
def test_matches_real_shop(name, view):
    pattern, dp = VIEWS[view]
    recorded = _case(pattern.format(name))["response"]["body"]
    calc = calculate_order(**_inputs_from_request(name))
    _assert_same(render_amounts(calc, dp=dp), _amounts_shown_by_shop(recorded))


# --- Hand-worked orders ----------------------------------------------------------------

STANDARD = {"id": 7, "rate": Decimal("20"), "name": "DPH 20 %", "shipping": True}
REDUCED = {"id": 8, "rate": Decimal("10"), "name": "DPH 10 %", "shipping": True}
RATES = {
    "": [{**STANDARD, "compound": False, "priority": 1, "country": "SK"}],
    "reduced-rate": [{**REDUCED, "compound": False, "priority": 1, "country": "SK"}],
}


def _item(price, quantity=1, tax_class="", subtotal=None, total=None):
    return {
        "quantity": quantity,
        "price": Decimal(price),
        "tax_class": tax_class,
        "subtotal": _money(subtotal),
        "total": _money(total),
    }


def _fee(total, tax_class="", tax_status="taxable"):
    return {
        "name": "Fee",
        "total": Decimal(total),
        "tax_class": tax_class,
        "tax_status": tax_status,
    }


def _order(items=(), fees=(), shipping=(), coupons=(), prices_include_tax=False, dp=2):
    calc = calculate_order(
        line_items=list(items),
        fee_lines=list(fees),
        shipping_lines=[{"total": Decimal(total)} for total in shipping],
        coupons=list(coupons),
        tax_rates=RATES,
        prices_include_tax=prices_include_tax,
    )
    return render_amounts(calc, dp=dp)


def _totals(shown):
    return {key: shown[key] for key in ORDER_FIELDS}


def test_single_item_without_coupons_prices_excluding_tax():
    shown = _order(items=[_item("12.34")])
    # 12.34 x 20 % = 2.468 -> 2.47 (half up)
    assert shown["line_items"] == [
        {
            "subtotal": "12.34",
            "subtotal_tax": "2.47",
            "total": "12.34",
            "total_tax": "2.47",
            "price": 12.34,
            "taxes": [{"id": 7, "total": "2.47", "subtotal": "2.47"}],
        }
    ]
    assert _totals(shown) == {
        "discount_total": "0.00",
        "discount_tax": "0.00",
        "shipping_total": "0.00",
        "shipping_tax": "0.00",
        "cart_tax": "2.47",
        "total": "14.81",
        "total_tax": "2.47",
    }
    assert shown["tax_lines"] == [
        {
            "rate_code": "SK-DPH 20 %-1",
            "rate_id": 7,
            "label": "DPH 20 %",
            "compound": False,
            "tax_total": "2.47",
            "shipping_tax_total": "0.00",
            "rate_percent": 20,
        }
    ]
    assert shown["shipping_lines"] == [] and shown["coupon_lines"] == []
    # At four decimals the per-rate tax shows what the shop keeps, the line tax its rounding.
    line = _order(items=[_item("12.34")], dp=4)["line_items"][0]
    assert (line["total_tax"], line["taxes"][0]["total"]) == ("2.4700", "2.4680")


def test_prices_including_tax_round_the_tax_half_down():
    # 3 x 1.11 = 3.33 gross holds 0.555 tax; net 2.775 is shown half up (2.78) and the tax
    # half down (0.55), so they add up to the gross price; the per-rate tax shows 0.56.
    shown = _order(items=[_item("1.11", quantity=3)], prices_include_tax=True)
    assert shown["line_items"] == [
        {
            "subtotal": "2.78",
            "subtotal_tax": "0.55",
            "total": "2.78",
            "total_tax": "0.55",
            "price": 2.775 / 3,
            "taxes": [{"id": 7, "total": "0.56", "subtotal": "0.56"}],
        }
    ]
    assert shown["cart_tax"] == "0.55" and shown["total"] == "3.33"


def test_fee_only_order():
    shown = _order(fees=[_fee("5.00"), _fee("2.00", tax_status="none")])
    assert shown["fee_lines"] == [
        {
            "total": "5.00",
            "total_tax": "1.00",
            "taxes": [{"id": 7, "total": "1.00", "subtotal": ""}],
        },
        {"total": "2.00", "total_tax": "0.00", "taxes": []},
    ]
    assert _totals(shown) == {
        "discount_total": "0.00",
        "discount_tax": "0.00",
        "shipping_total": "0.00",
        "shipping_tax": "0.00",
        "cart_tax": "1.00",
        "total": "8.00",
        "total_tax": "1.00",
    }
    assert [tax["rate_id"] for tax in shown["tax_lines"]] == [7]


def test_negative_fee_spreads_its_tax_by_class_share():
    # Reduced-rate item first: shipping is taxed at the standard rate (first class in the
    # fixed order) but counted under the reduced rate (the first item's class) when the
    # discount fee is spread: reduced 10 + 5 = 15, standard 10, of 25.
    shown = _order(
        items=[_item("10.00", tax_class="reduced-rate"), _item("10.00")],
        fees=[_fee("-3.00")],
        shipping=["5.00"],
    )
    # -3 x 15/25 = -1.80 at 10 % = -0.18; -3 x 10/25 = -1.20 at 20 % = -0.24
    assert shown["fee_lines"] == [
        {
            "total": "-3.00",
            "total_tax": "-0.42",
            "taxes": [
                {"id": 8, "total": "-0.18", "subtotal": ""},
                {"id": 7, "total": "-0.24", "subtotal": ""},
            ],
        }
    ]
    assert shown["shipping_lines"] == [
        {
            "total": "5.00",
            "total_tax": "1.00",
            "taxes": [{"id": 7, "total": "1.00", "subtotal": ""}],
        }
    ]
    assert [
        (t["rate_id"], t["tax_total"], t["shipping_tax_total"]) for t in shown["tax_lines"]
    ] == [
        (8, "0.82", "0.00"),
        (7, "1.76", "1.00"),
    ]
    assert _totals(shown) == {
        "discount_total": "0.00",
        "discount_tax": "0.00",
        "shipping_total": "5.00",
        "shipping_tax": "1.00",
        "cart_tax": "2.58",
        "total": "25.58",
        "total_tax": "3.58",
    }


def test_negative_fee_cannot_take_the_order_below_zero():
    shown = _order(items=[_item("2.00")], fees=[_fee("-5.00")])
    assert shown["fee_lines"] == [
        {
            "total": "-2.00",
            "total_tax": "-0.40",
            "taxes": [{"id": 7, "total": "-0.40", "subtotal": ""}],
        }
    ]
    assert shown["total"] == "0.00" and shown["cart_tax"] == "0.00"


def test_coupons_apply_in_request_order_each_from_the_undiscounted_price():
    shown = _order(
        items=[_item("20.00"), _item("5.00", quantity=2, tax_class="reduced-rate")],
        coupons=[
            {"code": "MINUS5", "discount_type": "fixed_cart", "amount": Decimal("5")},
            {"code": "ZLAVA10", "discount_type": "percent", "amount": Decimal("10")},
        ],
    )
    # MINUS5: 500 cents over 3 units = 166 each (166 + 332), the 2 cents left go one per
    # unit to the dearest lines: 1.67 + 3.33. ZLAVA10 then takes 10 % of the undiscounted
    # 20.00 and 10.00: 2.00 + 1.00. Lines end at 16.33 and 5.67.
    assert [(li["total"], li["total_tax"], li["price"]) for li in shown["line_items"]] == [
        ("16.33", "3.27", 16.33),
        ("5.67", "0.57", 5.67 / 2),
    ]
    # Coupon taxes are rounded per item (0.33 + 0.33, 0.40 + 0.10); the order's discount
    # tax is rounded once: 5.00 - 3.833 = 1.167 -> 1.17.
    assert shown["coupon_lines"] == [
        {"code": "minus5", "discount": "5", "discount_tax": "0.66"},
        {"code": "zlava10", "discount": "3", "discount_tax": "0.5"},
    ]
    assert _totals(shown) == {
        "discount_total": "8.00",
        "discount_tax": "1.17",
        "shipping_total": "0.00",
        "shipping_tax": "0.00",
        "cart_tax": "3.84",
        "total": "25.84",
        "total_tax": "3.84",
    }
    # The coupon texts do not follow `dp`.
    again = _order(
        items=[_item("20.00"), _item("5.00", quantity=2, tax_class="reduced-rate")],
        coupons=[{"code": "MINUS5", "discount_type": "fixed_cart", "amount": Decimal("5")}],
        dp=4,
    )
    assert again["coupon_lines"] == [{"code": "minus5", "discount": "5", "discount_tax": "0.66"}]


@pytest.mark.parametrize("prices_include_tax", [False, True])
def test_explicit_net_amounts_win(prices_include_tax):
    item = _item("99.00", subtotal="10.00", total="8.00")
    shown = _order(items=[item], prices_include_tax=prices_include_tax)
    assert shown["line_items"] == [
        {
            "subtotal": "10.00",
            "subtotal_tax": "2.00",
            "total": "8.00",
            "total_tax": "1.60",
            "price": 8.0,
            "taxes": [{"id": 7, "total": "1.60", "subtotal": "2.00"}],
        }
    ]
    assert (shown["discount_total"], shown["discount_tax"], shown["total"]) == (
        "2.00",
        "0.40",
        "9.60",
    )


MINUS5 = {"code": "MINUS5", "discount_type": "fixed_cart", "amount": Decimal("5")}


def test_fixed_cart_left_over_cents_go_by_unit_price():
    """WooCommerce 10.0.2: MINUS5 on 2 x 7.08 at 20 % + 1 x 12.27 at 10 % with shipping 3.90,
    prices without VAT, came to 29.34. 500 cents over 3 units = 166 each; the 2 cents left go
    to the dearest UNIT first (12.27), then 7.08: a line-value order (14.16 first) gave 29.33."""
    shown = _order(
        items=[_item("7.08", quantity=2), _item("12.27", tax_class="reduced-rate")],
        shipping=["3.90"],
        coupons=[MINUS5],
    )
    assert [(li["total"], li["total_tax"]) for li in shown["line_items"]] == [
        ("10.83", "2.17"),
        ("10.60", "1.06"),
    ]
    assert shown["total"] == "29.34"
    assert shown["discount_total"] == "5.00"


def test_left_over_cents_one_per_unit_on_a_dearer_line_with_quantity():
    """The dearer unit (12.27) has 2 units, the cheaper line (5 x 7.08) is worth more: 500 cents
    over 7 units = 71 each (497), the 3 left go one per unit: 2 to the 12.27 line, 1 to the
    7.08 line."""
    shown = _order(
        items=[_item("7.08", quantity=5), _item("12.27", quantity=2, tax_class="reduced-rate")],
        coupons=[MINUS5],
    )
    # 35.40 - 3.56 = 31.84 (tax 6.368 -> 6.37); 24.54 - 1.44 = 23.10 (tax 2.31).
    assert [(li["total"], li["total_tax"]) for li in shown["line_items"]] == [
        ("31.84", "6.37"),
        ("23.10", "2.31"),
    ]
    assert shown["total"] == "63.62"
    # Per item: 3.56 x 20 % = 0.712 -> 0.71, 1.44 x 10 % = 0.144 -> 0.14.
    assert shown["coupon_lines"] == [{"code": "minus5", "discount": "5", "discount_tax": "0.85"}]


def test_left_over_cents_fill_every_unit_of_the_dearest_line_first():
    shown = _order(
        items=[_item("7.08"), _item("12.27", quantity=2, tax_class="reduced-rate")],
        coupons=[MINUS5],
    )
    # 166 per unit (498); both left-over cents go to the two units of the 12.27 line.
    assert [li["total"] for li in shown["line_items"]] == ["5.42", "21.20"]
    assert shown["total"] == "29.82"
