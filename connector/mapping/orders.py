"""Pure mapping of a WooCommerce order to a FLOWii received order (`ReceivedOrder`, a document
of type 5), and FLOWii's own arithmetic on it, so FLOWii's total equals the shop's to the cent.

How the amounts go over (read the order with dp=4; dp=2 works too):

- Every line, shipping line and fee keeps its VAT rate, taken from the rate ids in its `taxes`
  and the order's `tax_lines`. A line taxed at several rates (WooCommerce spreads a negative
  fee's tax over the rates of the other lines) becomes one item per rate.
- Products go over at their price before coupons, and each VAT rate that was discounted gets
  one negative item "Zľava <coupon codes>", so the FLOWii order shows the discount.
- Each item is aimed at the shop's amount with VAT, rounded to the cent. The cent or two by
  which the shop's own rounding of the order total differs from the sum of its lines goes
  onto the largest line that can take it.
- FLOWii rounds each item once (quantity x unit price, then VAT), so the unit price is chosen
  with up to 4 decimals to land exactly on the item's amount. The shop's quantity is kept;
  only where no 4-decimal unit price reaches the amount (more than 100 units) is one unit
  split off into a second item. With prices without VAT FLOWii adds the rounded VAT to the net
  amount, which skips some gross amounts; such an item goes a cent above or below and one item
  "Zaokrúhlenie" at 0 % VAT carries what is left over, so the total still matches.
- Every item carries the shop's price, price type and VAT rate, a FLOWii good too (FLOWii's
  price list would otherwise decide its price: flowii-api.md, ASSUMED).

How close FLOWii's VAT per rate gets to the shop's tax per rate (`VAT_TOLERANCE` below):
- prices without VAT, no coupons: equal, but for a cent on an item that had to go a cent off;
- prices with VAT: FLOWii takes VAT out of an item's gross rounding half up where WooCommerce
  rounds half down (1.665 -> 1.67 against 1.66): up to a cent per item;
- coupons: a discount item's VAT is computed on the rate's whole discount, where the shop
  rounded the tax of each discounted line: up to a cent per discounted line.

Decisions where the shop's data leaves a choice:
- an order without a payment method needs none when its total is 0; otherwise it is refused,
  unless the payment mapping has an entry for "" (orders without a method);
- every shipping line's method must be mapped to a FLOWii delivery type; the document takes
  the first line's; a line without a zone instance (added by hand) takes its method's mapping
  when every zone maps that method alike;
- quantities must be whole and at least 1; a line taxed at a rate whose tax came to 0 although
  the amount would carry some (a VAT-exempt buyer) goes over at 0 %;
- the variable symbol is the order number's digits, when there are 1 to 10 of them.

Refusals are `Refusal(code, **params)`; their sentences are in connector/wording/orders.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ..records import OrderItem, ReceivedOrder
from .money import (
    CENT,
    HUNDRED,
    RATE_STEP,
    UNIT_PRICE_STEP,
    ZERO,
    decimal_text,
    gross_of_net,
    item_amounts,
    round_cent,
    round_unit_price,
    to_decimal,
)
from .refusals import Refusal

# Names of FLOWii items: text of the FLOWii document, in Slovak whatever the log's language.
DISCOUNT_NAME = "Zľava"
ROUNDING_NAME = "Zaokrúhlenie"

# How far FLOWii's VAT of one rate may be from the shop's tax of that rate, in cents per item
# of that rate plus per discounted line of it (see the module docstring for why).
VAT_TOLERANCE = CENT
VARIABLE_SYMBOL_DIGITS = 10

_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class OrderChoices:
    """What the settings and the mappings say, for every order of a run."""

    company_data_id: int
    numbering_sequence_id: int
    non_stock_unit_id: int
    maturity_days: int
    payment_methods: dict[str, int]  # gateway id -> FLOWii payment method id
    delivery_types: dict[str, int]  # f"{method_id}:{instance_id}" -> FLOWii delivery type id
    shipping_goods: dict[str, int]  # f"{method_id}:{instance_id}" -> FLOWii good id


@dataclass(frozen=True)
class _Part:
    """One FLOWii item before its unit price is chosen."""

    name: str
    good_id: int | None
    unit_id: int | None
    quantity: int
    rate: Decimal
    gross: Decimal  # the shop's amount with VAT, to the cent: what FLOWii must reach
    shop_vat: Decimal  # the shop's tax on it, to the cent: what FLOWii's VAT aims at
    takes_residual: bool = True


# -- the mapping ---------------------------------------------------------------------------


def map_order(
    order: dict, partner_id: int, choices: OrderChoices, goods: dict[int, int] | None = None
) -> ReceivedOrder:
    """The FLOWii received order for a WooCommerce order JSON; `goods` maps shop product and
    variation ids to the FLOWii goods they are linked to. Raises Refusal."""
    goods = goods or {}
    if not isinstance(order, dict) or not isinstance(order.get("id"), int):
        raise Refusal("order.unreadable")
    line_items = _records(order, "line_items")
    shipping_lines = _records(order, "shipping_lines")
    fee_lines = _records(order, "fee_lines")
    if not (line_items or shipping_lines or fee_lines):
        raise Refusal("order.no_lines", number=order.get("number") or order["id"])
    include_vat = bool(order.get("prices_include_tax"))
    try:
        total = to_decimal(order.get("total"))
    except ValueError:
        raise Refusal("order.total_unreadable", value=repr(order.get("total"))) from None
    currency = str(order.get("currency") or "").strip().upper()
    if not _CURRENCY.match(currency):
        raise Refusal("order.currency", currency=repr(order.get("currency")))
    payment_method_id = _payment_method(order, total, choices)
    delivery_type_id = None
    rates = _rates(order)

    parts: list[_Part] = []
    discounts: dict[Decimal, list[Decimal]] = {}
    for line in line_items:
        parts += _product_parts(line, rates, choices, goods, discounts)
    for line in shipping_lines:
        delivery_type, good_id = _shipping_mapping(line, choices)
        if delivery_type_id is None:
            delivery_type_id = delivery_type
        parts += _shipping_parts(line, rates, choices, good_id)
    for line in fee_lines:
        parts += _fee_parts(line, rates, choices)
    coupon_codes = [
        str(c.get("code")).strip() for c in _records(order, "coupon_lines") if c.get("code")
    ]
    discount_name = " ".join([DISCOUNT_NAME, ", ".join(coupon_codes)]).strip()
    for rate, (gross, vat) in discounts.items():
        if gross:
            parts.append(
                _Part(discount_name, None, choices.non_stock_unit_id, 1, rate, -gross, -vat, False)
            )

    parts, left_over = _settle_order_rounding(parts, total, include_vat)
    items: list[OrderItem] = []
    for part in parts:
        priced, part_left_over = _price(part, include_vat, left_over)
        items += priced
        left_over += part_left_over
    if left_over:
        rounding = _Part(ROUNDING_NAME, None, choices.non_stock_unit_id, 1, ZERO, left_over, ZERO)
        items.append(_item(rounding, Decimal(1), left_over, include_vat))

    issued = _issue_date(order)
    received = ReceivedOrder(
        partner_id=partner_id,
        company_data_id=choices.company_data_id,
        numbering_sequence_id=choices.numbering_sequence_id,
        issue_date=issued,
        delivery_date=issued,
        maturity=issued + timedelta(days=maturity_days(None, choices.maturity_days)),
        items=items,
        variable_symbol=variable_symbol(order.get("number") or order["id"]),
        payment_method_id=payment_method_id,
        delivery_type_id=delivery_type_id,
    )
    flowii_total = flowii_totals(received)["gross"]
    if flowii_total != round_cent(total):  # cannot happen by construction; never send a wrong sum
        raise Refusal("order.flowii_total", flowii=flowii_total, shop=round_cent(total))
    return received


def maturity_days(partner_days, setting_days) -> int:
    """Days the buyer has to pay: the partner's own `invoice-maturity` in FLOWii when it has
    one (a whole number above 0), else the setting (Settings > days to pay). FLOWii answers 0
    for a partner with no days of its own."""
    if isinstance(partner_days, int) and not isinstance(partner_days, bool) and partner_days > 0:
        return partner_days
    return max(0, int(setting_days or 0))


def for_partner(
    received: ReceivedOrder, partner_id: int, partner_days, setting_days
) -> ReceivedOrder:
    """The received order once its buyer's partner is known: that partner, and the maturity
    its days to pay give (`maturity_days`)."""
    days = maturity_days(partner_days, setting_days)
    return replace(
        received, partner_id=partner_id, maturity=received.issue_date + timedelta(days=days)
    )


def variable_symbol(number) -> str:
    """The order number's digits, when there are 1 to 10 of them; else "" (the sync warns)."""
    digits = "".join(ch for ch in str(number or "") if ch.isascii() and ch.isdigit())
    return digits if 0 < len(digits) <= VARIABLE_SYMBOL_DIGITS else ""


