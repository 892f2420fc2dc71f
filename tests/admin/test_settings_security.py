"""Nothing leaks, nothing stalls, nothing stops the run: stored secrets go only to the server
they were entered for, credentials typed into an address are refused, odd remote data and a
changed encryption key give words instead of a 500, the connection check says no more than
it must, and the views that handle secrets keep them out of error reports."""

from __future__ import annotations

import base64
import json
import socket
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, unquote_plus

import pytest
from cryptography.fernet import Fernet
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from connector.admin import connection
from connector.admin.choices import FlowiiData
from connector.models import Settings
from tests.admin.helpers import (
    CHECK_URL,
    PAYMENTS_URL,
    SECRETS,
    SETTINGS_URL,
    SHIPPING_URL,
    errors_of,
    form_data,
    messages_of,
    seeded_settings,
    staff,
)

pytestmark = pytest.mark.django_db

SYNC_URL = "/admin/connector/syncrun/"
UNREADABLE = "cannot be read with the current key"


# -- a server of the test's own on loopback -------------------------------------------------


class Capture:
    """Every request it received (method, path with query, headers, body), and the answers
    it gives: `answers[path] = (status, body)`, else `default`."""

    def __init__(self, default=(404, {"code": "nothing_here", "message": "nothing here"})):
        self.requests: list[dict] = []
        self.answers: dict[str, tuple[int, object]] = {}
        self.default = default
        self.url = ""

    def texts(self) -> list[str]:
        """Each request as one text, its query and body also URL-decoded and any Basic
        credentials decoded, so a secret in any form is found."""
        out = []
        for r in self.requests:
            parts = [r["method"], r["path"], unquote(r["path"]), unquote_plus(r["path"])]
            for name, value in r["headers"]:
                parts.append(f"{name}: {value}")
                if value.lower().startswith("basic "):
                    try:
                        parts.append(base64.b64decode(value[6:]).decode("utf-8", "replace"))
                    except ValueError:
                        pass
            body = r["body"].decode("utf-8", "replace")
            parts += [body, unquote_plus(body)]
            out.append("\n".join(parts))
        return out


@contextmanager
def capture_server(capture: Capture):
    class Handler(BaseHTTPRequestHandler):
        def _any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            capture.requests.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": list(self.headers.items()),
                    "body": body,
                }
            )
            status, answer = capture.answers.get(self.path.split("?")[0], capture.default)
            data = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
            self.send_response(status)
            kind = "text/html" if isinstance(answer, str) else "application/json"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _any

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    capture.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield capture
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def assert_no_secret_sent(capture: Capture):
    for text in capture.texts():
        for name, secret in SECRETS.items():
            assert secret not in text, f"{name} was sent: {text[:300]}"


# -- 1. secrets bound to the server they were entered for ---------------------------------


def test_a_moved_address_never_gets_the_stored_secrets(client):
    settings = seeded_settings()
    staff(client, "change_settings")
    with capture_server(Capture()) as capture:
        moved = form_data(settings, flowii_url=capture.url + "/", shop_url=capture.url + "/")
        response = client.post(SETTINGS_URL, moved)
        assert response.status_code == 200, "the save must be refused"
        errors = errors_of(response)
        moved_away = "another server than the one the stored secrets were entered for"
        for field in ("flowii_url", "shop_url"):
            assert moved_away in errors[field], errors
        assert "Enter it again for the new address." in errors["flowii_password"]
        assert "Enter it again for the new address." in errors["shop_consumer_secret"]
        stored = Settings.load()
        assert (stored.flowii_url, stored.shop_url) == ("http://127.0.0.1:9", "http://127.0.0.1:9")

        # Later views of the page and the check button: still nothing goes there.
        assert client.get(SETTINGS_URL).status_code == 200
        client.post(CHECK_URL)

        # The owner confirms: the stored secrets are dropped, never sent.
        response = client.post(
            SETTINGS_URL, {**moved, "forget_flowii_secrets": "on", "forget_shop_secrets": "on"}
        )
        assert response.status_code == 302, errors_of(response)
        stored = Settings.load()
        assert stored.flowii_url == capture.url + "/" and stored.shop_url == capture.url + "/"
        assert [getattr(stored, name) for name in SECRETS] == ["", "", "", ""]
        client.get(SETTINGS_URL)
        client.post(CHECK_URL)
    assert_no_secret_sent(capture)


