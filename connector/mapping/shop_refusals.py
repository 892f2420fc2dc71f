"""What the shop's refusal of one record in a batch write means for the stream, as a named
reason: the WooCommerce error codes are read here (and in the adapter), never in sync/. Pure."""

from __future__ import annotations

# The codes the shop answers for a product or category that is not there (deleted), and for
# a product SKU or category name another record holds already.
PRODUCT_GONE = (
    "woocommerce_rest_product_invalid_id",
    "woocommerce_rest_invalid_id",
    "woocommerce_rest_product_variation_invalid_id",  # a variation deleted in the shop
)
SKU_TAKEN = "product_invalid_sku"
CATEGORY_GONE = "woocommerce_rest_term_invalid"
NAME_TAKEN = "term_exists"


def shop_answer(error: dict | None) -> tuple[str, int | None]:
    """What a refused product write means: "ok"; "gone" (the linked product was deleted in
    the shop); "sku_taken" with the shop product that has the SKU (made meanwhile);
    "refused" (anything else: logged with the shop's words)."""
    if not error:
        return "ok", None
    code = error.get("code")
    if code in PRODUCT_GONE:
        return "gone", None
    holder = (error.get("data") or {}).get("resource_id")
    if code == SKU_TAKEN and isinstance(holder, int) and holder > 0:
        return "sku_taken", holder
    return "refused", None


def category_answer(error: dict | None) -> tuple[str, int | None]:
    """The same for a category: "gone" (deleted in the shop), "exists" (a shop category of
    that name under that parent), "refused"."""
    if not error:
        return "ok", None
    code = error.get("code")
    if code == CATEGORY_GONE:
        return "gone", None
    holder = (error.get("data") or {}).get("resource_id")
    if code == NAME_TAKEN and isinstance(holder, int) and holder > 0:
        return "exists", holder
    return "refused", None


def shop_words(error: dict | None) -> str:
    error = error or {}
    return str(error.get("message") or error.get("code") or "?")[:300]