def shop_total(order: dict) -> Decimal:
    """The shop's order total to the cent (what FLOWii's `taxed-gross-amount` must equal)."""
    return round_cent(to_decimal(order.get("total"), ZERO))


def flowii_totals(received: ReceivedOrder) -> dict:
    """FLOWii's own computation of a received order: the totals (`net`, `vat`, `gross`) and
    each item's (net, vat, gross), as flowii-api.md describes (ASSUMED there)."""
    items = []
    net_sum = vat_sum = gross_sum = ZERO
    for item in received.items:
        net, vat, gross = item_amounts(
            item.quantity, item.unit_price, item.vat_rate, ZERO, item.price_includes_vat
        )
        items.append((net, vat, gross))
        net_sum, vat_sum, gross_sum = net_sum + net, vat_sum + vat, gross_sum + gross
    return {"net": net_sum, "vat": vat_sum, "gross": gross_sum, "items": items}


# -- reading the order ---------------------------------------------------------------------


def _records(order: dict, key: str) -> list[dict]:
    records = order.get(key) or []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise Refusal("order.records_unreadable", key=key)
    return records


def _amount(record: dict, key: str, name: str, default: Decimal | None = None) -> Decimal:
    try:
        return to_decimal(record.get(key), default)
    except ValueError:
        raise Refusal(
            "order.amount_unreadable", name=name, key=key, value=repr(record.get(key))
        ) from None


