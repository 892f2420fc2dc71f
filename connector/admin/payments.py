"""The Payments page: each payment gateway of the shop and the FLOWii payment method its
orders are given."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..forms import PaymentMappingForm
from ..models import PaymentMapping
from ..sync.methods import refresh_payment_gateways
from .mapping import MappingAdmin


@admin.register(PaymentMapping)
class PaymentMappingAdmin(MappingAdmin):
    form = PaymentMappingForm
    flowii_field = "flowii_payment_method_id"
    list_display = ("title", "gateway", "enabled", "flowii_payment_method_id")
    log_word = "payment"
    page_title = _("Payments: which FLOWii payment method each gateway becomes")
    list_editable = ("flowii_payment_method_id",)
    list_filter = ("enabled",)
    search_fields = ("title", "gateway_id")

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", PaymentMappingForm)
        return super().get_changelist_form(request, **kwargs)

    @admin.display(description=_("gateway"), ordering="gateway_id")
    def gateway(self, obj):
        return obj.gateway_id

    def method_key(self, obj):
        return obj.gateway_id

    def refresh(self, woo):
        return refresh_payment_gateways(woo)

    def refreshed_message(self, n):
        return ngettext(
            "Read %(n)s payment gateway from the shop.",
            "Read %(n)s payment gateways from the shop.",
            n,
        ) % {"n": n}
