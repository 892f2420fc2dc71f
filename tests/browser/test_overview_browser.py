"""The Overview, a run that needs attention, and one order's page in Chromium, in English and
Slovak (the Slovak catalogue is filled in later: here the pages must work in it). Screenshots
go to SCREENSHOTS (default /tmp) for a person to look at."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from connector.models import Link, OrderExport, ShippingMapping, SyncLog, SyncRun
from connector.sync import runner
from sandbox.configure import configure_for_sandbox
from tests.admin.helpers import coded_log, held_line
from tests.browser.conftest import RUN_TIMEOUT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp"))


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def lang(locale: str) -> str:
    return locale.split("-")[0]


def waiting_world():
    """A run that held orders back and failed some, an order waiting for the operator."""
    now = timezone.now()
    good = SyncRun.objects.create(
        kind="products", trigger="schedule", status="succeeded", read=12, updated=12,
        counts_by_kind={"product": {"read": 10, "updated": 10}, "category": {"read": 2,
                                                                              "updated": 2}},
        started_at=now - timedelta(minutes=30), finished_at=now - timedelta(minutes=29),
    )  # fmt: skip
    held = SyncRun.objects.create(
        kind="orders", trigger="schedule", status="partly_failed", read=6, created=2, skipped=3,
        failed=1, counts_by_kind={"order": {"read": 6, "created": 2, "skipped": 3, "failed": 1}},
        started_at=now - timedelta(minutes=10), finished_at=now - timedelta(minutes=9),
        reason_code="run.partly_failed", reason_params={"n": 1}, reason="1 records failed",
    )  # fmt: skip
    for order in ("101", "102", "103"):
        held_line(held, order, "order.shipping_unmapped", name="Kuriér", method_id="flat_rate",
                  instance_id="1")  # fmt: skip
    coded_log(held, "error", "orders.unknown", kind="order", shop_id="104", number="104",
              error="timeout")  # fmt: skip
    OrderExport.objects.create(
        shop_order_id="104", shop_number="104", state="operator", partner_id=3, total="42.00",
        candidates=[{"id": 9001, "serial_nr": "OP2026009001", "total": "42.00"},
                    {"id": 9002, "serial_nr": "OP2026009002", "total": "42.00"}],
    )  # fmt: skip
    return good, held


@pytest.mark.parametrize("locale", ["en-US", "sk-SK"])
def test_the_overview_says_what_waits(admin_page, live_server, locale):
    waiting_world()
    page = admin_page
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("html")).to_have_attribute("lang", lang(locale))
    verdict = page.locator("#connector-verdict")
    expect(verdict).to_have_class("connector-panel connector-verdict not-in-sync")
    problems = page.locator("#connector-problems > li")
    expect(
        problems.filter(has=page.locator("a[href='/admin/connector/shippingmapping/']"))
    ).to_have_count(1)
    expect(
        page.locator("li[data-problem='operator'] a[href='/admin/connector/link/order/104/']")
    ).to_have_count(1)
    expect(page.locator(".connector-run-row[data-state='attention']")).to_have_count(1)
    expect(page.locator(".connector-run-row[data-state='ok']")).to_have_count(1)
    expect(page.locator("#connector-chart svg")).to_be_visible()
    expect(page.locator("#connector-technical")).to_have_count(1)
    if locale == "en-US":
        expect(verdict).to_contain_text("3 orders wait: shipping method “Kuriér” is not mapped")
        expect(verdict).to_contain_text("1 order waits for you to say which FLOWii document it is")
    shot(page, f"overview-{lang(locale)}")
    # The fix is one click away.
    page.click("li[data-problem^='held-shipping'] a.connector-fix")
    expect(page).to_have_url(f"{live_server.url}/admin/connector/shippingmapping/")


@pytest.mark.parametrize("locale", ["en-US", "sk-SK"])
def test_a_run_that_needs_attention_is_not_green(admin_page, live_server, locale):
    _good, held = waiting_world()
    failed = SyncRun.objects.create(
        kind="customers", trigger="button", status="failed", reason_code="run.interrupted",
        reason="The run was interrupted.", progress_done=3, progress_total=10,
        finished_at=timezone.now(),
    )  # fmt: skip
    page = admin_page
    page.goto(f"{live_server.url}/admin/connector/syncrun/")
    row = page.locator(f"#connector-run-{held.pk}")
    expect(row.locator(".connector-badge")).to_have_attribute("data-state", "attention")
    expect(row.locator(".connector-bar")).to_have_class("connector-bar connector-bar-attention")
    expect(row.locator(".connector-kind")).to_have_count(1)
    bad = page.locator(f"#connector-run-{failed.pk}")
    expect(bad.locator(".connector-bar")).to_have_class("connector-bar connector-bar-failed")
    if locale == "en-US":
        expect(row.locator(".connector-badge")).to_have_text("needs attention")
        expect(row).to_contain_text("3 orders are held back")
        expect(bad.locator(".connector-progress-text")).to_contain_text("failed")
        expect(bad).to_contain_text("The run was interrupted.")
    fill = row.locator(".connector-bar-fill")
    color = fill.evaluate("e => getComputedStyle(e).backgroundColor")
    assert color != "rgb(60, 141, 60)"  # not the green of a good run
    # The runs list says the same.
    expect(page.locator("#result_list [data-state='attention']")).to_have_count(1)
    shot(page, f"sync-needs-attention-{lang(locale)}")


@pytest.mark.parametrize("locale", ["en-US", "sk-SK"])
def test_an_operator_links_the_right_document(admin_page, live_server, locale):
    waiting_world()
    page = admin_page
    page.goto(f"{live_server.url}/admin/connector/link/order/104/")
    expect(page.locator("#connector-order-state")).to_have_attribute("data-state", "operator")
    expect(page.locator("#connector-candidates tr[data-candidate]")).to_have_count(2)
    shot(page, f"order-operator-{lang(locale)}")
    # "None of these" needs the box ticked.
    page.click("#connector-send-anyway-button")
    expect(page.locator("ul.messagelist .error")).to_have_count(1)
    assert OrderExport.objects.get(shop_order_id="104").state == "operator"
    page.locator("tr[data-candidate='9002'] button.connector-this-one").click()
    expect(page.locator("#connector-order-state")).to_have_attribute("data-state", "exported")
    expect(page.locator("#connector-order-flowii")).to_contain_text("OP2026009002")
    expect(page.locator("tr.connector-attempt.resolved[data-code='orders.unknown']")).to_have_count(
        1
    )
    link = Link.objects.get(kind="order", shop_id="104")
    assert (link.flowii_id, link.needs_write_back) == (9002, True)
    shot(page, f"order-linked-{lang(locale)}")


def test_send_again_shows_its_result(admin_page, live_server, woo_server, flowii_server,
                                     task_worker):  # fmt: skip
    configure_for_sandbox(woo_server.url, flowii_server.url)
    saved = {m.pk: m.flowii_delivery_type_id for m in ShippingMapping.objects.all()}
    ShippingMapping.objects.update(flowii_delivery_type_id=None)
    runner.run("orders")
    shop_id = SyncLog.objects.filter(code="orders.held").order_by("id").first().shop_id
    for pk, delivery in saved.items():
        ShippingMapping.objects.filter(pk=pk).update(flowii_delivery_type_id=delivery)
    page = admin_page
    page.goto(f"{live_server.url}/admin/connector/link/order/{shop_id}/")
    expect(page.locator("#connector-order-state")).to_have_attribute("data-state", "held")
    page.click("#connector-resend")
    # The page polls the re-send and shows its outcome when the run has ended.
    expect(page.locator("#connector-resend-result")).to_have_attribute(
        "data-done", "1", timeout=RUN_TIMEOUT
    )
    expect(page.locator("#connector-order-state")).to_have_attribute("data-state", "exported")
    expect(page.locator("tr.connector-attempt.resolved[data-code='orders.held']")).to_have_count(1)
    shot(page, "order-sent-again-en")