def _rate_percent(tax_line: dict) -> Decimal:
    name = str(tax_line.get("label") or tax_line.get("rate_code") or "")
    percent = _amount(tax_line, "rate_percent", name)
    return percent.quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def _rates(order: dict) -> dict[int, Decimal]:
    """Tax rate id -> its percentage, as the order's tax lines name them."""
    return {line.get("rate_id"): _rate_percent(line) for line in _records(order, "tax_lines")}


def _quantity(line: dict, name: str) -> int:
    value = line.get("quantity")
    try:
        number = to_decimal(value)
    except ValueError:
        number = None
    if number is None or number != number.to_integral_value() or number < 1:
        raise Refusal("order.quantity", name=name, value=repr(value))
    return int(number)


def _taxes(
    line: dict, rates: dict[int, Decimal], key: str, name: str
) -> list[tuple[Decimal, Decimal]]:
    """(rate, tax) for each tax the line names, `key` being "total" or "subtotal"."""
    entries = line.get("taxes") or []
    if not isinstance(entries, list):
        raise Refusal("order.taxes_unreadable", name=name)
    result = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("id") not in rates:
            raise Refusal("order.tax_rate_unknown", name=name)
        amount = entry.get(key)
        if key == "subtotal" and amount in (None, ""):
            amount = entry.get("total")
        try:
            result.append((rates[entry["id"]], to_decimal(amount, ZERO)))
        except ValueError:
            raise Refusal("order.tax_amount_unreadable", name=name, value=repr(amount)) from None
    return result


