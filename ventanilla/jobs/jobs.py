"""Background jobs of the lifecycle: they take ids (ARCHITECTURE rule 8)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from ventanilla.jobs import actions


@task()
def review_digest(pipeline_id: int, slot: str) -> int:
    """Send one triage pipeline's review digest (R-WF-6)."""
    return actions.send_review_digest(pipeline_id, slot=dt.datetime.fromisoformat(slot))
