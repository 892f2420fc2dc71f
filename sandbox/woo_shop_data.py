"""What a fresh WooCommerce 10 store answers about its settings, shipping method types and
payment gateways (labels, help texts, choices and defaults, as the real store shows them),
read from the JSON files recorded in sandbox/data/woocommerce/."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "woocommerce"


def _load(name: str):
    with (DATA / name).open(encoding="utf-8") as recorded:
        return json.load(recorded)


# Settings by group and id; "value" holds the default of a fresh store.
SETTINGS = _load("settings.json")
# Shipping method types by id, with their instance settings.
SHIPPING_METHOD_TYPES = _load("shipping_method_types.json")
# Payment gateways by id, with their settings.
PAYMENT_GATEWAYS = _load("payment_gateways.json")
