"""The preview pages of the one-off actions: "Preview" beside each button of the
Synchronisation page queues the preview (connector/preview.py) and opens its page, which
waits for it and then shows what the action would do, with a button to do it."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import preview as previews
from ..http import made_up_id
from ..models import Link, PreviewProgress, SyncRun
from ..preview_progress import REPORT, percent
from ..preview_report import shown_ids
from ..sync.locks import RunRefused
from ..wording import render, words

RUN_PERMISSION = "connector.run_sync"
VIEW_PERMISSION = "connector.view_syncrun"
TASK_ID = re.compile(r"^[0-9a-f]{32}$")
# How often the waiting page looks again (seconds).
REFRESH = 2

LISTS = (
    ("created", _("Would be created")),
    ("updated", _("Would be updated")),
    ("linked", _("Would be linked to a record that exists")),
    ("left_out", _("Would be left out")),
)
LINKED_BY = {
    "sku": _("by SKU"),
    "name": _("by name"),
    "email": _("by e-mail"),
    "ico": _("by IČO"),
    "email+ico": _("by e-mail and IČO"),
    "document": _("by its FLOWii document"),
}
KIND_NAMES = dict(Link.Kind.choices)
# The preview's own step after its run (preview_progress.REPORT).
REPORT_WORDS = _("the report: the records to update, as they are now")
# Before the run knows how many records there are (it reads the lists first).
READING_WORDS = _("reading the shop and FLOWii")


def action_label(kind: str) -> str:
    from .sync import BUTTONS

    return next((str(label) for k, label, _h in BUTTONS if str(k) == kind), kind)


def _changelist():
    return HttpResponseRedirect(reverse("admin:connector_syncrun_changelist"))


def start_view(request, kind):
    """Queues the preview of one button and opens its page; refused while a run of the
    same kind goes on."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.has_perm(RUN_PERMISSION):
        raise PermissionDenied
    if kind not in {str(k) for k in previews.PREVIEWS}:
        messages.error(request, words("preview.refused", reason=kind))
        return _changelist()
    try:
        task_id = previews.start(kind)
    except RunRefused as exc:
        messages.error(request, words("preview.refused", reason=str(exc)))
        return _changelist()
    messages.success(request, words("preview.started", action=action_label(kind)))
    page = reverse("admin:connector_syncrun_preview", args=[kind, task_id])
    return HttpResponseRedirect(page)


def page_view(request, kind, task_id):
    """The preview's page: waiting (it looks again every few seconds: the task is queued or
    running, in whichever broker) or the report."""
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    if not TASK_ID.match(task_id) or kind not in {str(k) for k in previews.PREVIEWS}:
        raise Http404
    from django.contrib import admin
    from django_q.models import Task

    task = Task.objects.filter(id=task_id, func=previews.TASK).first()
    action = action_label(kind)
    context = {
        **admin.site.each_context(request),
        "title": _("Preview: %(action)s") % {"action": action},
        "action": action,
        "kind": kind,
        "refresh": REFRESH,
        "waiting": task is None,
        "can_run": request.user.has_perm(RUN_PERMISSION),
        "run_url": reverse("admin:connector_syncrun_start", args=[kind]),
        "sync_url": reverse("admin:connector_syncrun_changelist"),
    }
    if task is None:
        context["progress"] = progress(PreviewProgress.objects.filter(task=task_id).first())
    else:  # ended: its row is gone already, unless its worker was stopped at the very end
        PreviewProgress.objects.filter(task=task_id).delete()
    if task is not None and not task.success:
        context["problem"] = words("preview.failed", error=_last_line(task.result))
    elif task is not None:
        context.update(shown(task.result))
    return TemplateResponse(request, "admin/connector/preview.html", context)


def progress(row: PreviewProgress | None) -> dict | None:
    """The waiting page's bar, as the Synchronisation page's live panel draws a run's: how
    full, "done / total" and what it is doing now. None while the task waits for the worker."""
    if row is None:
        return None
    from .sync import PROGRESS_WORDS

    label = REPORT_WORDS if row.label == REPORT else PROGRESS_WORDS.get(row.label, row.label)
    if not row.total:
        return {"done": row.done, "total": 0, "percent": 0, "words": str(label or READING_WORDS)}
    return {
        "done": row.done,
        "total": row.total,
        "percent": percent(row.done, row.total),
        "words": f"{row.done} / {row.total}" + (f" · {label}" if label else ""),
    }


def _last_line(result) -> str:
    lines = [ln for ln in str(result or "").strip().splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


# -- the report as the page shows it ---------------------------------------------------------


def shown(report: dict) -> dict:
    """The report (preview_report.build) in the reader's language, ready for the template."""
    failed = report.get("status") == SyncRun.Status.FAILED
    reason = ""
    if report.get("reason_code"):
        reason = render(report["reason_code"], report.get("reason_params"))
    elif report.get("reason"):
        reason = report["reason"]
    lists = report.get("lists") or {}
    sections = []
    for name, title in LISTS:
        found = lists.get(name) or {"count": 0, "items": [], "by_kind": {}}
        sections.append(
            {
                "name": name,
                "title": title,
                "count": found["count"],
                "by_kind": [
                    (KIND_NAMES.get(kind, kind), n) for kind, n in found.get("by_kind", {}).items()
                ],
                "items": [_item(item) for item in found["items"]],
                "more": max(0, found["count"] - len(found["items"])),
            }
        )
    writes = report.get("writes") or {}
    return {
        "kind": report.get("kind", ""),
        "failed": failed,
        "reason": reason,
        "sections": sections,
        "linked_by": [
            (LINKED_BY.get(by, by), n) for by, n in (report.get("linked_by") or {}).items()
        ],
        "reasons": [
            {"code": code, "count": n, "text": render(code, params)}
            for code, n, params in report.get("left_out_reasons") or []
        ],
        "warnings": [
            {"level": w["level"], "text": render(w["code"], w["params"])}
            for w in (report.get("warnings") or {}).get("items", [])
        ],
        "warnings_count": (report.get("warnings") or {}).get("count", 0),
        "held_back": words(
            "preview.nothing_written",
            shop=writes.get("WooCommerce", 0),
            flowii=writes.get("FLOWii", 0),
        ),
        "notes": [words("preview.totals_later"), words("preview.refusals_later")],
        "seconds": report.get("seconds"),
        "started": report.get("started", ""),
    }


def _item(item: dict) -> dict:
    new_words = str(_("new"))
    return {
        "kind": KIND_NAMES.get(item["kind"], item["kind"]),
        "name": item.get("name") or "—",
        "sku": item.get("sku") or "",
        "shop_id": _shown_id(item.get("shop_id")),
        "flowii_id": _shown_id(item.get("flowii_id")),
        "by": LINKED_BY.get(item.get("by"), item.get("by") or ""),
        "text": render(item["code"], item.get("params")),
        "changes": [
            [field, shown_ids(field, old, new_words), shown_ids(field, value, new_words)]
            for field, old, value in item.get("changes") or []
        ],
    }


def _shown_id(value) -> str:
    """A record's id, or "new" for one the preview made up (a run gets its real id)."""
    if not value:
        return "—"
    return str(_("new")) if made_up_id(value) else str(value)
