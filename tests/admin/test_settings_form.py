"""The Settings page's own rules through Django's test client: one record, write-only
secrets, the schedule and number fields, the saved FLOWii ids kept when FLOWii fails, and
no secret on any admin page."""

from __future__ import annotations

import pytest
from django.db import connection
from django_q.models import Schedule

from connector.admin.choices import category_tree
from connector.models import Link, PaymentMapping, Settings, ShippingMapping, SyncLog, SyncRun
from connector.scheduling import PURGE_NAME, SYNC_NAME
from tests.admin.helpers import (
    PAYMENTS_URL,
    SECRETS,
    SETTINGS_URL,
    SHIPPING_URL,
    form_data,
    seeded_settings,
    staff,
)

pytestmark = pytest.mark.django_db


def test_settings_list_opens_the_one_record(admin_client):
    response = admin_client.get("/admin/connector/settings/")
    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL
    assert admin_client.get("/admin/connector/settings/add/").status_code == 403


def test_view_only_settings_permission_does_not_open_settings(client):
    # A read-only page would print every field: viewing needs the change permission.
    staff(client, "view_settings")
    assert client.get(SETTINGS_URL).status_code == 403
    assert client.post("/admin/connector/settings/check/").status_code == 403


def test_settings_page_says_which_secrets_are_set(admin_client, no_flowii):
    seeded_settings(shop_consumer_secret="")
    html = admin_client.get(SETTINGS_URL).content.decode()
    assert html.count("Set. Leave empty to keep the stored value.") == 3
    assert html.count("Not set.") == 1


