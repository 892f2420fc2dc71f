"""A FLOWii good as the shop's product, as tables: each field checked, prices converted to the
shop's VAT mode, tax classes, stock figures, what a run writes, and what a refusal means."""

from decimal import Decimal

import pytest

from connector.mapping.fingerprints import product_print, read_product_print
from connector.mapping.products import (
    Good,
    product_fields,
    read_good,
    shop_price,
    sku_conflicts,
    stock_figure,
    tax_classes_by_rate,
    what_to_write,
)
from connector.mapping.refusals import Refusal
from connector.mapping.shop_refusals import category_answer, shop_answer, shop_words

TAX = {Decimal("20"): "", Decimal("10"): "reduced-rate", Decimal("0"): "zero-rate"}


def raw(**over):
    good = {
        "id": 7,
        "name": "Káva zrnková 1 kg",
        "serial_nr": "KAVA-1",
        "ean": None,
        "selling_price": Decimal("20.00"),
        "selling_price_type": 0,
        "vat_rate": Decimal("10"),
        "attributes": {"stock-quantity": 12},
    }
    good.update(over)
    return good


def good(**over) -> Good:
    return read_good(raw(**over))


@pytest.mark.parametrize(
    "over, code",
    [
        ({}, None),
        ({"serial_nr": "  KAVA-1 "}, None),
        ({"serial_nr": 1234}, None),  # a number given as one: its text is the SKU
        ({"selling_price": 100}, None),
        ({"selling_price": "12.50"}, None),
        ({"selling_price": 0}, None),
        ({"id": "abc"}, "good.bad_id"),
        ({"id": None}, "good.bad_id"),
        ({"id": True}, "good.bad_id"),
        ({"serial_nr": None}, "good.no_serial_nr"),
        ({"serial_nr": "   "}, "good.no_serial_nr"),
        ({"serial_nr": "X" * 101}, "good.sku_too_long"),
        ({"name": 42}, "good.bad_name"),
        ({"name": None}, "good.bad_name"),
        ({"name": " "}, "good.no_name"),
        ({"name": "Káva \ufffd"}, "good.undecodable"),
        ({"serial_nr": "K\ufffd1"}, "good.undecodable"),
        ({"selling_price": "abc"}, "good.bad_price"),
        ({"selling_price": None}, "good.bad_price"),
        ({"selling_price": True}, "good.bad_price"),
        ({"selling_price": float("inf")}, "good.bad_price"),  # 1e400 as JSON reads
        ({"selling_price": Decimal("Infinity")}, "good.bad_price"),
        ({"selling_price": Decimal("NaN")}, "good.bad_price"),
        ({"selling_price": Decimal("1e400")}, "good.price_out_of_range"),
        ({"selling_price": 10**28}, "good.price_out_of_range"),  # 29 digits
        ({"selling_price": -1}, "good.price_out_of_range"),
        ({"selling_price_type": 2}, "good.bad_price_type"),
        ({"selling_price_type": None}, "good.bad_price_type"),
        ({"vat_rate": None}, "good.bad_vat_rate"),
        ({"vat_rate": "twenty"}, "good.bad_vat_rate"),
        ({"vat_rate": 120}, "good.bad_vat_rate"),
    ],
)
def test_each_field_is_checked(over, code):
    if code is None:
        assert isinstance(good(**over), Good)
    else:
        with pytest.raises(Refusal) as refused:
            good(**over)
        assert refused.value.code == code


def test_a_sku_of_100_characters_is_accepted():
    assert good(serial_nr="X" * 100).sku == "X" * 100


@pytest.mark.parametrize(
    "price, price_type, rate, shop_with_vat, expected",
    [
        ("20.00", 0, 10, True, "20.00"),  # with VAT into a shop with VAT
        ("20.00", 0, 10, False, "18.18"),  # 18.1818..
        ("100", 1, 20, True, "120.00"),
        ("100", 1, 20, False, "100.00"),
        ("10.005", 1, 0, False, "10.01"),  # half up
        ("0.125", 1, 20, True, "0.15"),  # 0.15 exactly
        ("1.2345", 1, 20, True, "1.48"),  # 1.4814
        ("12.30", 0, 23, False, "10.00"),
        ("0", 0, 20, False, "0.00"),
    ],
)
def test_price_in_the_shops_vat_mode(price, price_type, rate, shop_with_vat, expected):
    g = good(selling_price=Decimal(price), selling_price_type=price_type, vat_rate=rate)
    assert format(shop_price(g, shop_with_vat), "f") == expected


@pytest.mark.parametrize(
    "rate, service, tax_class, note",
    [
        (10, False, "reduced-rate", None),
        (20, True, "", None),
        (Decimal("20.00"), False, "", None),
        (5, False, None, "good.unknown_vat_rate"),  # the shop has no 5 %: left as it is
    ],
)
def test_fields_the_connector_owns(rate, service, tax_class, note):
    fields, problem = product_fields(
        good(vat_rate=rate),
        prices_with_vat=True,
        tax_classes=TAX,
        shop_categories=(40,),
        service=service,
    )
    assert fields.get("tax_class") == tax_class
    assert (problem.code if problem else None) == note
    assert fields["virtual"] is service
    assert fields["categories"] == [{"id": 40}] and fields["sku"] == "KAVA-1"
    # never descriptions, images, publish state, nor stock
    assert not {"description", "images", "status", "stock_quantity", "manage_stock"} & set(fields)


