"""The shop owner's admin in a real browser (Chromium, headless): log in, fill the settings
against the sandbox, pick from the FLOWii data, map shipping and payment, press each one-off
button and watch it finish, read the logs, and see it all in Slovak."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule
from playwright.sync_api import expect

from connector.models import (
    Link,
    PaymentMapping,
    RunLock,
    Settings,
    ShippingMapping,
    SyncLog,
    SyncRun,
)
from connector.scheduling import SYNC_NAME
from sandbox import flowii_seed as seed
from sandbox.configure import configure_for_sandbox
from sandbox.flowii_seed import FLOWII_CHOICES
from tests.browser.conftest import RUN_TIMEOUT, log_in
from tests.conftest import FLOWII_API_KEY, FLOWII_EMAIL, FLOWII_PASSWORD, WOO_KEY, WOO_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SETTINGS = "/admin/connector/settings/"
SYNC = "/admin/connector/syncrun/"
LOGS = "/admin/connector/synclog/"
SHIPPING = "/admin/connector/shippingmapping/"
PAYMENTS = "/admin/connector/paymentmapping/"


def messages(page):
    return page.locator("ul.messagelist")


def save(page):
    page.click("input[name=_save]")


# -- log in and settings -------------------------------------------------------------------


def test_log_in(page, live_server, owner):
    page.goto(f"{live_server.url}{SETTINGS}")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    log_in(page, live_server)
    expect(page.locator("#content-main")).to_contain_text("FLOWii connector")
    page.click("#content-main a[href$='/connector/settings/']")
    expect(page.locator("h1")).to_have_text("Connector settings")


def test_fill_settings_against_the_sandbox(admin_page, live_server, woo_server, flowii_server):
    page = admin_page
    page.goto(f"{live_server.url}{SETTINGS}")
    expect(page.locator(".connector-flowii-error")).to_contain_text("Fill in the FLOWii login")
    expect(page.locator("#id_flowii_password_helptext")).to_have_text("Not set.")
    page.fill("#id_flowii_url", flowii_server.url)
    page.fill("#id_flowii_email", FLOWII_EMAIL)
    page.fill("#id_flowii_password", FLOWII_PASSWORD)
    page.fill("#id_flowii_api_key", FLOWII_API_KEY)
    page.fill("#id_shop_url", woo_server.url)
    page.fill("#id_shop_consumer_key", WOO_KEY)
    page.fill("#id_shop_consumer_secret", WOO_SECRET)
    save(page)

    expect(messages(page)).to_contain_text("Shop: connected to")
    expect(messages(page)).to_contain_text("The shop's prices are entered with VAT.")
    # The sandbox's login may use two firms: the owner picks one.
    expect(messages(page)).to_contain_text("the login may use 2 firms")
    expect(page.locator(".connector-flowii-error")).to_have_count(0)
    expect(page.locator("#id_flowii_password_helptext")).to_contain_text("Set.")
    expect(page.locator("#id_flowii_password")).to_have_value("")
    expect(page.locator("#id_flowii_company_id option")).to_have_count(3)
    page.select_option("#id_flowii_company_id", label="Moja firma s.r.o.")
    save(page)
    expect(messages(page)).to_contain_text("FLOWii: connected as demo@flowii.test to Moja firma")
    expect(messages(page)).to_contain_text("still choose: Supplier company")
    expect(page.locator(".connector-missing-choices")).to_contain_text("Supplier company")

    # The firm's data is offered; the category tree is indented.
    child = page.locator(f"#id_non_stock_category_ids option[value='{seed.CATEGORY_MONTAZ}']")
    assert child.evaluate("o => o.textContent") == "\u00a0" * 4 + "Montáž a servis"
    # The number series follows the supplier company: only its own series are shown.
    series = page.locator("#id_numbering_sequence_id")
    page.select_option("#id_supplier_company_data_id", label="Moja firma Veľkoobchod s.r.o.")
    expect(series).to_have_value(str(seed.SEQ_OPV))
    expect(series.locator(f"option[value='{seed.SEQ_OP}']")).to_be_hidden()
    page.select_option("#id_supplier_company_data_id", label="Moja firma s.r.o.")
    expect(series).to_have_value(str(seed.SEQ_OP))
    page.select_option("#id_business_relationship_id", label="Zákazník")
    subtype = page.locator("#id_business_relationship_subtype_id")
    expect(subtype.locator(f"option[value='{seed.BR_ZAUJEM}']")).to_be_hidden()
    page.select_option("#id_business_relationship_subtype_id", label="Maloobchod")
    page.select_option("#id_non_stock_unit_id", label="ks")
    page.select_option("#id_non_stock_category_ids", [str(seed.CATEGORY_SLUZBY)])
    page.select_option("#id_shipping_category_ids", [str(seed.CATEGORY_DOPRAVA)])
    page.select_option("#id_partner_custom_field_id", label="ID v e-shope")
    expect(page.locator("#id_stock_attribute_helptext")).to_contain_text("offers no stock count")

    # A schedule under five minutes is refused, then a valid one is saved.
    page.select_option("#id_schedule", "interval")
    page.fill("#id_schedule_minutes", "3")
    save(page)
    expect(page.locator(".field-schedule_minutes .errorlist")).to_contain_text("5 or more")
    page.fill("#id_schedule_minutes", "15")
    save(page)
    expect(messages(page)).to_contain_text("was changed successfully")
    expect(messages(page)).to_contain_text("everything the connector needs is there")
    expect(page.locator(".connector-missing-choices")).to_have_count(0)

    saved = Settings.load()
    assert (
        saved.flowii_company_id,
        saved.supplier_company_data_id,
        saved.numbering_sequence_id,
        saved.business_relationship_id,
        saved.business_relationship_subtype_id,
        saved.non_stock_unit_id,
        saved.partner_custom_field_id,
    ) == (
        seed.COMPANY_MOJA_FIRMA,
        seed.CD_MOJA_FIRMA,
        seed.SEQ_OP,
        seed.BR_ZAKAZNIK,
        seed.BR_MALOOBCHOD,
        seed.UNIT_KS,
        seed.CUSTOM_FIELD_ESHOP_ID,
    )
    assert (saved.non_stock_category_ids, saved.shipping_category_ids) == (
        [seed.CATEGORY_SLUZBY],
        [seed.CATEGORY_DOPRAVA],
    )
    assert (saved.flowii_password, saved.shop_consumer_secret) == (FLOWII_PASSWORD, WOO_SECRET)
    row = Schedule.objects.get(name=SYNC_NAME)
    assert (row.schedule_type, row.minutes) == (Schedule.MINUTES, 15)
    assert FLOWII_PASSWORD not in page.content()

    # The check button says the same without saving.
    page.click("#connector-check")
    expect(messages(page)).to_contain_text("everything the connector needs is there")


def test_wrong_flowii_password_is_reported_in_words(
    admin_page, live_server, woo_server, flowii_server
):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    page = admin_page
    page.goto(f"{live_server.url}{SETTINGS}")
    page.fill("#id_flowii_password", "not-the-password")
    save(page)
    # Credentials that fail are not taken into use: the whole save is refused, in words.
    errors = page.locator("#settings_form .errorlist.nonfield")
    expect(errors).to_contain_text("Nothing was saved: the new connection details do not work.")
    expect(errors).to_contain_text("FLOWii: the login e-mail or password is wrong")
    expect(page.locator("ul.messagelist")).to_have_count(0)
    assert Settings.load().flowii_password != "not-the-password"


# -- mapping ---------------------------------------------------------------------------------


def _map_rows(page, column: str, wanted: dict):
    """`wanted`: {shop key: {field name: FLOWii id}}."""
    for key, fields in wanted.items():
        row = page.locator("#result_list tbody tr").filter(
            has=page.locator(f"td.field-{column}", has_text=re.compile(f"^{re.escape(key)}$"))
        )
        for name, flowii_id in fields.items():
            row.locator(f"td.field-{name} select").select_option(str(flowii_id))
    save(page)


def test_map_shipping_and_payment(admin_page, live_server, woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    ShippingMapping.objects.all().delete()
    PaymentMapping.objects.all().delete()
    page = admin_page

    page.goto(f"{live_server.url}{SHIPPING}")
    expect(page.locator(".connector-hint")).to_contain_text("Refresh from shop")
    page.click("#connector-refresh")
    expect(messages(page)).to_contain_text("Read 4 shipping methods from the shop.")
    enabled = ShippingMapping.objects.filter(enabled=True).count()
    expect(page.locator("tr:has(.connector-unmapped)")).to_have_count(enabled)
    expect(page.locator("td.field-title", has_text="Slovenská pošta")).to_be_visible()
    wanted = {
        key: {"flowii_delivery_type_id": c["delivery_type_id"], "flowii_good_id": c["good_id"]}
        for key, c in FLOWII_CHOICES["shipping_mapping"].items()
    }
    _map_rows(page, "method", wanted)
    expect(messages(page)).to_contain_text("changed successfully")
    expect(page.locator(".connector-unmapped")).to_have_count(0)
    mapped = {
        m.key: {"delivery_type_id": m.flowii_delivery_type_id, "good_id": m.flowii_good_id}
        for m in ShippingMapping.objects.all()
    }
    assert mapped == FLOWII_CHOICES["shipping_mapping"]
    pickup = ShippingMapping.objects.get(method_id="local_pickup")
    assert (pickup.flowii_delivery_type_name, pickup.flowii_good_name) == (
        "Osobný odber",
        "Osobný odber",
    )

    page.goto(f"{live_server.url}{PAYMENTS}")
    page.click("#connector-refresh")
    expect(messages(page)).to_contain_text("payment gateways from the shop.")
    wanted = {
        gateway: {"flowii_payment_method_id": method}
        for gateway, method in FLOWII_CHOICES["payment_mapping"].items()
    }
    _map_rows(page, "gateway", wanted)
    expect(messages(page)).to_contain_text("changed successfully")
    mapped = {p.gateway_id: p.flowii_payment_method_id for p in PaymentMapping.objects.all()}
    assert mapped == FLOWII_CHOICES["payment_mapping"]


# -- the one-off buttons ------------------------------------------------------------------------


def _finished_row(page, kind_label: str):
    row = page.locator("#connector-live-rows tr").filter(has_text=kind_label)
    expect(row).to_have_attribute(
        "data-status", re.compile("^(succeeded|partly_failed|failed)$"), timeout=RUN_TIMEOUT
    )
    return row


def _shown_counts(row) -> dict:
    counts = {}
    for item in row.locator(".connector-count").all():
        counts[item.get_attribute("data-name")] = int(item.locator("b").inner_text())
    return counts


def test_each_button_runs_to_the_end_with_its_counts(
    admin_page, live_server, woo_server, flowii_server, task_worker
):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    page = admin_page
    page.goto(f"{live_server.url}{SYNC}")
    flowii = flowii_server.service.firms[seed.COMPANY_MOJA_FIRMA]  # the firm configured
    shop = woo_server.service.shop
    shop_records_before = len(shop.products) + len(shop.categories)
    buttons = [
        ("products", "Products and categories"),
        ("customers", "Customers"),
        ("orders", "New orders"),
        ("historic-orders", "Earlier orders"),
    ]
    exported_statuses = set(Settings.load().order_statuses)
    for kind, label in buttons:
        partners_before, orders_before = len(flowii.partners), len(flowii.documents)
        page.click(f"button.connector-run[data-kind='{kind}']")
        expect(messages(page)).to_contain_text("has started")
        row = _finished_row(page, label)
        run = SyncRun.objects.get(kind=kind)
        assert run.status == SyncRun.Status.SUCCEEDED, (run.reason, list(run.logs.all()[:5]))
        expect(row.locator(".connector-badge")).to_have_text("succeeded")
        shown = _shown_counts(row)
        assert shown == {
            "read": run.read,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "skipped": run.skipped,
            "failed": run.failed,
        }
        new_partners = len(flowii.partners) - partners_before
        new_orders = len(flowii.documents) - orders_before
        if kind == "products":
            # Every product and category it says it created is new in the shop.
            added = len(shop.products) + len(shop.categories) - shop_records_before
            assert shown["created"] == added > 0
        if kind == "customers":
            # Buyers FLOWii already knows (by e-mail or IČO) are updated, the rest created.
            assert shown["created"] == new_partners > 0
            assert shown["created"] + shown["updated"] == shown["read"]
        if kind == "orders":
            # Every order of an exported status went over; guests became partners on the way.
            wanted = [o for o in shop.orders.values() if o["status"] in exported_statuses]
            assert shown["read"] == new_orders == len(wanted) > 0
            assert shown["created"] == new_orders + new_partners
            assert Link.objects.filter(kind="order").exclude(flowii_number="").count() == new_orders
        if kind == "historic-orders":
            assert new_orders == 0  # the sandbox's orders all count as new: none are earlier
    assert set(task_worker.ran) == {"connector.tasks.run_sync"}


def test_progress_bar_moves_without_reloading(admin_page, live_server):
    run = SyncRun.objects.create(
        kind="products", trigger="schedule", progress_done=2, progress_total=10, read=2
    )
    page = admin_page
    page.goto(f"{live_server.url}{SYNC}")
    bar = page.locator(f"#connector-run-{run.pk} [role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "2")
    page.evaluate("window.stillTheSamePage = true")

    SyncRun.objects.filter(pk=run.pk).update(progress_done=7, read=7, created=6)
    expect(bar).to_have_attribute("aria-valuenow", "7")
    expect(page.locator(f"#connector-run-{run.pk} .connector-progress-text")).to_have_text("7 / 10")
    SyncRun.objects.filter(pk=run.pk).update(
        progress_done=10, read=10, created=9, status="succeeded", finished_at=timezone.now()
    )
    row = page.locator(f"#connector-run-{run.pk}")
    expect(row).to_have_attribute("data-status", "succeeded")
    assert _shown_counts(row)["created"] == 9
    assert page.evaluate("window.stillTheSamePage") is True


def test_a_run_started_just_after_the_page_loads_shows_at_once(admin_page, live_server):
    # Right after a button press the page reloads with nothing running yet: it asks for
    # progress every second for a while (not every 4 s), so the new run's bar is seen.
    page = admin_page
    polls = []
    page.on("request", lambda r: polls.append(r.url) if "progress" in r.url else None)
    page.goto(f"{live_server.url}{SYNC}")
    page.wait_for_timeout(500)
    run = SyncRun.objects.create(
        kind="products", trigger="button", progress_done=1, progress_total=10, read=1
    )
    bar = page.locator(f"#connector-run-{run.pk} [role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "1", timeout=3000)
    assert len(polls) >= 2, polls


def test_a_button_is_refused_while_the_same_kind_runs(admin_page, live_server):
    run = SyncRun.objects.create(kind="products", trigger="schedule")
    RunLock.objects.create(
        name="products", run=run, expires_at=timezone.now() + timedelta(minutes=5)
    )
    page = admin_page
    page.goto(f"{live_server.url}{SYNC}")
    page.click("button.connector-run[data-kind='products']")
    expect(messages(page)).to_contain_text(f"is already running (run #{run.pk}")
    assert SyncRun.objects.count() == 1


# -- logs --------------------------------------------------------------------------------------


def test_filter_and_search_the_logs(admin_page, live_server):
    first = SyncRun.objects.create(kind="products", trigger="button", status="succeeded")
    second = SyncRun.objects.create(kind="orders", trigger="button", status="partly_failed")
    SyncLog.objects.create(
        run=first, level="info", kind="product", shop_id="11", flowii_id="501", message="created A"
    )
    SyncLog.objects.create(
        run=second, level="error", kind="order", shop_id="77", message="unmapped B"
    )
    SyncLog.objects.create(
        run=second, level="info", kind="order", shop_id="78", flowii_id="902", message="sent C"
    )
    page = admin_page
    rows = page.locator("#result_list tbody tr")
    page.goto(f"{live_server.url}{LOGS}")
    expect(rows).to_have_count(3)

    page.locator("#changelist-filter a[href*='level__exact=error']").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("unmapped B")

    page.goto(f"{live_server.url}{LOGS}")
    page.locator(f"#changelist-filter a[href*='run={second.pk}']").click()
    expect(rows).to_have_count(2)
    page.locator("#changelist-filter a[href*='kind__exact=order']").click()
    expect(rows).to_have_count(2)

    page.goto(f"{live_server.url}{LOGS}")
    page.fill("#searchbar", "902")
    page.press("#searchbar", "Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("sent C")


# -- Slovak --------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["sk-SK"])
def test_the_browser_language_picks_slovak(admin_page, live_server, locale):
    page = admin_page
    expect(page.locator("#content-main")).to_contain_text("FLOWii konektor")
    page.goto(f"{live_server.url}{SYNC}")
    expect(page.locator("h1")).to_have_text("Synchronizácia")
    expect(page.locator("button.connector-run[data-kind='products']")).to_have_text(
        "Importovať všetky produkty a kategórie"
    )
    page.goto(f"{live_server.url}{SETTINGS}")
    expect(page.locator("h1")).to_have_text("Nastavenia konektora")
    expect(page.locator("fieldset h2").first).to_have_text("Pripojenie k FLOWii")
    expect(page.locator("label[for=id_flowii_password]")).to_contain_text("Heslo do FLOWii")