def test_the_secrets_entered_again_go_to_the_new_address(client, no_connection_check):
    settings = seeded_settings()
    staff(client, "change_settings")
    new = {
        "flowii_password": "new-pw",
        "flowii_api_key": "new-key",
        "shop_consumer_key": "ck_new",
        "shop_consumer_secret": "cs_new",
    }
    moved = form_data(settings, flowii_url="https://api.other.test", shop_url="shop.other.test")
    # One of a side's secrets entered is not enough: the other would go there too.
    response = client.post(SETTINGS_URL, {**moved, "flowii_password": "new-pw"})
    assert response.status_code == 200
    assert "flowii_api_key" in errors_of(response)
    assert "flowii_password" not in errors_of(response)

    response = client.post(SETTINGS_URL, {**moved, **new})
    assert response.status_code == 302, errors_of(response)
    stored = Settings.load()
    assert stored.shop_url == "https://shop.other.test"
    assert {name: getattr(stored, name) for name in new} == new


def test_the_same_server_keeps_its_secrets(client, no_connection_check, no_flowii):
    settings = seeded_settings(flowii_url="https://api.flowii.com")
    staff(client, "change_settings")
    # Another path, an explicit default port, another case: still the same server.
    response = client.post(
        SETTINGS_URL,
        form_data(
            settings, flowii_url="https://API.flowii.com:443/v2", shop_url="http://127.0.0.1:9/shop"
        ),
    )
    assert response.status_code == 302, errors_of(response)
    stored = Settings.load()
    assert stored.flowii_url == "https://API.flowii.com:443/v2"
    assert {name: getattr(stored, name) for name in SECRETS} == SECRETS


@pytest.mark.parametrize("field", ["shop_url", "flowii_url"])
def test_credentials_in_an_address_are_refused_and_never_stored(
    admin_client, no_connection_check, no_flowii, field
):
    settings = seeded_settings()
    typed = "https://owner:Pw-In-Url-5521@127.0.0.1:9/"
    response = admin_client.post(SETTINGS_URL, form_data(settings, **{field: typed}))
    assert response.status_code == 200
    assert "Do not write a user name or password into the address" in errors_of(response)[field]
    html = response.content.decode()
    assert "Pw-In-Url-5521" not in html and "owner:" not in html
    assert getattr(Settings.load(), field) == "http://127.0.0.1:9"


# -- 2. no 500 pages --------------------------------------------------------------------------


class OddFlowii:
    """A FLOWii whose codebooks carry names that are null or not text."""

    def use_company(self, company_id):
        pass

    def companies(self):
        return [{"id": 1, "name": "Firma"}]

    def company_data(self):
        return [{"id": 10, "name": None}]

    def numbering_sequences(self, company_data_id, kind):
        return [{"id": 20, "name": 2024, "format": "OP%"}]

    def business_relationships(self):
        return [{"id": 30, "name": None, "order": 1}, {"id": 31, "name": "Zákazník", "order": 1}]

    def business_relationship_subtypes(self, parent):
        return [{"id": 40, "name": {"sk": "x"}}]

    def units(self):
        return [{"id": 50, "name": 7}]

    def partner_custom_fields(self):
        return [{"id": 60, "name": None, "value_type": 3}]

    def category_tree(self):
        return [
            {"id": 70, "name": None, "parent_id": None, "order": 1},
            {"id": 71, "name": "Tovar", "parent_id": None, "order": 1},
            {"id": 72, "name": ["sub"], "parent_id": 71, "order": 1},
        ]

    def goods(self, **kwargs):
        return iter([{"id": 80, "name": None, "attributes": {}}])

    def payment_methods(self):
        return [{"id": 90, "name": None}]

    def delivery_types(self):
        return [{"id": 91, "name": 5}]


