"""Background entry points of SLA: they take ids (ARCHITECTURE rule 8)."""

from __future__ import annotations

from django_tasks import task

from ventanilla.sla import actions, notify


# Below the default priority: mail to customers and agents goes first when
# many changes are queued at once (e.g. a bulk edit or the demo's history).
@task(priority=-10)
def recompute_ticket_sla(ticket_id: int) -> None:
    """Recompute one ticket's clocks (idempotent)."""
    actions.recompute(ticket_id)


@task(priority=-10)
def recompute_tickets_sla(ticket_ids: list[int]) -> None:
    """Recompute many tickets' clocks in one go (idempotent): one job for a
    batch of ingested mail rather than one per ticket."""
    actions.recompute_many(ticket_ids)


@task()
def send_sla_notice(event_id: int) -> int:
    return notify.deliver_sla_notice(event_id)
