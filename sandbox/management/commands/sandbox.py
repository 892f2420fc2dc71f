"""`manage.py sandbox`: serves the simulated WooCommerce and FLOWii on 127.0.0.1 until
SIGINT/SIGTERM; with --configure it instead points the connector's settings at them."""

import json
import signal
import threading

import requests
from django.core.management.base import BaseCommand, CommandError

from sandbox.credentials import FLOWII_API_KEY, FLOWII_EMAIL, FLOWII_PASSWORD, WOO_KEY, WOO_SECRET
from sandbox.serve import HOST, free_port_near, start_sandbox, taken_ports


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
        self._check_ports(options["woo_port"], options["flowii_port"])
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

    def _check_ports(self, woo_port: int, flowii_port: int) -> None:
        """Which port is taken and how to choose another, before anything starts."""
        if woo_port and woo_port == flowii_port:
            raise CommandError(f"--woo-port and --flowii-port must differ; both are {woo_port}.")
        taken = set(taken_ports([woo_port, flowii_port]))
        if not taken:
            return
        lines, make_vars, options = [], [], []
        avoid = {woo_port, flowii_port}
        for port, what, option, make_var in (
            (woo_port, "the simulated WooCommerce", "--woo-port", "WOO_PORT"),
            (flowii_port, "the simulated FLOWii", "--flowii-port", "FLOWII_PORT"),
        ):
            if port in taken:
                other = free_port_near(port, avoid) or port + 10
                avoid.add(other)
                lines.append(f"  {port} ({what}) is already in use on {HOST}.")
                make_vars.append(f"{make_var}={other}")
                options.append(f"{option} {other}")
        raise CommandError(
            "Cannot start the sandbox: a port it needs is taken.\n"
            + "\n".join(lines)
            + f"\nChoose a free one, e.g.:\n  make sandbox {' '.join(make_vars)}\n"
            + f"  python manage.py sandbox {' '.join(options)}"
        )

    def _configure(self, options):
        from sandbox.configure import configure_for_sandbox

        configure_for_sandbox(
            f"http://127.0.0.1:{options['woo_port']}", f"http://127.0.0.1:{options['flowii_port']}"
        )
        self.stdout.write("Settings now point at the sandbox.")
