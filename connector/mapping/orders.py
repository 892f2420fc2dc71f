"""Pure mapping of a WooCommerce order to the body of a FLOWii received order, and FLOWii's own
arithmetic on such a body, so the FLOWii total equals the shop's order total to the cent.

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

How close FLOWii's VAT per rate gets to the shop's tax per rate (`VAT_TOLERANCE` below):
- prices without VAT, no coupons: equal, but for a cent on an item that had to go a cent off;
- prices with VAT: FLOWii takes VAT out of an item's gross rounding half up where WooCommerce
  rounds half down (1.665 -> 1.67 against 1.66): up to a cent per item;
- coupons: a discount item's VAT is computed on the rate's whole discount, where the shop
  rounded the tax of each discounted line: up to a cent per discounted line.
Over thousands of random orders the gap never passed 2 cents per rate; the golden orders
without VAT in their prices match exactly.

Decisions where the shop's data leaves a choice:
- an order without a payment method needs none when its total is 0; otherwise it is refused,
  unless the payment mapping has an entry for "" (orders without a method);
- a shipping line without a zone instance (added by hand) takes its method's item when every
  zone maps that method to the same item;
- quantities must be whole and at least 1; a line taxed at a rate whose tax came to 0 although
  the amount would carry some (a VAT-exempt buyer) goes over at 0 %.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

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

# Names of FLOWii items and note labels: text of the FLOWii document, in Slovak whatever the
# language of the log.
DISCOUNT_NAME = "Zľava"
ROUNDING_NAME = "Zaokrúhlenie"
COUPONS_LABEL = "Kupóny"

# How far FLOWii's VAT of one rate may be from the shop's tax of that rate, in cents per item
# of that rate plus per discounted line of it (see the module docstring for why).
VAT_TOLERANCE = CENT

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _recalculate() -> str:
    return _(
        "Open the order in WooCommerce, press Recalculate and save it; "
        "it goes over on the next run."
    )


@dataclass(frozen=True)
class OrderChoices:
    supplier_company_id: int
    non_stock_unit_id: int
    product_unit_ids: dict[int, int]  # FLOWii product id -> its unitId
    product_links: dict[int, int]  # shop product id -> FLOWii product id
    shipping_items: dict[str, int]  # f"{method_id}:{instance_id}" -> FLOWii shipping product id
    shipping_unit_ids: dict[int, int]  # FLOWii shipping product id -> unitId
    payment_types: dict[str, int]  # gateway id -> FLOWii payment type id


class OrderNotExportable(Exception):
    """An order that cannot go to FLOWii as it is: `.reason` for the log (what is wrong, or which
    method is unmapped), `.fix` what the shop owner does about it."""

    def __init__(self, reason: str, fix: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.reason} {self.fix}".strip()


@dataclass(frozen=True)
class _Part:
    """One FLOWii item before its unit price is chosen."""

    name: str
    product_id: int | None
    unit_id: int
    quantity: int
    rate: Decimal
    gross: Decimal  # the shop's amount with VAT, to the cent: what FLOWii must reach
    shop_vat: Decimal  # the shop's tax on it, to the cent: what FLOWii's VAT aims at
    takes_residual: bool = True


# -- the mapping ---------------------------------------------------------------------------


def map_order(order: dict, partner_id: int, choices: OrderChoices) -> dict:
    """The FLOWii create body for a WooCommerce order JSON. Raises OrderNotExportable."""
    if not isinstance(order, dict) or not isinstance(order.get("id"), int):
        raise OrderNotExportable(_("The order could not be read (it has no id)."), _recalculate())
    line_items = _records(order, "line_items")
    shipping_lines = _records(order, "shipping_lines")
    fee_lines = _records(order, "fee_lines")
    if not (line_items or shipping_lines or fee_lines):
        raise OrderNotExportable(
            _("Order %(number)s has no lines at all.")
            % {"number": order.get("number") or order["id"]},
            _("Add its products in WooCommerce, or leave it out of the export."),
        )
    include_vat = bool(order.get("prices_include_tax"))
    total = _amount(order, "total", _("The order"))
    currency = str(order.get("currency") or "").strip().upper()
    if not _CURRENCY.match(currency):
        raise OrderNotExportable(
            _("The order's currency %(currency)s is not an ISO 4217 code.")
            % {"currency": repr(order.get("currency"))},
            _recalculate(),
        )
    payment_type_id = _payment_type(order, total, choices)
    rates = _rates(order)

    parts: list[_Part] = []
    discounts: dict[Decimal, list[Decimal]] = {}
    for line in line_items:
        parts += _product_parts(line, rates, choices, discounts)
    for line in shipping_lines:
        parts += _shipping_parts(line, rates, choices)
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
    items: list[dict] = []
    for part in parts:
        priced, part_left_over = _price(part, include_vat, left_over)
        items += priced
        left_over += part_left_over
    if left_over:
        items.append(
            _item(
                _Part(ROUNDING_NAME, None, choices.non_stock_unit_id, 1, ZERO, left_over, ZERO),
                Decimal(1),
                left_over,
            )
        )

    body = {
        "companyId": choices.supplier_company_id,
        "partnerId": partner_id,
        "externalId": str(order["id"]),
        "externalNumber": str(order.get("number") or order["id"]),
        "issueDate": _issue_date(order),
        "currency": currency,
        "pricesIncludeVat": include_vat,
        "paymentTypeId": payment_type_id,
        "note": _note(order, coupon_codes),
        "deliveryAddress": _delivery_address(order),
        "items": items,
    }
    flowii_total = Decimal(flowii_totals(body)["totalWithVat"])
    if flowii_total != round_cent(total):  # cannot happen by construction; never send a wrong sum
        raise OrderNotExportable(
            _("FLOWii would compute %(flowii)s for an order of %(shop)s.")
            % {"flowii": flowii_total, "shop": round_cent(total)},
            _recalculate(),
        )
    return body


def flowii_totals(body: dict) -> dict:
    """FLOWii's own computation of a create body: the order's totals and each item's net, vat
    and gross, as decimal strings, exactly as flowii-api.md describes."""
    include_vat = bool(body.get("pricesIncludeVat"))
    items = []
    net_sum = vat_sum = gross_sum = ZERO
    for item in body.get("items") or []:
        net, vat, gross = item_amounts(
            Decimal(str(item["quantity"])),
            Decimal(str(item["unitPrice"])),
            Decimal(str(item["vatRate"])),
            Decimal(str(item.get("discountPercent") or "0")),
            include_vat,
        )
        items.append({"net": str(net), "vat": str(vat), "gross": str(gross)})
        net_sum, vat_sum, gross_sum = net_sum + net, vat_sum + vat, gross_sum + gross
    return {
        "totalWithoutVat": str(net_sum),
        "totalVat": str(vat_sum),
        "totalWithVat": str(gross_sum),
        "items": items,
    }


def flowii_vat_by_rate(body: dict) -> dict[str, Decimal]:
    """FLOWii's VAT of a create body per VAT rate ("20", "10", "0")."""
    result: dict[str, Decimal] = {}
    for item, amounts in zip(body["items"], flowii_totals(body)["items"], strict=True):
        rate = decimal_text(Decimal(str(item["vatRate"])))
        result[rate] = result.get(rate, ZERO) + Decimal(amounts["vat"])
    return result


