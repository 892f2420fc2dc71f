"""The preview in a real browser (Chromium, headless): press Preview beside "Import all
products" on the Synchronisation page, read what it would do, see that neither simulator was
written to, then do it from the preview page and find the run doing what was listed; and
the waiting page's bar while a preview runs as in the worker."""

from __future__ import annotations

import re

import pytest
from django_q.conf import Conf
from playwright.sync_api import expect

from connector.models import SyncLog, SyncRun
from sandbox.configure import configure_for_sandbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SYNC = "/admin/connector/syncrun/"


@pytest.fixture
def inline_tasks(monkeypatch):
    """django-q runs each task as it is queued and keeps its result, as a cluster does."""
    monkeypatch.setattr(Conf, "SYNC", True)


def writes(server) -> dict:
    counted = server.service.stats_snapshot()["by_path"]
    return {
        k: n for k, n in counted.items() if n and not k.startswith("GET ") and k != "POST /token"
    }


def test_preview_products_then_do_it(
    admin_page, live_server, woo_server, flowii_server, inline_tasks
):
    page = admin_page
    configure_for_sandbox(woo_server.url, flowii_server.url)
    woo_server.service.stats.clear()
    flowii_server.service.stats.clear()
    page.goto(f"{live_server.url}{SYNC}")
    page.click("button.connector-preview[data-kind='products']")
    expect(page.locator("#connector-preview")).to_have_attribute("data-state", "ready")
    expect(page.locator("h1")).to_contain_text("Preview: Import all products and categories")
    created = int(page.locator("#connector-preview-count-created").inner_text())
    linked = int(page.locator("#connector-preview-count-linked").inner_text())
    assert created > 0 and linked > 0
    expect(page.locator("tr[data-list='linked']")).to_contain_text("by SKU")
    expect(page.locator("#connector-preview-reasons")).to_contain_text("left out")
    expect(page.locator("#connector-preview-linked")).to_contain_text("→")
    assert writes(woo_server) == {} and writes(flowii_server) == {}
    assert SyncRun.objects.count() == 0

    page.click("#connector-preview-run button")
    expect(page.locator("ul.messagelist")).to_contain_text("has started")
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SUCCEEDED
    made = SyncLog.objects.filter(run=run, code__in=["product.created", "category.created"])
    linked_now = SyncLog.objects.filter(run=run, code__in=["product.linked", "category.linked"])
    assert (made.count(), linked_now.count()) == (created, linked)
    assert writes(woo_server)  # the real action did write


def test_the_waiting_page_shows_the_bar_of_a_preview_running_in_the_worker(
    admin_page, live_server, woo_server, flowii_server
):
    """The preview runs in another thread, as in the worker, slowed down by the simulators;
    the page, refreshing itself, shows its bar with the figures and then the report."""
    import threading
    import uuid

    import requests
    from django.db import connection
    from django.utils import timezone
    from django_q.models import Task

    from connector import preview as previews
    from connector.models import PreviewProgress

    page = admin_page
    configure_for_sandbox(woo_server.url, flowii_server.url)
    for server in (woo_server, flowii_server):
        answer = requests.post(f"{server.url}/__sandbox__/faults", json={"latency_ms": 150})
        assert answer.ok, answer.text
        server.service.stats.clear()
    task_id = uuid.uuid4().hex

    def worker():
        try:
            started = timezone.now()
            report = previews.preview("products", task_id=task_id)
            Task.objects.create(  # as the cluster keeps the task's result
                id=task_id,
                name="preview",
                func=previews.TASK,
                args=("products",),
                result=report,
                started=started,
                stopped=timezone.now(),
                success=True,
            )
        finally:
            connection.close()

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        page.goto(f"{live_server.url}{SYNC}preview/products/{task_id}/")
        bar = page.locator("#connector-preview-progress [role='progressbar']")
        # The goods FLOWii has, counted up (the page reloads itself meanwhile).
        expect(bar).to_have_attribute("aria-valuemax", re.compile(r"^[1-9]\d*$"), timeout=20000)
        text = page.locator("#connector-preview-progress .connector-progress-text")
        expect(text).to_have_text(re.compile(r"^\d+ / [1-9]\d* · products$"))
        expect(page.locator("#connector-preview")).to_have_attribute(
            "data-state", "ready", timeout=30000
        )
    finally:
        thread.join(timeout=60)
    assert int(page.locator("#connector-preview-count-created").inner_text()) > 0
    assert PreviewProgress.objects.count() == 0
    assert writes(woo_server) == {} and writes(flowii_server) == {}
