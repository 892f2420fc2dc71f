"""The preview in a real browser (Chromium, headless): press Preview beside "Import all
products" on the Synchronisation page, read what it would do, see that neither simulator was
written to, then do it from the preview page and find the run doing what was listed."""

from __future__ import annotations

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