def shop_tax_by_rate(order: dict) -> dict[str, Decimal]:
    """The shop's tax per VAT rate from the order's `tax_lines` (items and shipping)."""
    result: dict[str, Decimal] = {}
    for line in _records(order, "tax_lines"):
        rate = decimal_text(_rate_percent(line))
        tax = _amount(line, "tax_total", _("A tax line"), ZERO)
        tax += _amount(line, "shipping_tax_total", _("A tax line"), ZERO)
        result[rate] = result.get(rate, ZERO) + round_cent(tax)
    return result


# -- reading the order ---------------------------------------------------------------------


def _records(order: dict, key: str) -> list[dict]:
    records = order.get(key) or []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise OrderNotExportable(
            _("The order's %(key)s could not be read.") % {"key": key}, _recalculate()
        )
    return records


def _amount(record: dict, key: str, what: str, default: Decimal | None = None) -> Decimal:
    try:
        return to_decimal(record.get(key), default)
    except ValueError:
        raise OrderNotExportable(
            _("%(what)s has an unreadable amount %(key)s = %(value)s.")
            % {"what": what, "key": key, "value": repr(record.get(key))},
            _recalculate(),
        ) from None


def _rate_percent(tax_line: dict) -> Decimal:
    what = (_("Tax rate %(label)s") % {"label": tax_line.get("label") or ""}).strip()
    percent = _amount(tax_line, "rate_percent", what)
    return percent.quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def _rates(order: dict) -> dict[int, Decimal]:
    """Tax rate id -> its percentage, as the order's tax lines name them."""
    return {line.get("rate_id"): _rate_percent(line) for line in _records(order, "tax_lines")}


def _quantity(line: dict, what: str) -> int:
    value = line.get("quantity")
    try:
        number = to_decimal(value)
    except ValueError:
        number = None
    if number is None or number != number.to_integral_value() or number < 1:
        raise OrderNotExportable(
            _("%(what)s has the quantity %(value)s; only whole quantities of 1 or more go over.")
            % {"what": what, "value": repr(value)},
            _("Correct the quantity on the order in WooCommerce."),
        )
    return int(number)


