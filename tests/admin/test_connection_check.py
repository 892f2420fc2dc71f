"""The connection check, on save and from the Settings page's button, against the simulated
shop and FLOWii over HTTP: each thing missing named in plain words, never a secret and never
FLOWii's own text."""

from __future__ import annotations

import pytest

from connector.models import Settings
from sandbox import flowii_seed as seed
from sandbox.configure import configure_for_sandbox
from tests.admin.helpers import CHECK_URL, SETTINGS_URL, flowii_only, form_data, messages_of

pytestmark = pytest.mark.django_db


def check(admin_client) -> list[str]:
    response = admin_client.post(CHECK_URL, follow=True)
    assert response.redirect_chain == [(SETTINGS_URL, 302)]
    texts = messages_of(response)
    for text in texts:
        for secret in (seed.PASSWORD + " ", seed.API_KEY, "incorrect", "not valid"):
            assert secret not in text, text
    return texts


def flowii_texts(texts) -> list[str]:
    return [t for t in texts if t.startswith("FLOWii")]


def firm(flowii_server):
    return flowii_server.service.firms[seed.COMPANY_MOJA_FIRMA]


def test_saving_checks_both_connections(admin_client, woo_server, flowii_server):
    settings = configure_for_sandbox(woo_server.url, flowii_server.url)
    response = admin_client.post(SETTINGS_URL, form_data(settings), follow=True)
    texts = messages_of(response)
    assert any(t.startswith("Shop: connected to") and "read and write" in t for t in texts), texts
    assert flowii_texts(texts) == [
        "FLOWii: connected as demo@flowii.test to Moja firma s.r.o.; everything the connector "
        "needs is there."
    ]

    # Credentials that fail are not taken into use: the whole save is refused, in one message.
    settings.refresh_from_db()
    before = (settings.flowii_password, settings.shop_consumer_secret, settings.schedule)
    response = admin_client.post(
        SETTINGS_URL,
        form_data(
            settings,
            flowii_password="wrong",
            shop_consumer_secret="cs_wrong",
            schedule="daily",
            schedule_time="04:00",
        ),
        follow=True,
    )
    assert response.status_code == 200 and not response.redirect_chain
    assert messages_of(response) == []  # no green "changed"
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1, errors
    assert errors[0].startswith("Nothing was saved: the new connection details do not work.")
    assert "FLOWii: the login e-mail or password is wrong." in errors[0]
    assert "Shop: the shop does not accept" in errors[0]
    settings.refresh_from_db()
    assert (settings.flowii_password, settings.shop_consumer_secret, settings.schedule) == before


def test_the_button_checks_without_saving(admin_client, woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    texts = check(admin_client)
    assert any(t.startswith("Shop: connected to") for t in texts), texts
    assert flowii_texts(texts)[0].startswith("FLOWii: connected as demo@flowii.test")
    assert admin_client.get(CHECK_URL).status_code == 405
    assert 'id="connector-check"' in admin_client.get(SETTINGS_URL).content.decode()


def test_a_wrong_api_key_is_named(admin_client, flowii_server):
    flowii_only(flowii_server.url, flowii_api_key="not-the-key")
    assert flowii_texts(check(admin_client)) == [
        "FLOWii: the API key is wrong. Copy it again from FLOWii (Settings › Extensions › API) "
        "and save."
    ]


def test_a_wrong_password_is_named(admin_client, flowii_server):
    flowii_only(flowii_server.url, flowii_password="wrong")
    texts = flowii_texts(check(admin_client))
    assert texts == ["FLOWii: the login e-mail or password is wrong. Check them and save again."]
    # The page's lists say it too, and keep what was saved.
    Settings.objects.filter(pk=1).update(supplier_company_data_id=seed.CD_MOJA_FIRMA)
    html = admin_client.get(SETTINGS_URL).content.decode()
    assert "FLOWii: the login e-mail or password is wrong" in html
    assert f'<option value="{seed.CD_MOJA_FIRMA}" selected>#{seed.CD_MOJA_FIRMA} (saved)' in html


def test_a_missing_number_series_is_named(admin_client, woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    service = flowii_server.service
    with service.lock:
        del firm(flowii_server).numbering_sequences[seed.SEQ_OP]
    texts = flowii_texts(check(admin_client))
    assert (
        "FLOWii: no number series for received orders in the chosen company data (Moja "
        "firma s.r.o.). Create one in FLOWii, then choose it here."
    ) in texts
    assert not any("connected as" in t for t in texts)


def test_a_missing_partners_permission_is_named(admin_client, woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    service = flowii_server.service
    with service.lock:
        for permission in firm(flowii_server).permissions.values():
            if permission["modul"] == 2:
                permission["visible"] = False
    texts = flowii_texts(check(admin_client))
    assert texts == [
        "FLOWii: the login may not use the Partners module in Moja firma s.r.o., so customers "
        "cannot be sent. Give this user the Partners permission in FLOWii."
    ]


def test_a_firm_the_login_may_not_use_is_named(admin_client, flowii_server):
    flowii_only(flowii_server.url, flowii_company_id=777)
    assert flowii_texts(check(admin_client)) == [
        "FLOWii: the login may not use this firm (#777). Choose one of the firms it may use and "
        "save."
    ]


def test_several_firms_and_none_chosen_asks_for_the_firm(admin_client, flowii_server):
    flowii_only(flowii_server.url)
    texts = flowii_texts(check(admin_client))
    assert texts == [
        "FLOWii: connected as demo@flowii.test; the login may use 2 firms. Choose the firm under "
        "“From your FLOWii account” and save."
    ]
    assert Settings.objects.get(pk=1).flowii_company_id is None


def test_a_choice_gone_from_flowii_and_choices_missing_are_named(admin_client, flowii_server):
    flowii_only(
        flowii_server.url,
        flowii_company_id=seed.COMPANY_MOJA_FIRMA,
        non_stock_unit_id=424242,
        shipping_category_ids=[5],
    )
    texts = flowii_texts(check(admin_client))
    assert (
        "FLOWii: the chosen Unit for non-stock items (#424242) is not in Moja firma s.r.o. any "
        "more. Choose it again."
    ) in texts
    assert (
        "FLOWii: the chosen Shipping categories (#5) is not in Moja firma s.r.o. any more. "
        "Choose it again."
    ) in texts
    assert (
        "FLOWii: to export orders, still choose: Supplier company, Number series for received "
        "orders, Customer type."
    ) in texts


def test_flowii_not_filled_in_is_not_checked(admin_client):
    assert flowii_texts(check(admin_client)) == [
        "FLOWii: not checked; fill in the login e-mail, password and API key."
    ]


def test_flowii_unreachable_is_named(admin_client):
    flowii_only("http://127.0.0.1:9")
    assert flowii_texts(check(admin_client)) == [
        "FLOWii cannot be reached at http://127.0.0.1:9 right now. Try again later; if it keeps "
        "failing, check the FLOWii API address."
    ]
