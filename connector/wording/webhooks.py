"""The sentences about the shop's webhooks: the runs that export the orders they announced,
and what the Settings page says when it makes, renews or removes them."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

TEXTS = {
    "webhooks.run_label": ngettext_lazy(
        "%(count)s order announced by the shop",
        "%(count)s orders announced by the shop",
        "count",
    ),
    "webhooks.left_to_schedule": ngettext_lazy(
        "%(count)s order announced by the shop waits: another run holds the orders. It is "
        "exported in a minute, or by the next scheduled run.",
        "%(count)s orders announced by the shop wait: another run holds the orders. They are "
        "exported in a minute, or by the next scheduled run.",
        "count",
    ),
    "webhooks.created": ngettext_lazy(
        "%(count)s webhook was made in the shop (Order created, Order updated); the shop "
        "now tells the connector about every order at once.",
        "%(count)s webhooks were made in the shop (Order created, Order updated); the shop "
        "now tells the connector about every order at once.",
        "count",
    ),
    "webhooks.already": _(
        "The shop already has the connector's webhooks; nothing was added. Their state: %(states)s."
    ),
    "webhooks.removed": ngettext_lazy(
        "%(count)s webhook was removed from the shop; new orders come with the schedule only.",
        "%(count)s webhooks were removed from the shop; new orders come with the schedule only.",
        "count",
    ),
    "webhooks.none_to_remove": _("The shop has no webhooks of the connector to remove."),
    "webhooks.shop_failed": _(
        "The shop did not take the change of its webhooks: %(error)s Check the shop connection "
        "in Settings (the REST API key needs Read/Write), or set the webhooks up by hand as "
        "described below."
    ),
    "webhooks.renewed": _(
        "A new webhook secret was made: deliveries signed with the old one are refused now."
    ),
    "webhooks.renewed_shop": ngettext_lazy(
        "A new webhook secret was made and given to %(count)s webhook in the shop.",
        "A new webhook secret was made and given to the %(count)s webhooks in the shop.",
        "count",
    ),
    "webhooks.renewed_paste": _(
        "A new webhook secret was made: paste it into each webhook in WooCommerce > Settings "
        "> Advanced > Webhooks, or deliveries are refused."
    ),
    "webhooks.local_url": _(
        "The delivery address %(url)s is not reachable from the internet (it is a local "
        "address). Set CONNECTOR_PUBLIC_URL to the connector's public address first."
    ),
}
