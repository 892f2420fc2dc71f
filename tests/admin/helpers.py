"""What the admin page tests share: the settings form as a browser posts it, settings with
known secrets or pointing at the FLOWii simulator, the messages of a page, and switches that
keep FLOWii or the connection check out of a test."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from connector.models import Settings
from sandbox.flowii_seed import API_KEY, EMAIL, PASSWORD

SETTINGS_URL = "/admin/connector/settings/1/change/"
CHECK_URL = "/admin/connector/settings/check/"
SHIPPING_URL = "/admin/connector/shippingmapping/"
PAYMENTS_URL = "/admin/connector/paymentmapping/"

# Distinctive values: any of them in a page's HTML is a leak.
SECRETS = {
    "flowii_password": "pw-Zq81-never-shown",
    "flowii_api_key": "key-Kx42-never-shown",
    "shop_consumer_key": "ck_Ym73_never_shown",
    "shop_consumer_secret": "cs_Wv19_never_shown",
}
FLOWII_FIELDS = (
    "flowii_company_id",
    "supplier_company_data_id",
    "numbering_sequence_id",
    "business_relationship_id",
    "business_relationship_subtype_id",
    "non_stock_unit_id",
    "partner_custom_field_id",
)


def _blank(value):
    return "" if value is None else value


def form_data(settings: Settings, **overrides) -> dict:
    """The settings form as a browser would post it back unchanged (secrets left empty)."""
    local = timezone.localtime(settings.new_orders_from) if settings.new_orders_from else None
    data = {
        "flowii_url": settings.flowii_url,
        "flowii_email": settings.flowii_email,
        "flowii_password": "",
        "flowii_api_key": "",
        "shop_url": settings.shop_url,
        "shop_consumer_key": "",
        "shop_consumer_secret": "",
        **{name: _blank(getattr(settings, name)) for name in FLOWII_FIELDS},
        "non_stock_category_ids": [str(i) for i in settings.non_stock_category_ids],
        "shipping_category_ids": [str(i) for i in settings.shipping_category_ids],
        "stock_attribute": settings.stock_attribute,
        "order_statuses": list(settings.order_statuses),
        "new_orders_from_0": local.strftime("%Y-%m-%d") if local else "",
        "new_orders_from_1": local.strftime("%H:%M:%S") if local else "",
        "prices_with_vat": settings.prices_with_vat,
        "order_maturity_days": settings.order_maturity_days,
        "order_ico_key": settings.order_ico_key,
        "order_dic_key": settings.order_dic_key,
        "order_ic_dph_key": settings.order_ic_dph_key,
        "customer_ico_key": settings.customer_ico_key,
        "customer_dic_key": settings.customer_dic_key,
        "customer_ic_dph_key": settings.customer_ic_dph_key,
        "schedule": settings.schedule,
        "schedule_minutes": settings.schedule_minutes,
        "schedule_time": settings.schedule_time.strftime("%H:%M") if settings.schedule_time else "",
        "log_retention_days": settings.log_retention_days,
        "order_export_concurrency": settings.order_export_concurrency,
        "alert_emails": settings.alert_emails,
        "alert_no_success_hours": settings.alert_no_success_hours,
        "alert_failed_percent": settings.alert_failed_percent,
    }
    data.update(overrides)
    return data


def seeded_settings(**fields) -> Settings:
    """Settings with the known secret values, pointing nowhere reachable (port 9)."""
    settings = Settings.load()
    settings.flowii_url = "http://127.0.0.1:9"
    settings.flowii_email = "owner@shop.test"
    settings.shop_url = "http://127.0.0.1:9"
    for name, value in {**SECRETS, **fields}.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def flowii_only(url: str, **fields) -> Settings:
    """Settings that reach the FLOWii simulator (the shop side stays unset)."""
    settings = Settings.load()
    settings.flowii_url = url
    settings.flowii_email = EMAIL
    settings.flowii_password = PASSWORD
    settings.flowii_api_key = API_KEY
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def errors_of(response) -> dict:
    return {k: " ".join(v) for k, v in response.context["adminform"].form.errors.items()}


def staff(client, *perms: str) -> User:
    user = User.objects.create_user("clerk", password="x", is_staff=True)
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    return user


@pytest.fixture
def no_connection_check(monkeypatch):
    """Saves without asking the remote systems (these tests are about the form)."""
    from connector.admin import settings as settings_admin

    monkeypatch.setattr(settings_admin, "check_connections", lambda s, **kw: [])


@pytest.fixture
def no_flowii(monkeypatch):
    """The FLOWii lists as if FLOWii gave nothing, without a network call."""
    from connector.admin.choices import FlowiiData

    def fail(self, name, fetch, firm=True):
        self.error = "FLOWii: not asked in this test."
        return []

    monkeypatch.setattr(FlowiiData, "_read", fail)


def coded_log(run, level: str, code: str, *, kind="", shop_id="", flowii_id="", **params):
    """A log line as a stream writes it: the sentence (in the active language) with its code
    and values, which the pages render in the reader's language."""
    from connector.models import SyncLog
    from connector.wording import words

    text = words(code, **params)
    stored = text.stored()
    return SyncLog.objects.create(
        run=run,
        level=level,
        kind=kind,
        shop_id=str(shop_id),
        flowii_id=str(flowii_id),
        message=str(text),
        code=stored["code"],
        params=stored["params"],
    )


def held_line(run, order_id, refusal: str, **params):
    """The orders stream's line for an order held back by an unmapped method."""
    from connector.wording import words

    return coded_log(
        run,
        "error",
        "orders.held",
        kind="order",
        shop_id=order_id,
        number=order_id,
        reason=words(refusal, **params),
    )
