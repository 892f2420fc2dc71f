"""The Synchronisation page (the runs list): the one-off buttons, the runs in progress with a
live progress bar, the schedule's next and last run, and a chart of the last 30 days."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, IntegerField, Q, Value, When
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_q.models import Schedule

from ..models import Settings, SyncRun
from ..overview import counts_per_kind, run_name, run_state
from ..preview_progress import percent as bar_percent
from ..scheduling import SYNC_NAME
from ..sync.locks import RunRefused
from ..tasks import enqueue_sync
from .records import RecordAdmin

RUN_PERMISSION = "connector.run_sync"

# The one-off actions, in the order the page shows them.
BUTTONS = (
    (
        SyncRun.Kind.PRODUCTS,
        _("Import all products and categories"),
        _("From FLOWii into the shop. New products come in as drafts."),
    ),
    (
        SyncRun.Kind.CUSTOMERS,
        _("Export all customers"),
        _("From the shop to FLOWii partners: new ones added, existing ones updated."),
    ),
    (
        SyncRun.Kind.ORDERS,
        _("Export new orders"),
        _("Orders placed since the connector was set up and not yet in FLOWii."),
    ),
    (
        SyncRun.Kind.HISTORIC_ORDERS,
        _("Export all earlier orders"),
        _("Orders from before the connector was set up: a first backfill."),
    ),
)
BUTTON_KINDS = {str(kind) for kind, _label, _help in BUTTONS}

# What the streams write as "now doing", in the shop owner's language.
PROGRESS_WORDS = {
    "categories": _("categories"),
    "products": _("products"),
    "customers": _("customers"),
    "orders": _("orders"),
}
RECENT_FINISHED = 5
CHART_DAYS = 30
CHART_HEIGHT = 60
CHART_BAR = 12
CHART_GAP = 3
# The chart's bars by the runs' states (overview.run_state's rule, in SQL).
CHART_STATES = (
    ("ok", "succeeded", _("succeeded")),
    ("attention", "attention", _("needs attention")),
    ("failed", "failed", _("failed")),
)


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def run_summary(run: SyncRun) -> dict:
    """What the live panel shows of one run (JSON-able, already in the user's language)."""
    total, done = run.progress_total, run.progress_done
    percent = bar_percent(done, total)
    label = run.progress_label
    state = run_state(run)
    return {
        "id": run.pk,
        "kind": run.get_kind_display(),
        "trigger": run.get_trigger_display(),
        "status": run.status,
        "state": state.key,
        "state_css": state.css,
        "status_label": state.label,
        "state_words": state.words if state.key == "attention" else "",
        "running": run.status == SyncRun.Status.RUNNING,
        "done": done,
        "total": total,
        "percent": percent,
        "now": str(PROGRESS_WORDS.get(label, label)),
        "counts": [
            [str(SyncRun._meta.get_field(name).verbose_name), getattr(run, name)]
            for name in SyncRun.COUNTS
        ],
        "per_kind": [
            [k["label"], [[name, n] for name, n in k["counts"]]] for k in counts_per_kind(run)
        ],
        "reason": run.reason_text,
        "started": _when(run.started_at),
        "finished": _when(run.finished_at),
        "url": reverse("admin:connector_syncrun_change", args=[run.pk]),
        "logs_url": reverse("admin:connector_synclog_changelist") + f"?run={run.pk}",
    }


def live_runs() -> list[dict]:
    """The runs going on, then the last few finished ones (so a run just ended stays in
    view with its counts)."""
    running = SyncRun.objects.filter(status=SyncRun.Status.RUNNING).order_by("started_at")
    finished = SyncRun.objects.exclude(status=SyncRun.Status.RUNNING).order_by("-started_at")
    return [run_summary(r) for r in running] + [run_summary(r) for r in finished[:RECENT_FINISHED]]


def runs_per_day(days: int = CHART_DAYS, today=None) -> list[dict]:
    """One entry per local day (oldest first): the finished runs by status, with the bar
    heights of an SVG chart."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    tz = timezone.get_current_timezone()
    held = Coalesce(
        Cast(KeyTextTransform("skipped", KeyTransform("order", "counts_by_kind")), IntegerField()),
        Value(0),
    )
    rows = (
        SyncRun.objects.exclude(status=SyncRun.Status.RUNNING)
        .annotate(day=TruncDate("started_at", tzinfo=tz), held=held)
        .annotate(
            state=Case(
                When(status=SyncRun.Status.FAILED, then=Value("failed")),
                When(
                    Q(status=SyncRun.Status.PARTLY_FAILED) | Q(failed__gt=0),
                    then=Value("attention"),
                ),
                When(held__gt=0, then=Value("attention")),
                default=Value("ok"),
                output_field=CharField(),
            )
        )
        .filter(day__gte=first, day__lte=today)
        .values("day", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict = {}
    for row in rows:
        counts.setdefault(row["day"], {})[row["state"]] = row["n"]
    peak = max((sum(c.values()) for c in counts.values()), default=0)
    scale = CHART_HEIGHT / peak if peak else 0
    out = []
    for i in range(days):
        day = first + timedelta(days=i)
        day_counts = counts.get(day, {})
        x = i * (CHART_BAR + CHART_GAP)
        y = CHART_HEIGHT
        bars = []
        words = []
        for state, css, label in CHART_STATES:
            n = day_counts.get(state, 0)
            if not n:
                continue
            height = max(1, round(n * scale))
            y -= height
            bars.append({"css": css, "y": y, "height": height})
            words.append(f"{n} {label}")
        out.append(
            {
                "day": day,
                "x": x,
                "bars": bars,
                "title": f"{date_format(day, 'SHORT_DATE_FORMAT')}: "
                + (", ".join(words) if words else gettext("no runs")),
            }
        )
    return out


def schedule_state() -> dict:
    settings = Settings.load()
    if settings.schedule == Settings.Schedule.INTERVAL:
        words = gettext("every %(n)s minutes") % {"n": settings.schedule_minutes}
    elif settings.schedule == Settings.Schedule.DAILY and settings.schedule_time:
        words = gettext("every day at %(time)s") % {
            "time": settings.schedule_time.strftime("%H:%M")
        }
    else:
        words = gettext("off")
    row = Schedule.objects.filter(name=SYNC_NAME).first()
    last_scheduled = SyncRun.objects.filter(trigger=SyncRun.Trigger.SCHEDULE).first()
    last_any = SyncRun.objects.first()
    return {
        "words": words,
        "next_run": _when(row.next_run) if row else "",
        "last_run": last_scheduled,
        "last_run_state": run_state(last_scheduled) if last_scheduled else None,
        "last_any": last_any,
        "last_any_state": run_state(last_any) if last_any else None,
    }


def format_html_join_kinds(run: SyncRun):
    from django.utils.html import format_html_join

    rows = counts_per_kind(run)
    if not rows:
        return "—"
    return format_html_join(
        "",
        '<div class="connector-kind"><b>{}</b>: {}</div>',
        ((k["label"], " · ".join(f"{name} {n}" for name, n in k["counts"])) for k in rows),
    )


@admin.register(SyncRun)
class SyncRunAdmin(RecordAdmin):
    change_list_template = "admin/connector/syncrun/change_list.html"
    list_display = (
        "started_at",
        "kind",
        "trigger",
        "status_badge",
        "counts",
        "log_link",
    )
    list_filter = ("status", "kind", "trigger")
    date_hierarchy = "started_at"
    list_per_page = 50
    fields = (
        "name",
        "kind",
        "trigger",
        "full",
        "status_badge",
        "reason_shown",
        "started_at",
        "finished_at",
        "counts",
        "counts_by_kind_shown",
        "log_link",
    )
    readonly_fields = fields
    change_form_template = "admin/connector/syncrun/change_form.html"
    actions = None

    class Media:
        css = {"all": ("connector/admin.css",)}
        js = ("connector/progress.js",)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        state = run_state(obj)
        return format_html(
            '<span class="connector-badge {}" data-state="{}" title="{}">{}</span>{}',
            state.css,
            state.key,
            state.words,
            state.label,
            format_html('<div class="connector-small connector-reason">{}</div>', state.words)
            if state.words
            else "",
        )

    @admin.display(description=_("name"))
    def name(self, obj):
        return run_name(obj)

    @admin.display(description=_("reason"))
    def reason_shown(self, obj):
        return obj.reason_text or "—"

    @admin.display(description=_("counts"))
    def counts(self, obj):
        per_kind = counts_per_kind(obj)
        if per_kind:
            parts = [
                f"{k['label']}: " + ", ".join(f"{name} {n}" for name, n in k["counts"])
                for k in per_kind
            ]
        else:
            parts = [
                f"{SyncRun._meta.get_field(name).verbose_name} {getattr(obj, name)}"
                for name in SyncRun.COUNTS
                if getattr(obj, name)
            ]
        if obj.status == SyncRun.Status.RUNNING and obj.progress_total:
            parts.append(f"{obj.progress_done} / {obj.progress_total}")
        return " · ".join(parts) or "—"

    @admin.display(description=_("counts per kind"))
    def counts_by_kind_shown(self, obj):
        return format_html_join_kinds(obj)

    @admin.display(description=_("log"))
    def log_link(self, obj):
        url = reverse("admin:connector_synclog_changelist") + f"?run={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("log entries"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        run = SyncRun.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if run is not None:
            extra_context["title"] = run_name(run)
            extra_context["run_name"] = run_name(run)
        return super().change_view(request, object_id, form_url, extra_context)

    # -- the page around the list -----------------------------------------------------------
    def changelist_view(self, request, extra_context=None):
        can_run = request.user.has_perm(RUN_PERMISSION)
        extra_context = dict(extra_context or {})
        extra_context.update(
            title=_("Synchronisation"),
            buttons=[
                {
                    "kind": str(kind),
                    "label": label,
                    "help": help_text,
                    "url": reverse("admin:connector_syncrun_start", args=[str(kind)]),
                    "preview_url": reverse("admin:connector_syncrun_preview_start", args=[kind]),
                }
                for kind, label, help_text in BUTTONS
            ],
            can_run=can_run,
            live_runs=live_runs(),
            progress_url=reverse("admin:connector_syncrun_progress"),
            schedule=schedule_state(),
            chart=runs_per_day(),
            chart_width=CHART_DAYS * (CHART_BAR + CHART_GAP),
            chart_height=CHART_HEIGHT,
            chart_bar=CHART_BAR,
            settings_url=reverse("admin:connector_settings_changelist"),
        )
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        from . import preview  # the preview pages (connector/admin/preview.py)

        return [
            path(
                "preview/<str:kind>/",
                self.admin_site.admin_view(preview.start_view),
                name="connector_syncrun_preview_start",
            ),
            path(
                "preview/<str:kind>/<str:task_id>/",
                self.admin_site.admin_view(preview.page_view),
                name="connector_syncrun_preview",
            ),
            path(
                "start/<str:kind>/",
                self.admin_site.admin_view(self.start_view),
                name="connector_syncrun_start",
            ),
            path(
                "progress/",
                self.admin_site.admin_view(self.progress_view),
                name="connector_syncrun_progress",
            ),
            *super().get_urls(),
        ]

    def start_view(self, request, kind):
        """Queues a one-off run and returns at once; refused while one of its kind runs."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(RUN_PERMISSION):
            raise PermissionDenied
        back = HttpResponseRedirect(reverse("admin:connector_syncrun_changelist"))
        if kind not in BUTTON_KINDS:
            self.message_user(request, gettext("Unknown action."), messages.ERROR)
            return back
        label = next(str(lbl) for k, lbl, _h in BUTTONS if str(k) == kind)
        try:
            enqueue_sync(kind, SyncRun.Trigger.BUTTON)
        except RunRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return back
        self.message_user(
            request,
            gettext("“%(action)s” has started; its progress is shown below.") % {"action": label},
            messages.SUCCESS,
        )
        return back

    def progress_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return JsonResponse({"runs": live_runs()})