def _taxes(
    line: dict, rates: dict[int, Decimal], key: str, what: str
) -> list[tuple[Decimal, Decimal]]:
    """(rate, tax) for each tax the line names, `key` being "total" or "subtotal"."""
    entries = line.get("taxes") or []
    if not isinstance(entries, list):
        raise OrderNotExportable(
            _("%(what)s has unreadable taxes.") % {"what": what}, _recalculate()
        )
    result = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("id") not in rates:
            raise OrderNotExportable(
                _("%(what)s is taxed at a rate that is not among the order's tax lines.")
                % {"what": what},
                _recalculate(),
            )
        amount = entry.get(key)
        if key == "subtotal" and amount in (None, ""):
            amount = entry.get("total")
        try:
            result.append((rates[entry["id"]], to_decimal(amount, ZERO)))
        except ValueError:
            raise OrderNotExportable(
                _("%(what)s has an unreadable tax amount %(value)s.")
                % {"what": what, "value": repr(amount)},
                _recalculate(),
            ) from None
    return result


def _shares(
    net: Decimal, tax: Decimal, taxes: list[tuple[Decimal, Decimal]], what: str
) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(rate, gross, tax) to the cent for each VAT rate of one line whose net amount and tax
    are given; the shares add up to the line's own gross and tax, rounded to the cent."""
    line_gross, line_tax = round_cent(net + tax), round_cent(tax)
    by_rate: dict[Decimal, Decimal] = {}
    for rate, amount in taxes:
        by_rate[rate] = by_rate.get(rate, ZERO) + amount
    if not by_rate:
        if line_tax:
            raise OrderNotExportable(
                _("%(what)s has tax but no tax rate.") % {"what": what}, _recalculate()
            )
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


def _named(name: str, rate: Decimal, shares: list) -> str:
    return f"{name} ({decimal_text(rate)} %)" if len(shares) > 1 else name


def _product_parts(
    line: dict,
    rates: dict[int, Decimal],
    choices: OrderChoices,
    discounts: dict[Decimal, list[Decimal]],
) -> list[_Part]:
    name = str(line.get("name") or "").strip() or f"Položka {line.get('sku') or line.get('id')}"
    what = _("The line “%(name)s”") % {"name": name}
    quantity = _quantity(line, what)
    total = _amount(line, "total", what)
    total_tax = _amount(line, "total_tax", what, ZERO)
    subtotal = _amount(line, "subtotal", what, total)
    subtotal_tax = _amount(line, "subtotal_tax", what, total_tax)
    before = _shares(subtotal, subtotal_tax, _taxes(line, rates, "subtotal", what), what)
    after = before
    if (subtotal, subtotal_tax) != (total, total_tax):
        after = _shares(total, total_tax, _taxes(line, rates, "total", what), what)
    for sign, shares in ((1, before), (-1, after)):
        for rate, gross, vat in shares:
            discount = discounts.setdefault(rate, [ZERO, ZERO])
            discount[0] += sign * gross
            discount[1] += sign * vat

    product_id = None
    for shop_id in (line.get("variation_id"), line.get("product_id")):
        if shop_id and shop_id in choices.product_links:
            product_id = choices.product_links[shop_id]
            break
    unit_id = choices.product_unit_ids.get(product_id, choices.non_stock_unit_id)
    return [
        _Part(_named(name, rate, before), product_id, unit_id, quantity, rate, gross, vat)
        for rate, gross, vat in before
    ]


def _shipping_product(line: dict, choices: OrderChoices) -> int | None:
    method_id = str(line.get("method_id") or "")
    instance_id = str(line.get("instance_id") or "")
    product = choices.shipping_items.get(f"{method_id}:{instance_id}")
    if product is None and instance_id in ("", "0"):
        # added by hand in the admin, without a zone's method: take the method's item when
        # every zone maps that method to the same one
        same = {v for k, v in choices.shipping_items.items() if k.split(":")[0] == method_id}
        product = same.pop() if len(same) == 1 else None
    return product


def _shipping_parts(line: dict, rates: dict[int, Decimal], choices: OrderChoices) -> list[_Part]:
    name = str(line.get("method_title") or line.get("method_id") or "Doprava").strip()
    what = _("The shipping “%(name)s”") % {"name": name}
    product_id = _shipping_product(line, choices)
    if product_id is None:
        raise OrderNotExportable(
            _(
                "Shipping method “%(name)s” (%(method_id)s:%(instance_id)s) "
                "is not mapped to a FLOWii shipping item."
            )
            % {
                "name": name,
                "method_id": line.get("method_id"),
                "instance_id": line.get("instance_id"),
            },
            _("Map it on the Shipping page; the order goes over on the next run."),
        )
    unit_id = choices.shipping_unit_ids.get(product_id, choices.non_stock_unit_id)
    total = _amount(line, "total", what)
    tax = _amount(line, "total_tax", what, ZERO)
    shares = _shares(total, tax, _taxes(line, rates, "total", what), what)
    return [
        _Part(_named(name, rate, shares), product_id, unit_id, 1, rate, gross, vat)
        for rate, gross, vat in shares
    ]


