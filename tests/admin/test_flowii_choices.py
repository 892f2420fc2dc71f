"""The Settings page's FLOWii choices read over HTTP from the simulated FLOWii account (two
firms): the firms, company data and their number series, customer types and subtypes, units,
the two-level category tree, text custom fields, the stock attribute; each choice checked
against the account on save; the one firm chosen by itself; the migration's leftovers."""

from __future__ import annotations

import pytest

from connector.models import Settings
from sandbox import flowii_seed as seed
from tests.admin.helpers import SETTINGS_URL, errors_of, flowii_only, form_data, messages_of

pytestmark = pytest.mark.django_db

INDENT = "\u00a0" * 4
CHOSEN = {
    "flowii_company_id": seed.COMPANY_MOJA_FIRMA,
    "supplier_company_data_id": seed.CD_MOJA_FIRMA,
    "numbering_sequence_id": seed.SEQ_OP,
    "business_relationship_id": seed.BR_ZAKAZNIK,
    "business_relationship_subtype_id": seed.BR_MALOOBCHOD,
    "non_stock_unit_id": seed.UNIT_KS,
}


def choices(form, name) -> dict:
    """A select's options as {value: label}, groups flattened."""
    out = {}
    for value, label in form.fields[name].choices:
        if isinstance(label, list | tuple):
            out.update(dict(label))
        else:
            out[value] = label
    return out


def groups(form, name) -> dict:
    return {
        label: dict(rows)
        for label, rows in form.fields[name].choices
        if isinstance(rows, list | tuple)
    }


def test_the_page_offers_the_accounts_data(admin_client, flowii_server):
    flowii_only(flowii_server.url, **CHOSEN)
    response = admin_client.get(SETTINGS_URL)
    html = response.content.decode()
    form = response.context["adminform"].form
    assert "connector-flowii-error" not in html
    assert choices(form, "flowii_company_id") == {
        "": "---------",
        seed.COMPANY_MOJA_FIRMA: "Moja firma s.r.o.",
        seed.COMPANY_KAVIAREN: "Kaviareň Pod hradom s.r.o.",
    }
    assert choices(form, "supplier_company_data_id") == {
        "": "---------",
        seed.CD_MOJA_FIRMA: "Moja firma s.r.o.",
        seed.CD_MOJA_FIRMA_VO: "Moja firma Veľkoobchod s.r.o.",
    }
    # Received-order series only (not the invoices'), grouped by their company data, each
    # option saying whose it is so the page shows only the chosen company data's.
    assert groups(form, "numbering_sequence_id") == {
        "Moja firma s.r.o.": {seed.SEQ_OP: "Prijaté objednávky (OP{YYYY}{NNNN})"},
        "Moja firma Veľkoobchod s.r.o.": {seed.SEQ_OPV: "Prijaté objednávky VO (OPV{YYYY}{NNNN})"},
    }
    assert f'data-parent="{seed.CD_MOJA_FIRMA_VO}"' in html
    assert 'data-follows="supplier_company_data_id"' in html
    assert choices(form, "business_relationship_id") == {
        "": "---------",
        seed.BR_ZAKAZNIK: "Zákazník",
        seed.BR_ODBERATEL: "Odberateľ",
        seed.BR_DODAVATEL: "Dodávateľ",
        seed.BR_POTENCIALNY: "Potenciálny zákazník",
    }
    assert groups(form, "business_relationship_subtype_id") == {
        "Zákazník": {seed.BR_MALOOBCHOD: "Maloobchod", seed.BR_VELKOOBCHOD: "Veľkoobchod"},
        "Potenciálny zákazník": {seed.BR_ZAUJEM: "Záujem", seed.BR_NEZAUJEM: "Nezáujem"},
    }
    assert choices(form, "non_stock_unit_id")[seed.UNIT_KS] == "ks"
    assert len(choices(form, "non_stock_unit_id")) == 6
    categories = form.fields["non_stock_category_ids"].choices
    labels = dict(categories)
    assert labels[seed.CATEGORY_SLUZBY] == "Služby"
    assert labels[seed.CATEGORY_MONTAZ] == INDENT + "Montáž a servis"
    ids = [value for value, _label in categories]
    assert ids.index(seed.CATEGORY_MONTAZ) == ids.index(seed.CATEGORY_SLUZBY) + 1
    assert dict(form.fields["shipping_category_ids"].choices)[seed.CATEGORY_DOPRAVA] == "Doprava"
    # Text custom fields only: "Zľava %" is a number.
    assert choices(form, "partner_custom_field_id") == {
        "": "— none —",
        seed.CUSTOM_FIELD_ESHOP_ID: "ID v e-shope",
    }
    assert f'<option value="{seed.SEQ_OP}" selected data-parent="{seed.CD_MOJA_FIRMA}">' in html
    assert "FLOWii&#x27;s published API offers no stock count" in html


