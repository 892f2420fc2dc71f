"""A FLOWii good as the shop's product: each field checked before use, the price converted to
the shop's prices-with-VAT setting, the tax class, the stock figure where one is imported. Pure."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .fingerprints import ProductPrint, product_print, read_product_print, stock_text
from .money import HUNDRED, round_cent
from .refusals import Refusal

# The shop keeps SKUs in a column of 100 characters (wc_product_meta_lookup.sku).
MAX_SKU = 100
# Past this a price is a typo or garbage (29 digits, 1e400), not a price.
MAX_PRICE = Decimal(10) ** 9
MAX_STOCK = 10**15
_NUMBER_TEXT = re.compile(r"\s*-?\d+(\.\d+)?\s*")
WITH_VAT, WITHOUT_VAT = 0, 1  # FLOWii's selling-price-type
SERVICE = 1  # FLOWii's good type


@dataclass(frozen=True)
class Good:
    """A FLOWii good whose fields were all found usable."""

    id: int
    name: str
    sku: str
    price: Decimal
    price_type: int
    vat_rate: Decimal
    attributes: dict


def number(value) -> Decimal | None:
    """A JSON number (or its text) as a Decimal; None for anything else (true, "abc",
    infinity: 1e400 arrives as a float infinity)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
        return amount if amount.is_finite() else None
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value):
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover (the pattern rules it out)
            return None
    return None


def who(raw: dict) -> dict:
    """The values a sentence names a good by, whatever state its fields are in."""
    name, sku = raw.get("name"), raw.get("serial_nr")
    return {
        "id": raw.get("id") if raw.get("id") not in (None, "") else "—",
        "name": name.strip() if isinstance(name, str) and name.strip() else "—",
        "sku": str(sku).strip() if isinstance(sku, str | int) and str(sku).strip() else "—",
    }


UNDECODABLE = "\ufffd"


def read_good(raw: dict) -> Good:
    """The good, or a Refusal naming the first field that is unusable."""
    good_id = raw.get("id")
    if not isinstance(good_id, int) or isinstance(good_id, bool) or good_id <= 0:
        raise Refusal("good.bad_id", value=repr(good_id))
    sku = raw.get("serial_nr")
    if isinstance(sku, int) and not isinstance(sku, bool):
        sku = str(sku)
    if not isinstance(sku, str) or not sku.strip():
        raise Refusal("good.no_serial_nr")
    sku = sku.strip()
    if len(sku) > MAX_SKU:
        raise Refusal("good.sku_too_long", length=len(sku), limit=MAX_SKU)
    name = raw.get("name")
    if not isinstance(name, str):
        raise Refusal("good.bad_name", value=repr(name)[:80])
    if not name.strip():
        raise Refusal("good.no_name")
    for field, text in (("serial-nr", sku), ("name", name)):
        if UNDECODABLE in text:  # bytes that were not UTF-8, read as U+FFFD by the adapter
            raise Refusal("good.undecodable", field=field)
    price = number(raw.get("selling_price"))
    if price is None:
        raise Refusal("good.bad_price", value=repr(raw.get("selling_price"))[:80])
    if price < 0 or price >= MAX_PRICE:
        raise Refusal("good.price_out_of_range", value=str(raw.get("selling_price"))[:80])
    price_type = raw.get("selling_price_type")
    if price_type not in (WITH_VAT, WITHOUT_VAT) or isinstance(price_type, bool):
        raise Refusal("good.bad_price_type", value=repr(price_type))
    rate = number(raw.get("vat_rate"))
    if rate is None or not 0 <= rate <= 100:
        raise Refusal("good.bad_vat_rate", value=repr(raw.get("vat_rate")))
    attributes = raw.get("attributes") if isinstance(raw.get("attributes"), dict) else {}
    return Good(good_id, " ".join(name.split()), sku, price, price_type, rate, attributes)


def sku_key(sku: str) -> str:
    """SKUs as the shop compares them (MySQL: regardless of case; FLOWii's spaces trimmed)."""
    return sku.strip().casefold()


def sku_conflicts(goods: list[Good]) -> dict[int, Good]:
    """Good id -> another good whose serial-nr is the same to the shop. Neither is linked:
    whichever was would flip between runs."""
    first: dict[str, Good] = {}
    found: dict[int, Good] = {}
    for good in goods:
        other = first.setdefault(sku_key(good.sku), good)
        if other.id != good.id:
            found[good.id] = other
            found.setdefault(other.id, good)
    return found


class SkuIndex:
    """sku_conflicts for goods given one at a time (a listing read page by page): keeps
    SKU key -> the first good's id (with its SKU as written, unless that is the key in
    capitals) and, in `clash`, good id -> (other id, other SKU) for every good whose SKU is
    another's to the shop.

    FLOWii's numbers are mostly capitals and digits ("FA20260001"): for those the key alone
    gives the SKU back, so a listing of 50,000 goods keeps one string per good, not three
    objects (the memory of a full import stays flat)."""

    def __init__(self):
        self.first: dict[str, int | tuple[int, str]] = {}
        self.clash: dict[int, tuple[int, str]] = {}

    def add(self, good: Good) -> None:
        key = sku_key(good.sku)
        kept = self.first.setdefault(
            key, good.id if good.sku == key.upper() else (good.id, good.sku)
        )
        other = kept if isinstance(kept, tuple) else (kept, key.upper())
        if other[0] != good.id:
            self.clash[good.id] = other
            self.clash.setdefault(other[0], (good.id, good.sku))


def shop_price(good: Good, prices_with_vat: bool) -> Decimal:
    """The selling price as the shop enters prices, rounded half up to the cent."""
    factor = 1 + good.vat_rate / HUNDRED
    given_with_vat = good.price_type == WITH_VAT
    if given_with_vat == prices_with_vat:
        return round_cent(good.price)
    return round_cent(good.price * factor if prices_with_vat else good.price / factor)


