from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from ventanilla.channels.mail.models import Mailbox
from ventanilla.demo.organisation import (
    DEMO_PASSWORD,
    build_organisation,
    demo_logins,
    ruc,
)
from ventanilla.directory.models import (
    Agent,
    Company,
    CompanyKind,
    Contact,
    CustomerUser,
    Role,
    Team,
)
from ventanilla.pipelines.models import Pipeline, Stage, StageKind, TicketType

pytestmark = pytest.mark.django_db

HELP_CENTER = [
    "To Do",
    "Doing - esperando acción por nuestra parte",
    "Doing - esperando el contacto",
    "Done",
    "Archivado",
]
CRM = [
    "Nuevo",
    "En proceso",
    "Acción del cliente",
    "Acción de terceros",
    "Completado",
    "Cerrado",
]


def _counts() -> dict[str, int]:
    models = (User, Agent, Team, Pipeline, Stage, TicketType, Mailbox, Company)
    return {m.__name__: m.objects.count() for m in (*models, Contact, CustomerUser)}


def _stages(pipeline: str) -> list[str]:
    return list(
        Stage.objects.filter(pipeline__name=pipeline)
        .order_by("position")
        .values_list("name", flat=True)
    )


def test_builds_the_seven_area_pipelines_with_both_stage_vocabularies():
    # when
    build_organisation()

    # then
    assert list(Pipeline.objects.values_list("name", flat=True)) == [
        "Servicio al cliente",
        "Comercial",
        "Finanzas",
        "Cobranzas",
        "Operaciones",
        "Soporte TD",
        "Soporte TIC",
    ]
    assert Pipeline.objects.get(is_triage=True).name == "Servicio al cliente"
    assert _stages("Servicio al cliente") == HELP_CENTER
    assert _stages("Comercial") == HELP_CENTER
    for name in ("Finanzas", "Cobranzas", "Operaciones", "Soporte TD", "Soporte TIC"):
        assert _stages(name) == CRM
    for pipeline in Pipeline.objects.all():
        kinds = set(pipeline.stages.values_list("kind", flat=True))
        assert {StageKind.NEW, StageKind.OPEN, StageKind.CLOSED} <= kinds
        assert pipeline.types.exists()
        assert pipeline.team.lead is not None


def test_mailboxes_feed_their_pipelines_and_operaciones_is_not_connected():
    # when
    build_organisation()

    # then
    mailboxes = {
        m.address: (m.pipeline.name, m.is_connected)
        for m in Mailbox.objects.select_related("pipeline")
    }
    assert mailboxes == {
        "servicioalcliente@generafactoring.pe": ("Servicio al cliente", True),
        "cobranza@generafactoring.pe": ("Cobranzas", True),
        "finanzas@generafactoring.pe": ("Finanzas", True),
        "soportetd@generafactoring.pe": ("Soporte TD", True),
        "operaciones@generafactoring.pe": ("Operaciones", False),
    }


def test_finanzas_types_carry_the_owners_and_playbooks_of_seed_000():
    # when
    build_organisation()

    # then
    types = {
        t.name: (
            sorted(t.default_owners.values_list("username", flat=True)),
            t.playbook,
        )
        for t in TicketType.objects.filter(pipeline__slug="finanzas")
    }
    assert types == {
        "Inversionista - Adición": (
            ["alejandro", "rosario"],
            "Cerrar ticket y crear un negocio",
        ),
        "Inversionista - Rescate": (["alonso"], "Asignar a Alonso y dar seguimiento"),
        "Inversionista - Otros": ([], "Clasificar y responder"),
        "Inversionistas Institucionales": (["milagros"], "Clasificar y atender"),
        "Finanzas - Otros": (["alonso", "milagros"], "Clasificar, asignar y responder"),
    }
    adicion = TicketType.objects.get(name="Inversionista - Adición")
    rescate = TicketType.objects.get(name="Inversionista - Rescate")
    otros = TicketType.objects.get(name="Finanzas - Otros")
    assert adicion.guide_url.startswith("https://")
    assert rescate.guide_url.startswith("https://")
    assert "SUNAFIL" in otros.description and "SUNAT" in otros.description


def test_staff_roles_teams_and_the_admin_assistant():
    # when
    build_organisation()

    # then
    lucia = Agent.objects.get(user__username="lucia")
    assert lucia.role == Role.SUPERVISOR
    assert lucia.job_title == "Asistente de Administración y RRHH"
    assert [t.name for t in lucia.teams.all()] == ["Servicio al cliente"]
    rosario = Agent.objects.get(user__username="rosario")
    assert {t.name for t in rosario.teams.all()} == {"Comercial", "Finanzas"}
    admin = User.objects.get(username="admin")
    assert admin.agent.role == Role.ADMIN and admin.is_superuser
    for team in Team.objects.all():
        assert team.agents.exists(), team


def test_customer_master_marks_institutions_authorities_and_company_admins():
    # when
    build_organisation()

    # then
    institutional = Company.objects.filter(is_institutional_investor=True)
    assert institutional.count() == 2
    assert {c.kind for c in institutional} == {CompanyKind.INVESTOR}
    authorities = Company.objects.filter(kind=CompanyKind.AUTHORITY)
    assert {c.domain for c in authorities} == {"sunat.gob.pe", "sunafil.gob.pe"}
    assert Company.objects.get(kind=CompanyKind.INTERNAL).domain == (
        "generafactoring.pe"
    )
    for company in Company.objects.all():
        contacts = company.contacts.all()
        assert 1 <= len(contacts) <= 3, company
        assert all(c.owner is not None for c in contacts), company
        admins = CustomerUser.objects.filter(
            contact__company=company, is_company_admin=True
        )
        customer = company.kind in (CompanyKind.CLIENT, CompanyKind.INVESTOR)
        assert admins.count() == (1 if customer else 0), company
    assert CustomerUser.objects.filter(is_company_admin=False).exists()


def test_every_demo_login_works_with_the_demo_password():
    # given
    build_organisation()

    # when
    users = [User.objects.get(username=username) for username, *_ in demo_logins()]

    # then
    assert all(user.check_password(DEMO_PASSWORD) for user in users)
    assert not User.objects.get(username="rosario").check_password("otra")


def test_building_twice_creates_nothing_new():
    # given
    build_organisation()
    before = _counts()

    # when
    build_organisation()

    # then
    assert _counts() == before


def test_ruc_check_digit_follows_sunat():
    assert ruc("2013131295") == "20131312955"  # SUNAT's own RUC.
