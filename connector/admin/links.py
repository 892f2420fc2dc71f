"""The Links page: which shop record is linked to which FLOWii record, per kind, and for
orders a way to send one again (idempotent: FLOWii finds it by its externalId)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..models import Link, SyncRun
from ..tasks import busy_message
from .sync import RUN_PERMISSION


def enqueue_resend(order_id: int) -> str:
    from django_q.tasks import async_task

    return async_task("connector.tasks.resend_order", int(order_id), group="connector")


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ("kind", "shop_id", "flowii_id", "flowii_number", "synced_at", "created_at")
    list_filter = ("kind",)
    search_fields = ("=shop_id", "=flowii_id", "flowii_number")
    search_help_text = _("A shop id or FLOWii id (exact), or a FLOWii number.")
    list_per_page = 100
    show_full_result_count = False
    actions = ["send_again"]
    change_form_template = "admin/connector/link/change_form.html"
    readonly_fields = ("kind", "shop_id", "flowii_id", "flowii_number", "synced_at", "created_at")
    fields = readonly_fields

    class Media:
        css = {"all": ("connector/admin.css",)}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_run_sync_permission(self, request):
        return request.user.has_perm(RUN_PERMISSION)

    def _resend(self, request, links) -> int:
        """Queues every order among `links`; says why not when orders are being exported."""
        orders = [link for link in links if link.kind == Link.Kind.ORDER and link.shop_id.isdigit()]
        if not orders:
            self.message_user(request, gettext("Only orders can be sent again."), messages.WARNING)
            return 0
        refusal = busy_message(SyncRun.Kind.RESEND)
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return 0
        for link in orders:
            enqueue_resend(int(link.shop_id))
        self.message_user(
            request,
            ngettext(
                "Order %(ids)s will be sent to FLOWii again.",
                "Orders %(ids)s will be sent to FLOWii again.",
                len(orders),
            )
            % {"ids": ", ".join(link.shop_id for link in orders)},
            messages.SUCCESS,
        )
        return len(orders)

    @admin.action(
        description=_("Send the selected orders to FLOWii again"), permissions=["run_sync"]
    )
    def send_again(self, request, queryset):
        self._resend(request, list(queryset))

    # -- the button on one order's page -------------------------------------------------------
    def get_urls(self):
        return [
            path(
                "<int:pk>/resend/",
                self.admin_site.admin_view(self.resend_view),
                name="connector_link_resend",
            ),
            *super().get_urls(),
        ]

    def resend_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_run_sync_permission(request):
            raise PermissionDenied
        link = get_object_or_404(Link, pk=pk)
        self._resend(request, [link])
        return HttpResponseRedirect(reverse("admin:connector_link_change", args=[pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        link = Link.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if link and link.kind == Link.Kind.ORDER and self.has_run_sync_permission(request):
            extra_context["resend_url"] = reverse("admin:connector_link_resend", args=[link.pk])
        return super().change_view(request, object_id, form_url, extra_context)
