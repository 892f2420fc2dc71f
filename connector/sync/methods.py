"""Reads the shop's shipping methods and payment gateways into the mapping tables, keeping
the FLOWii choices already made."""

from __future__ import annotations

from ..models import PaymentMapping, ShippingMapping


def refresh_shipping_methods(woo) -> list[ShippingMapping]:
    """One row per shipping method instance in the shop's zones (zone 0 included)."""
    rows = []
    for method in woo.shipping_methods_in_zones():
        row, _created = ShippingMapping.objects.update_or_create(
            method_id=method["method_id"],
            instance_id=str(method["instance_id"]),
            defaults={
                "zone_id": method["zone_id"],
                "zone_name": method.get("zone_name") or "",
                "title": method.get("title") or method["method_id"],
                "enabled": bool(method.get("enabled", True)),
            },
        )
        rows.append(row)
    return rows


def refresh_payment_gateways(woo) -> list[PaymentMapping]:
    """One row per payment gateway the shop offers (disabled ones kept but marked)."""
    rows = []
    for gateway in woo.payment_gateways():
        row, _created = PaymentMapping.objects.update_or_create(
            gateway_id=gateway["id"],
            defaults={
                "title": gateway.get("title") or gateway["id"],
                "enabled": bool(gateway.get("enabled")),
            },
        )
        rows.append(row)
    return rows
