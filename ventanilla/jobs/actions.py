"""Periodic work: claiming slots, auto-close (R-WF-3), review digests
(R-WF-6), and the loop step that runs whatever is due."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.core.errors import ActionRefused
from ventanilla.jobs import queries
from ventanilla.jobs.emails import make_message
from ventanilla.jobs.models import ScheduledRun
from ventanilla.jobs.schedule import PeriodicJob, daily_at, every, parse_times
from ventanilla.pipelines.models import StageKind
from ventanilla.pipelines.queries import stage_of_kind
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.actors import Actor
from ventanilla.tickets.models import Ticket

logger = logging.getLogger(__name__)


def _setting(name: str, default: object) -> object:
    """Settings are read when a job runs, never at import (Django rule)."""
    return getattr(settings, name, default)


# -- claiming ----------------------------------------------------------------


def claim_slot(job: str, slot: dt.datetime, worker_id: str) -> bool:
    """True for exactly one caller per (job, slot), across processes.

    1. Make sure the row exists (INSERT ... ON CONFLICT DO NOTHING).
    2. Claim it with a conditional UPDATE; the database lets one UPDATE
       see ``claimed_at IS NULL``, every later one updates no row.
    """
    ScheduledRun.objects.bulk_create(
        [ScheduledRun(job=job, slot=slot)], ignore_conflicts=True
    )
    claimed = ScheduledRun.objects.filter(
        job=job, slot=slot, claimed_at__isnull=True
    ).update(claimed_at=timezone.now(), claimed_by=worker_id[:100])
    return claimed == 1


def _finish(job: str, slot: dt.datetime, error: str = "") -> None:
    ScheduledRun.objects.filter(job=job, slot=slot).update(
        finished_at=timezone.now(), error=error
    )


def run_due(
    now: dt.datetime,
    *,
    worker_id: str,
    jobs: Sequence[PeriodicJob] | None = None,
) -> list[str]:
    """Run each periodic job whose current slot nobody has claimed yet.

    A job that fails is logged and recorded on its run; the others still
    run. A run claimed by a worker that died is not retried: the next slot
    runs as usual (each job catches up on everything due, so nothing is
    lost but the delay).
    """
    done = []
    for job in periodic_jobs() if jobs is None else jobs:
        slot = job.slot(now)
        if slot is None or not claim_slot(job.name, slot, worker_id):
            continue
        try:
            job.run(now, slot)
        except Exception as exc:
            logger.exception("periodic job %s (%s) failed", job.name, slot)
            _finish(job.name, slot, error=f"{type(exc).__name__}: {exc}"[:2000])
        else:
            _finish(job.name, slot)
            done.append(job.name)
    return done


def prune_runs(now: dt.datetime, slot: dt.datetime) -> int:
    """Forget claims older than 30 days."""
    deleted, _rows = ScheduledRun.objects.filter(
        slot__lt=now - dt.timedelta(days=30)
    ).delete()
    return deleted


# -- the jobs ----------------------------------------------------------------


def auto_close_resolved(now: dt.datetime, slot: dt.datetime | None = None) -> int:
    """Close tickets resolved for longer than VENTANILLA_AUTO_CLOSE_AFTER_HOURS
    (default 72, calendar hours) through ``tickets.actions.change_stage``.

    Each ticket is closed at the version it was read at: one a customer
    reopened meanwhile is left alone (StaleVersion), so a reply that
    arrives during the run is never swallowed by a close.
    """
    hours = int(str(_setting("VENTANILLA_AUTO_CLOSE_AFTER_HOURS", 72)))
    cutoff = now - dt.timedelta(hours=hours)
    actor = Actor.system(_("Automatic close"))
    closed = 0
    for ticket_id, version in queries.resolved_before(cutoff):
        ticket = Ticket.objects.select_related("pipeline").get(pk=ticket_id)
        try:
            tickets.change_stage(
                ticket,
                stage=stage_of_kind(ticket.pipeline, StageKind.CLOSED),
                actor=actor,
                expected_version=version,
            )
        except ActionRefused as refused:
            logger.info("auto-close of #%s skipped: %s", ticket.number, refused)
            continue
        closed += 1
    return closed


def send_review_digest(pipeline_id: int, *, slot: dt.datetime) -> int:
    """Mail the triage team the tickets still unassigned or unclassified
    (R-WF-6); nothing is sent when there are none. Returns the count."""
    pipeline = queries.triage_pipelines().filter(pk=pipeline_id).first()
    if pipeline is None:
        return 0
    rows = list(queries.needs_review(pipeline))
    to = queries.team_addresses(pipeline)
    if not rows or not to:
        return 0
    context = {
        "pipeline": pipeline,
        "tickets": rows,
        "slot": timezone.localtime(slot),
        "site_url": str(_setting("SITE_URL", "")).rstrip("/"),
    }
    make_message("jobs/email/review-digest", context, to).send()
    return len(rows)


def enqueue_review_digests(now: dt.datetime, slot: dt.datetime) -> int:
    """One background job per triage pipeline (they take ids)."""
    from ventanilla.jobs.jobs import review_digest

    ids = list(queries.triage_pipelines().values_list("id", flat=True))
    for pipeline_id in ids:
        review_digest.enqueue(pipeline_id, slot.isoformat())
    return len(ids)


def _scan_sla(now: dt.datetime, slot: dt.datetime) -> object:
    from ventanilla.sla.actions import scan_due

    return scan_due(now)


def periodic_jobs() -> list[PeriodicJob]:
    """The schedule, from settings (names and defaults in the report):

    * ``sla_scan`` every VENTANILLA_SLA_SCAN_SECONDS (60): warnings,
      breaches, stale clocks.
    * ``auto_close`` every VENTANILLA_AUTO_CLOSE_SCAN_SECONDS (300).
    * ``review_digest`` at VENTANILLA_REVIEW_TIMES (09:00, 12:00, 16:00 in
      TIME_ZONE), up to an hour late.
    * ``webhook_retries`` every minute: deliveries due for another attempt.
    * ``prune_runs`` daily.
    * ``attachment_sweep`` daily: files no attachment row names (left by
      writes that rolled back after storing them).
    * ``rate_sweep`` daily: the rate-limit counts of callers not seen for
      two days (``core.ratelimit``).
    """
    review_times = _setting("VENTANILLA_REVIEW_TIMES", ["09:00", "12:00", "16:00"])
    if isinstance(review_times, str):
        review_times = review_times.split(",")
    assert isinstance(review_times, list | tuple)  # noqa: S101 - a list setting
    zone = ZoneInfo(str(_setting("TIME_ZONE", "America/Lima")))
    return [
        PeriodicJob(
            "sla_scan",
            every(int(str(_setting("VENTANILLA_SLA_SCAN_SECONDS", 60)))),
            _scan_sla,
        ),
        PeriodicJob(
            "auto_close",
            every(int(str(_setting("VENTANILLA_AUTO_CLOSE_SCAN_SECONDS", 300)))),
            auto_close_resolved,
        ),
        PeriodicJob(
            "review_digest",
            daily_at(parse_times(review_times), zone, grace=dt.timedelta(hours=1)),
            enqueue_review_digests,
        ),
        PeriodicJob(
            "imap_poll",
            every(int(str(_setting("VENTANILLA_IMAP_POLL_SECONDS", 60)))),
            poll_imap_mailboxes,
        ),
        PeriodicJob("webhook_retries", every(60), _retry_webhooks),
        PeriodicJob("prune_runs", every(24 * 3600), prune_runs),
        PeriodicJob("attachment_sweep", every(24 * 3600), _sweep_attachments),
        PeriodicJob("rate_sweep", every(24 * 3600), _sweep_rate_counts),
    ]


def _sweep_attachments(now: dt.datetime, slot: dt.datetime) -> int:
    from ventanilla.tickets.attachments import sweep_orphan_files

    deleted = sweep_orphan_files(now=now)
    if deleted:
        logger.info("deleted %d orphan attachment files", len(deleted))
    return len(deleted)


def _sweep_rate_counts(now: dt.datetime, slot: dt.datetime) -> int:
    from ventanilla.core.ratelimit import sweep

    return sweep(now)


def _retry_webhooks(now: dt.datetime, slot: dt.datetime) -> None:
    """Webhook deliveries whose retry time has come and that no worker took
    (e.g. the worker was down when the retry was due)."""
    from ventanilla.webhooks.jobs import retry_due_deliveries

    retry_due_deliveries(now, slot)


def poll_imap_mailboxes(now: dt.datetime, slot: dt.datetime) -> None:
    """Import new mail from every connected IMAP mailbox (R-CAP-2); one
    broken server is logged and does not stop the others."""
    from ventanilla.channels.mail.imap import poll_mailbox, pollable_mailboxes

    for mailbox in pollable_mailboxes():
        try:
            report = poll_mailbox(mailbox)
        except Exception:
            logger.exception("IMAP poll of %s failed", mailbox.address)
            continue
        if report.fetched:
            logger.info("IMAP %s: %s", mailbox.address, report.outcomes)