def test_codebook_names_that_are_not_text_are_shown_by_id(
    admin_client, monkeypatch, no_connection_check
):
    seeded_settings(flowii_company_id=1, shipping_category_ids=[71])
    monkeypatch.setattr(FlowiiData, "_flowii", lambda self: OddFlowii())
    response = admin_client.get(SETTINGS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("#70", "#10", "#30", "#50", "#72", "Zákazník", "Tovar"):
        assert shown in html, shown
    assert admin_client.get(SHIPPING_URL).status_code == 200
    assert admin_client.get(PAYMENTS_URL).status_code == 200


def test_a_changed_encryption_key_is_said_once_and_the_pages_work(admin_client, settings):
    seeded_settings()
    settings.CONNECTOR_ENCRYPTION_KEY = Fernet.generate_key().decode()
    html = admin_client.get(SETTINGS_URL).content.decode()
    assert html.count(UNREADABLE) == 1, html.count(UNREADABLE)
    assert "restore the key or enter them again" in html
    assert "cannot be read with the current encryption key" in html  # the fields' help
    shipping = admin_client.get(SHIPPING_URL)
    assert shipping.status_code == 200
    assert shipping.content.decode().count(UNREADABLE) == 1
    assert admin_client.get(SYNC_URL).status_code == 200

    texts = messages_of(admin_client.post(CHECK_URL, follow=True))
    assert [t for t in texts if UNREADABLE in t] == [
        "Shop: The stored secrets cannot be read with the current key "
        "(CONNECTOR_ENCRYPTION_KEY): restore the key or enter them again in Settings.",
        "FLOWii: The stored secrets cannot be read with the current key "
        "(CONNECTOR_ENCRYPTION_KEY): restore the key or enter them again in Settings.",
    ]


def test_saving_under_a_changed_key_keeps_the_stored_secrets(
    admin_client, settings, no_connection_check, no_flowii
):
    old = settings.CONNECTOR_ENCRYPTION_KEY
    stored = seeded_settings()
    settings.CONNECTOR_ENCRYPTION_KEY = Fernet.generate_key().decode()
    response = admin_client.post(SETTINGS_URL, form_data(stored, order_maturity_days=30))
    assert response.status_code == 302, errors_of(response)
    settings.CONNECTOR_ENCRYPTION_KEY = old  # the key restored: the secrets are back
    again = Settings.load()
    assert again.order_maturity_days == 30
    assert {name: getattr(again, name) for name in SECRETS} == SECRETS


ODD_SHAPES = [
    # (page, path answered, answer)
    (PAYMENTS_URL, "/wp-json/wc/v3/payment_gateways", {"bacs": {"id": "bacs"}}),
    (PAYMENTS_URL, "/wp-json/wc/v3/payment_gateways", ["bacs", "cod"]),
    (SHIPPING_URL, "/wp-json/wc/v3/shipping/zones", {"0": {"id": 0, "name": "Everywhere"}}),
    (SHIPPING_URL, "/wp-json/wc/v3/shipping/zones/0/methods", {"instance_id": 1}),
]


@pytest.mark.parametrize(("page", "path", "answer"), ODD_SHAPES)
def test_refresh_from_shop_with_an_answer_of_another_shape_says_so(
    admin_client, no_flowii, page, path, answer
):
    with capture_server(Capture()) as capture:
        capture.answers[path] = (200, answer)
        capture.answers["/wp-json/wc/v3/shipping/zones"] = capture.answers.get(
            "/wp-json/wc/v3/shipping/zones", (200, [{"id": 0, "name": "Everywhere"}])
        )
        seeded_settings(shop_url=capture.url)
        Settings.objects.filter(pk=1).update(shop_url=capture.url)
        response = admin_client.post(page + "refresh/", follow=True)
    assert response.status_code == 200
    texts = messages_of(response)
    assert any(t.startswith("The shop could not be read: WooCommerce") for t in texts), texts
    assert any("list" in t for t in texts), texts


# -- 3. the check says no more than it must ---------------------------------------------------

DISTINCT = "Distinctive-Remote-Text-4471"


def shop_verdict(client, url: str) -> str:
    Settings.objects.filter(pk=1).update(shop_url=url)
    response = client.post(CHECK_URL, follow=True)
    html = response.content.decode()
    assert DISTINCT not in html and "distinct_code" not in html
    texts = messages_of(response)
    [text] = [t for t in texts if t.startswith("Shop:") and "plain http://" not in t]
    return text.replace(url, "<url>")


@pytest.mark.parametrize(
    "answer",
    [
        (500, {"code": "distinct_code", "message": DISTINCT, "data": {"status": 500}}),
        (401, {"code": "distinct_code", "message": DISTINCT}),
        (400, {"error": "distinct_code", "error_description": DISTINCT}),
        (200, f"<html><body>{DISTINCT}</body></html>"),
    ],
)
def test_the_shop_check_tells_nothing_of_what_answered(admin_client, no_flowii, answer):
    seeded_settings()
    closed = shop_verdict(admin_client, closed_port_url())
    with capture_server(Capture(default=answer)) as capture:
        answered = shop_verdict(admin_client, capture.url)
    assert answered == closed
    assert closed.startswith("Shop: no WooCommerce REST API answered at <url>.")


def flowii_verdicts(client, url: str) -> list[str]:
    Settings.objects.filter(pk=1).update(flowii_url=url)
    response = client.post(CHECK_URL, follow=True)
    html = response.content.decode()
    assert DISTINCT not in html and "distinct_code" not in html
    return [t.replace(url, "<url>") for t in messages_of(response) if t.startswith("FLOWii")]


def test_the_flowii_check_tells_nothing_of_what_answered(admin_client):
    seeded_settings()
    closed = flowii_verdicts(admin_client, closed_port_url())
    for answer in [
        (500, {"errors": [{"status": "500", "title": DISTINCT, "detail": DISTINCT}]}),
        (404, {"code": "distinct_code", "message": DISTINCT}),
        (401, {"message": DISTINCT}),
    ]:
        with capture_server(Capture(default=answer)) as capture:
            assert flowii_verdicts(admin_client, capture.url) == closed, answer


# -- 4. secrets out of error reports ------------------------------------------------------


def test_the_views_that_take_secrets_hide_them_from_error_reports(
    admin_client, no_connection_check, no_flowii
):
    settings = seeded_settings()
    posted = form_data(settings, flowii_password="typed-pw-8812", shop_consumer_key="ck-typed")
    response = admin_client.post(SETTINGS_URL, posted)
    request = response.wsgi_request
    shown = SafeExceptionReporterFilter().get_post_parameters(request)
    assert shown["flowii_password"] != "typed-pw-8812"
    assert shown["shop_consumer_key"] != "ck-typed"
    check = admin_client.post(CHECK_URL, {"flowii_password": "typed-pw-8812"}).wsgi_request
    assert SafeExceptionReporterFilter().get_post_parameters(check)["flowii_password"] != (
        "typed-pw-8812"
    )


def test_the_connection_check_hides_its_variables_from_error_reports(monkeypatch):
    settings = seeded_settings()

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(connection, "shop_client", boom)
    try:
        connection.check_connections(settings)
    except RuntimeError:
        report = ExceptionReporter(None, *sys.exc_info()).get_traceback_data()
    frames = {f["function"]: dict(f["vars"]) for f in report["frames"]}
    for function in ("check_connections", "check_shop"):
        assert frames[function], function
        assert set(frames[function].values()) == {"'********************'"}, frames[function]
