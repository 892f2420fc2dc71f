"""`manage.py sync KIND [--full]`: runs one synchronisation and prints a one-line summary."""

from django.core.management.base import BaseCommand, CommandError

from connector.models import SyncRun
from connector.sync.runner import RunRefused, run

KINDS = ["products", "customers", "orders", "historic-orders", "all"]


class Command(BaseCommand):
    help = "Synchronise the shop and FLOWii now."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument(
            "--full", action="store_true", help="Read everything, not only what changed."
        )

    def handle(self, *args, kind, full, **options):
        try:
            result = run(kind, trigger=SyncRun.Trigger.COMMAND, full=full)
        except RunRefused as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
        line = f"Run #{result.pk} {kind}: {result.get_status_display()}; {counts}."
        if result.reason:
            line += f" {result.reason}"
        self.stdout.write(line)
        if result.status == SyncRun.Status.FAILED:
            raise CommandError("The run failed.", returncode=2)
