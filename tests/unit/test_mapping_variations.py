"""The rules of variations, as table tests: what a linked variation takes of a good's fields,
what a SKU search's answer links to, the variations a variable product names, and the name
of an order line of a variation."""

import pytest

from connector.mapping.orders import line_name
from connector.mapping.products import shop_match, variation_fields, variation_ids

FIELDS = {
    "name": "Tričko M",
    "sku": "T-M",
    "regular_price": "19.90",
    "categories": [{"id": 4}],
    "virtual": False,
    "tax_class": "reduced-rate",
}


@pytest.mark.parametrize(
    "fields, taken",
    [
        (FIELDS, {"regular_price": "19.90", "tax_class": "reduced-rate"}),
        # a VAT rate with no tax class in the shop: the tax class is left as it is
        ({k: v for k, v in FIELDS.items() if k != "tax_class"}, {"regular_price": "19.90"}),
        ({"name": "X", "status": "draft", "description": "Y"}, {}),
    ],
)
def test_a_variation_takes_only_its_price_and_tax_class(fields, taken):
    assert variation_fields(fields) == taken


@pytest.mark.parametrize(
    "record, match",
    [
        ({"id": 5, "type": "simple"}, (5, None)),
        ({"id": 5, "type": "variable"}, (5, None)),
        ({"id": 71, "type": "variation", "parent_id": 70}, (71, 70)),
        ({"id": 71, "type": "variation", "parent_id": 0}, None),  # whose writes go nowhere
        ({"id": 71, "type": "variation"}, None),
        ({"id": "71", "type": "simple"}, None),
        ({"id": True, "type": "simple"}, None),
        ({}, None),
    ],
)
def test_what_a_sku_search_found_links_to(record, match):
    assert shop_match(record) == match


@pytest.mark.parametrize(
    "record, ids",
    [
        ({"id": 70, "type": "variable", "variations": [71, 72]}, [71, 72]),
        ({"id": 70, "type": "variable", "variations": []}, []),
        ({"id": 70, "type": "variable", "variations": [71, "x", 0, None, True]}, [71]),
        ({"id": 70, "type": "variable"}, []),
        ({"id": 5, "type": "simple", "variations": [6]}, []),  # only variable products have any
    ],
)
def test_the_variations_a_variable_product_names(record, ids):
    assert variation_ids(record) == ids


def meta(label, value, key=None):
    return {"id": 1, "key": key or label.lower(), "value": value, "display_key": label,
            "display_value": value}  # fmt: skip


STOCK = {"id": 9, "key": "_reduced_stock", "value": "1", "display_key": "_reduced_stock",
         "display_value": "1"}  # fmt: skip


@pytest.mark.parametrize(
    "line, name",
    [
        # a product of its own: the shop's name, whatever its meta
        ({"name": "Káva", "variation_id": 0, "meta_data": [meta("Farba", "Modrá")]}, "Káva"),
        # one or two attributes: WooCommerce put their values into the name already
        ({"name": "Tričko - M", "variation_id": 7, "meta_data": [meta("Veľkosť", "M"), STOCK]},
         "Tričko - M"),
        ({"name": "Tričko - Modrá, M", "variation_id": 7,
          "meta_data": [meta("Farba", "Modrá", "pa_farba"), meta("Veľkosť", "M")]},
         "Tričko - Modrá, M"),
        # three attributes (or two of several words): the name is the parent's alone
        ({"name": "Tričko", "variation_id": 7,
          "meta_data": [meta("Farba", "Modrá"), meta("Veľkosť", "M"), meta("Strih", "Slim")]},
         "Tričko - Farba: Modrá, Veľkosť: M, Strih: Slim"),
        ({"name": "Tričko", "variation_id": 7,
          "meta_data": [meta("Farba trička", "Modrá"), meta("Veľkosť", "M")]},
         "Tričko - Farba trička: Modrá, Veľkosť: M"),
        # some values in the name, another not: only the missing one is added
        ({"name": "Tričko - M", "variation_id": 7,
          "meta_data": [meta("Veľkosť", "M"), meta("Potlač", "Logo")]},
         "Tričko - M, Potlač: Logo"),
        # compared as WooCommerce does: regardless of case, a whole value at the end or before
        # a comma, never inside another word
        ({"name": "Tričko - m", "variation_id": 7, "meta_data": [meta("Veľkosť", "M")]},
         "Tričko - m"),
        ({"name": "Tričko Modrásek", "variation_id": 7, "meta_data": [meta("Farba", "Modrá")]},
         "Tričko Modrásek - Farba: Modrá"),
        # hidden, empty and unreadable meta is left out
        ({"name": "Tričko", "variation_id": 7,
          "meta_data": [STOCK, meta("Farba", ""), {"key": "x"}, "junk", meta("", "M")]},
         "Tričko"),
        ({"name": "Tričko", "variation_id": 7, "meta_data": None}, "Tričko"),
        # no name at all: the line's SKU names it
        ({"name": "", "sku": "T-M", "variation_id": 7, "meta_data": [meta("Veľkosť", "M")]},
         "Položka T-M - Veľkosť: M"),
    ],
)  # fmt: skip
def test_the_name_of_a_variations_line(line, name):
    assert line_name(line) == name


def test_a_variation_goes_in_as_its_own_good_never_as_its_variable_products():
    from tests.unit.test_mapping_orders import NON_STOCK, assert_sound, build_order, coffee, mapped

    attributes = [meta("Farba", "Modrá"), meta("Veľkosť", "M"), meta("Strih", "Slim")]
    linked = dict(coffee(1, "4.00"), product_id=73, variation_id=701, name="Tričko")
    unlinked = dict(coffee(1, "4.00"), product_id=73, variation_id=702, name="Tričko")
    order = build_order([linked, unlinked])
    order["line_items"][1]["meta_data"] = attributes
    body = mapped(order)  # 73, the variable product, is linked too: it does not count
    assert_sound(body, order)
    items = [(i.name, i.good_id, i.unit_id) for i in body["received"].items][:2]
    assert items == [
        ("Tričko", 700, None),
        ("Tričko - Farba: Modrá, Veľkosť: M, Strih: Slim", None, NON_STOCK),
    ]
