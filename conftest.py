"""Personas of the demo organisation, shared by every test.

A small copy of R-DEMO: the Finanzas, Cobranzas and "Servicio al cliente"
pipelines with their teams and agents, the priorities and reasons, and the
customers: a company admin, a plain user of the same company, and an outsider
from another company.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from ventanilla.directory import actions as directory
from ventanilla.directory.models import Agent, Company, CompanyKind, Contact, Role, Team
from ventanilla.pipelines import actions as pipelines
from ventanilla.pipelines.models import Pipeline, Priority, Reason, TicketType
from ventanilla.pipelines.tests.factories import CRM_STAGES, HELP_CENTER_STAGES
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.tests.factories import open_test_ticket

# Playwright's sync API runs an event loop in the main thread; without this,
# ORM calls in a test that also uses `page` raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "clave-de-prueba"


@dataclass
class Org:
    finanzas_team: Team
    cobranzas_team: Team
    servicio_team: Team
    finanzas: Pipeline
    cobranzas: Pipeline
    servicio: Pipeline
    adicion: TicketType
    rescate: TicketType
    finanzas_otros: TicketType
    liquidaciones: TicketType
    alta: Priority
    media: Priority
    baja: Priority
    pagos: Reason
    soporte: Reason
    acme: Company
    other_company: Company


def _agent(
    username: str, first: str, last: str, role: Role, teams: list[Team]
) -> Agent:
    return directory.create_agent(
        username=username,
        email=f"{username}@generafactoring.pe",
        first_name=first,
        last_name=last,
        password=PASSWORD,
        role=role,
        teams=teams,
    )


@pytest.fixture
def org(db: None) -> Org:
    finanzas_team = directory.create_team(name="Finanzas")
    cobranzas_team = directory.create_team(name="Cobranzas")
    servicio_team = directory.create_team(name="Servicio al cliente")
    finanzas = pipelines.create_pipeline(
        name="Finanzas", team=finanzas_team, stages=CRM_STAGES
    )
    cobranzas = pipelines.create_pipeline(
        name="Cobranzas", team=cobranzas_team, stages=CRM_STAGES
    )
    servicio = pipelines.create_pipeline(
        name="Servicio al cliente",
        team=servicio_team,
        stages=HELP_CENTER_STAGES,
        is_triage=True,
    )
    return Org(
        finanzas_team=finanzas_team,
        cobranzas_team=cobranzas_team,
        servicio_team=servicio_team,
        finanzas=finanzas,
        cobranzas=cobranzas,
        servicio=servicio,
        adicion=pipelines.create_ticket_type(
            pipeline=finanzas,
            name="Inversionista - Adición",
            playbook="Cerrar ticket y crear un negocio",
        ),
        rescate=pipelines.create_ticket_type(
            pipeline=finanzas, name="Inversionista - Rescate"
        ),
        finanzas_otros=pipelines.create_ticket_type(
            pipeline=finanzas, name="Finanzas - Otros"
        ),
        liquidaciones=pipelines.create_ticket_type(
            pipeline=cobranzas, name="Consulta de liquidación"
        ),
        alta=pipelines.create_priority(name="Alta", rank=1),
        media=pipelines.create_priority(name="Media", rank=2),
        baja=pipelines.create_priority(name="Baja", rank=3),
        pagos=pipelines.create_reason(name="Pagos"),
        soporte=pipelines.create_reason(name="Soporte"),
        acme=directory.create_company(
            name="Inversiones Andinas S.A.C.",
            kind=CompanyKind.INVESTOR,
            domain="andinas.example",
        ),
        other_company=directory.create_company(
            name="Textiles del Sur S.A.",
            kind=CompanyKind.CLIENT,
            domain="textiles.example",
        ),
    )


@pytest.fixture
def rosario(org: Org) -> User:
    """Agent in Finanzas."""
    return _agent("rosario", "Rosario", "Quispe", Role.AGENT, [org.finanzas_team]).user


@pytest.fixture
def alonso(org: Org) -> User:
    """Agent in Finanzas."""
    return _agent("alonso", "Alonso", "Vargas", Role.AGENT, [org.finanzas_team]).user


@pytest.fixture
def carmen(org: Org) -> User:
    """Agent in Cobranzas: an agent of another team for Finanzas tickets."""
    return _agent("carmen", "Carmen", "Rojas", Role.AGENT, [org.cobranzas_team]).user


@pytest.fixture
def lucia(org: Org) -> User:
    """Agent of the triage pipeline (the admin assistant)."""
    return _agent(
        "lucia", "Lucía", "Paredes", Role.SUPERVISOR, [org.servicio_team]
    ).user


@pytest.fixture
def admin(org: Org) -> User:
    return _agent("admin", "Ana", "Administradora", Role.ADMIN, []).user


@pytest.fixture
def requester(org: Org) -> Contact:
    return directory.create_contact(
        name="Jorge Salas", email="jorge.salas@andinas.example", company=org.acme
    )


@pytest.fixture
def cliente_admin(org: Org) -> User:
    contact = directory.create_contact(
        name="María Torres", email="maria.torres@andinas.example", company=org.acme
    )
    return directory.create_customer_user(
        contact, password=PASSWORD, is_company_admin=True
    ).user


@pytest.fixture
def cliente(org: Org, requester: Contact) -> User:
    return directory.create_customer_user(requester, password=PASSWORD).user


@pytest.fixture
def outsider(org: Org) -> User:
    contact = directory.create_contact(
        name="Pedro Ruiz",
        email="pedro.ruiz@textiles.example",
        company=org.other_company,
    )
    return directory.create_customer_user(
        contact, password=PASSWORD, is_company_admin=True
    ).user


@pytest.fixture
def ticket(org: Org, requester: Contact) -> Ticket:
    """A new Finanzas ticket from Jorge Salas, unclassified."""
    return open_test_ticket(org.finanzas, requester=requester)


@pytest.fixture
def classified_ticket(org: Org, requester: Contact, rosario: User) -> Ticket:
    """A new Finanzas ticket with every field R-CLS-3 requires."""
    return open_test_ticket(
        org.finanzas,
        requester=requester,
        subject="Adición de inversión",
        type=org.adicion,
        reason=org.pagos,
        priority=org.alta,
        team=org.finanzas_team,
        owner=rosario,
    )
