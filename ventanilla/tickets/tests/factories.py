"""Tickets for tests are opened through the real action, so they carry a
number, a first message and a CREATED event like every other ticket."""

from __future__ import annotations

from typing import Any

from ventanilla.directory.models import Contact
from ventanilla.pipelines.models import Pipeline, Stage, StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.actors import Actor
from ventanilla.tickets.models import Channel, Ticket


def open_test_ticket(
    pipeline: Pipeline,
    *,
    requester: Contact | None = None,
    subject: str = "Consulta de estado de cuenta",
    body_text: str = "Buenos días, ¿me pueden enviar mi estado de cuenta?",
    channel: Channel = Channel.EMAIL,
    **fields: Any,
) -> Ticket:
    return actions.open_ticket(
        subject=subject,
        pipeline=pipeline,
        channel=channel,
        actor=Actor.for_contact(requester) if requester else Actor.system(),
        requester=requester,
        body_text=body_text,
        **fields,
    )


def stage(pipeline: Pipeline, kind: StageKind) -> Stage:
    return pipeline.stages.filter(kind=kind).order_by("position")[0]
