"""Background jobs of notifications; they take ids (Django Tasks)."""

from __future__ import annotations

from django_tasks import task

from ventanilla.notifications import actions


@task()
def send_stage_notice(event_id: int) -> bool:
    return actions.send_stage_notice(event_id)
