"""Table tests of tests/blueprint.py on FLOWii's own API Blueprint: it finds what the
connector uses, repairs the file's known slips, matches paths and reads query names.
"""

from __future__ import annotations

import os

import pytest

from tests import blueprint as apib


@pytest.fixture(scope="module")
def blueprint() -> apib.Blueprint:
    try:
        return apib.load()
    except apib.BlueprintMissing as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing} (CI=true: not skipped)")
        pytest.skip(str(missing))


@pytest.mark.parametrize(
    "group",
    [
        "Account", "Company Data", "Countries", "Delivery Types", "Documents",
        "Document Numbering Sequences", "Goods", "Good Categories", "Partners",
        "Partner Custom Fields", "Partner Types", "Payment Methods", "Units of Measure", "Users",
    ],
)  # fmt: skip
def test_it_finds_each_resource_group_the_connector_uses(blueprint, group):
    assert group in blueprint.groups


USED = [
    ("POST", "/token"), ("GET", "/companies"), ("GET", "/permissions"),
    ("GET", "/companydata"), ("GET", "/companydata/{id}"),
    ("GET", "/numberingsequences/documents"), ("GET", "/businessrelationships"),
    ("GET", "/businessrelationships/{id}"), ("GET", "/businessrelationships/{id}/businessrelationships"),
    ("GET", "/units"), ("GET", "/paymentmethods"), ("GET", "/deliverytypes"), ("GET", "/countries"),
    ("GET", "/goodcategories"), ("GET", "/goodcategories/{id}/goodcategories"), ("GET", "/goods"),
    ("GET", "/goods/{id}"), ("GET", "/partners"), ("GET", "/partners/{id}"), ("POST", "/partners"),
    ("PATCH", "/partners/{id}"), ("GET", "/partners/{id}/contacts"),
    ("GET", "/partners/{id}/documents"), ("GET", "/partners/customfields"), ("GET", "/users/self"),
    ("POST", "/documents"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "template"), USED)
def test_the_examples_of_each_used_action_parse(blueprint, method, template):
    action = blueprint.action(method, template)
    assert action.path_template == template
    assert action.response_examples, "no documented answer"
    for response in action.response_examples:
        assert response.status in (200, 204)
        if response.status == 200:
            assert isinstance(response.body, dict), f"answer at line {response.line} did not parse"
    for request in action.request_examples:
        if request.body_text:
            assert isinstance(request.body, dict), f"request at line {request.line} did not parse"
    unparsed = [u for u in blueprint.unparsed if u.action == action.key]
    assert unparsed == []


def test_the_known_slips_are_repaired_and_counted(blueprint):
    # Eight contacts lack the comma before "is-subscribed"; two schemas lack one in `required`.
    subscribed = [e for e in blueprint.repair_log if e[1:] == ("missing-comma", '"is-subscribed"')]
    assert len(subscribed) == 8
    assert blueprint.repairs["missing-comma"] == 10
    assert [e[2] for e in blueprint.repair_log if e[1] == "unquoted-key"] == [
        "'untry' -> 'country'"
    ]
    assert blueprint.repairs["trailing-space"] >= 1
    detail = blueprint.action("GET", "/companydata/5").response_examples[0].body
    assert detail["data"]["relationships"]["country"]["data"] == {"type": "country", "id": "1"}
    contacts = blueprint.action("GET", "/partners/5/contacts").response_examples[0].body
    assert [c["attributes"]["is-subscribed"] for c in contacts["data"]] == [False, True]


def test_what_still_does_not_parse_is_exposed(blueprint):
    # The cash-flow schemas open with `{ {`: not used by the connector, reported, not guessed.
    assert {(u.action, u.error.split(":")[0]) for u in blueprint.unparsed} == {
        ("POST /cashflow", "schema"),
        ("PATCH /cashflow/{id}", "schema"),
    }


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/partners/5/documents", "/partners/{id}/documents"),
        ("GET", "/partners/customfields", "/partners/customfields"),
        ("GET", "/partners/123", "/partners/{id}"),
        ("GET", "/partners/123/", "/partners/{id}"),
        ("GET", "/partners?companyId=1&page[number]=2", "/partners"),
        ("PATCH", "/partners/7", "/partners/{id}"),
        ("GET", "/users/self", "/users/self"),
        ("GET", "/users/11142", "/users/{id}"),
        (
            "GET",
            "/businessrelationships/3/businessrelationships",
            "/businessrelationships/{id}/businessrelationships",
        ),
        ("GET", "/goodcategories/9/goodcategories", "/goodcategories/{id}/goodcategories"),
        ("GET", "/numberingsequences/documents", "/numberingsequences/documents"),
        ("POST", "/documents", "/documents"),
    ],
)
def test_a_concrete_path_finds_its_template(blueprint, method, path, template):
    assert blueprint.action(method, path).path_template == template


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/partners"), ("GET", "/partners/5/orders/6"), ("PUT", "/partners/5"),
     ("POST", "/goods"), ("GET", "/partners/abc")],
)  # fmt: skip
def test_an_undocumented_call_finds_nothing(blueprint, method, path):
    assert blueprint.find_action(method, path) is None
    with pytest.raises(LookupError):
        blueprint.action(method, path)


