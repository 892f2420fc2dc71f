"""`manage.py health`: one line on whether the worker picks up queued work; exit code 1 when
it is stuck (for the systemd timer in docs/systemd/ or a cron job), 0 otherwise."""

import sys

from django.core.management.base import BaseCommand

from connector import health


class Command(BaseCommand):
    help = (
        "Says in one line whether the worker (qcluster) is picking up queued work; exits 1 "
        "when it is stuck. Also creates the heartbeat schedule the first time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue-stale",
            type=int,
            default=None,
            help="seconds queued work may wait for a worker (default CONNECTOR_QUEUE_STALE)",
        )
        parser.add_argument(
            "--heartbeat-stale",
            type=int,
            default=None,
            help="seconds since the last heartbeat (default CONNECTOR_HEARTBEAT_STALE)",
        )
        parser.add_argument(
            "--install",
            action="store_true",
            help="only create the heartbeat schedule (for the worker's ExecStartPre)",
        )

    def handle(self, *args, **options):
        if options["install"]:
            health.ensure_schedule()
            self.stdout.write(f"The schedule “{health.HEARTBEAT_NAME}” is in place.")
            return
        verdict = health.verdict(
            queue_stale=options["queue_stale"], heartbeat_stale=options["heartbeat_stale"]
        )
        self.stdout.write(verdict.message)
        self.stdout.flush()
        # The worker cannot tell the owner it is stuck (the alerts run as its tasks): this
        # check does, once per problem, and closes the alert when the worker is back.
        from connector import alerts

        alerts.check(worker_stuck=verdict.stuck)
        if verdict.stuck:
            sys.exit(verdict.exit_code)