def _shares(
    net: Decimal, tax: Decimal, taxes: list[tuple[Decimal, Decimal]], name: str
) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(rate, gross, tax) to the cent for each VAT rate of one line whose net amount and tax
    are given; the shares add up to the line's own gross and tax, rounded to the cent."""
    line_gross, line_tax = round_cent(net + tax), round_cent(tax)
    by_rate: dict[Decimal, Decimal] = {}
    for rate, amount in taxes:
        by_rate[rate] = by_rate.get(rate, ZERO) + amount
    if not by_rate:
        if line_tax:
            raise Refusal("order.tax_without_rate", name=name)
        return [(ZERO, line_gross, ZERO)]
    if len(by_rate) == 1:
        ((rate, amount),) = by_rate.items()
        if rate and not tax and not amount and abs(net * rate / HUNDRED) >= CENT / 2:
            rate = ZERO  # the shop charged no tax here (a VAT-exempt buyer), so neither may FLOWii
        return [(rate, line_gross, line_tax)]

    # Several rates: either the line's amount was spread over them (each tax is on a share of
    # the amount) or the taxes are stacked (each on the whole amount).
    shares = {rate: (amount * HUNDRED / rate if rate else ZERO) for rate, amount in by_rate.items()}
    taxed = [rate for rate in by_rate if rate]
    implied = sum((shares[rate] for rate in taxed), ZERO)
    if ZERO not in by_rate and abs(implied - net) > abs(implied - len(taxed) * net):
        return [(sum(by_rate, ZERO), line_gross, line_tax)]
    rest = net - implied  # the untaxed share, or the shares' own rounding
    if ZERO in by_rate:
        shares[ZERO] += rest
    else:
        shares[max(taxed, key=lambda r: abs(shares[r]))] += rest
    amounts = {r: [round_cent(shares[r] + by_rate[r]), round_cent(by_rate[r])] for r in by_rate}
    biggest = max(amounts, key=lambda r: abs(amounts[r][0]))
    amounts[biggest][0] += line_gross - sum(g for g, _t in amounts.values())
    amounts[biggest][1] += line_tax - sum(t for _g, t in amounts.values())
    result = [(rate, gross, vat) for rate, (gross, vat) in amounts.items() if gross or vat]
    return result or [(next(iter(by_rate)), ZERO, ZERO)]


def line_name(line: dict) -> str:
    """The name of a product line in FLOWii: the shop's; for a variation, followed by the
    attributes chosen (the line's `meta_data` as the shop shows them, `display_key:
    display_value`) that the name does not show already. WooCommerce itself puts the values
    of one or two attributes into a variation's name ("Tričko - M"), never their labels, and
    no value of three or more: "Tričko - Farba: Modrá, Veľkosť: M, Strih: Slim"."""
    name = str(line.get("name") or "").strip() or f"Položka {line.get('sku') or line.get('id')}"
    if not line.get("variation_id"):
        return name
    chosen = []
    for meta in line.get("meta_data") or []:
        if not isinstance(meta, dict) or str(meta.get("key") or "").startswith("_"):
            continue  # hidden meta (stock reduced, the shop's own notes)
        label, value = (str(meta.get(k) or "").strip() for k in ("display_key", "display_value"))
        if label and value:
            chosen.append((label, value))
    missing = [(label, value) for label, value in chosen if not _in_name(value, name)]
    if not missing:
        return name
    separator = ", " if len(missing) < len(chosen) else " - "
    return name + separator + ", ".join(f"{label}: {value}" for label, value in missing)


def _in_name(value: str, name: str) -> bool:
    """Whether the name shows this attribute value, as WooCommerce tells: after a space and
    followed by a comma, or at the end."""
    value, name = value.casefold(), name.casefold()
    return f" {value}," in name or name.endswith(f" {value}")


def _named(name: str, rate: Decimal, shares: list) -> str:
    return f"{name} ({decimal_text(rate)} %)" if len(shares) > 1 else name