def test_an_id_variable_does_not_swallow_a_literal_segment():
    assert apib.matches("/partners/{id}", "/partners/5", {"id": "long"})
    assert not apib.matches("/partners/{id}", "/partners/customfields", {"id": "long"})
    assert apib.matches("/files/{name}", "/files/report.pdf")


@pytest.mark.parametrize(
    ("template", "expected", "absent"),
    [
        ("/partners", {"companyId", "page", "filter", "filter[search-text]", "filter[edited-from]"},
         {"id", "filter[email]", "pageSize"}),
        ("/goods", {"companyId", "page", "filter[edited-from]", "filter[category-id]",
                    "filter[subcategory-id]", "filter[type]"}, {"filter[search-text]"}),
        ("/goods/{id}", {"companyId"}, {"id", "page", "filter"}),
        ("/numberingsequences/documents", {"documentType", "companyDataId", "companyId"}, {"page"}),
        ("/partners/{id}/documents", {"companyId", "page"}, {"filter", "id"}),
        ("/companies", set(), {"companyId"}),
    ],
)  # fmt: skip
def test_query_and_filter_names_are_read(blueprint, template, expected, absent):
    names = blueprint.action("GET", template).query_parameters
    assert expected <= names
    assert not absent & names


def test_token_grants_are_form_examples(blueprint):
    token = blueprint.action("POST", "/token")
    assert [r.body["grant_type"] for r in token.request_examples] == ["password", "refresh_token"]
    assert token.request_examples[0].headers == {"Api-Key": "YOUR_API_KEY"}
    assert token.form_fields == {"grant_type", "username", "password", "client_id", "refresh_token"}
    assert [status for status, _ in token.response_examples] == [200, 200]


def test_request_names_come_from_examples_and_schema(blueprint):
    names = blueprint.action("POST", "/partners").documented_names()
    partner = names["partner"]
    assert {
        "name",
        "type",
        "ico",
        "dic",
        "ic-dph",
        "comment",
        "invoice-maturity",
    } <= partner.attributes
    # delivery-address and mailing-address are only in the schema, not in the example body.
    assert {"billing-address", "mailing-address", "delivery-address", "key-contact", "contacts",
            "base-business-relationship", "extended-business-relationship", "tags",
            "custom-field-string-values"} <= partner.relationships  # fmt: skip
    assert names["address"].attributes == {"street", "city", "zip"}
    assert names["address"].relationships == {"country"}
    assert {"first-name", "last-name", "email", "phone", "is-subscribed"} <= names[
        "contact"
    ].attributes
    assert names["custom-field-string-value"].relationships == {"custom-field"}
    assert "external-id" not in partner.attributes


def test_document_items_are_nested_records(blueprint):
    names = blueprint.action("POST", "/documents").documented_names()
    assert {"type", "issue-date", "delivery-date", "maturity", "variable-symbol", "discount-type",
            "discount"} <= names["document"].attributes  # fmt: skip
    assert {"numbering-sequence", "company-data", "partner", "items", "payment-method",
            "delivery-type", "user"} <= names["document"].relationships  # fmt: skip
    assert names["item"].attributes == {
        "name", "quantity", "discount-type", "discount", "unit-price", "unit-price-type", "vat-rate",
    }  # fmt: skip
    assert names["item"].relationships == {"good", "unit-of-measure"}


def test_the_copy_is_the_published_one(blueprint):
    assert blueprint.sha256 == apib.PUBLISHED_SHA256


def test_a_missing_file_is_said_so(tmp_path):
    with pytest.raises(apib.BlueprintMissing):
        apib.load(tmp_path / "absent.apib")


def test_the_env_var_names_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv(apib.ENV_VAR, str(tmp_path / "x.apib"))
    assert apib.locate() == tmp_path / "x.apib"
    monkeypatch.delenv(apib.ENV_VAR)
    assert apib.locate().parts[-3:] == ("shared", "flowii-api", "flowii-api.apib")


def test_the_update_reads_the_partner_schema_of_its_group(blueprint):
    # The PATCH example leaves out delivery-address; the group's partner schema documents it.
    names = blueprint.action("PATCH", "/partners/5").documented_names()
    assert {"delivery-address", "mailing-address"} <= names["partner"].relationships
    assert names["address"].attributes == {"street", "city", "zip"}
    # A schema of another group (a task's) adds nothing to the partner.
    assert "date-from" not in names["partner"].attributes
