"""One state per run on every page (the live panel, the runs list, the run's page, the
Overview): a run that held back or failed records needs attention, a failed run says failed;
counts per kind; reasons and log lines in the reader's language; names in local time."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from connector.models import SyncRun
from connector.overview import run_name, run_state
from tests.admin.helpers import coded_log

pytestmark = pytest.mark.django_db

SYNC = "/admin/connector/syncrun/"
PROGRESS = "/admin/connector/syncrun/progress/"


def make(status, **fields) -> SyncRun:
    now = timezone.now()
    return SyncRun.objects.create(kind="all", trigger="button", status=status, started_at=now,
                                  finished_at=now, **fields)  # fmt: skip


@pytest.mark.parametrize(
    "status, fields, state",
    [
        ("succeeded", {}, "ok"),
        ("succeeded", {"skipped": 2, "counts_by_kind": {"order": {"skipped": 2}}}, "attention"),
        # Products left out by their category are skipped too, and are not a problem.
        ("succeeded", {"skipped": 2, "counts_by_kind": {"product": {"skipped": 2}}}, "ok"),
        ("partly_failed", {"failed": 1}, "attention"),
        ("failed", {}, "failed"),
        ("running", {}, "running"),
    ],
)
def test_the_one_rule(status, fields, state):
    assert run_state(make(status, **fields)).key == state


def test_every_page_shows_the_same_state(admin_client):
    held = make("succeeded", skipped=2, read=5, updated=3,
                counts_by_kind={"order": {"read": 5, "updated": 3, "skipped": 2},
                                "partner": {"created": 1}})  # fmt: skip
    failed = make("failed", reason="stored", reason_code="run.interrupted")

    runs = {r["id"]: r for r in admin_client.get(PROGRESS).json()["runs"]}
    assert runs[held.pk]["state"] == "attention"
    assert runs[held.pk]["status_label"] == "needs attention"
    assert "2 orders are held back" in runs[held.pk]["state_words"]
    assert runs[held.pk]["per_kind"][0] == ["orders", [["read", 5], ["updated", 3], ["skipped", 2]]]
    assert runs[held.pk]["per_kind"][1] == ["partners", [["created", 1]]]
    assert runs[failed.pk]["state"] == "failed" and runs[failed.pk]["status_label"] == "failed"
    # The reason in the reader's language, from its code (not the stored sentence).
    assert runs[failed.pk]["reason"] == "The run was interrupted."

    html = admin_client.get(SYNC).content.decode()
    assert 'data-state="attention"' in html and 'data-state="failed"' in html
    assert "orders: read 5, updated 3, skipped 2" in html

    page = admin_client.get(f"{SYNC}{failed.pk}/change/").content.decode()
    assert "The run was interrupted." in page and "stored" not in page.split("content-main")[1]
    home = admin_client.get("/admin/").content.decode()
    assert "needs attention" in home


def test_run_names_are_in_local_time(admin_client):
    run = make("succeeded")
    run.started_at = timezone.now().replace(hour=23, minute=30)
    run.save()
    local = date_format(timezone.localtime(run.started_at), "SHORT_DATETIME_FORMAT")
    assert local in run_name(run)
    page = admin_client.get(f"{SYNC}{run.pk}/change/").content.decode()
    assert local in page
    logs = admin_client.get("/admin/connector/synclog/").content.decode()
    assert local in logs  # the run filter names runs in local time too


def test_log_lines_in_the_readers_language(admin_client):
    run = make("succeeded")
    coded_log(run, "info", "orders.created", kind="order", shop_id="7", number="7",
              flowii_number="OP1")  # fmt: skip
    run.logs.update(message="Objednávka 7 vytvorená.")
    html = admin_client.get("/admin/connector/synclog/").content.decode()
    assert "Order 7 created in FLOWii as received order OP1." in html
    assert "Objednávka 7 vytvorená." not in html
