"""The sentences of the orders stream: why an order cannot go over (the mapping's refusals),
what is worth a look on an exported one, and the lines of the run's log."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

TEXTS = {
    # -- the mapping's refusals: what is wrong, and what the shop owner does about it ------
    "order.unreadable": _(
        "The order could not be read (it has no id). Open the order in WooCommerce, press "
        "Recalculate and save it; it goes over on the next run."
    ),
    "order.no_lines": _(
        "Order %(number)s has no lines at all. Add its products in WooCommerce, or leave it "
        "out of the export."
    ),
    "order.records_unreadable": _(
        "The order's %(key)s could not be read. Open the order in WooCommerce, press "
        "Recalculate and save it; it goes over on the next run."
    ),
    "order.total_unreadable": _(
        "The order's total %(value)s cannot be read. Open the order in WooCommerce, press "
        "Recalculate and save it; it goes over on the next run."
    ),
    "order.amount_unreadable": _(
        "“%(name)s” has an unreadable amount %(key)s = %(value)s. Open the order in "
        "WooCommerce, press Recalculate and save it; it goes over on the next run."
    ),
    "order.currency": _(
        "The order's currency %(currency)s is not an ISO 4217 code. Correct it in WooCommerce; "
        "the order goes over on the next run."
    ),
    "order.quantity": _(
        "“%(name)s” has the quantity %(value)s; only whole quantities of 1 or more go over. "
        "Correct the quantity on the order in WooCommerce."
    ),
    "order.taxes_unreadable": _(
        "“%(name)s” has unreadable taxes. Open the order in WooCommerce, press Recalculate "
        "and save it; it goes over on the next run."
    ),
    "order.tax_rate_unknown": _(
        "“%(name)s” is taxed at a rate that is not among the order's tax lines. Open the order "
        "in WooCommerce, press Recalculate and save it; it goes over on the next run."
    ),
    "order.tax_amount_unreadable": _(
        "“%(name)s” has an unreadable tax amount %(value)s. Open the order in WooCommerce, "
        "press Recalculate and save it; it goes over on the next run."
    ),
    "order.tax_without_rate": _(
        "“%(name)s” has tax but no tax rate. Open the order in WooCommerce, press Recalculate "
        "and save it; it goes over on the next run."
    ),
    "order.total_not_sum": _(
        "The order total %(total)s is not the sum of its lines (%(lines)s). Open the order in "
        "WooCommerce, press Recalculate and save it; it goes over on the next run."
    ),
    "order.flowii_total": _(
        "FLOWii would compute %(flowii)s for an order of %(shop)s. Open the order in "
        "WooCommerce, press Recalculate and save it; it goes over on the next run."
    ),
    "order.no_date": _(
        "The order has no readable creation date. Open the order in WooCommerce and save it; "
        "it goes over on the next run."
    ),
    "order.payment_missing": _(
        "The order has no payment method. Choose its payment method in WooCommerce (or map "
        "orders without one on the Payments page); it goes over on the next run."
    ),
    "order.payment_unmapped": _(
        "Payment method “%(title)s” (%(gateway)s) is not mapped to a FLOWii payment method. "
        "Map it on the Payments page; the order goes over on the next run."
    ),
    "order.shipping_unmapped": _(
        "Shipping method “%(name)s” (%(method_id)s:%(instance_id)s) is not mapped to a FLOWii "
        "delivery type. Map it on the Shipping page; the order goes over on the next run."
    ),
    "order.billing_country": _(
        "Its billing country “%(country)s” is not an ISO country code; correct the address "
        "in the shop."
    ),
    "order.shipping_country": _(
        "Its shipping country “%(country)s” is not an ISO country code; correct the address "
        "in the shop."
    ),
    # -- exported as they are, but worth the shop owner's eye --------------------------------
    "order.note.no_product": _(
        "line “%(name)s” has no product in the shop any more; it went to FLOWii by name"
    ),
    "order.note.zero_price": _(
        "line “%(name)s” costs 0.00; check its price in the shop if that is wrong"
    ),
    "order.note.currency": _(
        "it is in %(currency)s, not %(home)s; FLOWii keeps it in %(currency)s, check the "
        "exchange rate there"
    ),
    "order.note.refunds": _("it has refunds of %(amount)s; issue a credit note in FLOWii"),
    "order.note.refunded": _("it is refunded in the shop; issue a credit note in FLOWii"),
    # -- the run's log ---------------------------------------------------------------------
    "orders.settings_missing": _(
        "Orders are not exported: %(missing)s. Choose them in Settings; the orders go over on "
        "the next run."
    ),
    "orders.missing.company_data": _("no supplier company is chosen"),
    "orders.missing.numbering_sequence": _("no number series for received orders is chosen"),
    "orders.missing.unit": _("no unit for non-stock items is chosen"),
    "orders.missing.customer_type": _("no customer type is chosen"),
    "orders.not_exported": _(
        "Order %(number)s is not exported: %(reason)s It is tried again on the next run."
    ),
    "orders.held": _("Order %(number)s waits: %(reason)s"),
    "orders.waiting": ngettext_lazy(
        "%(count)s order waits for its payment or shipping method to be mapped (Payments and "
        "Shipping pages); it goes over on the first run after that.",
        "%(count)s orders wait for their payment or shipping method to be mapped (Payments and "
        "Shipping pages); they go over on the first run after that.",
        "count",
    ),
    "orders.buyer_refused": _("its buyer cannot become a FLOWii partner: %(reason)s"),
    "orders.buyer_failed": _("FLOWii refused its buyer: %(error)s"),
    "orders.flowii_refused": _("FLOWii refused it: %(error)s"),
    "orders.flowii_not_taken": _("FLOWii did not take it (nothing was created): %(error)s"),
    "orders.created": _("Order %(number)s created in FLOWii as received order %(flowii_number)s."),
    "orders.already": _(
        "Order %(number)s is already FLOWii received order %(flowii_number)s; it is not "
        "created again."
    ),
    "orders.note": _("Order %(number)s: %(note)s."),
    "orders.variable_symbol": _(
        "Order %(number)s went to FLOWii without a variable symbol: its number has no digits "
        "or more than 10 of them."
    ),
    "orders.unknown": _(
        "FLOWii's answer to order %(number)s was lost (%(error)s): it may or may not have "
        "been created. It is not sent again blindly; the next run settles it from its buyer's "
        "FLOWii documents."
    ),
    "orders.interrupted": _(
        "Order %(number)s was being sent to FLOWii when an earlier run stopped; it is settled "
        "from its buyer's FLOWii documents."
    ),
    "orders.settled_linked": _(
        "Order %(number)s, whose answer from FLOWii was lost, is FLOWii received order "
        "%(flowii_number)s: linked, not sent again."
    ),
    "orders.settled_send": _(
        "Order %(number)s, whose answer from FLOWii was lost, is not in FLOWii: it is sent again."
    ),
    "orders.settled_later": _(
        "Order %(number)s, whose answer from FLOWii was lost, is not among its buyer's FLOWii "
        "documents yet; FLOWii may still be carrying out that create, so it is not sent again "
        "now: it is checked again on the next run (and sent again only once its create is more "
        "than %(seconds)s seconds old)."
    ),
    "orders.operator": _(
        "Order %(number)s (%(total)s) could be any of its buyer's FLOWii received orders "
        "%(candidates)s. It is not sent again: check them in FLOWii, then link the right one "
        "(or delete the duplicates and send the order again) on the Order exports page."
    ),
    "orders.operator_waits": _(
        "Order %(number)s waits for the operator: it could be one of several FLOWii received "
        "orders (see the Order exports page)."
    ),
    "orders.operator_count": ngettext_lazy(
        "%(count)s order waits for the operator to say which FLOWii received order it is "
        "(Order exports page).",
        "%(count)s orders wait for the operator to say which FLOWii received order they are "
        "(Order exports page).",
        "count",
    ),
    "orders.documents_unread": _(
        "The FLOWii documents of partner %(partner)s could not be read (%(error)s); its "
        "orders wait for the next run."
    ),
    "orders.total_differs": _(
        "Order %(number)s: FLOWii's total of received order %(flowii_number)s is %(flowii)s, "
        "the shop's is %(shop)s. Check the order in FLOWii; it is not sent again."
    ),
    "orders.total_unread": _(
        "Order %(number)s: the total of FLOWii received order %(flowii_number)s could not be "
        "read back; check it in FLOWii."
    ),
    "orders.order_unread": _(
        "Shop order %(order)s, to be sent to FLOWii again, could not be read (%(error)s)."
    ),
    # -- the write-back of FLOWii's number ---------------------------------------------------
    "orders.number_not_written": _(
        "FLOWii number %(flowii_number)s could not be written to shop order %(order)s: "
        "%(error)s. It is tried again on the next run."
    ),
    "orders.note_not_added": _(
        "The note with FLOWii number %(flowii_number)s could not be added to shop order "
        "%(order)s (%(error)s); the number is in the order's %(field)s field."
    ),
    "orders.note_interrupted": _(
        "the run that was adding it stopped, so it may or may not be there; it is not added "
        "again, lest the order carry it twice"
    ),
    "orders.note_text": _("Exported to FLOWii as received order %(flowii_number)s."),
}