def test_a_choice_is_saved_and_checked_against_the_account(
    admin_client, flowii_server, no_connection_check
):
    settings = flowii_only(flowii_server.url, **CHOSEN)
    good = form_data(
        settings,
        numbering_sequence_id="",
        supplier_company_data_id=seed.CD_MOJA_FIRMA_VO,
        business_relationship_subtype_id=seed.BR_VELKOOBCHOD,
        partner_custom_field_id=seed.CUSTOM_FIELD_ESHOP_ID,
        non_stock_category_ids=[str(seed.CATEGORY_SLUZBY)],
        shipping_category_ids=[str(seed.CATEGORY_DOPRAVA)],
    )
    good["numbering_sequence_id"] = seed.SEQ_OPV
    response = admin_client.post(SETTINGS_URL, good)
    assert response.status_code == 302, errors_of(response)
    saved = Settings.objects.get(pk=1)
    assert saved.supplier_company_data_id == seed.CD_MOJA_FIRMA_VO
    assert saved.numbering_sequence_id == seed.SEQ_OPV
    assert saved.business_relationship_subtype_id == seed.BR_VELKOOBCHOD
    assert saved.partner_custom_field_id == seed.CUSTOM_FIELD_ESHOP_ID
    assert saved.shipping_category_ids == [seed.CATEGORY_DOPRAVA]


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"supplier_company_data_id": 999}, "supplier_company_data_id", "999 is not one of"),
        # The series of the other company data: the series follows the company data.
        (
            {"supplier_company_data_id": seed.CD_MOJA_FIRMA_VO},
            "numbering_sequence_id",
            "belongs to Moja firma s.r.o., not to the chosen supplier company "
            "Moja firma Veľkoobchod s.r.o.",
        ),
        (
            {"business_relationship_subtype_id": seed.BR_ZAUJEM},
            "business_relationship_subtype_id",
            "belongs to the customer type Potenciálny zákazník",
        ),
        (
            {"partner_custom_field_id": seed.CUSTOM_FIELD_DISCOUNT},
            "partner_custom_field_id",
            "not one of the FLOWii records offered here",
        ),
        (
            {"non_stock_unit_id": seed.SECOND_FIRM_OFFSET + 11},  # the other firm's "ks"
            "non_stock_unit_id",
            "not one of the FLOWii records offered here",
        ),
        ({"shipping_category_ids": ["5"]}, "shipping_category_ids", "5 is not one of"),
    ],
)
def test_a_wrong_choice_is_refused_in_words(
    admin_client, flowii_server, no_connection_check, changes, field, words
):
    settings = flowii_only(flowii_server.url, **CHOSEN)
    response = admin_client.post(SETTINGS_URL, form_data(settings, **changes))
    assert response.status_code == 200
    assert words in errors_of(response)[field]
    assert Settings.objects.get(pk=1).supplier_company_data_id == seed.CD_MOJA_FIRMA


def test_a_saved_choice_flowii_no_longer_has_is_refused_on_save(
    admin_client, flowii_server, no_connection_check
):
    settings = flowii_only(flowii_server.url, **{**CHOSEN, "non_stock_unit_id": 424242})
    response = admin_client.get(SETTINGS_URL)
    assert (424242, "#424242 (no longer in FLOWii)") in response.context["adminform"].form.fields[
        "non_stock_unit_id"
    ].choices
    response = admin_client.post(SETTINGS_URL, form_data(settings))
    assert response.status_code == 200
    assert (
        "#424242 is not in the FLOWii firm Moja firma s.r.o. (any more)"
        in (errors_of(response)["non_stock_unit_id"])
    )


def test_choosing_another_firm_offers_and_checks_that_firms_records(
    admin_client, flowii_server, no_connection_check
):
    settings = flowii_only(flowii_server.url, **CHOSEN)
    response = admin_client.post(
        SETTINGS_URL, form_data(settings, flowii_company_id=seed.COMPANY_KAVIAREN)
    )
    assert response.status_code == 200  # the first firm's records do not fit the second
    errors = errors_of(response)
    assert "not in the FLOWii firm Kaviareň Pod hradom s.r.o." in errors["supplier_company_data_id"]
    form = response.context["adminform"].form
    assert seed.CD_KAVIAREN in choices(form, "supplier_company_data_id")
    o = seed.SECOND_FIRM_OFFSET
    post = form_data(
        settings,
        flowii_company_id=seed.COMPANY_KAVIAREN,
        supplier_company_data_id=seed.CD_KAVIAREN,
        numbering_sequence_id=seed.SEQ_KAVIAREN_OP,
        business_relationship_id=o + 1,
        business_relationship_subtype_id="",
        non_stock_unit_id=o + 11,
    )
    response = admin_client.post(SETTINGS_URL, post, follow=True)
    assert response.redirect_chain, errors_of(response)
    saved = Settings.objects.get(pk=1)
    assert (saved.flowii_company_id, saved.numbering_sequence_id) == (
        seed.COMPANY_KAVIAREN,
        seed.SEQ_KAVIAREN_OP,
    )
    assert any("The FLOWii firm changed" in m for m in messages_of(response))


