"""`manage.py demo`: everything a newcomer needs to see a real sync, on one machine with no
accounts: migrations, an admin login, the sandbox, a worker and the web server."""

import os
import secrets
import signal
import subprocess
import sys
import threading

import requests
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sandbox.configure import configure_for_sandbox
from sandbox.serve import start_sandbox


class Command(BaseCommand):
    help = "Start the sandbox, a worker and the admin, pointed at each other."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("DEMO_PORT", 8000)))
        parser.add_argument("--woo-port", type=int, default=8001)
        parser.add_argument("--flowii-port", type=int, default=8002)
        parser.add_argument("--username", default=os.environ.get("DEMO_USERNAME", "admin"))

    def handle(self, *args, port, woo_port, flowii_port, username, **options):
        call_command("migrate", interactive=False, verbosity=0)
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()

        try:
            sandbox = start_sandbox(woo_port, flowii_port)
        except OSError as exc:
            raise CommandError(
                f"Cannot start the sandbox on ports {woo_port}/{flowii_port}: {exc}"
            ) from exc
        configure_for_sandbox(sandbox.woocommerce_url, sandbox.flowii_url)

        manage = [sys.executable, "manage.py"]
        children = [
            subprocess.Popen([*manage, "qcluster"]),
            subprocess.Popen(
                [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"]
            ),
        ]
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        try:
            url = f"http://127.0.0.1:{port}/admin/"
            if not self._wait_for(url, stop):
                raise CommandError("The web server did not start; see the lines above.")
            self.stdout.write(
                "\nFLOWii Connector demo is ready.\n"
                f"  Admin:       {url}\n"
                f"  Login:       {username} / {password}\n"
                f"  WooCommerce: {sandbox.woocommerce_url}/wp-json/wc/v3/ (simulated)\n"
                f"  FLOWii:      {sandbox.flowii_url} (simulated)\n"
                "Press Ctrl-C to stop everything.\n"
            )
            self.stdout.flush()
            while not stop.is_set():
                if any(child.poll() is not None for child in children):
                    raise CommandError("The worker or the web server stopped; see above.")
                stop.wait(1)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
            sandbox.stop()
            self.stdout.write("Demo stopped.")

    def _wait_for(self, url, stop) -> bool:
        for _ in range(120):
            try:
                if requests.get(url, timeout=2).status_code < 500:
                    return True
            except requests.RequestException:
                pass
            if stop.wait(0.5):
                return False
        return False
