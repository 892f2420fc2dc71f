"""Fingerprints: a short digest of what the connector last wrote to a shop record, so a run
writes only what changed, with the shop-side inputs and the stock figure kept apart."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

# The price mode a product's prices were written in: with VAT ("V") or without ("N").
WITH_VAT, WITHOUT_VAT = "V", "N"
# Link.fingerprint holds 64 characters: mode (1) + digest (40) + "/" + stock (up to 22).
DIGEST_LENGTH = 40
MAX_STOCK = 10**15


def digest(payload) -> str:
    """A stable digest of a payload (key order and number spelling do not matter)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ProductPrint:
    """A product's fingerprint read back: the price mode it was written in (None: never
    written), the digest of its fields, and the stock figure last sent ("" : none sent)."""

    mode: str | None
    fields: str
    stock: str

    def text(self) -> str:
        return f"{self.mode or ''}{self.fields}/{self.stock}"


def product_print(payload: dict, *, prices_with_vat: bool, stock: str) -> ProductPrint:
    """The fingerprint of a product's fields. The price mode is part of what is compared, so
    switching the shop between prices with and without VAT rewrites every price; the stock
    figure is compared on its own, so it is sent when it changes and only then."""
    mode = WITH_VAT if prices_with_vat else WITHOUT_VAT
    return ProductPrint(mode, digest(payload)[:DIGEST_LENGTH], stock)


def read_product_print(text: str | None) -> ProductPrint:
    """A stored fingerprint; anything unreadable (an older connector's digest, a forgotten
    fingerprint) reads as "never written", so the product is written again."""
    text = text or ""
    head, sep, stock = text.partition("/")
    if not sep or len(head) != 1 + DIGEST_LENGTH or head[0] not in (WITH_VAT, WITHOUT_VAT):
        return ProductPrint(None, "", "")
    return ProductPrint(head[0], head[1:], stock)


def stock_text(quantity: int | None) -> str:
    return "" if quantity is None else str(int(quantity))
