"""Reading the two systems' timestamps: WooCommerce's `*_gmt` fields carry no zone suffix,
FLOWii's end in `Z`; both are UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime


def parse_utc(value) -> datetime | None:
    """An aware UTC datetime, or None for an empty or unreadable value."""
    if not value:
        return None
    try:
        parsed = parse_datetime(str(value))
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def to_shop_gmt(value: datetime) -> str:
    """The form WooCommerce's date filters take with dates_are_gmt=true."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