def _product_parts(
    line: dict,
    rates: dict[int, Decimal],
    choices: OrderChoices,
    goods: dict[int, int],
    discounts: dict[Decimal, list[Decimal]],
) -> list[_Part]:
    name = line_name(line)
    quantity = _quantity(line, name)
    total = _amount(line, "total", name)
    total_tax = _amount(line, "total_tax", name, ZERO)
    subtotal = _amount(line, "subtotal", name, total)
    subtotal_tax = _amount(line, "subtotal_tax", name, total_tax)
    before = _shares(subtotal, subtotal_tax, _taxes(line, rates, "subtotal", name), name)
    after = before
    if (subtotal, subtotal_tax) != (total, total_tax):
        after = _shares(total, total_tax, _taxes(line, rates, "total", name), name)
    for sign, shares in ((1, before), (-1, after)):
        for rate, gross, vat in shares:
            discount = discounts.setdefault(rate, [ZERO, ZERO])
            discount[0] += sign * gross
            discount[1] += sign * vat

    # A variation goes in as the good linked to it, never as its variable product's.
    shop_id = line.get("variation_id") or line.get("product_id")
    good_id = goods.get(shop_id) if shop_id else None
    unit_id = None if good_id else choices.non_stock_unit_id  # a good has its own unit
    return [
        _Part(_named(name, rate, before), good_id, unit_id, quantity, rate, gross, vat)
        for rate, gross, vat in before
    ]


def _shipping_mapping(line: dict, choices: OrderChoices) -> tuple[int, int | None]:
    """(FLOWii delivery type, FLOWii good or None) of a shipping line. Raises Refusal."""
    method_id = str(line.get("method_id") or "")
    instance_id = str(line.get("instance_id") or "")
    key = f"{method_id}:{instance_id}"
    if key in choices.delivery_types:
        return choices.delivery_types[key], choices.shipping_goods.get(key)
    if instance_id in ("", "0"):
        # added by hand in the admin, without a zone's method: take the method's mapping
        # when every zone maps that method alike
        same = {
            (choices.delivery_types[k], choices.shipping_goods.get(k))
            for k in choices.delivery_types
            if k.split(":")[0] == method_id
        }
        if len(same) == 1:
            return same.pop()
    name = str(line.get("method_title") or method_id or "").strip()
    raise Refusal(
        "order.shipping_unmapped", name=name, method_id=method_id, instance_id=instance_id
    )


def _shipping_parts(
    line: dict, rates: dict[int, Decimal], choices: OrderChoices, good_id: int | None
) -> list[_Part]:
    name = str(line.get("method_title") or line.get("method_id") or "Doprava").strip()
    unit_id = None if good_id else choices.non_stock_unit_id
    total = _amount(line, "total", name)
    tax = _amount(line, "total_tax", name, ZERO)
    shares = _shares(total, tax, _taxes(line, rates, "total", name), name)
    return [
        _Part(_named(name, rate, shares), good_id, unit_id, 1, rate, gross, vat)
        for rate, gross, vat in shares
    ]


def _fee_parts(line: dict, rates: dict[int, Decimal], choices: OrderChoices) -> list[_Part]:
    name = str(line.get("name") or "").strip() or "Poplatok"
    total = _amount(line, "total", name)
    tax = _amount(line, "total_tax", name, ZERO)
    shares = _shares(total, tax, _taxes(line, rates, "total", name), name)
    unit_id = choices.non_stock_unit_id
    return [
        _Part(_named(name, rate, shares), None, unit_id, 1, rate, gross, vat)
        for rate, gross, vat in shares
    ]


def _payment_method(order: dict, total: Decimal, choices: OrderChoices) -> int | None:
    gateway = str(order.get("payment_method") or "").strip()
    if gateway in choices.payment_methods:
        return choices.payment_methods[gateway]
    if not gateway and not total:
        return None  # a free order was never paid, so there is no payment method to give
    if not gateway:
        raise Refusal("order.payment_missing")
    title = str(order.get("payment_method_title") or gateway).strip()
    raise Refusal("order.payment_unmapped", title=title, gateway=gateway)


def _issue_date(order: dict) -> datetime:
    """The day the order was made, in the shop's local time (FLOWii keeps no time zone)."""
    value = order.get("date_created")
    if isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is None:
            return datetime(moment.year, moment.month, moment.day)
    raise Refusal("order.no_date")


# -- choosing the amounts ------------------------------------------------------------------