def _fee_parts(line: dict, rates: dict[int, Decimal], choices: OrderChoices) -> list[_Part]:
    name = str(line.get("name") or "").strip() or "Poplatok"
    what = _("The fee “%(name)s”") % {"name": name}
    total = _amount(line, "total", what)
    tax = _amount(line, "total_tax", what, ZERO)
    shares = _shares(total, tax, _taxes(line, rates, "total", what), what)
    unit_id = choices.non_stock_unit_id
    return [
        _Part(_named(name, rate, shares), None, unit_id, 1, rate, gross, vat)
        for rate, gross, vat in shares
    ]


def _payment_type(order: dict, total: Decimal, choices: OrderChoices) -> int | None:
    gateway = str(order.get("payment_method") or "").strip()
    if gateway in choices.payment_types:
        return choices.payment_types[gateway]
    if not gateway and not total:
        return None  # a free order was never paid, so there is no payment type to give
    if not gateway:
        raise OrderNotExportable(
            _("The order has no payment method."),
            _(
                "Choose its payment method in WooCommerce (or map orders without one on the "
                "Payments page); it goes over on the next run."
            ),
        )
    title = str(order.get("payment_method_title") or gateway).strip()
    raise OrderNotExportable(
        _("Payment method “%(title)s” (%(gateway)s) is not mapped to a FLOWii payment type.")
        % {"title": title, "gateway": gateway},
        _("Map it on the Payments page; the order goes over on the next run."),
    )


def _issue_date(order: dict) -> str:
    for key in ("date_created", "date_created_gmt"):  # the shop's local date first
        value = order.get(key)
        if isinstance(value, str) and value.strip():
            try:
                return (
                    datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date().isoformat()
                )
            except ValueError:
                continue
    raise OrderNotExportable(_("The order has no readable creation date."), _recalculate())


def _note(order: dict, coupon_codes: list[str]) -> str | None:
    lines = []
    customer_note = str(order.get("customer_note") or "").strip()
    if customer_note:
        lines.append(customer_note)
    if coupon_codes:
        lines.append(f"{COUPONS_LABEL}: {', '.join(coupon_codes)}")
    return "\n".join(lines) or None


def _delivery_address(order: dict) -> dict | None:
    for block in (order.get("shipping"), order.get("billing")):
        if not isinstance(block, dict):
            continue
        street = ", ".join(
            str(p).strip() for p in (block.get("address_1"), block.get("address_2")) if p
        ).strip(", ")
        city = str(block.get("city") or "").strip()
        if not (street or city):
            continue
        country = str(block.get("country") or "").strip().upper()
        return {
            "street": street,
            "city": city,
            "zip": str(block.get("postcode") or "").strip(),
            "countryCode": country if _COUNTRY.match(country) else None,
        }
    return None


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
        raise OrderNotExportable(
            _("The order total %(total)s is not the sum of its lines (%(lines)s).")
            % {"total": round_cent(total), "lines": round_cent(total) - residual},
            _recalculate(),
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


def _price(part: _Part, include_vat: bool, left_over: Decimal) -> tuple[list[dict], Decimal]:
    """The FLOWii items for one part and the cents they leave over for the rounding item."""
    quantity = Decimal(part.quantity)
    base, rest = part.gross, ZERO
    if not include_vat:
        base = _net_for(part.gross, part.rate)
        if base is None:
            base, rest = _nearest_net(part, left_over)
    unit_price = _unit_price(base, quantity)
    if unit_price is not None:
        return [_item(part, quantity, unit_price)], rest
    # So many units that no 4-decimal unit price reaches the amount: all units but one at a
    # near price, and the last unit alone takes what remains.
    unit_price = round_unit_price(base / quantity)
    _net, vat, gross = item_amounts(quantity - 1, unit_price, part.rate, ZERO, include_vat)
    first = _item(part, quantity - 1, unit_price)
    last = replace(part, quantity=1, gross=part.gross - gross, shop_vat=part.shop_vat - vat)
    items, rest = _price(last, include_vat, left_over)
    return [first, *items], rest


def _item(part: _Part, quantity: Decimal, unit_price: Decimal) -> dict:
    return {
        "productId": part.product_id,
        "name": part.name,
        "quantity": decimal_text(quantity),
        "unitId": part.unit_id,
        "unitPrice": decimal_text(unit_price),
        "vatRate": decimal_text(part.rate),
        "discountPercent": "0",
    }
