"""Starts both simulated servers together on loopback, for `manage.py sandbox`, the demo
and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RunningServer


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


def start_sandbox(
    woo_port: int = 0, flowii_port: int = 0, size: str = "small", latency_ms: int = 0
) -> Sandbox:
    """Both simulators, seeded, each in its own background thread; port 0 = any free port."""
    from .flowii_sim import FlowiiSimulator
    from .woocommerce_sim import WooCommerceSimulator

    woo = RunningServer(WooCommerceSimulator(size=size, latency_ms=latency_ms), woo_port)
    try:
        flowii = RunningServer(FlowiiSimulator(size=size, latency_ms=latency_ms), flowii_port)
    except Exception:
        woo.stop()
        raise
    return Sandbox(woocommerce=woo, flowii=flowii)
