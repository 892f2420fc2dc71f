"""Reads the shop's shipping methods and payment gateways into the mapping tables, keeping
the FLOWii choices already made. A method or gateway the shop no longer has is marked gone
(its row and its FLOWii choice are kept, so it comes back as it was if the shop brings it
back); one the shop lists again is no longer gone."""

from __future__ import annotations

from django.db import transaction

from ..http import MalformedResponse
from ..models import PaymentMapping, ShippingMapping


def _checked(rows, call: str, what: str, keys: tuple[str, ...]) -> list[dict]:
    """The shop's rows, each an object carrying `keys`; any other shape is refused in words
    (a MalformedResponse) before anything is written."""
    if not isinstance(rows, list | tuple):
        raise MalformedResponse(
            "WooCommerce", call, f"answered with something other than a list of {what}"
        )
    for row in rows:
        if not isinstance(row, dict) or any(row.get(key) in (None, "") for key in keys):
            raise MalformedResponse("WooCommerce", call, f"listed {what} the connector cannot read")
    return list(rows)


def _mark_gone(model, stale) -> None:
    # Kept for the history of the orders that used them; the pages show them as gone.
    stale.update(gone=True)


def refresh_shipping_methods(woo) -> list[ShippingMapping]:
    """One row per shipping method instance in the shop's zones (zone 0 included); rows of
    instances the shop no longer has are marked gone."""
    methods = _checked(
        woo.shipping_methods_in_zones(),
        "GET shipping/zones",
        "shipping methods",
        ("zone_id", "method_id", "instance_id"),
    )
    with transaction.atomic():
        return _write_shipping_methods(methods)


def _write_shipping_methods(methods) -> list[ShippingMapping]:
    rows = []
    for method in methods:
        defaults = {
            "zone_id": method["zone_id"],
            "zone_name": str(method.get("zone_name") or "")[:200],
            "title": str(method.get("title") or method["method_id"])[:200],
            "enabled": bool(method.get("enabled", True)),
            "gone": False,
        }
        row, _created = ShippingMapping.objects.update_or_create(
            method_id=method["method_id"],
            instance_id=str(method["instance_id"]),
            defaults=defaults,
        )
        rows.append(row)
    stale = ShippingMapping.objects.exclude(pk__in=[row.pk for row in rows])
    _mark_gone(ShippingMapping, stale)
    return rows


def refresh_payment_gateways(woo) -> list[PaymentMapping]:
    """One row per payment gateway the shop offers (disabled ones kept but marked); rows of
    gateways the shop no longer has are marked gone."""
    gateways = _checked(woo.payment_gateways(), "GET payment_gateways", "payment gateways", ("id",))
    with transaction.atomic():
        return _write_payment_gateways(gateways)


def _write_payment_gateways(gateways) -> list[PaymentMapping]:
    rows = []
    for gateway in gateways:
        defaults = {
            "title": str(gateway.get("title") or gateway["id"])[:200],
            "enabled": bool(gateway.get("enabled")),
            "gone": False,
        }
        row, _created = PaymentMapping.objects.update_or_create(
            gateway_id=gateway["id"], defaults=defaults
        )
        rows.append(row)
    stale = PaymentMapping.objects.exclude(pk__in=[row.pk for row in rows])
    _mark_gone(PaymentMapping, stale)
    return rows
