"""The Logs page: every line the runs wrote, filterable by run, kind, level and date and
searchable by shop id or FLOWii id."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import SyncLog, SyncRun
from ..overview import run_name
from .records import RecordAdmin

RECENT_RUNS = 20


class RunFilter(admin.SimpleListFilter):
    """The latest runs by name; any older run is still reachable by its id in the address
    (the runs list links here with ?run=<id>)."""

    title = _("run")
    parameter_name = "run"

    def lookups(self, request, model_admin):
        runs = list(SyncRun.objects.order_by("-started_at")[:RECENT_RUNS])
        wanted = self.value()
        if wanted and wanted.isdigit() and all(str(r.pk) != wanted for r in runs):
            runs += list(SyncRun.objects.filter(pk=int(wanted)))
        return [(str(r.pk), f"#{r.pk} {run_name(r)}") for r in runs]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(run_id=int(value))
        return queryset


@admin.register(SyncLog)
class SyncLogAdmin(RecordAdmin):
    list_display = (
        "created_at",
        "level_badge",
        "kind",
        "run_link",
        "shop_link",
        "flowii_id",
        "line",
    )
    fields = ("created_at", "level", "kind", "run_link", "shop_id", "flowii_id", "line")
    readonly_fields = fields
    list_filter = (
        RunFilter,
        "kind",
        "level",
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("=shop_id", "=flowii_id", "message")
    search_help_text = _("A shop id or FLOWii id (exact), or words of the message.")
    date_hierarchy = "created_at"
    list_select_related = ("run",)
    list_per_page = 100
    show_full_result_count = False
    actions = None

    @admin.display(description=_("level"), ordering="level")
    def level_badge(self, obj):
        return format_html(
            '<span class="connector-badge level-{}">{}</span>', obj.level, obj.get_level_display()
        )

    @admin.display(description=_("message"))
    def line(self, obj):
        """The line in the reader's language (its code rendered now); the stored sentence
        only for lines written before codes existed."""
        return obj.text

    @admin.display(description=_("run"), ordering="run")
    def run_link(self, obj):
        if obj.run_id is None:
            return "—"
        url = reverse("admin:connector_syncrun_change", args=[obj.run_id])
        return format_html('<a href="{}">#{}</a>', url, obj.run_id)

    @admin.display(description=_("shop id"), ordering="shop_id")
    def shop_link(self, obj):
        if obj.kind == "order" and obj.shop_id:
            url = reverse("admin:connector_order", args=[obj.shop_id])
            return format_html('<a href="{}">{}</a>', url, obj.shop_id)
        return obj.shop_id
