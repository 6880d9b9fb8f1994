"""The audit trail lets a reader reconstruct who changed what and when."""

from __future__ import annotations

import time_machine

from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.models import Channel, EventKind
from ventanilla.tickets.tests.factories import open_test_ticket, stage


def test_trail_replays_a_ticket_life(org, requester, lucia, rosario):
    # given a scripted life: triage, re-classification, reply, customer answer,
    # resolution
    with time_machine.travel("2026-05-04 09:00:00-05:00", tick=False):
        ticket = open_test_ticket(org.servicio, requester=requester, subject="Adición")
    with time_machine.travel("2026-05-04 09:10:00-05:00", tick=False):
        ticket = actions.move_to_pipeline(ticket, pipeline=org.finanzas, actor=lucia)
        ticket = actions.set_classification(
            ticket, actor=lucia, type=org.adicion, reason=org.pagos, priority=org.alta
        )
        ticket = actions.assign(ticket, actor=lucia, owner=rosario)
    with time_machine.travel("2026-05-04 10:00:00-05:00", tick=False):
        actions.add_reply(
            ticket,
            author=rosario,
            body_text="Le enviamos el contrato",
            new_stage=stage(org.finanzas, StageKind.WAITING_CUSTOMER),
        )
    with time_machine.travel("2026-05-05 11:00:00-05:00", tick=False):
        actions.add_customer_message(
            ticket, contact=requester, body_text="Firmado", channel=Channel.EMAIL
        )
    with time_machine.travel("2026-05-05 12:00:00-05:00", tick=False):
        actions.change_stage(
            ticket, stage=stage(org.finanzas, StageKind.RESOLVED), actor=rosario
        )

    # when the trail is read back
    trail = [
        (e.created_at.isoformat(), e.actor_label, e.kind, e.field, e.old, e.new)
        for e in ticket.events.all()
    ]

    # then every change is there, in order, with its actor and time
    assert trail == [
        ("2026-05-04T14:00:00+00:00", str(requester), EventKind.CREATED, "subject", "", "Adición"),
        ("2026-05-04T14:10:00+00:00", "Lucía Paredes", EventKind.PIPELINE_CHANGED, "pipeline", "Servicio al cliente", "Finanzas"),
        ("2026-05-04T14:10:00+00:00", "Lucía Paredes", EventKind.FIELD_CHANGED, "team", "", "Finanzas"),
        ("2026-05-04T14:10:00+00:00", "Lucía Paredes", EventKind.STAGE_CHANGED, "stage", "To Do", "Nuevo"),
        ("2026-05-04T14:10:00+00:00", "Lucía Paredes", EventKind.FIELD_CHANGED, "type", "", "Inversionista - Adición"),
        ("2026-05-04T14:10:00+00:00", "Lucía Paredes", EventKind.FIELD_CHANGED, "reason", "", "Pagos"),
        ("2026-05-04T14:10:00+00:00", "Lucía Paredes", EventKind.FIELD_CHANGED, "priority", "", "Alta"),
        ("2026-05-04T14:10:00+00:00", "Lucía Paredes", EventKind.FIELD_CHANGED, "owner", "", "Rosario Quispe"),
        ("2026-05-04T15:00:00+00:00", "Rosario Quispe", EventKind.STAGE_CHANGED, "stage", "Nuevo", "Acción del cliente"),
        ("2026-05-04T15:00:00+00:00", "Rosario Quispe", EventKind.REPLY_ADDED, "", "", ""),
        ("2026-05-05T16:00:00+00:00", str(requester), EventKind.MESSAGE_ADDED, "", "", ""),
        ("2026-05-05T16:00:00+00:00", str(requester), EventKind.STAGE_CHANGED, "stage", "Acción del cliente", "En proceso"),
        ("2026-05-05T17:00:00+00:00", "Rosario Quispe", EventKind.STAGE_CHANGED, "stage", "En proceso", "Completado"),
        ("2026-05-05T17:00:00+00:00", "Rosario Quispe", EventKind.FIELD_CHANGED, "resolved_at", "", "2026-05-05T17:00:00+00:00"),
    ]  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.first_response_at.isoformat() == "2026-05-04T15:00:00+00:00"
    assert ticket.resolved_at.isoformat() == "2026-05-05T17:00:00+00:00"
