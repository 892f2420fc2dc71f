"""Decimal helpers for money: reading the shop's amounts and rounding them the way FLOWii does.
Half up means half away from zero, so a discount of -1.005 rounds to -1.01."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

CENT = Decimal("0.01")
UNIT_PRICE_STEP = Decimal("0.0001")  # FLOWii keeps unit prices to 4 decimal places
RATE_STEP = Decimal("0.01")  # and VAT rates to 2
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


def to_decimal(value, default: Decimal | None = None) -> Decimal:
    """An amount as the shop sends it: a decimal string, an int, or a JSON float (only
    `line_items[].price` is one). Empty or missing gives `default`; raises ValueError when
    there is no default or the text is not a finite number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            raise ValueError("missing amount")
        return default
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    try:
        # repr keeps a float's shortest form (0.9900000000000001 stays exactly that)
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return number


def round_cent(value: Decimal) -> Decimal:
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded if rounded else ZERO  # never "-0.00"


def round_unit_price(value: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 60
        return value.quantize(UNIT_PRICE_STEP, rounding=ROUND_HALF_UP)


def decimal_text(value: Decimal) -> str:
    """A decimal as a plain string without needless trailing zeros: "9.99", "20", "-5"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def item_amounts(
    quantity: Decimal,
    unit_price: Decimal,
    vat_rate: Decimal,
    discount_percent: Decimal,
    prices_include_vat: bool,
) -> tuple[Decimal, Decimal, Decimal]:
    """(net, vat, gross) of one FLOWii order item, computed as FLOWii computes it: one rounding
    of the price, then VAT taken out of (or added to) that rounded amount."""
    with localcontext() as context:
        context.prec = 60  # exact for any realistic amount before the rounding
        base = round_cent(quantity * unit_price * (1 - discount_percent / HUNDRED))
        if prices_include_vat:
            gross = base
            vat = round_cent(base * vat_rate / (HUNDRED + vat_rate))
            net = gross - vat
        else:
            net = base
            vat = round_cent(net * vat_rate / HUNDRED)
            gross = net + vat
    return net, vat, gross


def gross_of_net(net: Decimal, vat_rate: Decimal) -> Decimal:
    """FLOWii's gross for a net amount (prices without VAT): net plus its rounded VAT."""
    return net + round_cent(net * vat_rate / HUNDRED)
