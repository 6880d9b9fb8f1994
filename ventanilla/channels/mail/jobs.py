"""Background jobs of the mail channel; they take ids (Django Tasks)."""

from __future__ import annotations

from django_tasks import task

from ventanilla.channels.mail import outbound


@task()
def send_reply(message_id: int) -> bool:
    return outbound.send_reply(message_id)


@task()
def send_acknowledgement(message_id: int) -> bool:
    return outbound.send_acknowledgement(message_id)
