"""`manage.py demo`: everything a newcomer needs to see a real sync, on one machine with no
accounts: migrations, an admin login, the sandbox, a worker and the web server.

Every start is fresh: both simulators start from their seed, so the connector's sync state
(links, bookmarks, order exports, runs and their logs, locks, alerts, queued tasks) is cleared
to match; nothing that points at an earlier start's simulators is kept. The worker and the web
server run in process groups of their own, and stopping the demo (Ctrl-C, SIGTERM, SIGHUP)
ends each whole group, killing what is left of it after a grace period: django-q2's workers
can outlive their parent (django-q2 issue #66)."""

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sandbox.configure import configure_for_sandbox
from sandbox.serve import HOST, free_port_near, start_sandbox, taken_ports

# How long the worker and the web server get to stop after the signal, before SIGKILL.
GRACE_SECONDS = 8
# How long the web server gets to answer after it was started.
START_SECONDS = 60
# Lines of the children's log shown when one of them stops on its own.
LOG_TAIL_LINES = 25

# Each port: what it serves, its option, its environment variable, its make variable.
PORTS = (
    ("port", "the admin", "--port", "DEMO_PORT", "PORT", 8000),
    ("woo_port", "the simulated WooCommerce", "--woo-port", "DEMO_WOO_PORT", "WOO_PORT", 8001),
    (
        "flowii_port",
        "the simulated FLOWii",
        "--flowii-port",
        "DEMO_FLOWII_PORT",
        "FLOWII_PORT",
        8002,
    ),
)


class Command(BaseCommand):
    help = "Start the sandbox, a worker and the admin, pointed at each other."

    def add_arguments(self, parser):
        for dest, what, option, env, _make, default in PORTS:
            parser.add_argument(
                option,
                dest=dest,
                type=int,
                default=int(os.environ.get(env) or default),
                help=f"Port of {what} on {HOST} (default {default}, or ${env}).",
            )
        parser.add_argument("--username", default=os.environ.get("DEMO_USERNAME", "admin"))

    def handle(self, *args, username, **options):
        ports = {dest: options[dest] for dest, *_rest in PORTS}
        self._check_ports(ports)
        port, woo_port, flowii_port = ports["port"], ports["woo_port"], ports["flowii_port"]

        self.stdout.write("Starting the FLOWii Connector demo...")
        self.stdout.flush()
        call_command("migrate", interactive=False, verbosity=0)
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        cleared = start_fresh()

        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda *_: stop.set())

        try:
            sandbox = start_sandbox(woo_port, flowii_port)
        except OSError as exc:
            raise CommandError(
                f"Cannot start the sandbox on ports {woo_port}/{flowii_port}: {exc}"
            ) from exc
        log_path = Path(tempfile.gettempdir()) / f"flowii-connector-demo-{port}.log"
        log = open(log_path, "w", encoding="utf-8")  # closed in the finally
        children: list[tuple[str, subprocess.Popen]] = []
        try:
            configure_for_sandbox(sandbox.woocommerce_url, sandbox.flowii_url)
            from connector.models import Settings

            Settings.objects.filter(pk=1).update(flowii_choices_outdated=False)

            manage = [sys.executable, str(Path(django_settings.BASE_DIR) / "manage.py")]
            for name, command in (
                ("worker (qcluster)", ["qcluster"]),
                ("web server", ["runserver", f"{HOST}:{port}", "--noreload", "--insecure"]),
            ):
                children.append((name, _start_in_own_group([*manage, *command], log)))

            url = f"http://{HOST}:{port}/admin/"
            if not self._wait_for(url, children, stop):
                if stop.is_set():
                    return
                raise CommandError(self._child_stopped(children, log_path))
            if cleared:
                self.stdout.write(
                    "Started fresh: the simulators are new, so the last demo's sync state was "
                    "cleared (" + ", ".join(f"{what}: {n}" for what, n in cleared.items()) + ")."
                )
            self.stdout.write(
                "\nFLOWii Connector demo is ready.\n"
                f"  Admin:       {url}\n"
                f"  Login:       {username} / {password}\n"
                f"  WooCommerce: {sandbox.woocommerce_url}/wp-json/wc/v3/ (simulated)\n"
                f"  FLOWii:      {sandbox.flowii_url} (simulated)\n"
                f"  Logs:        {log_path} (worker and web server)\n"
                '  Webhooks:    press "Create the webhooks" in Settings, then check out as a\n'
                f"               shopper: curl -X POST {sandbox.woocommerce_url}/__sandbox__/order\n"
                "Press Ctrl-C to stop everything.\n"
            )
            self.stdout.flush()
            while not stop.is_set():
                if any(child.poll() is not None for _name, child in children):
                    raise CommandError(self._child_stopped(children, log_path))
                stop.wait(1)
        finally:
            if children:
                self.stdout.write("Stopping...")
                self.stdout.flush()
            # Ctrl-C reaches only the demo (the children have groups of their own): each group
            # gets what a terminal's Ctrl-C would give it, SIGINT to every member, whatever
            # stopped the demo. (SIGTERM to the cluster's group kills its workers under its
            # sentinel, which then waits for them until it is killed.)
            for name in _stop_groups(children, signal.SIGINT):
                self.stderr.write(f"The {name} did not stop within {GRACE_SECONDS} s: killed.")
            sandbox.stop()
            log.close()
            self.stdout.write("Demo stopped.")

    def _check_ports(self, ports: dict[str, int]) -> None:
        """Before anything is printed or started: every port distinct, in range and free."""
        for dest, _what, option, *_rest in PORTS:
            if not 1 <= ports[dest] <= 65535:
                raise CommandError(f"{option} {ports[dest]}: a port is a number from 1 to 65535.")
        if len(set(ports.values())) < len(ports):
            raise CommandError(
                "The admin, WooCommerce and FLOWii ports must differ; got "
                + ", ".join(f"{option} {ports[dest]}" for dest, _w, option, *_r in PORTS)
                + "."
            )
        taken = set(taken_ports(ports.values()))
        if not taken:
            return
        lines, make_vars, options, envs = [], [], [], []
        avoid = set(ports.values())
        for dest, what, option, env, make_var, _default in PORTS:
            if ports[dest] not in taken:
                continue
            lines.append(f"  {ports[dest]} ({what}) is already in use on {HOST}.")
            other = free_port_near(ports[dest], avoid) or ports[dest] + 10
            avoid.add(other)
            make_vars.append(f"{make_var}={other}")
            options.append(f"{option} {other}")
            envs.append(f"{env}={other}")
        raise CommandError(
            "Cannot start the demo: a port it needs is taken.\n"
            + "\n".join(lines)
            + ("\nChoose free ones, e.g.:\n" if len(taken) > 1 else "\nChoose a free one, e.g.:\n")
            + f"  make demo {' '.join(make_vars)}\n"
            + f"  python manage.py demo {' '.join(options)}   (or set {', '.join(envs)})"
        )

    def _wait_for(self, url, children, stop) -> bool:
        """The admin answers, from the web server this demo started; False when a child
        stopped, the demo was asked to stop, or the time ran out."""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if any(child.poll() is not None for _name, child in children):
                return False
            try:
                if requests.get(url, timeout=2).status_code < 500:
                    return True
            except requests.RequestException:
                pass
            if stop.wait(0.3):
                return False
        return False

    def _child_stopped(self, children, log_path: Path) -> str:
        stopped = [name for name, child in children if child.poll() is not None]
        what = " and the ".join(stopped) if stopped else "web server (it never answered)"
        try:
            tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            tail = []
        shown = "\n".join(tail[-LOG_TAIL_LINES:])
        return f"The {what} stopped. The end of {log_path}:\n{shown}"


