from django.apps import AppConfig


class SandboxConfig(AppConfig):
    """The simulated shop and FLOWii account, with the `sandbox` and `demo` commands.
    Installed only when the settings ask for it (CONNECTOR_SANDBOX)."""

    name = "sandbox"
    verbose_name = "Sandbox"
