"""The Links page (which shop record is linked to which FLOWii record, per kind), the Order
exports list, and one order's page: its FLOWii document, its state and why, every attempt
across runs, "send again" with its result, and for an order waiting for the operator its
candidates ("this is the one", or "none of these: send it" after an explicit confirmation)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..binder import Binder
from ..mapping.money import round_cent, to_decimal
from ..models import Link, OrderExport, SyncLog, SyncRun
from ..overview import HELD_CODE, run_name, run_state
from ..tasks import busy_message
from ..wording import words
from .records import RecordAdmin
from .sync import RUN_PERMISSION

State = OrderExport.State
ATTEMPTS_SHOWN = 200


def enqueue_resend(order_id: int) -> str:
    from django_q.tasks import async_task

    return async_task("connector.tasks.resend_order", int(order_id), group="connector")


def order_url(shop_id) -> str:
    return reverse("admin:connector_order", args=[str(shop_id)])


# -- one order's facts ---------------------------------------------------------------------------


STATE_WORDS = {
    "exported": (_("exported"), "succeeded"),
    "differs": (_("exported, total differs"), "attention"),
    "operator": (_("waits for the operator"), "failed"),
    "unknown": (_("outcome unknown"), "attention"),
    "held": (_("waiting: method not mapped"), "attention"),
    "failed": (_("failed"), "failed"),
    "not_seen": (_("not exported yet"), "off"),
}


def order_facts(shop_id: str) -> dict:
    """What one order's page shows (a few indexed queries)."""
    link = Link.objects.filter(kind=Link.Kind.ORDER, shop_id=str(shop_id)).first()
    export = OrderExport.objects.filter(shop_order_id=str(shop_id)).first()
    lines = list(
        SyncLog.objects.filter(kind=Link.Kind.ORDER, shop_id=str(shop_id))
        .select_related("run")
        .order_by("-created_at", "-id")[:ATTEMPTS_SHOWN]
    )
    latest = lines[0] if lines else None
    number = (export.shop_number if export else "") or next(
        (str(line.params.get("number")) for line in lines if line.params.get("number")), ""
    )
    if link is not None:
        key = "differs" if export is not None and export.total_differs else "exported"
    elif export is not None and export.state == State.NEEDS_OPERATOR:
        key = "operator"
    elif export is not None and export.state in (State.UNKNOWN, State.SENDING):
        key = "unknown"
    elif latest is not None and latest.code == HELD_CODE:
        key = "held"
    elif latest is not None and latest.level == SyncLog.Level.ERROR:
        key = "failed"
    else:
        key = "not_seen"
    label, css = STATE_WORDS[key]
    why = ""
    if key == "differs":
        why = gettext("FLOWii's total is %(flowii)s, the shop's %(shop)s. Check it in FLOWii.") % {
            "flowii": export.flowii_total,
            "shop": export.total,
        }
    elif key in ("operator", "unknown", "held", "failed"):
        relevant = next((line for line in lines if line.level != SyncLog.Level.INFO), latest)
        why = relevant.text if relevant is not None else (export.note if export else "")
    linked_at = link.created_at if link is not None else None
    attempts = []
    for line in lines:
        resolved = (
            linked_at is not None
            and line.level in (SyncLog.Level.ERROR, SyncLog.Level.WARNING)
            and line.created_at < linked_at
        )
        attempts.append(
            {
                "line": line,
                "text": line.text,
                "resolved": resolved,
                "run_name": run_name(line.run) if line.run_id else gettext("on this page"),
                "run_url": reverse("admin:connector_syncrun_change", args=[line.run_id])
                if line.run_id
                else "",
                "run_state": run_state(line.run) if line.run_id else None,
            }
        )
    candidates = []
    if export is not None and export.state == State.NEEDS_OPERATOR:
        taken = Binder(Link.Kind.ORDER).many_by_flowii([c.get("id") for c in export.candidates])
        for c in export.candidates:
            other = taken.get(int(c["id"])) if str(c.get("id", "")).isdigit() else None
            candidates.append({**c, "taken_by": other.shop_id if other else ""})
    return {
        "shop_id": str(shop_id),
        "number": number or str(shop_id),
        "link": link,
        "export": export,
        "flowii_id": link.flowii_id if link else (export.flowii_document_id if export else None),
        "flowii_number": link.flowii_number if link else (export.flowii_number if export else ""),
        "state": key,
        "state_label": label,
        "state_css": css,
        "why": why,
        "attempts": attempts,
        "candidates": candidates,
        "known": bool(link or export or lines),
    }


def resend_result(since) -> dict:
    """Whether the re-send queued at `since` has ended: its run finished, or it was refused
    (the worker logs a refusal without an order id)."""
    runs = SyncRun.objects.filter(kind=SyncRun.Kind.RESEND, started_at__gte=since)
    finished = runs.exclude(status=SyncRun.Status.RUNNING).first()
    refused = SyncLog.objects.filter(
        kind=Link.Kind.ORDER, shop_id="", level=SyncLog.Level.WARNING, created_at__gte=since
    ).exists()
    done = finished is not None or (refused and not runs.filter(status="running").exists())
    return {
        "done": done,
        "run": run_name(finished) if finished else "",
        "state": run_state(finished).key if finished else "",
    }


