"""Starts both simulated servers together on loopback, for `manage.py sandbox`, the demo
and the benchmark; and tells which loopback ports are already taken, before anything binds."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from .base import RunningServer

HOST = "127.0.0.1"


@dataclass
class Sandbox:
    woocommerce: RunningServer
    flowii: RunningServer

    @property
    def woocommerce_url(self) -> str:
        return self.woocommerce.url

    @property
    def flowii_url(self) -> str:
        return self.flowii.url

    def stop(self) -> None:
        self.woocommerce.stop()
        self.flowii.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def port_is_free(port: int, host: str = HOST) -> bool:
    """Whether a server could listen on host:port now. SO_REUSEADDR as the servers set it
    (Python's and Django's), so a port a stopped server left in TIME_WAIT counts as free while
    one that anything listens on (on this address or on all of them) does not."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def taken_ports(ports, host: str = HOST) -> list[int]:
    """The ones of `ports` (0 = any free port, never taken) that something already holds."""
    return [port for port in ports if port and not port_is_free(port, host)]


def free_port_near(port: int, avoid=(), host: str = HOST) -> int | None:
    """The first free port above `port` that is not in `avoid`, to suggest instead."""
    for candidate in range(port + 1, min(port + 200, 65536)):
        if candidate not in avoid and port_is_free(candidate, host):
            return candidate
    return None


def start_sandbox(
    woo_port: int = 0, flowii_port: int = 0, size: str = "small", latency_ms: int = 0
) -> Sandbox:
    """Both simulators, seeded, each in its own background thread; port 0 = any free port.
    Every start is a fresh pair: nothing is kept from an earlier one."""
    from .flowii_sim import FlowiiSimulator
    from .woocommerce_sim import WooCommerceSimulator

    woo = RunningServer(WooCommerceSimulator(size=size, latency_ms=latency_ms), woo_port)
    try:
        flowii = RunningServer(FlowiiSimulator(size=size, latency_ms=latency_ms), flowii_port)
    except Exception:
        woo.stop()
        raise
    return Sandbox(woocommerce=woo, flowii=flowii)
