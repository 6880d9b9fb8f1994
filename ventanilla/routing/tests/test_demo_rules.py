"""Acceptance: the seeds' sample requests, fed to the demo mailboxes, get the
pipeline, type, priority and owner the seeds prescribe (seed 000's table,
seed 001's initials), one test per row."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from ventanilla.channels.mail.ingest import ingest_raw
from ventanilla.channels.mail.models import Mailbox, Via
from ventanilla.channels.mail.tests.builders import build_mail
from ventanilla.demo.organisation import build_organisation
from ventanilla.pipelines.models import Scope
from ventanilla.routing.demo import install_demo_rules
from ventanilla.routing.models import Rule
from ventanilla.tickets.models import ActorType, Ticket


@pytest.fixture
def demo(db: None) -> None:
    build_organisation()
    install_demo_rules()


@dataclass(frozen=True)
class Sample:
    """A request as the seeds describe it, arriving at a demo mailbox."""

    mailbox: str
    sender: str
    subject: str
    body: str


def deliver(sample: Sample):
    """Send the request as a real message through mail ingestion (which
    opens the ticket in the mailbox's pipeline and routes it)."""
    mailbox = Mailbox.objects.select_related("pipeline").get(
        address=f"{sample.mailbox}@generafactoring.pe"
    )
    raw = build_mail(
        sender=sample.sender,
        to=mailbox.address,
        subject=sample.subject,
        body=sample.body,
    )
    result = ingest_raw(raw, mailbox=mailbox, via=Via.PIPE)
    assert result.outcome == "created", result
    assert result.ticket is not None
    return Ticket.objects.get(number=result.ticket)


def outcome(ticket: Ticket) -> tuple[str, str, str, str]:
    return (
        ticket.pipeline.slug,
        ticket.type.name if ticket.type else "",
        ticket.priority.name if ticket.priority else "",
        ticket.owner.username if ticket.owner else "",
    )


def test_investor_addition_request(demo):
    ticket = deliver(
        Sample(
            "servicioalcliente",
            "maria.torres@inversionesandinas.example",
            "Solicitud de adición de inversión",
            "Buenos días, deseo adicionar S/ 50,000 a mi inversión actual.",
        )
    )

    # Alejandro and Rosario share the type; both are free, Alejandro first.
    assert outcome(ticket) == (
        "finanzas",
        "Inversionista - Adición",
        "Alta",
        "alejandro",
    )


def test_second_addition_goes_to_the_other_default_owner(demo):
    sample = Sample(
        "servicioalcliente",
        "ricardo@benavidescapital.example",
        "Quiero invertir",
        "Quisiera invertir S/ 100,000 más este mes.",
    )

    owners = [deliver(sample).owner.username for _ in range(2)]

    assert owners == ["alejandro", "rosario"]


def test_investor_rescue_request(demo):
    ticket = deliver(
        Sample(
            "servicioalcliente",
            "carlos.zevallos@pacificosur.example",
            "Rescate parcial",
            "Solicito el retiro parcial de mi inversión al vencimiento.",
        )
    )

    assert outcome(ticket) == ("finanzas", "Inversionista - Rescate", "Alta", "alonso")


def test_other_investor_question(demo):
    ticket = deliver(
        Sample(
            "servicioalcliente",
            "jorge.salas@inversionesandinas.example",
            "Estado de cuenta de setiembre",
            "¿Me pueden enviar mi estado de cuenta?",
        )
    )

    pipeline, type_name, priority, owner = outcome(ticket)
    assert (pipeline, type_name, priority) == (
        "finanzas",
        "Inversionista - Otros",
        "Alta",
    )
    # "Variable según el tema": no default owner, so someone of Finanzas.
    assert User.objects.get(username=owner).agent.teams.filter(slug="finanzas").exists()


def test_institutional_investor_query(demo):
    ticket = deliver(
        Sample(
            "servicioalcliente",
            "scorrea@larrainperu.example",
            "Consulta sobre el cronograma",
            "Estimados, ¿podrían confirmarnos las fechas de pago del cronograma?",
        )
    )

    assert outcome(ticket) == (
        "finanzas",
        "Inversionistas Institucionales",
        "Alta",
        "milagros",
    )


def test_sunafil_notice(demo):
    ticket = deliver(
        Sample(
            "finanzas",
            "notificaciones@sunafil.gob.pe",
            "Orden de inspección N° 1234-2025",
            "Se le notifica el inicio de las actuaciones inspectivas.",
        )
    )

    assert outcome(ticket) == ("finanzas", "Finanzas - Otros", "Media", "milagros")


def test_sunat_notice_from_the_electronic_mailbox(demo):
    ticket = deliver(
        Sample(
            "finanzas",
            "notificaciones@sunat.gob.pe",
            "Nueva notificación en su Buzón Electrónico",
            "Tiene una nueva notificación. Ingrese a SOL para revisarla.",
        )
    )

    assert outcome(ticket) == ("finanzas", "Finanzas - Otros", "Media", "milagros")


def test_supplier_invoice(demo):
    ticket = deliver(
        Sample(
            "finanzas",
            "facturacion@conectatelecom.example",
            "Factura electrónica F001-00012345",
            "Adjuntamos la factura del servicio de internet de octubre.",
        )
    )

    assert outcome(ticket) == ("finanzas", "Finanzas - Otros", "Baja", "alonso")


def test_payment_proof(demo):
    ticket = deliver(
        Sample(
            "finanzas",
            "ventas@utileslima.example",
            "Constancia de pago OC 456",
            "Les enviamos la constancia de depósito del pedido.",
        )
    )

    assert outcome(ticket) == ("finanzas", "Finanzas - Otros", "Baja", "alonso")


@pytest.mark.parametrize(
    ("subject", "pipeline"),
    [
        ("FIN: estado de cuenta marzo", "finanzas"),
        ("RE: COB: liquidación de la operación 2025-118", "cobranzas"),
        ("[OPE] desembolso de la operación 2025-120", "operaciones"),
        ("sop - acceso al CRM", "soporte-td"),
    ],
)
def test_internal_request_with_an_initial(demo, subject, pipeline):
    ticket = deliver(
        Sample(
            "servicioalcliente",
            "karina.huaman@generafactoring.pe",
            subject,
            "Hola, por favor su apoyo.",
        )
    )

    assert ticket.pipeline.slug == pipeline
    assert ticket.scope == Scope.INTERNAL
    assert ticket.routing.triage_flag == ""
    event = ticket.events.get(field="pipeline")
    assert event.actor_type == ActorType.RULE
    assert event.actor_label == Rule.objects.get(pk=event.data["rule_id"]).name


@pytest.mark.parametrize(
    ("sender", "subject", "flag"),
    [
        ("karina.huaman@generafactoring.pe", "Fin de mes: cierre", "missing_initial"),
        ("karina.huaman@generafactoring.pe", "XYZ: pedido", "unknown_initial"),
        (
            "pedro.ruiz@textilesdelsur.example",
            "Adjunto facturas para adelanto",
            "missing_initial",
        ),
    ],
)
def test_unrouted_triage_mail_stays_in_triage_flagged(demo, sender, subject, flag):
    ticket = deliver(
        Sample("servicioalcliente", sender, subject, "Buenos días, adjunto lo pedido.")
    )

    assert ticket.pipeline.slug == "servicio-al-cliente"
    assert ticket.routing.triage_flag == flag


def test_installing_the_demo_rules_again_changes_nothing(demo):
    before = list(Rule.objects.values_list("name", "position", "conditions", "actions"))

    install_demo_rules()

    after = list(Rule.objects.values_list("name", "position", "conditions", "actions"))
    assert after == before
    assert len(before) == 17


def test_dry_run_of_a_stored_message_changes_nothing(demo, client):
    # given a stored message, quarantined because its mailbox is not connected
    from ventanilla.channels.mail.models import InboundMessage

    mailbox = Mailbox.objects.get(address="operaciones@generafactoring.pe")
    raw = build_mail(
        sender="maria.torres@inversionesandinas.example",
        to=mailbox.address,
        subject="Solicitud de adición de inversión",
        body="Deseo adicionar S/ 50,000 a mi inversión.",
    )
    result = ingest_raw(raw, mailbox=mailbox, via=Via.PIPE)
    assert result.outcome == "quarantined"
    tickets_before = Ticket.objects.count()
    client.force_login(User.objects.get(username="admin"))

    # when the admin asks what the rules would do with it
    page = client.post(
        "/admin/routing/rule/dry-run/", {"inbound": result.inbound_id}
    ).content.decode()

    # then the decision is shown and nothing was written
    assert "Inversionista - Adición" in page
    assert Ticket.objects.count() == tickets_before
    assert InboundMessage.objects.get(pk=result.inbound_id).outcome == "quarantined"