def _settle_order_rounding(
    parts: list[_Part], total: Decimal, include_vat: bool
) -> tuple[list[_Part], Decimal]:
    """Put the difference between the order total and the sum of its lines (the shop's own
    rounding of the total) onto the largest line that can reach it; what no line takes is
    returned for the rounding item."""
    residual = round_cent(total) - sum((p.gross for p in parts), ZERO)
    if not residual:
        return parts, ZERO
    if abs(residual) > CENT * (len(parts) + 1):
        raise Refusal(
            "order.total_not_sum", total=round_cent(total), lines=round_cent(total) - residual
        )
    candidates = sorted(
        (i for i, p in enumerate(parts) if p.takes_residual and p.gross > 0),
        key=lambda i: -parts[i].gross,
    )
    if not candidates:
        return parts, residual
    chosen = candidates[0]
    for index in candidates:
        if _reachable(replace(parts[index], gross=parts[index].gross + residual), include_vat):
            chosen = index
            break
    parts = list(parts)
    parts[chosen] = replace(parts[chosen], gross=parts[chosen].gross + residual)
    return parts, ZERO


def _reachable(part: _Part, include_vat: bool) -> bool:
    """Whether FLOWii reaches the part's gross with one item at the shop's quantity."""
    base = part.gross if include_vat else _net_for(part.gross, part.rate)
    return base is not None and _unit_price(base, Decimal(part.quantity)) is not None


def _net_for(gross: Decimal, rate: Decimal) -> Decimal | None:
    """The net amount whose FLOWii gross (net + rounded VAT) is exactly `gross`, if any."""
    guess = round_cent(gross * HUNDRED / (HUNDRED + rate))
    for step in (0, -1, 1, -2, 2):
        net = guess + step * CENT
        if gross_of_net(net, rate) == gross:
            return net
    return None


def _nearest_net(part: _Part, left_over: Decimal) -> tuple[Decimal, Decimal]:
    """For a gross amount FLOWii cannot reach without VAT: the net just below and the one just
    above, whichever cancels the cents already left over, else whose VAT is nearer the shop's.
    Returns (net, the cent left over for the rounding item)."""
    guess = round_cent(part.gross * HUNDRED / (HUNDRED + part.rate))
    nets = [guess + step * CENT for step in range(-3, 4)]
    below = max(n for n in nets if gross_of_net(n, part.rate) < part.gross)
    above = min(n for n in nets if gross_of_net(n, part.rate) > part.gross)

    def rank(net: Decimal):
        gross = gross_of_net(net, part.rate)
        rest = part.gross - gross
        return (abs(left_over + rest), abs(gross - net - part.shop_vat), -rest)

    net = min((below, above), key=rank)
    return net, part.gross - gross_of_net(net, part.rate)


def _unit_price(base: Decimal, quantity: Decimal) -> Decimal | None:
    """A unit price with at most 4 decimals whose FLOWii amount for `quantity` is `base`."""
    guess = round_unit_price(base / quantity)
    for step in (0, -1, 1):
        price = guess + step * UNIT_PRICE_STEP
        if round_cent(quantity * price) == base:
            return price
    return None


def _price(part: _Part, include_vat: bool, left_over: Decimal) -> tuple[list[OrderItem], Decimal]:
    """The FLOWii items for one part and the cents they leave over for the rounding item."""
    quantity = Decimal(part.quantity)
    base, rest = part.gross, ZERO
    if not include_vat:
        base = _net_for(part.gross, part.rate)
        if base is None:
            base, rest = _nearest_net(part, left_over)
    unit_price = _unit_price(base, quantity)
    if unit_price is not None:
        return [_item(part, quantity, unit_price, include_vat)], rest
    # So many units that no 4-decimal unit price reaches the amount: all units but one at a
    # near price, and the last unit alone takes what remains.
    unit_price = round_unit_price(base / quantity)
    _net, vat, gross = item_amounts(quantity - 1, unit_price, part.rate, ZERO, include_vat)
    first = _item(part, quantity - 1, unit_price, include_vat)
    last = replace(part, quantity=1, gross=part.gross - gross, shop_vat=part.shop_vat - vat)
    items, rest = _price(last, include_vat, left_over)
    return [first, *items], rest


def _item(part: _Part, quantity: Decimal, unit_price: Decimal, include_vat: bool) -> OrderItem:
    return OrderItem(
        name=part.name,
        quantity=quantity,
        unit_price=unit_price,
        price_includes_vat=include_vat,
        vat_rate=part.rate,
        good_id=part.good_id,
        unit_id=part.unit_id,
    )
