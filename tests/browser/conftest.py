"""What the browser tests share: Debian's Chromium driven by Playwright (skipped when it is
not installed, except on CI where that is a failure), a logged-in page per test with a
screenshot on failure, and a worker thread that runs the queued tasks like qcluster does."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

# Debian's package; never a downloaded browser. BROWSER_TESTS_CHROMIUM points elsewhere for checks.
CHROMIUM = os.environ.get("BROWSER_TESTS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
USERNAME, PASSWORD = "owner", "owner-pass-123"
# How long a step may take before the test fails (ms); the sandbox answers in milliseconds.
STEP_TIMEOUT = 15_000
RUN_TIMEOUT = 60_000

# Playwright's sync API keeps an event loop in the test's thread; the ORM calls the tests make
# there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} is missing: install Debian's package with `apt-get install chromium`"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run on CI: {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def locale():
    """The browser's language (Accept-Language); a test overrides it to see Slovak."""
    return "en-US"


@pytest.fixture
def page(chromium, locale, request):
    context = chromium.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(STEP_TIMEOUT)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_superuser(USERNAME, "owner@shop.test", PASSWORD)


def log_in(page, live_server, username=USERNAME, password=PASSWORD):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")


@pytest.fixture
def admin_page(page, live_server, owner):
    log_in(page, live_server)
    return page


class TaskWorker(threading.Thread):
    """Takes tasks off django-q's ORM queue and runs them, one at a time, like a qcluster
    with one worker. It borrows the test's database connection, as the live server's
    threads do (the test database lives in memory)."""

    def __init__(self, connection):
        super().__init__(daemon=True, name="test-task-worker")
        self.connection = connection
        self.stop = threading.Event()
        self.ran: list[str] = []
        self.errors: list[BaseException] = []

    def run(self):
        from django.db import connections
        from django.utils.module_loading import import_string
        from django_q.models import OrmQ

        connections["default"] = self.connection
        while not self.stop.wait(0.1):
            row = OrmQ.objects.order_by("id").first()
            if row is None:
                continue
            task = row.task
            row.delete()
            try:
                import_string(task["func"])(*task.get("args", ()), **task.get("kwargs", {}))
                self.ran.append(task["func"])
            except BaseException as exc:  # reported by the test, never lost
                self.errors.append(exc)


@pytest.fixture
def task_worker(live_server):
    from django.db import connections

    connection = connections["default"]
    connection.inc_thread_sharing()
    worker = TaskWorker(connection)
    worker.start()
    yield worker
    worker.stop.set()
    worker.join(timeout=RUN_TIMEOUT / 1000)
    connection.dec_thread_sharing()
    assert not worker.errors, worker.errors
