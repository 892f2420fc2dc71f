"""Secrets and access: with known secret values entered through the admin and every flow run
(each kind of sync, a re-send, a failing login to FLOWii, the schedule, the purge), the
secrets appear nowhere in clear: not in any database row (logs, runs, order intents, django-q
task and schedule rows, settings), not in any admin page, not in the log output. Nor do the
FLOWii access and refresh tokens the runs were given (short-lived, so renewed many times).
Admin logins are throttled, and a plain http:// shop address is accepted only with a
warning."""

from __future__ import annotations

import logging
import secrets as random_secrets

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django_q.models import OrmQ, Schedule, Task
from django_q.signing import SignedPackage

from connector import tasks
from connector.models import Link, Settings, SyncRun
from connector.sync.runner import run
from sandbox import flowii_sim
from sandbox.configure import configure_for_sandbox
from sandbox.woo_auth import ApiKey
from tests.admin.helpers import SETTINGS_URL, form_data

pytestmark = pytest.mark.django_db

SECRET_VALUES = {
    "shop_consumer_key": "ck_" + random_secrets.token_hex(20),
    "shop_consumer_secret": "cs_" + random_secrets.token_hex(20),
    "flowii_password": "Heslo-" + random_secrets.token_urlsafe(12),
    "flowii_api_key": "ak-" + random_secrets.token_urlsafe(20),
}


@pytest.fixture
def own_secrets(woo_server, flowii_server, monkeypatch):
    """Call it to make both simulators accept only the secrets of this test (the FLOWii
    simulator checks the password and the API key against its module's values)."""
    woo = woo_server.service

    def apply():
        woo.keys.clear()
        woo.keys[key.consumer_key] = key
        monkeypatch.setattr(flowii_sim, "PASSWORD", SECRET_VALUES["flowii_password"])
        monkeypatch.setattr(flowii_sim, "API_KEY", SECRET_VALUES["flowii_api_key"])

    key = ApiKey(
        SECRET_VALUES["shop_consumer_key"], SECRET_VALUES["shop_consumer_secret"], "read_write"
    )
    original = dict(woo.keys)
    yield apply
    woo.keys.clear()
    woo.keys.update(original)


class TokensHanded:
    """Every access and refresh token the simulated FLOWii hands out while it is on."""

    def __init__(self, service, monkeypatch):
        self.values: set[str] = set()
        token = service._token

        def remembering(request):
            answer = token(request)
            body = answer.body if isinstance(answer.body, dict) else {}
            self.values |= {body[k] for k in ("access_token", "refresh_token") if body.get(k)}
            return answer

        monkeypatch.setattr(service, "_token", remembering)


def _all_text_in_database() -> str:
    """Every row of every table, as the database holds it (encrypted columns encrypted),
    plus django-q's signed task packages opened."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                chunks.append(repr(row))
    for queued in OrmQ.objects.all():
        chunks.append(repr(SignedPackage.loads(queued.payload)))
    for task in Task.objects.all():
        chunks.append(repr((task.func, task.args, task.kwargs, task.result)))
    return "\n".join(chunks)


def _admin_pages(client) -> str:
    urls = [
        "/admin/",
        SETTINGS_URL,
        "/admin/connector/syncrun/",
        "/admin/connector/syncrun/progress/",
    ]
    for model in apps.get_app_config("connector").get_models():
        if not admin.site.is_registered(model):
            continue
        base = f"/admin/connector/{model._meta.model_name}/"
        urls.append(base)
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(f"{base}{first.pk}/change/")
    urls += [f"/admin/connector/link/?kind={k}" for k in Link.Kind.values]
    urls += ["/admin/django_q/schedule/", "/admin/django_q/success/", "/admin/django_q/failure/"]
    pages = []
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    return "\n".join(pages)


def test_secrets_appear_nowhere_in_clear(
    admin_client, woo_server, flowii_server, own_secrets, caplog, capsys, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    configure_for_sandbox(woo_server.url, flowii_server.url)
    own_secrets()
    tokens = TokensHanded(flowii_server.service, monkeypatch)
    # Tokens that live two seconds: the runs renew them (refresh grants) many times.
    flowii_server.service.token_ttl = 2
    settings = Settings.load()
    response = admin_client.post(
        SETTINGS_URL,
        form_data(settings, schedule="interval", schedule_minutes=30, **SECRET_VALUES),
        follow=True,
    )
    assert response.status_code == 200
    saved = Settings.load()
    assert all(getattr(saved, name) == value for name, value in SECRET_VALUES.items())
    assert Schedule.objects.filter(func="connector.tasks.scheduled_sync").exists()

    # Every flow: each kind, a button's queued task, a re-send, the purge.
    for kind in ("products", "customers", "orders", "historic-orders", "all"):
        assert run(kind).status == SyncRun.Status.SUCCEEDED, kind
    admin_client.post("/admin/connector/syncrun/start/orders/")
    order_link = Link.objects.filter(kind="order").first()
    tasks.resend_order(int(order_link.shop_id))
    tasks.purge_logs()
    # A failing flow: FLOWii refuses the password (the error must not echo it).
    monkeypatch.setattr(flowii_sim, "PASSWORD", "changed-in-flowii")
    flowii_server.service.tokens.clear()
    flowii_server.service.refresh_tokens.clear()
    failed = run("products")
    assert failed.status == SyncRun.Status.FAILED and "password" in failed.reason.lower()
    admin_client.post(SETTINGS_URL, form_data(Settings.load()), follow=True)

    places = {
        "database": _all_text_in_database(),
        "admin pages": _admin_pages(admin_client),
        "log output": caplog.text + "".join(capsys.readouterr()),
    }
    assert len(places["database"]) > 10_000 and len(places["admin pages"]) > 10_000
    assert len(tokens.values) >= 4, tokens.values  # logins and renewals did happen
    secrets = {**SECRET_VALUES, **{f"FLOWii token {v[:4]}…": v for v in tokens.values}}
    for where, text in places.items():
        for name, value in secrets.items():
            assert value not in text, f"{name} is in clear in the {where}"


def test_task_arguments_carry_no_secrets(admin_client, settings):
    tasks.enqueue_sync("products")
    for queued in OrmQ.objects.all():
        package = SignedPackage.loads(queued.payload)
        assert package["args"] == ("products", "button", True) and package["kwargs"] == {}


def test_login_attempts_are_throttled(client, django_user_model):
    django_user_model.objects.create_superuser("owner", "owner@shop.test", "right-password-1")
    for _ in range(4):
        wrong = client.post("/admin/login/", {"username": "owner", "password": "nope"})
        assert wrong.status_code == 200  # the form again, with its error
    fifth = client.post("/admin/login/", {"username": "owner", "password": "nope"})
    assert fifth.status_code == 429  # AXES_FAILURE_LIMIT = 5
    locked = client.post("/admin/login/", {"username": "owner", "password": "right-password-1"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    other = client.post("/admin/login/", {"username": "someone", "password": "x"})
    assert other.status_code == 200  # only that user name from that address is locked


def test_plain_http_shop_is_accepted_with_a_visible_warning(
    admin_client, woo_server, flowii_server
):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    assert woo_server.url.startswith("http://")
    response = admin_client.post(SETTINGS_URL, form_data(Settings.load()), follow=True)
    text = response.content.decode()
    assert "plain http://" in text and "unencrypted" in text
    assert "connected to" in text  # accepted: the connection works, signed with OAuth 1.0a