def test_tax_classes_by_rate():
    rates = [
        {"country": "SK", "rate": "20.0000", "class": "standard", "order": 0},
        {"country": "SK", "rate": "10.0000", "class": "reduced-rate", "order": 1},
        {"country": "SK", "rate": "10.0000", "class": "books", "order": 2},
        {"country": "", "rate": "0.0000", "class": "zero-rate", "order": 3},
        {"country": "CZ", "rate": "21.0000", "class": "standard", "order": 4},
        {"country": "SK", "rate": "n/a", "class": "odd", "order": 5},
    ]
    assert tax_classes_by_rate(rates) == {
        Decimal("20"): "",
        Decimal("10"): "reduced-rate",
        Decimal("0"): "zero-rate",
    }


@pytest.mark.parametrize(
    "attribute, attributes, stock, note",
    [
        ("", {"stock-quantity": 5}, None, None),  # no attribute named: stock left alone
        ("stock-quantity", {"stock-quantity": 5}, 5, None),
        ("stock-quantity", {"stock-quantity": "7"}, 7, None),
        ("stock-quantity", {"stock-quantity": 0}, 0, None),
        ("stock-quantity", {"stock-quantity": -3}, 0, "stock.negative"),
        ("stock-quantity", {"stock-quantity": 2.5}, 2, "stock.fractional"),
        ("stock-quantity", {"stock-quantity": Decimal("0.9")}, 0, "stock.fractional"),
        ("stock-quantity", {"stock-quantity": "many"}, None, "stock.not_a_number"),
        ("stock-quantity", {"stock-quantity": None}, None, "stock.not_a_number"),
        ("stock-quantity", {"stock-quantity": 10**20}, None, "stock.not_a_number"),
        ("stock-quantity", {}, None, "stock.missing"),
    ],
)
def test_stock_figure(attribute, attributes, stock, note):
    figure, problem = stock_figure(good(attributes=attributes), attribute)
    assert figure == stock
    assert (problem.code if problem else None) == note


def test_skus_the_same_to_the_shop_are_a_conflict_both_ways():
    goods = [good(id=1, serial_nr="ab-1"), good(id=2, serial_nr=" AB-1"), good(id=3)]
    found = sku_conflicts(goods)
    assert {k: v.id for k, v in found.items()} == {1: 2, 2: 1}
    # the same whatever order FLOWii lists them in: never flipping
    assert {k: v.id for k, v in sku_conflicts(goods[::-1]).items()} == {1: 2, 2: 1}


FIELDS = {"name": "Káva", "sku": "KAVA-1", "regular_price": "20.00", "categories": []}
OTHER = {**FIELDS, "regular_price": "21.00"}


def stored(fields=FIELDS, with_vat=True, stock=""):
    return product_print(fields, prices_with_vat=with_vat, stock=stock).text()


@pytest.mark.parametrize(
    "fields, old, with_vat, stock, imported, sends, switched",
    [
        # never written: everything, and the stock when there is one
        (FIELDS, None, True, None, False, set(FIELDS), False),
        (FIELDS, None, True, 5, True, set(FIELDS) | {"manage_stock", "stock_quantity"}, False),
        # unchanged: nothing
        (FIELDS, stored(), True, None, False, set(), False),
        (FIELDS, stored(stock="5"), True, 5, True, set(), False),
        # only the price changed: the unchanged stock is not sent again
        (OTHER, stored(stock="5"), True, 5, True, set(FIELDS), False),
        # only the stock changed: only the stock
        (FIELDS, stored(stock="5"), True, 6, True, {"manage_stock", "stock_quantity"}, False),
        # the shop switched its VAT mode: every price again, and the run says why
        (FIELDS, stored(with_vat=False), True, None, False, set(FIELDS), True),
        # no usable figure this run: the last one is kept, nothing sent
        (FIELDS, stored(stock="5"), True, None, True, set(), False),
        # an older connector's digest reads as never written
        (FIELDS, "a" * 64, True, None, False, set(FIELDS), False),
    ],
)
def test_what_a_run_writes(fields, old, with_vat, stock, imported, sends, switched):
    write = what_to_write(
        fields, old, prices_with_vat=with_vat, stock=stock, stock_imported=imported
    )
    assert set(write.send) == sends
    assert write.mode_switched is switched
    if stock is not None:
        assert read_product_print(write.fingerprint.text()).stock == str(stock)


def test_the_fingerprint_fits_its_column_and_reads_back():
    text = stored(stock=str(10**15 - 1))
    assert len(text) <= 64
    assert read_product_print(text) == product_print(
        FIELDS, prices_with_vat=True, stock=str(10**15 - 1)
    )


@pytest.mark.parametrize(
    "error, answer",
    [
        (None, ("ok", None)),
        ({"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID."}, ("gone", None)),
        ({"code": "product_invalid_sku", "data": {"resource_id": 55}}, ("sku_taken", 55)),
        ({"code": "product_invalid_sku", "data": {}}, ("refused", None)),
        ({"code": "rest_invalid_param", "message": "Invalid parameter(s)"}, ("refused", None)),
    ],
)
def test_what_a_shop_refusal_means(error, answer):
    assert shop_answer(error) == answer


@pytest.mark.parametrize(
    "error, answer",
    [
        (None, ("ok", None)),
        (
            {"code": "woocommerce_rest_term_invalid", "message": "Term does not exist."},
            ("gone", None),
        ),
        ({"code": "term_exists", "data": {"resource_id": 7}}, ("exists", 7)),
        ({"code": "term_exists", "data": {"resource_id": 0}}, ("refused", None)),
        ({"code": "rest_invalid_param"}, ("refused", None)),
    ],
)
def test_what_a_shop_refusal_of_a_category_means(error, answer):
    assert category_answer(error) == answer


def test_a_refusal_is_told_in_the_shops_words():
    assert shop_words({"code": "x", "message": "Bad SKU"}) == "Bad SKU"
    assert shop_words({"code": "x"}) == "x"
    assert shop_words(None) == "?"
