"""The Overview: the admin's home page for the shop owner. Is everything in sync, what waits
and why (each with the page that fixes it), the last and next run, open alerts and the last
30 days; Django's list of pages follows, the technical ones (django-q, login lockouts, users)
folded away."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse

from ..alerts import alert_text
from ..overview import counts_per_kind, facts, run_name, run_state
from .sync import CHART_BAR, CHART_DAYS, CHART_GAP, CHART_HEIGHT, runs_per_day

OWNER_APPS = {"connector"}


class Urls:
    """The pages the Overview links to."""

    settings = property(lambda self: reverse("admin:connector_settings_changelist"))
    shipping = property(lambda self: reverse("admin:connector_shippingmapping_changelist"))
    payments = property(lambda self: reverse("admin:connector_paymentmapping_changelist"))
    sync = property(lambda self: reverse("admin:connector_syncrun_changelist"))

    def logs_of(self, run_id):
        return reverse("admin:connector_synclog_changelist") + f"?run={run_id}"

    def errors_of(self, run_id):
        return self.logs_of(run_id) + "&level__exact=error"

    def order_exports(self, key):
        base = reverse("admin:connector_orderexport_changelist")
        return base + ("?total_differs__exact=1" if key == "differs" else f"?problem={key}")

    def order(self, shop_order_id):
        return reverse("admin:connector_order", args=[str(shop_order_id)])


def sees_overview(request) -> bool:
    return request.user.has_perm("connector.view_syncrun")


def overview_context(request) -> dict:
    data = facts(Urls())
    runs = []
    for group, run in data["runs"].items():
        runs.append(
            {
                "group": group,
                "run": run,
                "name": run_name(run),
                "state": run_state(run),
                "per_kind": counts_per_kind(run),
                "url": reverse("admin:connector_syncrun_change", args=[run.pk]),
            }
        )
    data["run_rows"] = runs
    data["alert_rows"] = [{"alert": a, "text": alert_text(a)} for a in data["alerts"]]
    data["last_run_name"] = run_name(data["last_run"]) if data["last_run"] else ""
    data["urls"] = Urls()
    return {
        "overview": data,
        "chart": runs_per_day(),
        "chart_width": CHART_DAYS * (CHART_BAR + CHART_GAP),
        "chart_height": CHART_HEIGHT,
        "chart_bar": CHART_BAR,
    }


_django_index = admin.site.index


def index(request, extra_context=None):
    """Django's index with the Overview on top (for whoever may see the runs)."""
    extra = dict(extra_context or {})
    if sees_overview(request):
        extra.update(overview_context(request))
        apps = admin.site.get_app_list(request)
        extra["owner_apps"] = [a for a in apps if a["app_label"] in OWNER_APPS]
        extra["technical_apps"] = [a for a in apps if a["app_label"] not in OWNER_APPS]
    return _django_index(request, extra)


admin.site.index = index
admin.site.index_template = "admin/connector/overview.html"