# -- the pages ---------------------------------------------------------------------------------


@admin.register(Link)
class LinkAdmin(RecordAdmin):
    list_display = (
        "kind",
        "shop_record",
        "flowii_id",
        "flowii_number",
        "synced_at",
        "created_at",
    )
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
        js = ("connector/progress.js",)

    def has_run_sync_permission(self, request):
        return request.user.has_perm(RUN_PERMISSION)

    @admin.display(description=_("shop id"), ordering="shop_id")
    def shop_record(self, obj):
        if obj.kind == Link.Kind.ORDER:
            return format_html('<a href="{}">{}</a>', order_url(obj.shop_id), obj.shop_id)
        return obj.shop_id

    def _resend(self, request, shop_ids) -> int:
        """Queues every order of `shop_ids`; says why not when orders are being exported."""
        orders = [str(i) for i in shop_ids if str(i).isdigit()]
        if not orders:
            self.message_user(request, gettext("Only orders can be sent again."), messages.WARNING)
            return 0
        refusal = busy_message(SyncRun.Kind.RESEND)
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return 0
        for shop_id in orders:
            enqueue_resend(int(shop_id))
        self.message_user(
            request,
            ngettext(
                "Order %(ids)s will be sent to FLOWii again.",
                "Orders %(ids)s will be sent to FLOWii again.",
                len(orders),
            )
            % {"ids": ", ".join(orders)},
            messages.SUCCESS,
        )
        return len(orders)

    @admin.action(
        description=_("Send the selected orders to FLOWii again"), permissions=["run_sync"]
    )
    def send_again(self, request, queryset):
        links = list(queryset)
        if any(link.kind != Link.Kind.ORDER for link in links):
            self.message_user(request, gettext("Only orders can be sent again."), messages.WARNING)
        self._resend(request, [link.shop_id for link in links if link.kind == Link.Kind.ORDER])

    # -- the routes ---------------------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/resend/", view(self.resend_view), name="connector_link_resend"),
            path("order/<str:shop_id>/", view(self.order_view), name="connector_order"),
            path(
                "order/<str:shop_id>/resend/",
                view(self.order_resend_view),
                name="connector_order_resend",
            ),
            path(
                "order/<str:shop_id>/result/",
                view(self.order_result_view),
                name="connector_order_result",
            ),
            path(
                "order/<str:shop_id>/link/", view(self.order_link_view), name="connector_order_link"
            ),
            path(
                "order/<str:shop_id>/send-anyway/",
                view(self.order_send_anyway_view),
                name="connector_order_send_anyway",
            ),
            *super().get_urls(),
        ]

    def _post_with_run_permission(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_run_sync_permission(request):
            raise PermissionDenied
        return None

    def resend_view(self, request, pk):
        refused = self._post_with_run_permission(request)
        if refused:
            return refused
        link = Link.objects.filter(pk=pk).first()
        if link is None or link.kind != Link.Kind.ORDER:
            self.message_user(request, gettext("Only orders can be sent again."), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:connector_link_changelist"))
        return self._resend_and_show(request, link.shop_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        link = Link.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if link and link.kind == Link.Kind.ORDER:
            extra_context["order_url"] = order_url(link.shop_id)
            if self.has_run_sync_permission(request):
                extra_context["resend_url"] = reverse("admin:connector_link_resend", args=[link.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    # -- one order's page ------------------------------------------------------------------------
    def order_view(self, request, shop_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        order = order_facts(shop_id)
        since = parse_datetime(request.GET.get("sent") or "")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Order %(number)s") % {"number": order["number"]},
            "order": order,
            "can_run": self.has_run_sync_permission(request),
            "sent": request.GET.get("sent") if since else "",
            "result_url": reverse("admin:connector_order_result", args=[shop_id])
            + "?"
            + urlencode({"since": request.GET.get("sent") or ""})
            if since
            else "",
            "result": resend_result(since) if since else None,
            "exports_url": reverse("admin:connector_orderexport_changelist"),
        }
        return TemplateResponse(request, "admin/connector/order/page.html", context)

    def order_result_view(self, request, shop_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        since = parse_datetime(request.GET.get("since") or "")
        if since is None:
            return JsonResponse({"done": True, "run": "", "state": ""})
        return JsonResponse(resend_result(since))

    def _resend_and_show(self, request, shop_id):
        sent = timezone.now()
        queued = self._resend(request, [shop_id])
        back = order_url(shop_id)
        if queued:
            back += "?" + urlencode({"sent": sent.isoformat()})
        return HttpResponseRedirect(back)

    def order_resend_view(self, request, shop_id):
        refused = self._post_with_run_permission(request)
        return refused or self._resend_and_show(request, shop_id)

    def order_link_view(self, request, shop_id):
        """ "This is the one": links the order to the FLOWii document the operator chose
        among the candidates; its number is written back to the shop on the next run."""
        refused = self._post_with_run_permission(request)
        if refused:
            return refused
        back = HttpResponseRedirect(order_url(shop_id))
        export = OrderExport.objects.filter(shop_order_id=str(shop_id)).first()
        chosen = request.POST.get("candidate", "")
        candidate = None
        if export is not None and export.state == State.NEEDS_OPERATOR:
            candidate = next((c for c in export.candidates if str(c.get("id")) == chosen), None)
        if candidate is None:
            self.message_user(
                request,
                gettext("That FLOWii document is not among this order's candidates."),
                messages.ERROR,
            )
            return back
        binder = Binder(Link.Kind.ORDER)
        other = binder.by_flowii(int(candidate["id"]))
        if other is not None and other.shop_id != str(shop_id):
            self.message_user(
                request,
                gettext(
                    "FLOWii document %(number)s is already linked to shop order %(other)s; "
                    "choose another one."
                )
                % {"number": candidate.get("serial_nr") or candidate["id"], "other": other.shop_id},
                messages.ERROR,
            )
            return back
        number = str(candidate.get("serial_nr") or "")
        binder.bind(str(shop_id), int(candidate["id"]), flowii_number=number, needs_write_back=True)
        export.state = State.EXPORTED
        export.flowii_document_id = int(candidate["id"])
        export.flowii_number = number
        total = candidate.get("total")
        if total not in (None, ""):
            export.flowii_total = round_cent(to_decimal(total))
            export.total_differs = export.flowii_total != round_cent(export.total)
        export.save()
        text = words(
            "admin.order_linked",
            number=export.shop_number or shop_id,
            user=request.user.get_username(),
            flowii_number=number or candidate["id"],
        )
        _log_here(SyncLog.Level.INFO, text, shop_id, candidate["id"])
        self.message_user(
            request,
            gettext(
                "Order %(number)s is linked to FLOWii received order %(flowii_number)s; the "
                "number is written to the shop order on the next run."
            )
            % {"number": export.shop_number or shop_id, "flowii_number": number or candidate["id"]},
            messages.SUCCESS,
        )
        return back

    def order_send_anyway_view(self, request, shop_id):
        """ "None of these: send it": may make a second FLOWii document, so only with the
        operator's explicit confirmation."""
        refused = self._post_with_run_permission(request)
        if refused:
            return refused
        export = OrderExport.objects.filter(shop_order_id=str(shop_id)).first()
        if export is None or export.state != State.NEEDS_OPERATOR:
            self.message_user(
                request, gettext("This order does not wait for the operator."), messages.ERROR
            )
            return HttpResponseRedirect(order_url(shop_id))
        if request.POST.get("confirm") != "yes":
            self.message_user(
                request,
                gettext(
                    "Not sent: tick the box to confirm that none of the FLOWii documents is "
                    "this order (sending it may otherwise make a duplicate)."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(order_url(shop_id))
        busy = busy_message(SyncRun.Kind.RESEND)
        if busy:
            self.message_user(request, busy, messages.ERROR)
            return HttpResponseRedirect(order_url(shop_id))
        listed = ", ".join(str(c.get("serial_nr") or c.get("id")) for c in export.candidates)
        text = words(
            "admin.order_send_anyway",
            user=request.user.get_username(),
            number=export.shop_number or shop_id,
            candidates=listed,
        )
        _log_here(SyncLog.Level.WARNING, text, shop_id)
        # No intent left: the re-send records a new one and creates the document.
        export.delete()
        return self._resend_and_show(request, shop_id)


def _log_here(level: str, text, shop_id, flowii_id="") -> None:
    stored = text.stored()
    SyncLog.objects.create(
        run=None,
        level=level,
        kind=Link.Kind.ORDER,
        shop_id=str(shop_id),
        flowii_id=str(flowii_id or ""),
        message=str(text),
        code=stored["code"],
        params=stored["params"],
    )


class ProblemFilter(admin.SimpleListFilter):
    title = _("what waits")
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [
            ("operator", _("waits for the operator")),
            ("unknown", _("outcome unknown")),
            ("differs", _("total differs")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "operator":
            return queryset.filter(state=State.NEEDS_OPERATOR)
        if value == "unknown":
            return queryset.filter(state__in=[State.UNKNOWN, State.SENDING])
        if value == "differs":
            return queryset.filter(total_differs=True)
        return queryset


@admin.register(OrderExport)
class OrderExportAdmin(RecordAdmin):
    """Every order's way into FLOWii; each row opens the order's page."""

    list_display = (
        "order",
        "state",
        "flowii_number",
        "total",
        "flowii_total",
        "total_differs",
        "updated_at",
    )
    list_display_links = None
    list_filter = (ProblemFilter, "state", "total_differs")
    search_fields = ("=shop_order_id", "shop_number", "flowii_number")
    list_per_page = 100
    show_full_result_count = False
    actions = None
    ordering = ("-updated_at",)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("shop order"), ordering="shop_number")
    def order(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            order_url(obj.shop_order_id),
            obj.shop_number or obj.shop_order_id,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        export = OrderExport.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if export is not None:
            return HttpResponseRedirect(order_url(export.shop_order_id))
        return super().change_view(request, object_id, form_url, extra_context)