def start_fresh() -> dict[str, int]:
    """Clears the connector's sync state, as the new simulators know none of it: what was
    cleared, by name, where there was any."""
    from django_q.models import OrmQ

    from connector.models import (
        Alert,
        Bookmark,
        DeliveredOrder,
        Link,
        OrderExport,
        PreviewProgress,
        RunLock,
        SyncLog,
        SyncRun,
        WebhookState,
    )

    cleared = {}
    with transaction.atomic():
        for name, model in (
            ("links", Link),
            ("order exports", OrderExport),
            ("bookmarks", Bookmark),
            ("locks", RunLock),
            ("log lines", SyncLog),
            ("runs", SyncRun),
            ("alerts", Alert),
            # The new shop has none of the webhooks the last one had, nor their deliveries.
            ("webhook state", WebhookState),
            ("announced orders", DeliveredOrder),
            ("preview progress", PreviewProgress),
            ("queued tasks", OrmQ),
        ):
            count = model.objects.count()
            if count:
                model.objects.all().delete()
                cleared[name] = count
    return cleared


def _start_in_own_group(command: list[str], log) -> subprocess.Popen:
    """A child in a process group of its own (its id is the child's pid), so that the whole
    group, with whatever it forks, can be signalled; its output goes to the log."""
    # The demo has no mail server: alert mails are printed in the worker's log instead.
    env = {**os.environ}
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        process_group=0,
        env=env,
    )


def _stop_groups(children: list[tuple[str, subprocess.Popen]], sig: int) -> list[str]:
    """Signals each child's group, waits up to GRACE_SECONDS for every member of every group
    to end, then SIGKILLs the groups still alive and waits for them: the names of the
    children whose groups had to be killed."""
    names = {child.pid: name for name, child in children}
    processes = [child for _name, child in children]
    for process in processes:
        _signal_group(process.pid, sig)
    killed = []
    for grace, next_sig in ((GRACE_SECONDS, signal.SIGKILL), (5, None)):
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(_group_alive(p) for p in processes):
            time.sleep(0.1)
        if next_sig is None:
            break
        for process in processes:
            if _group_alive(process):
                killed.append(names.get(process.pid, str(process.pid)))
                _signal_group(process.pid, next_sig)
    for process in processes:
        try:
            process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass
    return killed


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _group_alive(process: subprocess.Popen) -> bool:
    """Whether any process of the group led by `process` still runs (zombies do not count:
    the group's leader is reaped here, orphans by whoever adopted them)."""
    process.poll()
    pgid = process.pid
    try:
        entries = os.listdir("/proc")
    except OSError:
        entries = None
    if entries is None:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        # After the name: state, ppid, pgrp.
        if len(fields) > 2 and fields[0] not in ("Z", "X") and int(fields[2]) == pgid:
            return True
    return False
