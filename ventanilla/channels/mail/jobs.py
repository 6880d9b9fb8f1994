"""Background jobs of the mail channel; they take ids (Django Tasks)."""

from __future__ import annotations

import logging

from django_tasks import task

from ventanilla.channels.mail import outbound


@task()
def send_reply(message_id: int) -> bool:
    return outbound.send_reply(message_id)


@task()
def send_acknowledgement(message_id: int) -> bool:
    return outbound.send_acknowledgement(message_id)


logger = logging.getLogger(__name__)


@task()
def send_acknowledgements(message_ids: list[int]) -> int:
    """``send_acknowledgement`` for the new tickets of a mail batch, in one
    job; one that fails does not stop the others (each is claimed before
    it is sent, so a retry of the job sends none twice). Returns how many
    were sent; raises the first failure once all were tried."""
    sent, failed = 0, None
    for message_id in message_ids:
        try:
            sent += outbound.send_acknowledgement(message_id)
        except Exception as exc:
            logger.exception("acknowledgement of message %s failed", message_id)
            failed = failed or exc
    if failed is not None:
        raise failed
    return sent
