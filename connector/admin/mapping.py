"""What the Shipping and Payments pages share: one editable row per shop method with a
select of FLOWii records, a "refresh from shop" button, and unmapped methods highlighted."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..http import RemoteError
from ..models import Settings
from ..overview import held_orders
from .choices import flowii_data
from .connection import QUICK, shop_client


def orders_waiting(area: str) -> dict[str, int]:
    """Per method key, how many shop orders the latest order export held back because the
    method is not mapped, and that are still not in FLOWii. `area` is "shipping" or
    "payment". Read from the log lines' codes and values (overview.held_orders), never
    from their sentences."""
    return {key: row["n"] for key, row in held_orders()[area].items()}


class MappingAdmin(admin.ModelAdmin):
    """Base of the two mapping pages. Subclasses name the FLOWii field and how to read the
    shop's methods (`refresh(woo)` returning the rows)."""

    flowii_field = ""
    log_word = ""  # "shipping" or "payment": which held-back orders are this page's
    page_title = ""
    list_display_links = None
    list_per_page = 200
    actions = None
    change_list_template = "admin/connector/mapping_change_list.html"

    class Media:
        css = {"all": ("connector/admin.css",)}

    def refresh(self, woo) -> list:
        raise NotImplementedError

    def has_add_permission(self, request):
        return False  # the rows come from the shop: "Refresh from shop"

    # -- the editable list ----------------------------------------------------------------
    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        form.flowii_data = flowii_data(request, Settings.load())
        return form

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.flowii_data = flowii_data(request, Settings.load())
        return form

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        extra_context["refresh_url"] = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_refresh"
        )
        extra_context["can_refresh"] = self.has_change_permission(request)
        extra_context["title"] = self.page_title
        response = super().changelist_view(request, extra_context)
        data = getattr(request, "_connector_flowii", None)
        if data is not None and hasattr(response, "context_data"):
            response.context_data["flowii_error"] = data.error
        return response

    def get_list_display(self, request):
        # The state column knows, for this request, which methods held orders back.
        waiting = orders_waiting(self.log_word)
        key_of = self.method_key

        @admin.display(description=_("state"))
        def state(obj):
            if getattr(obj, "gone", False):
                # Kept for the history of the orders that used it; no longer in the shop.
                return format_html(
                    '<span class="connector-badge off">{}</span>', gettext("gone from the shop")
                )
            if getattr(obj, self.flowii_field) is not None:
                return format_html('<span class="connector-badge ok">{}</span>', gettext("mapped"))
            held = waiting.get(key_of(obj), 0)
            if held:
                text = ngettext(
                    "not mapped: %(n)s order waits for it",
                    "not mapped: %(n)s orders wait for it",
                    held,
                ) % {"n": held}
                return format_html(
                    '<span class="connector-badge unmapped connector-unmapped">{}</span>', text
                )
            if not obj.enabled:
                return format_html(
                    '<span class="connector-badge off">{}</span>', gettext("off in the shop")
                )
            return format_html(
                '<span class="connector-badge unmapped connector-unmapped">{}</span>',
                gettext("not mapped: orders using it are not exported"),
            )

        return [*self.list_display, state]

    def method_key(self, obj) -> str:
        raise NotImplementedError

    # -- the "refresh from shop" button ------------------------------------------------------
    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_refresh"
        return [
            path("refresh/", self.admin_site.admin_view(self.refresh_view), name=name),
            *super().get_urls(),
        ]

    def refresh_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        settings = Settings.load()
        back = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        if not (settings.shop_url and settings.shop_consumer_key and settings.shop_consumer_secret):
            self.message_user(
                request,
                gettext("Fill in the shop connection in Settings first."),
                messages.ERROR,
            )
            return HttpResponseRedirect(back)
        try:
            rows = self.refresh(shop_client(settings, **QUICK))
        except (RemoteError, OSError, ValueError) as exc:
            self.message_user(
                request,
                gettext("The shop could not be read: %(problem)s") % {"problem": exc},
                messages.ERROR,
            )
            return HttpResponseRedirect(back)
        self.message_user(request, self.refreshed_message(len(rows)), messages.SUCCESS)
        return HttpResponseRedirect(back)

    def refreshed_message(self, n: int) -> str:
        raise NotImplementedError
