"""Reads the shop's shipping methods and payment gateways into the mapping tables, keeping
the FLOWii choices already made. A method or gateway the shop no longer has is marked gone
(its row and its FLOWii choice are kept, so it comes back as it was if the shop brings it
back); one the shop lists again is no longer gone."""

from __future__ import annotations

from ..models import PaymentMapping, ShippingMapping


def _has_gone(model) -> bool:
    """Whether the mapping table has its `gone` flag yet (a BooleanField, default False).
    Without it, a row the shop no longer lists is shown as disabled in the shop instead."""
    return any(field.name == "gone" for field in model._meta.get_fields())


def _mark_gone(model, stale) -> None:
    if _has_gone(model):
        stale.update(gone=True)
    else:
        stale.update(enabled=False)


def refresh_shipping_methods(woo) -> list[ShippingMapping]:
    """One row per shipping method instance in the shop's zones (zone 0 included); rows of
    instances the shop no longer has are marked gone."""
    rows = []
    gone_flag = _has_gone(ShippingMapping)
    for method in woo.shipping_methods_in_zones():
        defaults = {
            "zone_id": method["zone_id"],
            "zone_name": method.get("zone_name") or "",
            "title": method.get("title") or method["method_id"],
            "enabled": bool(method.get("enabled", True)),
        }
        if gone_flag:
            defaults["gone"] = False
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
    rows = []
    gone_flag = _has_gone(PaymentMapping)
    for gateway in woo.payment_gateways():
        defaults = {
            "title": gateway.get("title") or gateway["id"],
            "enabled": bool(gateway.get("enabled")),
        }
        if gone_flag:
            defaults["gone"] = False
        row, _created = PaymentMapping.objects.update_or_create(
            gateway_id=gateway["id"], defaults=defaults
        )
        rows.append(row)
    stale = PaymentMapping.objects.exclude(pk__in=[row.pk for row in rows])
    _mark_gone(PaymentMapping, stale)
    return rows
