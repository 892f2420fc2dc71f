"""The Shipping page: each shipping method of the shop's zones, the FLOWii delivery type its
orders are given and the shipping item (a good of a shipping category, or a line by the
method's name) their shipping line becomes."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..forms import ShippingMappingForm
from ..models import ShippingMapping
from ..sync.methods import refresh_shipping_methods
from .mapping import MappingAdmin


@admin.register(ShippingMapping)
class ShippingMappingAdmin(MappingAdmin):
    form = ShippingMappingForm
    flowii_field = "flowii_delivery_type_id"  # mapped once it has a delivery type
    list_display = (
        "zone_name",
        "title",
        "method",
        "enabled",
        "flowii_delivery_type_id",
        "flowii_good_id",
    )
    log_word = "shipping"
    page_title = _("Shipping: the FLOWii delivery type and shipping item of each shipping method")
    list_editable = ("flowii_delivery_type_id", "flowii_good_id")
    list_filter = ("enabled", "zone_name")
    search_fields = ("title", "zone_name", "method_id")

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", ShippingMappingForm)
        return super().get_changelist_form(request, **kwargs)

    @admin.display(description=_("method"), ordering="method_id")
    def method(self, obj):
        return obj.key

    def method_key(self, obj):
        return obj.key

    def refresh(self, woo):
        return refresh_shipping_methods(woo)

    def refreshed_message(self, n):
        return ngettext(
            "Read %(n)s shipping method from the shop.",
            "Read %(n)s shipping methods from the shop.",
            n,
        ) % {"n": n}
