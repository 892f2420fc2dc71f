"""Order totals of the simulated WooCommerce shop: line, fee, shipping and coupon amounts,
taxes and order totals computed and rounded the way WooCommerce 10 does on `POST /orders`.

Pure functions only. `calculate_order` keeps the amounts as the shop stores them (net line
amounts to six decimals, per-rate taxes to six decimals, rounded line taxes), and
`render_amounts` turns them into the JSON strings and numbers the REST API shows at `dp`
decimals. Rules that are easy to get wrong are explained where they are applied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
STORED = Decimal("0.000001")  # the shop keeps amounts and per-rate taxes to six decimals
CENTS_PER_UNIT = Decimal(100)
STANDARD = ""

# The order in which "inherit" looks for a shipping tax class among the order's items.
TAX_CLASS_ORDER = ("", "reduced-rate", "zero-rate")


# --- Rounding helpers ------------------------------------------------------------------


def _round(value: Decimal, places: int, mode: str = ROUND_HALF_UP) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=mode)


def _stored(value: Decimal) -> Decimal:
    """An amount as the shop stores it: rounded half-up to six decimals."""
    return _round(value, 6)


def _round_tax(value: Decimal, prices_include_tax: bool) -> Decimal:
    """A tax rounded to the cent. With prices entered including tax the shop rounds half
    down (1.665 -> 1.66) so that the net amount shown half-up plus the tax gives back the
    gross price; otherwise half up."""
    return _round(value, 2, ROUND_HALF_DOWN if prices_include_tax else ROUND_HALF_UP)


def _cents(value: Decimal) -> Decimal:
    """An amount in cents the way the discount code holds it (four decimals of a cent)."""
    return _round(value * CENTS_PER_UNIT, 4)


def _php_round(value: float, places: int = 0) -> Decimal:
    """Round a float like PHP does: first to 15 significant digits, then half up."""
    if value == 0:
        return Decimal(0)
    return _round(Decimal(f"{value:.15g}"), places)


def _raw_text(value: Decimal) -> str:
    """The text the shop stores for a computed amount: six decimals, trailing zeros cut."""
    text = f"{_stored(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def _shown(value: Decimal, dp: int) -> str:
    """An amount as the REST API shows it at `dp` decimals (half up, never "-0.00")."""
    rounded = _round(value, dp)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:.{dp}f}"


# --- Tax rates and tax arithmetic ------------------------------------------------------


@dataclass(frozen=True)
class TaxRate:
    id: int
    rate: Decimal
    name: str
    shipping: bool
    compound: bool
    priority: int
    country: str
    state: str = ""

    @property
    def code(self) -> str:
        parts = [self.country, self.state, self.name or "TAX", str(abs(int(self.priority)))]
        return "-".join(part for part in parts if part and part != "0").upper()

    @property
    def label(self) -> str:
        return self.name or "Tax"

    @property
    def percent(self) -> int | float:
        return int(self.rate) if self.rate == self.rate.to_integral_value() else float(self.rate)


def _class_key(tax_class: str | None) -> str:
    return STANDARD if tax_class in (None, "", "standard") else tax_class


def _parse_rates(tax_rates: dict[str, list[dict]]) -> dict[str, list[TaxRate]]:
    parsed: dict[str, list[TaxRate]] = {}
    for tax_class, rates in tax_rates.items():
        parsed.setdefault(_class_key(tax_class), []).extend(
            TaxRate(
                id=int(rate["id"]),
                rate=Decimal(str(rate["rate"])),
                name=rate.get("name", ""),
                shipping=bool(rate.get("shipping", True)),
                compound=bool(rate.get("compound", False)),
                priority=int(rate.get("priority", 1)),
                country=rate.get("country", ""),
                state=rate.get("state", ""),
            )
            for rate in rates
        )
    return parsed


def tax_on_net(amount: Decimal, rates: list[TaxRate]) -> dict[int, Decimal]:
    """Tax per rate on a net amount, each rounded half up to six decimals."""
    taxes: dict[int, Decimal] = {}
    for rate in rates:
        if not rate.compound:
            taxes[rate.id] = taxes.get(rate.id, Decimal(0)) + amount * rate.rate / 100
    for rate in rates:
        if rate.compound:
            before = sum(taxes.values(), Decimal(0))
            taxes[rate.id] = taxes.get(rate.id, Decimal(0)) + (amount + before) * rate.rate / 100
    return {rate_id: _stored(tax) for rate_id, tax in taxes.items()}


def tax_in_gross(amount: Decimal, rates: list[TaxRate]) -> dict[int, Decimal]:
    """Tax per rate contained in a gross amount, each rounded half up to six decimals."""
    regular = 1 + sum((r.rate for r in rates if not r.compound), Decimal(0)) / 100
    compound = 1 + sum((r.rate for r in rates if r.compound), Decimal(0)) / 100
    before_compound = amount / compound
    taxes: dict[int, Decimal] = {}
    for rate in rates:
        share = rate.rate / 100
        if rate.compound:
            tax = share / compound * amount
        else:
            tax = share / regular * before_compound
        taxes[rate.id] = taxes.get(rate.id, Decimal(0)) + tax
    return {rate_id: _stored(tax) for rate_id, tax in taxes.items()}


def _add_taxes(into: dict[int, Decimal], taxes: dict[int, Decimal]) -> None:
    for rate_id, tax in taxes.items():
        into[rate_id] = into.get(rate_id, Decimal(0)) + tax


# --- Results ---------------------------------------------------------------------------


@dataclass
class LineResult:
    quantity: Decimal
    tax_class: str
    taxable: bool
    subtotal: Decimal
    total: Decimal
    total_text: str  # the stored text the unit price is divided from
    subtotal_taxes: dict[int, Decimal] = field(default_factory=dict)
    total_taxes: dict[int, Decimal] = field(default_factory=dict)
    subtotal_tax: Decimal = Decimal(0)
    total_tax: Decimal = Decimal(0)

    @property
    def price(self) -> int | float:
        """Unit price as a JSON number: the stored total divided by the quantity in
        floating point, float noise included (2.97 / 3 = 0.9900000000000001)."""
        quantity = self.quantity
        if not quantity:
            return 0
        qty = int(quantity) if quantity == quantity.to_integral_value() else float(quantity)
        text = self.total_text
        if "." not in text and isinstance(qty, int) and int(text) % qty == 0:
            return int(text) // qty
        return float(text) / qty


@dataclass
class FeeResult:
    name: str
    tax_class: str
    taxable: bool
    total: Decimal
    taxes: dict[int, Decimal] = field(default_factory=dict)
    total_tax: Decimal = Decimal(0)


@dataclass
class ShippingResult:
    total: Decimal
    taxes: dict[int, Decimal] = field(default_factory=dict)
    total_tax: Decimal = Decimal(0)


@dataclass
class CouponResult:
    code: str
    discount: Decimal
    discount_tax: Decimal


@dataclass
class TaxLineResult:
    rate: TaxRate
    tax_total: Decimal
    shipping_tax_total: Decimal


@dataclass
class OrderCalculation:
    prices_include_tax: bool
    line_items: list[LineResult]
    fee_lines: list[FeeResult]
    shipping_lines: list[ShippingResult]
    coupon_lines: list[CouponResult]
    tax_lines: list[TaxLineResult]
    discount_total: Decimal
    discount_tax: Decimal
    shipping_total: Decimal
    shipping_tax: Decimal
    cart_tax: Decimal
    total: Decimal
    total_tax: Decimal


# --- Line items ------------------------------------------------------------------------


def _build_line(
    item: dict, rates: dict[str, list[TaxRate]], prices_include_tax: bool
) -> LineResult:
    quantity = Decimal(str(item.get("quantity", 1)))
    tax_class = _class_key(item.get("tax_class"))
    taxable = item.get("tax_status", "taxable") == "taxable"
    line_price = Decimal(str(item.get("price") or 0)) * quantity
    if prices_include_tax and taxable:
        # Unrounded net amount: the gross price less the tax it contains (six decimals).
        line_price -= sum(tax_in_gross(line_price, rates.get(tax_class, [])).values(), Decimal(0))
    computed = _stored(line_price)
    subtotal, total, total_text = computed, computed, _raw_text(computed)
    # Net amounts sent with the request win over the computed ones.
    if item.get("total") is not None:
        total, total_text = Decimal(str(item["total"])), str(item["total"])
        # Setting a total above the subtotal lifts the subtotal to it.
        subtotal = max(subtotal, total)
    if item.get("subtotal") is not None:
        subtotal = Decimal(str(item["subtotal"]))
    return LineResult(quantity, tax_class, taxable, subtotal, total, total_text)


def _tax_line_item(line: LineResult, rates: dict[str, list[TaxRate]], pit: bool) -> None:
    if not line.taxable:
        line.total_taxes, line.subtotal_taxes = {}, {}
        line.total_tax = line.subtotal_tax = Decimal(0)
        return
    class_rates = rates.get(line.tax_class, [])
    total_taxes = tax_on_net(line.total, class_rates)
    subtotal_taxes = tax_on_net(line.subtotal, class_rates)
    if not total_taxes or not subtotal_taxes:
        total_taxes, subtotal_taxes = {}, {}
    elif sum(subtotal_taxes.values()) < sum(total_taxes.values()):
        subtotal_taxes = dict(total_taxes)
    line.total_taxes, line.subtotal_taxes = total_taxes, subtotal_taxes
    line.total_tax = sum((_round_tax(t, pit) for t in total_taxes.values()), Decimal(0))
    line.subtotal_tax = sum((_round_tax(t, pit) for t in subtotal_taxes.values()), Decimal(0))


# --- Coupons ---------------------------------------------------------------------------


@dataclass
class _DiscountItem:
    index: int
    quantity: Decimal
    price: Decimal  # line price in cents (four decimals), gross when prices include tax


def _unit_price(item: _DiscountItem) -> Decimal:
    return item.price / item.quantity if item.quantity else item.price


class _Discounts:
    """Per-item coupon discounts in cents, applied in coupon_lines order. Every coupon
    looks at the undiscounted price (the shop's default "not sequentially"), but can take
    no more than what earlier coupons left of an item."""

    def __init__(self, items: list[_DiscountItem]):
        # Dearest UNIT price first (stable for ties): left-over cents go there, one cent per
        # unit. (WooCommerce 10.0.2: MINUS5 on 2 x 7.08 at 20 % + 1 x 12.27 at 10 %, prices
        # without tax, gives 29.34: the 12.27 line takes the first left-over cent.)
        self.items = sorted(items, key=lambda item: -_unit_price(item))
        self.by_coupon: dict[str, dict[int, Decimal]] = {}

    def item_discount(self, item: _DiscountItem) -> Decimal:
        return sum((d.get(item.index, Decimal(0)) for d in self.by_coupon.values()), Decimal(0))

    def left_in_cents(self, item: _DiscountItem) -> Decimal:
        return abs(_round(item.price - self.item_discount(item), 0))

    def apply(self, code: str, discount_type: str, amount: Decimal) -> None:
        self.by_coupon.setdefault(code, {item.index: Decimal(0) for item in self.items})
        candidates = [i for i in self.items if self.left_in_cents(i) != 0 and i.quantity > 0]
        if discount_type == "percent":
            self._percent(code, candidates, amount)
        elif discount_type == "fixed_product":
            self._fixed_product(code, candidates, _cents(amount))
        else:
            self._fixed_cart(code, candidates, _cents(amount))

    def _add(self, code: str, item: _DiscountItem, cents: Decimal) -> None:
        self.by_coupon[code][item.index] += cents

    def _percent(self, code: str, items: list[_DiscountItem], amount: Decimal) -> None:
        share = float(amount) / 100
        total_discount, cart_total = Decimal(0), 0.0
        for item in items:
            left = self.left_in_cents(item)
            base = float(_round(item.price, 0)) / float(item.quantity) * float(item.quantity)
            # Each line's discount is rounded down to the cent (floating point, as the shop).
            discount = min(left, Decimal(math.floor(base * share)))
            cart_total += base
            total_discount += discount
            self._add(code, item, discount)
        whole_cart = _php_round(cart_total * share)
        if total_discount < whole_cart:
            self._remainder(code, items, whole_cart - total_discount)

    def _fixed_product(self, code: str, items: list[_DiscountItem], per_unit: Decimal) -> Decimal:
        total_discount = Decimal(0)
        for item in items:
            discount = min(self.left_in_cents(item), per_unit * item.quantity)
            total_discount += discount
            self._add(code, item, discount)
        return total_discount

    def _fixed_cart(self, code: str, items: list[_DiscountItem], amount: Decimal) -> Decimal:
        items = [item for item in items if self.left_in_cents(item) > 0]
        units = sum((item.quantity for item in items), Decimal(0))
        if not units or not amount:
            return Decimal(0)
        # The amount is split per unit of quantity, not by value, rounded down to the cent.
        per_unit = (amount / units).to_integral_value(rounding=ROUND_DOWN)
        if per_unit > 0:
            total_discount = self._fixed_product(code, items, per_unit)
            if 0 < total_discount < amount:
                total_discount += self._fixed_cart(code, items, amount - total_discount)
            return total_discount
        if amount > 0:
            return self._remainder(code, items, amount)
        return Decimal(0)

    def _remainder(self, code: str, items: list[_DiscountItem], amount: Decimal) -> Decimal:
        """Hand out left-over cents one at a time, dearest line first, one per unit."""
        total_discount = Decimal(0)
        for item in items:
            units = int(item.quantity.to_integral_value(rounding=ROUND_FLOOR))
            units += 0 if item.quantity == units else 1
            for _ in range(units):
                cent = min(self.left_in_cents(item), Decimal(1))
                total_discount += cent
                self._add(code, item, cent)
                if total_discount >= amount:
                    return total_discount
        return total_discount


def _apply_coupons(
    lines: list[LineResult],
    coupons: list[dict],
    rates: dict[str, list[TaxRate]],
    pit: bool,
) -> list[CouponResult]:
    for line in lines:
        # Coupons always start again from the undiscounted line amounts.
        line.total = line.subtotal
    items = [
        _DiscountItem(
            index,
            line.quantity,
            _cents(line.subtotal) + (_cents(line.subtotal_tax) if pit else Decimal(0)),
        )
        for index, line in enumerate(lines)
    ]
    discounts = _Discounts(items)
    results: list[CouponResult] = []
    for coupon in coupons:
        code = str(coupon["code"]).lower()
        if code in discounts.by_coupon:
            continue
        discounts.apply(code, coupon["discount_type"], Decimal(str(coupon["amount"])))

    for code, per_item in discounts.by_coupon.items():
        amount = sum(per_item.values(), Decimal(0)) / CENTS_PER_UNIT
        discount_tax = Decimal(0)
        for item in discounts.items:
            line = lines[item.index]
            if not line.taxable:
                continue
            item_discount = per_item[item.index] / CENTS_PER_UNIT
            class_rates = rates.get(line.tax_class, [])
            taxes = tax_in_gross if pit else tax_on_net
            # Rounded per item, so the coupon's tax can differ by a cent from the order's.
            tax = _round_tax(sum(taxes(item_discount, class_rates).values(), Decimal(0)), pit)
            discount_tax += tax
            if pit:
                amount -= tax
        results.append(CouponResult(code, amount, discount_tax))

    for item in discounts.items:
        line = lines[item.index]
        amount = discounts.item_discount(item) / CENTS_PER_UNIT
        if pit and line.taxable:
            # Discounts come off the gross price; the net part uses unrounded taxes.
            amount -= sum(tax_in_gross(amount, rates.get(line.tax_class, [])).values(), Decimal(0))
        line.total = _stored(max(Decimal(0), line.total - amount))
    return results


# --- Fees and shipping -----------------------------------------------------------------


def _inherited_shipping_class(lines: list[LineResult]) -> str | None:
    """Shipping with tax class "inherit" takes the first class present among the taxable
    items in the fixed order standard, reduced-rate, zero-rate (not the highest rate);
    other classes come after those, in item order."""
    present = [line.tax_class for line in lines if line.taxable]
    ordered = list(TAX_CLASS_ORDER) + [c for c in present if c not in TAX_CLASS_ORDER]
    return next((tax_class for tax_class in ordered if tax_class in present), None)


def _apportioned_fee_taxes(
    fee: FeeResult,
    lines: list[LineResult],
    fees: list[FeeResult],
    shipping: list[ShippingResult],
    rates: dict[str, list[TaxRate]],
) -> dict[int, Decimal]:
    """A negative fee spreads its tax across the tax classes in proportion to each class's
    share of the positive line items, fees and shipping (shipping counted under the first
    taxable item's class)."""
    item_classes = list(dict.fromkeys(line.tax_class for line in lines if line.taxable))
    costs: dict[str | None, Decimal] = {tax_class: Decimal(0) for tax_class in item_classes}
    costs["non-taxable"] = Decimal(0)
    inherit = item_classes[0] if item_classes else None
    entries = [(line.total, line.taxable, line.tax_class) for line in lines]
    entries += [(other.total, other.taxable, other.tax_class) for other in fees]
    entries += [(ship.total, True, inherit) for ship in shipping]
    for total, taxable, tax_class in entries:
        if total < 0:
            continue
        key = tax_class if taxable else "non-taxable"
        costs[key] = costs.get(key, Decimal(0)) + total
    costs = {key: cost for key, cost in costs.items() if cost}
    all_costs = sum(costs.values(), Decimal(0))
    taxes: dict[int, Decimal] = {}
    if not all_costs:
        return taxes
    for tax_class, cost in costs.items():
        if tax_class == "non-taxable" or tax_class is None:
            continue
        share = fee.total * cost / all_costs
        _add_taxes(taxes, tax_on_net(share, rates.get(tax_class, [])))
    return taxes


# --- The order -------------------------------------------------------------------------


def calculate_order(
    *,
    line_items: list[dict],
    fee_lines: list[dict],
    shipping_lines: list[dict],
    coupons: list[dict],
    tax_rates: dict[str, list[dict]],
    prices_include_tax: bool,
) -> OrderCalculation:
    """Compute an order's amounts the way WooCommerce does on `POST /orders`."""
    pit = prices_include_tax
    rates = _parse_rates(tax_rates)

    lines = [_build_line(item, rates, pit) for item in line_items]
    for line in lines:
        _tax_line_item(line, rates, pit)

    coupon_results: list[CouponResult] = []
    if coupons:
        coupon_results = _apply_coupons(lines, coupons, rates, pit)
        for line in lines:
            line.total_text = _raw_text(line.total)

    cart_subtotal = sum((_round(line.subtotal, 2) for line in lines), Decimal(0))
    cart_total = sum((_round(line.total, 2) for line in lines), Decimal(0))

    shipping = [ShippingResult(Decimal(str(s.get("total") or 0))) for s in shipping_lines]
    shipping_total = sum((_round(s.total, 2) for s in shipping), Decimal(0))

    fees: list[FeeResult] = []
    fees_total = Decimal(0)
    for fee_line in fee_lines:
        fee = FeeResult(
            name=fee_line.get("name", ""),
            tax_class=_class_key(fee_line.get("tax_class")),
            taxable=fee_line.get("tax_status", "taxable") == "taxable",
            total=Decimal(str(fee_line.get("total") or 0)),
        )
        if fee.total < 0:
            # A negative fee cannot take the order below zero.
            floor = -_round(cart_total + fees_total + shipping_total, 2)
            if fee.total < floor < 0:
                fee.total = floor
        fees_total += fee.total
        fees.append(fee)

    for line in lines:
        _tax_line_item(line, rates, pit)
    for fee in fees:
        if fee.total < 0:
            fee.taxes = _apportioned_fee_taxes(fee, lines, fees, shipping, rates)
        elif fee.taxable:
            fee.taxes = tax_on_net(fee.total, rates.get(fee.tax_class, []))
        fee.total_tax = sum((_round_tax(t, pit) for t in fee.taxes.values()), Decimal(0))

    shipping_class = _inherited_shipping_class(lines)
    shipping_rates = [r for r in rates.get(shipping_class, []) if r.shipping]
    for ship in shipping:
        ship.taxes = tax_on_net(ship.total, shipping_rates) if shipping_class is not None else {}
        ship.total_tax = sum((_round_tax(t, pit) for t in ship.taxes.values()), Decimal(0))

    cart_taxes: dict[int, Decimal] = {}
    for taxes in [line.total_taxes for line in lines] + [fee.taxes for fee in fees]:
        _add_taxes(cart_taxes, {k: _round_tax(v, pit) for k, v in taxes.items()})
    shipping_taxes: dict[int, Decimal] = {}
    for ship in shipping:
        _add_taxes(shipping_taxes, {k: _round_tax(v, pit) for k, v in ship.taxes.items()})

    rate_by_id = {rate.id: rate for class_rates in rates.values() for rate in class_rates}
    tax_lines = [
        TaxLineResult(
            rate_by_id[rate_id],
            cart_taxes.get(rate_id, Decimal(0)),
            shipping_taxes.get(rate_id, Decimal(0)),
        )
        for rate_id in dict.fromkeys(list(cart_taxes) + list(shipping_taxes))
    ]
    cart_tax = sum(cart_taxes.values(), Decimal(0))
    shipping_tax = sum(shipping_taxes.values(), Decimal(0))

    subtotal_taxes = sum((t for ln in lines for t in ln.subtotal_taxes.values()), Decimal(0))
    total_taxes = sum((t for ln in lines for t in ln.total_taxes.values()), Decimal(0))

    return OrderCalculation(
        prices_include_tax=pit,
        line_items=lines,
        fee_lines=fees,
        shipping_lines=shipping,
        coupon_lines=coupon_results,
        tax_lines=tax_lines,
        discount_total=_round(cart_subtotal - cart_total, 2),
        discount_tax=_round_tax(subtotal_taxes - total_taxes, pit),
        shipping_total=shipping_total,
        shipping_tax=shipping_tax,
        cart_tax=cart_tax,
        total=_round(cart_total + fees_total + shipping_total + cart_tax + shipping_tax, 2),
        total_tax=_round(cart_tax + shipping_tax, 2),
    )


# --- JSON rendering --------------------------------------------------------------------


def _render_taxes(
    totals: dict[int, Decimal], subtotals: dict[int, Decimal] | None, dp: int
) -> list[dict]:
    return [
        {
            "id": rate_id,
            "total": _shown(tax, dp),
            "subtotal": _shown(subtotals[rate_id], dp)
            if subtotals is not None and rate_id in subtotals
            else "",
        }
        for rate_id, tax in totals.items()
    ]


def render_amounts(calc: OrderCalculation, dp: int = 2) -> dict:
    """The JSON values WooCommerce shows for these amounts at `dp` decimals."""
    return {
        "line_items": [
            {
                "subtotal": _shown(line.subtotal, dp),
                "subtotal_tax": _shown(line.subtotal_tax, dp),
                "total": _shown(line.total, dp),
                "total_tax": _shown(line.total_tax, dp),
                "price": line.price,
                "taxes": _render_taxes(line.total_taxes, line.subtotal_taxes, dp),
            }
            for line in calc.line_items
        ],
        "fee_lines": [
            {
                "total": _shown(fee.total, dp),
                "total_tax": _shown(fee.total_tax, dp),
                "taxes": _render_taxes(fee.taxes, None, dp),
            }
            for fee in calc.fee_lines
        ],
        "shipping_lines": [
            {
                "total": _shown(ship.total, dp),
                "total_tax": _shown(ship.total_tax, dp),
                "taxes": _render_taxes(ship.taxes, None, dp),
            }
            for ship in calc.shipping_lines
        ],
        # Coupon amounts are stored texts, shown as they are whatever `dp` asks for.
        "coupon_lines": [
            {
                "code": coupon.code,
                "discount": _raw_text(coupon.discount),
                "discount_tax": _raw_text(coupon.discount_tax),
            }
            for coupon in calc.coupon_lines
        ],
        "tax_lines": [
            {
                "rate_code": tax.rate.code,
                "rate_id": tax.rate.id,
                "label": tax.rate.label,
                "compound": tax.rate.compound,
                "tax_total": _shown(tax.tax_total, dp),
                "shipping_tax_total": _shown(tax.shipping_tax_total, dp),
                "rate_percent": tax.rate.percent,
            }
            for tax in calc.tax_lines
        ],
        "discount_total": _shown(calc.discount_total, dp),
        "discount_tax": _shown(calc.discount_tax, dp),
        "shipping_total": _shown(calc.shipping_total, dp),
        "shipping_tax": _shown(calc.shipping_tax, dp),
        "cart_tax": _shown(calc.cart_tax, dp),
        "total": _shown(calc.total, dp),
        "total_tax": _shown(calc.total_tax, dp),
    }
