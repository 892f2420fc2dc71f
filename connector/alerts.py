"""Tells the shop owner by e-mail when something needs them: no run succeeded for a while, a
run's failed share passed the threshold, or the credentials stopped working. Once per
problem: an Alert row is open while the problem lasts (no further mail) and closed when it
is over, so a new occurrence is told again. Called at the end of every run and by a periodic
check (the schedule made in connector/scheduling.py)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from .http import AuthenticationError
from .models import Alert, Settings, SyncRun
from .overview import CREDENTIALS_CODE, credentials_refused, latest_runs, run_name
from .wording import render, words

logger = logging.getLogger("connector.alerts")

NO_SUCCESS = "no_success"
WORKER_STUCK = "worker_stuck"
FAILED_SHARE = "failed_share"
CREDENTIALS = "credentials"
# The runs that count as "succeeded" for the no-success alert: a partly failed run did its
# work (its failed records have their own alert).
GOOD = (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTLY_FAILED)


def failure_reason(exc: Exception):
    """The reason a run that ended on `exc` stores, as a code: refused credentials get their
    own (the Overview and the alerts read it), any other error its sentence."""
    if isinstance(exc, AuthenticationError):
        return words(CREDENTIALS_CODE, system=exc.system, error=str(exc))
    return words("run.remote", error=str(exc))


def recipients(settings: Settings) -> list[str]:
    out = []
    for address in re.split(r"[\s,;]+", settings.alert_emails or ""):
        try:
            validate_email(address)
        except ValidationError:
            continue
        if address not in out:
            out.append(address)
    return out


def current_problems(now=None, worker_stuck: bool | None = None) -> dict[str, dict]:
    """{problem: {"code", "params"}} of what is wrong now. `worker_stuck`: the health
    check's verdict when the caller has it (the worker cannot tell that it is stuck itself)."""
    now = now or timezone.now()
    settings = Settings.load()
    problems: dict[str, dict] = {}
    if worker_stuck:
        problems[WORKER_STUCK] = {"code": "alert.worker_stuck", "params": {}}
    runs = list({r.pk: r for r in latest_runs().values()}.values())

    refused = [r for r in runs if credentials_refused(r)]
    if refused:
        problems[CREDENTIALS] = {
            "code": "alert.credentials",
            "params": {"reason": {"__words__": refused[0].reason_code,
                                  "params": refused[0].reason_params}},
        }  # fmt: skip

    hours = settings.alert_no_success_hours
    if hours and settings.is_configured and settings.schedule != Settings.Schedule.OFF:
        last = (
            SyncRun.objects.filter(status__in=GOOD)
            # One order sent again, or the few a webhook announced, say nothing of the schedule.
            .exclude(kind__in=[SyncRun.Kind.RESEND, SyncRun.Kind.WEBHOOK_ORDERS])
            .values_list("finished_at", flat=True)
            .first()
        )
        since = last or settings.new_orders_from
        if since is not None and now - since > timedelta(hours=hours):
            problems[NO_SUCCESS] = {"code": "alert.no_success", "params": {"hours": hours}}

    threshold = settings.alert_failed_percent
    if threshold:
        worst, worst_share = None, 0
        for run in runs:
            handled = sum(run.counts[n] for n in ("created", "updated", "unchanged", "skipped"))
            handled += run.failed
            if not handled or not run.failed:
                continue
            share = round(100 * run.failed / handled)
            if share > threshold and share > worst_share:
                worst, worst_share = run, share
        if worst is not None:
            with translation.override(django_settings.LANGUAGE_CODE):
                name = run_name(worst)
            problems[FAILED_SHARE] = {
                "code": "alert.failed_share",
                "params": {"percent": worst_share, "run": name, "threshold": threshold},
            }
    return problems


def alert_text(alert: Alert) -> str:
    """The alert's sentence in the language active now."""
    return render(alert.params.get("code") or alert.problem, alert.params.get("params") or {})


def check(now=None, worker_stuck: bool | None = None) -> list[Alert]:
    """Opens an Alert (and mails it) for each new problem, closes those that are over.
    Returns the alerts opened now."""
    now = now or timezone.now()
    problems = current_problems(now, worker_stuck)
    opened = []
    with transaction.atomic():
        # One checker at a time (the end of a run and the periodic check may meet).
        Settings.objects.select_for_update().filter(pk=1).first()
        open_alerts = {a.problem: a for a in Alert.objects.filter(ended_at__isnull=True)}
        for problem, alert in open_alerts.items():
            if problem == WORKER_STUCK and worker_stuck is None:
                continue  # only the health check judges the worker
            if problem not in problems:
                alert.ended_at = now
                alert.save(update_fields=["ended_at"])
        for problem, params in problems.items():
            if problem not in open_alerts:
                opened.append(Alert.objects.create(problem=problem, params=params, started_at=now))
    settings = Settings.load()
    to = recipients(settings)
    if to:
        for alert in Alert.objects.filter(ended_at__isnull=True, mailed_at__isnull=True):
            if _mail(alert, to):
                Alert.objects.filter(pk=alert.pk).update(mailed_at=timezone.now())
    return opened


def _mail(alert: Alert, to: list[str]) -> bool:
    with translation.override(django_settings.LANGUAGE_CODE):
        text = alert_text(alert)
        subject = gettext("FLOWii Connector: %(problem)s") % {"problem": text}
        body = "\n\n".join(
            part
            for part in (
                text,
                gettext("You are told once; the Overview shows the alert until it is over."),
                getattr(django_settings, "CONNECTOR_SITE_URL", "").rstrip("/") + "/admin/"
                if getattr(django_settings, "CONNECTOR_SITE_URL", "")
                else "",
            )
            if part
        )
    try:
        send_mail(
            subject[:200].replace("\n", " "),
            body,
            getattr(django_settings, "DEFAULT_FROM_EMAIL", None),
            to,
        )
    except Exception:  # a mail server down must not break a run; tried again next check
        logger.exception("alert %s could not be mailed", alert.problem)
        return False
    return True


def after_run(run) -> None:
    """The runner's last step: never raises."""
    try:
        check()
    except Exception:
        logger.exception("the alerts could not be checked after run %s", getattr(run, "pk", run))
