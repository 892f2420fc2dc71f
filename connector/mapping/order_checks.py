"""Pure checks of a shop order beside its mapping: what blocks its export (an address FLOWii
cannot take) and what is exported but worth a warning (a line without a shop product, another
currency, refunds)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .countries import is_country


def order_problem(order: dict) -> str | None:
    """Why the order cannot go to FLOWii as it is (with the fix), or None."""
    for block in ("billing", "shipping"):
        country = ((order.get(block) or {}).get("country") or "").strip().upper()
        if country and not is_country(country):
            if block == "billing":
                text = _(
                    "its billing country “%(country)s” is not an ISO country code; "
                    "correct the address in the shop"
                )
            else:
                text = _(
                    "its shipping country “%(country)s” is not an ISO country code; "
                    "correct the address in the shop"
                )
            return text % {"country": country}
    return None


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def order_notes(order: dict, home_currency: str = "EUR") -> list[str]:
    """Things exported as they are but worth the shop owner's eye."""
    notes = []
    for line in order.get("line_items") or []:
        name = line.get("name") or "?"
        if not line.get("product_id") and not line.get("variation_id"):
            notes.append(
                _("line “%(name)s” has no product in the shop any more; it went to FLOWii by name")
                % {"name": name}
            )
        total = _amount(line.get("subtotal"))
        if total is not None and total == 0:
            notes.append(
                _("line “%(name)s” costs 0.00; check its price in the shop if that is wrong")
                % {"name": name}
            )
    currency = (order.get("currency") or "").upper()
    if currency and currency != home_currency:
        notes.append(
            _(
                "it is in %(currency)s, not %(home)s; FLOWii keeps it in %(currency)s, "
                "check the exchange rate there"
            )
            % {"currency": currency, "home": home_currency}
        )
    refunded = sum((_amount(r.get("total")) or 0 for r in order.get("refunds") or []), Decimal(0))
    if refunded:
        notes.append(
            _("it has refunds of %(amount)s; issue a credit note in FLOWii")
            % {"amount": abs(refunded)}
        )
    if order.get("status") == "refunded":
        notes.append(_("it is refunded in the shop; issue a credit note in FLOWii"))
    return notes