def test_the_only_firm_is_chosen_by_itself(admin_client, flowii_server):
    service = flowii_server.service
    with service.lock:
        del service.firms[seed.COMPANY_KAVIAREN]
    settings = flowii_only(flowii_server.url)
    response = admin_client.get(SETTINGS_URL)
    form = response.context["adminform"].form
    assert form.initial["flowii_company_id"] == seed.COMPANY_MOJA_FIRMA
    # Its lists are offered at once, before the firm is saved.
    assert seed.CD_MOJA_FIRMA in choices(form, "supplier_company_data_id")
    # Saving the login alone keeps the only firm.
    response = admin_client.post(SETTINGS_URL, form_data(settings, flowii_company_id=""))
    assert response.status_code == 302, errors_of(response)
    assert Settings.objects.get(pk=1).flowii_company_id == seed.COMPANY_MOJA_FIRMA


def test_the_only_firm_is_kept_by_the_check_after_the_first_save(admin_client, flowii_server):
    # The login typed in for the first time: the form had no FLOWii lists yet, the check after
    # saving finds the login may use one firm and keeps it.
    service = flowii_server.service
    with service.lock:
        del service.firms[seed.COMPANY_KAVIAREN]
    empty = Settings.load()
    post = form_data(
        empty,
        flowii_url=flowii_server.url,
        flowii_email=seed.EMAIL,
        flowii_password=seed.PASSWORD,
        flowii_api_key=seed.API_KEY,
    )
    response = admin_client.post(SETTINGS_URL, post, follow=True)
    assert response.redirect_chain, errors_of(response)
    assert Settings.objects.get(pk=1).flowii_company_id == seed.COMPANY_MOJA_FIRMA
    texts = messages_of(response)
    assert any("still choose: Supplier company, Number series" in t for t in texts), texts


def test_required_choices_still_missing_are_named(admin_client, flowii_server):
    flowii_only(flowii_server.url, flowii_company_id=seed.COMPANY_MOJA_FIRMA)
    html = admin_client.get(SETTINGS_URL).content.decode()
    assert (
        "To export orders, still choose: Supplier company, Number series for received orders, "
        "Customer type, Unit for non-stock items."
    ) in html
    flowii_only(flowii_server.url, **CHOSEN)
    assert "connector-missing-choices" not in admin_client.get(SETTINGS_URL).content.decode()


def test_choices_of_the_earlier_contract_are_asked_for_again(
    admin_client, flowii_server, no_connection_check
):
    # What migration 0004 leaves: a firm, nothing else, and the flag.
    settings = flowii_only(
        flowii_server.url, flowii_company_id=seed.COMPANY_MOJA_FIRMA, flowii_choices_outdated=True
    )
    html = admin_client.get(SETTINGS_URL).content.decode()
    assert "connector-outdated-choices" in html
    assert "now speaks FLOWii&#x27;s real API" in html
    assert (
        "Supplier company, Number series for received orders, Customer type, Unit for non-stock "
        "items, Non-stock categories, Shipping categories."
    ) in html
    # Saving without the required choices keeps asking.
    assert admin_client.post(SETTINGS_URL, form_data(settings)).status_code == 302
    assert Settings.objects.get(pk=1).flowii_choices_outdated is True
    settings.refresh_from_db()
    response = admin_client.post(SETTINGS_URL, form_data(settings, **CHOSEN))
    assert response.status_code == 302, errors_of(response)
    assert Settings.objects.get(pk=1).flowii_choices_outdated is False
    assert "connector-outdated-choices" not in admin_client.get(SETTINGS_URL).content.decode()


def test_the_stock_attribute_is_checked_on_the_first_good(admin_client, flowii_server):
    flowii_only(flowii_server.url, **CHOSEN, stock_attribute="stock-quantity")
    html = admin_client.get(SETTINGS_URL).content.decode()
    assert "FLOWii&#x27;s published API offers no stock count" in html
    assert "does NOT carry “stock-quantity”" in html
    service = flowii_server.service
    with service.lock:
        service.stock_attribute = "stock-quantity"
    html = admin_client.get(SETTINGS_URL).content.decode()
    assert "Checked: the first good FLOWii sent (Doprava kuriérom) carries “stock-quantity”" in html
