"""The products stream's sentences: each says what is wrong (or what was done), which record,
and the fix. Codes are raised as Refusals by connector/mapping/ or logged by connector/sync/."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

TEXTS = {
    # -- a good that cannot be imported as it is (fix it in FLOWii) -------------------------
    "good.bad_id": _(
        "A FLOWii good came with the id %(value)s, which is not a number; it is not imported. "
        "If it happens again, report it to FLOWii's support."
    ),
    "good.no_serial_nr": _(
        "FLOWii good “%(name)s” (id %(id)s) has no product number (serial-nr), which the shop "
        "needs as its SKU; it is not imported. Give it a product number in FLOWii."
    ),
    "good.sku_too_long": _(
        "FLOWii good “%(name)s” (id %(id)s) has a product number of %(length)s characters; the "
        "shop keeps at most %(limit)s. It is not imported. Shorten its number in FLOWii."
    ),
    "good.bad_name": _(
        "FLOWii good id %(id)s (number %(sku)s) has a name that is not text (%(value)s); it is "
        "not imported. Give it a name in FLOWii."
    ),
    "good.undecodable": _(
        "FLOWii good id %(id)s sent its %(field)s with bytes that are not text (not UTF-8); it "
        "is not imported. Type the %(field)s again in FLOWii."
    ),
    "good.no_name": _(
        "FLOWii good id %(id)s (number %(sku)s) has no name; it is not imported. Give it a "
        "name in FLOWii."
    ),
    "good.bad_price": _(
        "FLOWii good “%(name)s” (id %(id)s, number %(sku)s) has a selling price that is not a number (%(value)s); it is not imported. "
        "Enter its selling price in FLOWii."
    ),
    "good.price_out_of_range": _(
        "FLOWii good “%(name)s” (id %(id)s, number %(sku)s) has the selling price %(value)s, which is negative or too large to be a "
        "price; it is not imported. Correct its selling price in FLOWii."
    ),
    "good.bad_price_type": _(
        "FLOWii good “%(name)s” (id %(id)s, number %(sku)s) does not say whether its selling price includes VAT (price type "
        "%(value)s); it is not imported. Open it in FLOWii and save its price again."
    ),
    "good.bad_vat_rate": _(
        "FLOWii good “%(name)s” (id %(id)s, number %(sku)s) has the VAT rate %(value)s, which is not a rate between 0 and 100; it is "
        "not imported. Set its VAT rate in FLOWii."
    ),
    "good.sku_conflict": _(
        "FLOWii good “%(name)s” (id %(id)s, number %(sku)s) and FLOWii good id %(other_id)s (number %(other_sku)s) have the same "
        "product number to the shop, which does not tell capitals or spaces apart; neither is "
        "imported. Give each its own product number in FLOWii."
    ),
    "good.detail_unreadable": _(
        "FLOWii good “%(name)s” (id %(id)s, number %(sku)s) could not be read from FLOWii (it may have been deleted a moment ago); it "
        "is tried again on the next run."
    ),
    "good.category_failed": _(
        "FLOWii good “%(name)s” (id %(id)s, number %(sku)s) is in the FLOWii category id %(category)s, which could not be brought to "
        "the shop (see that category's line); the good is left out until the category is "
        "fixed, and comes in on the first run after."
    ),
    "good.category_missing": _(
        "FLOWii good “%(name)s” (id %(id)s, number %(sku)s) is filed in the FLOWii category id "
        "%(category)s, which FLOWii's category tree does not have (a subcategory whose parent "
        "category is gone, or a category deleted); it is not imported. Move the good to a "
        "category in FLOWii; it comes in on the first run after."
    ),
    "good.sku_linked_elsewhere": _(
        "FLOWii good “%(name)s” (id %(id)s, number %(sku)s): the shop product with this SKU (id %(shop_id)s) is already linked to "
        "another FLOWii good (id %(other_id)s); it is not imported. Give the two goods "
        "different product numbers in FLOWii."
    ),
    # -- what the stream did ----------------------------------------------------------------
    "product.created": _("Product “%(name)s” (%(sku)s) created in the shop as a draft."),
    "product.updated": _("Product “%(name)s” (%(sku)s) updated in the shop."),
    "product.stock_updated": _("Stock of “%(name)s” (%(sku)s) set to %(stock)s."),
    "product.linked": _(
        "Product %(sku)s was already in the shop (id %(shop_id)s): linked to FLOWii good "
        "“%(name)s” instead of creating it again."
    ),
    "product.made_meanwhile": _(
        "Product %(sku)s was created in the shop meanwhile (id %(shop_id)s): linked to FLOWii "
        "good “%(name)s” and written."
    ),
    "product.deleted_in_shop": _(
        "Product “%(name)s” (%(sku)s) was deleted in the shop (id %(shop_id)s); it is created "
        "again as a draft. Delete or hide it in FLOWii if the shop is not to sell it."
    ),
    "variation.linked": _(
        "Product %(sku)s is a variation in the shop (id %(shop_id)s, of variable product id "
        "%(parent_id)s): linked to FLOWii good “%(name)s”; its price, tax class and stock are "
        "written, never its name, description, pictures or categories."
    ),
    "variation.updated": _("Variation %(sku)s updated in the shop from FLOWii good “%(name)s”."),
    "variation.deleted_in_shop": _(
        "The shop variation %(sku)s (id %(shop_id)s), linked to FLOWii good “%(name)s”, was "
        "deleted in the shop: the link is dropped and the good is imported as any unlinked "
        "good (a draft product). Delete or hide it in FLOWii if the shop is not to sell it."
    ),
    "product.refused": _(
        "The shop refused product “%(name)s” (%(sku)s): %(error)s. It is tried again on the "
        "next run; if the shop keeps refusing it, correct the good in FLOWii."
    ),
    "goods.gone": _(
        "FLOWii good id %(id)s (number %(sku)s), linked to shop product id %(shop_id)s, is no "
        "longer in FLOWii; the shop product is left as it is. Delete or hide it in the shop "
        "if it is no longer sold."
    ),
    "goods.left_out": ngettext_lazy(
        "%(count)s good or service of the non-stock and shipping categories was left out, "
        "as the settings say.",
        "%(count)s goods and services of the non-stock and shipping categories were left out, "
        "as the settings say.",
        "count",
    ),
    "prices.mode_switched": ngettext_lazy(
        "The shop's prices are now entered %(mode)s: the price of %(count)s product was "
        "written again.",
        "The shop's prices are now entered %(mode)s: the prices of %(count)s products were "
        "written again.",
        "count",
    ),
    "prices.with_vat": _("with VAT"),
    "prices.without_vat": _("without VAT"),
    "good.unknown_vat_rate": ngettext_lazy(
        "The VAT rate %(rate)s %% of %(count)s product (“%(name)s”, %(sku)s) "
        "matches no tax rate of the shop, so its tax class was left as it is. Add a "
        "%(rate)s %% rate in WooCommerce (Settings, Tax).",
        "The VAT rate %(rate)s %% of %(count)s products (for example “%(name)s”, %(sku)s) "
        "matches no tax rate of the shop, so their tax class was left as it is. Add a "
        "%(rate)s %% rate in WooCommerce (Settings, Tax).",
        "count",
    ),
    # -- stock (only where the owner named a stock attribute) ---------------------------
    "stock.missing": ngettext_lazy(
        "%(count)s good (“%(name)s”, %(sku)s) carries no attribute “%(attribute)s”, "
        "so its stock was left as it is. Check the stock attribute in the settings.",
        "%(count)s goods (for example “%(name)s”, %(sku)s) carry no attribute “%(attribute)s”, "
        "so their stock was left as it is. Check the stock attribute in the settings.",
        "count",
    ),
    "stock.not_a_number": _(
        "FLOWii good “%(name)s” (id %(id)s, number %(sku)s): its stock (%(attribute)s) is %(value)s, not a number; the shop's stock "
        "was left as it is. Correct the stock figure in FLOWii."
    ),
    "stock.negative": _(
        "FLOWii good “%(name)s” (id %(id)s, number %(sku)s) has the stock %(value)s; the shop shows 0 (out of stock). Correct the stock "
        "in FLOWii if it is wrong."
    ),
    "stock.fractional": _(
        "FLOWii good “%(name)s” (id %(id)s, number %(sku)s) has the stock %(value)s; the shop counts whole pieces, so it shows %(sent)s."
    ),
    # -- categories -----------------------------------------------------------------------
    "category.bad_id": _(
        "A FLOWii category (“%(name)s”) came with the id %(id)s, which is not a number; it is "
        "not imported. If it happens again, report it to FLOWii's support."
    ),
    "category.no_name": _(
        "FLOWii category id %(id)s has no name; it and its goods are not imported. Name it "
        "in FLOWii."
    ),
    "category.conflict": _(
        "FLOWii categories “%(name)s” (id %(id)s and id %(other)s) have the same name under "
        "the same parent; the shop keeps one name per parent, so neither is imported, nor "
        "their goods. Rename one of them in FLOWii."
    ),
    "category.parent_failed": _(
        "FLOWii subcategory “%(name)s” (id %(id)s) is not imported because its category "
        "could not be (see that category's line); it comes in once that is fixed."
    ),
    "category.refused": _(
        "The shop refused category “%(name)s” (FLOWii id %(id)s): %(error)s. It is tried "
        "again on the next run."
    ),
    "category.created": _("Category “%(name)s” created in the shop."),
    "category.updated": _("Category “%(name)s” updated in the shop."),
    "category.linked": _(
        "Category “%(name)s” was already in the shop: linked to FLOWii category id %(id)s."
    ),
    "category.deleted_in_shop": _(
        "Category “%(name)s” (FLOWii id %(id)s) was deleted in the shop (id %(shop_id)s); it "
        "is created again."
    ),
}