def price_text(amount: Decimal) -> str:
    return format(round_cent(amount), "f")


def tax_classes_by_rate(shop_tax_rates: list[dict], country: str = "SK") -> dict[Decimal, str]:
    """VAT rate -> the shop's tax class with that rate ("" is the standard class). Where two
    classes share a rate, the standard one wins, then the first in the shop's order."""
    found: dict[Decimal, str] = {}
    rates = sorted(
        shop_tax_rates,
        key=lambda r: (r.get("class") not in ("standard", ""), r.get("order") or 0),
    )
    for rate in rates:
        if rate.get("country") not in (country, "", None):
            continue
        value = number(rate.get("rate"))
        if value is None:
            continue
        klass = rate.get("class") or "standard"
        found.setdefault(value.normalize(), "" if klass == "standard" else klass)
    return found


def product_fields(
    good: Good,
    *,
    prices_with_vat: bool,
    tax_classes: dict[Decimal, str],
    shop_categories: tuple[int, ...],
    service: bool,
) -> tuple[dict, Refusal | None]:
    """The shop fields the connector owns, and a note when the good's VAT rate has no tax
    class in the shop (its tax class is then left as it is). Descriptions, images and the
    publish state are never among them; a new product's draft status is added on create."""
    fields = {
        "name": good.name,
        "sku": good.sku,
        "regular_price": price_text(shop_price(good, prices_with_vat)),
        "categories": [{"id": i} for i in shop_categories],
        "virtual": service,
    }
    klass = tax_classes.get(good.vat_rate.normalize())
    if klass is None:
        return fields, Refusal("good.unknown_vat_rate", rate=format(good.vat_rate.normalize(), "f"))
    fields["tax_class"] = klass
    return fields, None


def stock_figure(good: Good, attribute: str) -> tuple[int | None, Refusal | None]:
    """The stock the shop is to show, from the attribute the owner named (None: no figure,
    stock left alone), and a note when the figure had to be changed or could not be used."""
    if not attribute:
        return None, None
    if attribute not in good.attributes:
        return None, Refusal("stock.missing", attribute=attribute)
    raw = good.attributes[attribute]
    amount = number(raw)
    if amount is None or abs(amount) >= MAX_STOCK:
        return None, Refusal("stock.not_a_number", attribute=attribute, value=repr(raw)[:80])
    if amount < 0:
        return 0, Refusal("stock.negative", value=str(raw))
    whole = int(amount)  # toward zero: for a positive figure, rounded down
    if whole != amount:
        return whole, Refusal("stock.fractional", value=str(raw), sent=whole)
    return whole, None


# What the connector writes to a variation of a variable product: its price and tax class
# (and its stock, by the stock rule). Name, description, pictures, categories and status
# belong to the variable product and to the owner.
VARIATION_FIELDS = ("regular_price", "tax_class")


def variation_fields(fields: dict) -> dict:
    """The part of a product's fields that a linked variation takes."""
    return {key: value for key, value in fields.items() if key in VARIATION_FIELDS}


def _shop_id(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def shop_match(record: dict) -> tuple[int, int | None] | None:
    """(shop id, variable product id) of what a SKU search found: the variable product's id
    for a variation (its writes go through that product), None for a product of its own;
    None for a record without a usable id."""
    shop_id = _shop_id(record.get("id"))
    if shop_id is None:
        return None
    if record.get("type") == "variation":
        parent = _shop_id(record.get("parent_id"))
        return (shop_id, parent) if parent else None
    return shop_id, None


def variation_ids(record: dict) -> list[int]:
    """The variations a variable product names: the shop's product list shows only their
    ids, on their parent (a variation is not a product of the list)."""
    if record.get("type") != "variable" or not isinstance(record.get("variations"), list):
        return []
    return [i for i in map(_shop_id, record["variations"]) if i is not None]


def new_product(fields: dict) -> dict:
    """A product the shop does not have yet: created as a draft, for the owner to publish."""
    return {**fields, "status": "draft"}


def stock_fields(quantity: int) -> dict:
    return {"manage_stock": True, "stock_quantity": quantity}


def sends_stock(send: dict) -> bool:
    """Whether a write carries the stock figure."""
    return "stock_quantity" in send


def only_stock(send: dict) -> bool:
    """Whether a write carries nothing but the stock figure."""
    return bool(send) and not set(send) - set(stock_fields(0))


@dataclass(frozen=True)
class Write:
    """What a product needs in the shop: the fields to send (empty: nothing), the
    fingerprint to keep once they are written, and whether its prices are written again
    because the shop switched between prices with and without VAT."""

    send: dict
    fingerprint: ProductPrint
    mode_switched: bool


def what_to_write(
    fields: dict,
    stored: str | None,
    *,
    prices_with_vat: bool,
    stock: int | None,
    stock_imported: bool,
) -> Write:
    """Fields are sent when they (or the shop's price mode) changed; the stock figure when
    it changed, and only then, whether or not anything else did. `stock` None with
    `stock_imported`: this run has no usable figure, so the last one sent is kept."""
    old = read_product_print(stored)
    kept_stock = stock_text(stock) if stock is not None else (old.stock if stock_imported else "")
    new = product_print(fields, prices_with_vat=prices_with_vat, stock=kept_stock)
    send: dict = {}
    if (old.mode, old.fields) != (new.mode, new.fields):
        send.update(fields)
    if stock is not None and stock_text(stock) != old.stock:
        send.update(stock_fields(stock))
    switched = old.mode is not None and old.mode != new.mode
    return Write(send, new, switched)
