"""The preview pages through Django's test client, against the simulated shop and FLOWii:
the Preview buttons, who may press them, the waiting page with its progress bar, the report
(English and Slovak) and the button to do it; a preview writes nothing, and is refused while
its kind runs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ

from connector.models import PreviewProgress, RunLock, SyncRun
from connector.preview_progress import REPORT
from sandbox.configure import configure_for_sandbox
from tests.admin.helpers import messages_of, staff

pytestmark = pytest.mark.django_db

SYNC_URL = "/admin/connector/syncrun/"


@pytest.fixture
def sandbox(woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    return woo_server, flowii_server


@pytest.fixture
def inline_tasks(monkeypatch):
    """django-q runs each task as it is queued, and keeps its result, as a cluster does."""
    monkeypatch.setattr(Conf, "SYNC", True)


def writes(server) -> dict:
    counted = server.service.stats_snapshot()["by_path"]
    return {
        k: n for k, n in counted.items() if n and not k.startswith("GET ") and k != "POST /token"
    }


def count(page, name) -> int:
    found = re.search(rf'id="connector-preview-count-{name}">(\d+)<', page.content.decode())
    assert found, name
    return int(found.group(1))


def test_each_one_off_button_has_its_preview(client):
    staff(client, "view_syncrun", "run_sync")
    page = client.get(SYNC_URL).content.decode()
    for kind in ("products", "customers", "orders", "historic-orders"):
        assert f'formaction="/admin/connector/syncrun/preview/{kind}/"' in page


def test_previews_need_the_run_permission(client):
    staff(client, "view_syncrun")
    assert "connector-preview" not in client.get(SYNC_URL).content.decode()
    assert client.post(f"{SYNC_URL}preview/products/").status_code == 403
    assert [row.task for row in OrmQ.objects.all()] == []


def test_a_preview_is_started_with_a_post_only(client):
    staff(client, "view_syncrun", "run_sync")
    assert client.get(f"{SYNC_URL}preview/products/").status_code == 405


def test_the_page_waits_for_a_preview_not_ready_yet(client):
    staff(client, "view_syncrun", "run_sync")
    response = client.post(f"{SYNC_URL}preview/customers/")
    assert response.status_code == 302
    (row,) = OrmQ.objects.all()
    assert row.task["func"] == "connector.preview.preview_task"
    assert response.url == f"{SYNC_URL}preview/customers/{row.task['id']}/"
    page = client.get(response.url)
    assert 'http-equiv="refresh"' in page.content.decode()
    assert 'data-state="waiting"' in page.content.decode()
    assert client.get(f"{SYNC_URL}preview/customers/not-an-id/").status_code == 404


def test_the_report_of_a_customers_preview(client, sandbox, inline_tasks):
    woo_server, flowii_server = sandbox
    staff(client, "view_syncrun", "run_sync")
    woo_server.service.stats.clear()
    flowii_server.service.stats.clear()
    response = client.post(f"{SYNC_URL}preview/customers/", follow=True)
    assert writes(woo_server) == {} and writes(flowii_server) == {}
    assert SyncRun.objects.count() == 0  # no run is recorded
    html = response.content.decode()
    assert 'data-state="ready"' in html
    assert count(response, "created") == 49
    assert count(response, "linked") == 2
    assert count(response, "left_out") == 0
    assert "by e-mail 1" in html and "by IČO 1" in html
    assert "Nothing was written: 0 calls that would write to the shop and 51 to FLOWii" in html
    assert 'action="/admin/connector/syncrun/start/customers/"' in html  # do it now
    assert "billing-address.street" in html  # the values, old -> new


def test_the_report_in_slovak(client, sandbox, inline_tasks):
    staff(client, "view_syncrun", "run_sync")
    response = client.post(
        f"{SYNC_URL}preview/products/", follow=True, headers={"accept-language": "sk"}
    )
    html = response.content.decode()
    assert "Vytvorilo by sa" in html and "podľa SKU" in html
    assert "Náhľad: " in html


def test_a_preview_waits_for_a_run_of_its_kind(client, sandbox):
    staff(client, "view_syncrun", "run_sync")
    run = SyncRun.objects.create(kind=SyncRun.Kind.PRODUCTS, trigger=SyncRun.Trigger.SCHEDULE)
    RunLock.objects.create(
        name="products", run=run, expires_at=timezone.now() + timedelta(minutes=5)
    )
    response = client.post(f"{SYNC_URL}preview/products/", follow=True)
    assert response.redirect_chain[-1][0] == SYNC_URL
    assert any(m.startswith("No preview now:") for m in messages_of(response))
    assert [row.task for row in OrmQ.objects.all()] == []


def test_a_preview_that_broke_says_so_on_its_page(client):
    from django_q.models import Task

    staff(client, "view_syncrun", "run_sync")
    Task.objects.create(  # as the cluster keeps a task that raised
        id="0" * 32,
        name="preview",
        func="connector.preview.preview_task",
        args=("products",),
        result="Traceback (most recent call last):\n  ...\nRuntimeError: the shop went away",
        started=timezone.now(),
        stopped=timezone.now(),
        success=False,
    )
    page = client.get(f"{SYNC_URL}preview/products/{'0' * 32}/").content.decode()
    assert 'data-state="failed"' in page
    assert "The preview could not finish: RuntimeError: the shop went away" in page


def test_the_waiting_page_shows_how_far_the_preview_has_got(client):
    from django_q.models import Task

    staff(client, "view_syncrun", "run_sync")
    task_id = "1" * 32
    url = f"{SYNC_URL}preview/products/{task_id}/"
    page = client.get(url).content.decode()
    assert 'id="connector-preview-queued"' in page and 'role="progressbar"' not in page

    PreviewProgress.objects.create(task=task_id)  # the task has begun, nothing counted yet
    page = client.get(url).content.decode()
    assert 'id="connector-preview-queued"' not in page
    assert 'aria-valuenow="0"' in page and 'style="width: 0%"' in page
    assert "reading the shop and FLOWii" in page
    assert (
        "číta sa obchod a FLOWii"
        in client.get(url, headers={"accept-language": "sk"}).content.decode()
    )

    PreviewProgress.objects.filter(task=task_id).update(done=120, total=480, label="products")
    page = client.get(url).content.decode()
    assert 'data-state="waiting"' in page and 'http-equiv="refresh"' in page
    bar = re.search(r'<div class="connector-bar connector-bar-running"[^>]*>', page).group(0)
    assert 'aria-valuenow="120"' in bar and 'aria-valuemax="480"' in bar
    assert 'class="connector-bar-fill" style="width: 25%"' in page
    assert '<span class="connector-progress-text">120 / 480 · products</span>' in page
    slovak = client.get(url, headers={"accept-language": "sk"}).content.decode()
    assert "120 / 480 · produkty" in slovak

    PreviewProgress.objects.filter(task=task_id).update(done=480, label=REPORT)
    page = client.get(url).content.decode()
    assert "480 / 480 · the report: the records to update, as they are now" in page
    assert 'style="width: 100%"' in page

    Task.objects.create(  # the result is there: the report, and the row is gone
        id=task_id,
        name="preview",
        func="connector.preview.preview_task",
        args=("products",),
        result="RuntimeError: the shop went away",
        started=timezone.now(),
        stopped=timezone.now(),
        success=False,
    )
    page = client.get(url).content.decode()
    assert 'data-state="failed"' in page and 'role="progressbar"' not in page
    assert PreviewProgress.objects.count() == 0