def test_secrets_are_kept_when_left_empty(admin_client, no_flowii, no_connection_check):
    settings = seeded_settings()
    response = admin_client.post(SETTINGS_URL, form_data(settings, flowii_email="new@shop.test"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = Settings.objects.get(pk=1)
    assert saved.flowii_email == "new@shop.test"
    for name, value in SECRETS.items():
        assert getattr(saved, name) == value


def test_a_secret_typed_in_replaces_the_stored_one(admin_client, no_flowii, no_connection_check):
    settings = seeded_settings()
    admin_client.post(SETTINGS_URL, form_data(settings, flowii_password="brand-new-pass"))
    saved = Settings.objects.get(pk=1)
    assert saved.flowii_password == "brand-new-pass"
    assert saved.flowii_api_key == SECRETS["flowii_api_key"]
    with connection.cursor() as cursor:  # stored encrypted: the clear value is not there
        cursor.execute("SELECT flowii_password FROM connector_settings WHERE id = 1")
        assert "brand-new-pass" not in cursor.fetchone()[0]


@pytest.mark.parametrize("minutes", [0, 1, 4])
def test_schedule_under_five_minutes_is_refused(admin_client, no_flowii, minutes):
    settings = seeded_settings()
    response = admin_client.post(
        SETTINGS_URL, form_data(settings, schedule="interval", schedule_minutes=minutes)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "5 or more" in str(errors["schedule_minutes"])
    assert Settings.objects.get(pk=1).schedule == Settings.Schedule.OFF
    assert not Schedule.objects.filter(name=SYNC_NAME).exists()


def test_daily_schedule_needs_a_time(admin_client, no_flowii):
    settings = seeded_settings()
    response = admin_client.post(
        SETTINGS_URL, form_data(settings, schedule="daily", schedule_time="")
    )
    assert "schedule_time" in response.context["adminform"].form.errors
    response = admin_client.post(
        SETTINGS_URL, form_data(settings, schedule="daily", schedule_time="25:61")
    )
    assert "schedule_time" in response.context["adminform"].form.errors


@pytest.mark.parametrize(
    "field, value",
    [
        ("log_retention_days", 0),
        ("order_export_concurrency", 0),
        ("order_export_concurrency", 17),
        ("order_maturity_days", 366),
        ("order_maturity_days", -1),
    ],
)
def test_numbers_out_of_range_are_refused(admin_client, no_flowii, field, value):
    settings = seeded_settings()
    response = admin_client.post(SETTINGS_URL, form_data(settings, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors


def test_schedule_rows_follow_the_setting(admin_client, no_flowii, no_connection_check):
    settings = seeded_settings()
    post = lambda **changes: admin_client.post(SETTINGS_URL, form_data(settings, **changes))  # noqa: E731

    assert post(schedule="interval", schedule_minutes=15).status_code == 302
    row = Schedule.objects.get(name=SYNC_NAME)
    assert (row.schedule_type, row.minutes, row.func) == (
        Schedule.MINUTES,
        15,
        "connector.tasks.scheduled_sync",
    )
    assert Schedule.objects.filter(name=PURGE_NAME, schedule_type=Schedule.DAILY).exists()
    settings.refresh_from_db()
    assert post(schedule="daily", schedule_time="06:30").status_code == 302
    assert Schedule.objects.get(name=SYNC_NAME).schedule_type == Schedule.DAILY
    settings.refresh_from_db()
    assert post(schedule="off").status_code == 302
    assert not Schedule.objects.filter(name=SYNC_NAME).exists()
    assert Schedule.objects.filter(name=PURGE_NAME).exists()


def test_flowii_lists_keep_saved_ids_when_flowii_fails(admin_client, no_connection_check):
    # FLOWii at a closed port: the page says so, the selects still hold the saved ids, and
    # saving (to fix the login, say) keeps them.
    settings = seeded_settings(
        flowii_company_id=4523, supplier_company_data_id=37, shipping_category_ids=[2181]
    )
    response = admin_client.get(SETTINGS_URL)
    html = response.content.decode()
    assert "FLOWii cannot be reached right now" in html
    form = response.context["adminform"].form
    assert (4523, "#4523 (saved)") in form.fields["flowii_company_id"].choices
    assert (37, "#37 (saved)") in form.fields["supplier_company_data_id"].choices
    assert (2181, "#2181 (saved)") in form.fields["shipping_category_ids"].choices
    assert '<option value="37" selected>#37 (saved)</option>' in html
    response = admin_client.post(SETTINGS_URL, form_data(settings, flowii_email="x@shop.test"))
    assert response.status_code == 302
    saved = Settings.objects.get(pk=1)
    assert (saved.flowii_company_id, saved.supplier_company_data_id) == (4523, 37)
    assert saved.shipping_category_ids == [2181]


def test_a_choice_flowii_never_offered_is_refused(admin_client, no_flowii):
    settings = seeded_settings(supplier_company_data_id=37)
    response = admin_client.post(SETTINGS_URL, form_data(settings, supplier_company_data_id="999"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "999 is not one of the FLOWii records offered here" in str(
        errors["supplier_company_data_id"]
    )


def test_category_tree_puts_children_under_parents():
    rows = category_tree(
        [
            {"id": 3, "name": "Leaf", "parent_id": 2, "order": 0},
            {"id": 2, "name": "Middle", "parent_id": 1, "order": 0},
            {"id": 1, "name": "Root", "parent_id": None, "order": 1},
            {"id": 4, "name": "Another root", "parent_id": None, "order": 0},
            {"id": 5, "name": "Orphan", "parent_id": 99, "order": 5},
            {"id": 6, "name": "Loop A", "parent_id": 7},
            {"id": 7, "name": "Loop B", "parent_id": 6},
        ]
    )
    assert rows[:5] == [
        (4, "Another root", 0),
        (1, "Root", 0),
        (2, "Middle", 1),
        (3, "Leaf", 2),
        (5, "Orphan", 0),
    ]
    assert {r[0] for r in rows} == {1, 2, 3, 4, 5, 6, 7}


def test_secrets_are_in_no_admin_page(admin_client, no_flowii):
    settings = seeded_settings(schedule="interval", schedule_minutes=10)
    run = SyncRun.objects.create(kind="products", trigger="button", status="failed", reason="x")
    SyncLog.objects.create(run=run, level="error", kind="product", shop_id="5", message="bad")
    link = Link.objects.create(kind="order", shop_id="42", flowii_id=9, flowii_number="OP1")
    ShippingMapping.objects.create(zone_id=1, method_id="flat_rate", instance_id="1", title="K")
    PaymentMapping.objects.create(gateway_id="cod", title="Dobierka")
    pages = [
        "/admin/",
        "/admin/connector/",
        SETTINGS_URL,
        "/admin/connector/settings/1/history/",
        SHIPPING_URL,
        PAYMENTS_URL,
        "/admin/connector/syncrun/",
        f"/admin/connector/syncrun/{run.pk}/change/",
        "/admin/connector/synclog/",
        "/admin/connector/link/",
        f"/admin/connector/link/{link.pk}/change/",
        "/admin/django_q/schedule/",
    ]
    # A form sent back with errors must not echo what was typed into the secret fields.
    typed = {"flowii_password": "typed-Pp55-secret", "shop_consumer_secret": "typed-Cs66-secret"}
    invalid = admin_client.post(
        SETTINGS_URL, form_data(settings, schedule="interval", schedule_minutes=1, **typed)
    )
    assert invalid.status_code == 200
    bodies = {url: admin_client.get(url) for url in pages}
    bodies["settings form with errors"] = invalid
    for url, response in bodies.items():
        assert response.status_code == 200, url
        html = response.content.decode()
        for value in [*SECRETS.values(), *typed.values()]:
            assert value not in html, f"{value} shown on {url}"
