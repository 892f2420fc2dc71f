"""`manage.py sandbox`: serves the simulated WooCommerce and FLOWii on 127.0.0.1 until
SIGINT/SIGTERM; with --configure it instead points the connector's settings at them."""

import json
import signal
import threading

import requests
from django.core.management.base import BaseCommand, CommandError

from sandbox.serve import start_sandbox

WOO_KEY, WOO_SECRET = "ck_sandbox", "cs_sandbox"
FLOWII_EMAIL, FLOWII_PASSWORD, FLOWII_API_KEY = "demo@flowii.test", "sandbox", "sandbox-api-key"


class Command(BaseCommand):
    help = "Serve the simulated WooCommerce and FLOWii servers on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--woo-port", type=int, default=8001)
        parser.add_argument("--flowii-port", type=int, default=8002)
        parser.add_argument("--size", choices=["small", "large"], default="small")
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument(
            "--faults",
            type=json.loads,
            default=None,
            help='Fault switches for both servers as JSON, e.g. \'{"rates": {"503": 0.05}}\'.',
        )
        parser.add_argument(
            "--configure",
            action="store_true",
            help="Save connector settings that point at a sandbox running on these ports.",
        )

    def handle(self, *args, **options):
        if options["configure"]:
            return self._configure(options)
        try:
            sandbox = start_sandbox(
                options["woo_port"], options["flowii_port"], options["size"], options["latency_ms"]
            )
        except OSError as exc:
            raise CommandError(f"Cannot start the sandbox: {exc}") from exc
        if options["faults"]:
            try:
                for server in (sandbox.woocommerce, sandbox.flowii):
                    server.service.set_faults(options["faults"])
            except (TypeError, ValueError) as exc:
                sandbox.stop()
                raise CommandError(f"--faults: {exc}") from exc
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        try:
            for url in (sandbox.woocommerce_url + "/wp-json/", sandbox.flowii_url + "/"):
                requests.get(url, timeout=5)
            self.stdout.write(
                f"Sandbox ready: WooCommerce {sandbox.woocommerce_url}/wp-json/wc/v3/ "
                f"(key {WOO_KEY}, secret {WOO_SECRET}); FLOWii {sandbox.flowii_url} "
                f"({FLOWII_EMAIL}, password {FLOWII_PASSWORD}, API key {FLOWII_API_KEY})"
            )
            self.stdout.flush()
            stop.wait()
        finally:
            sandbox.stop()
            self.stdout.write("Sandbox stopped.")

    def _configure(self, options):
        from sandbox.configure import configure_for_sandbox

        configure_for_sandbox(
            f"http://127.0.0.1:{options['woo_port']}", f"http://127.0.0.1:{options['flowii_port']}"
        )
        self.stdout.write("Settings now point at the sandbox.")
