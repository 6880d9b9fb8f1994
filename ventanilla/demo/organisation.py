"""The demo organisation of R-DEMO: a Peruvian factoring company that runs
its help center as the seeds describe.

Everything is written through the actions modules, so the demo data obeys
the same rules (and leaves the same rows) as data entered by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction

from ventanilla.channels.mail import actions as mail
from ventanilla.directory import actions as directory
from ventanilla.directory.models import CompanyKind, PortalVisibility, Role, Team
from ventanilla.pipelines import actions as pipelines
from ventanilla.pipelines.models import Pipeline, StageKind

DEMO_PASSWORD = "demo1234"  # noqa: S105 - published on purpose: it is a demo.
STAFF_DOMAIN = "generafactoring.pe"
GUIDES_URL = "https://ayuda.generafactoring.pe"

# The two stage vocabularies of the seeds (R-WF-1). The help center of seed
# 000 only names To Do / Doing / Done; "Archivado" gives it the closed
# stage every pipeline needs for tickets that may no longer change.
HELP_CENTER_STAGES: list[tuple[str, StageKind]] = [
    ("To Do", StageKind.NEW),
    ("Doing - esperando acción por nuestra parte", StageKind.OPEN),
    ("Doing - esperando el contacto", StageKind.WAITING_CUSTOMER),
    ("Done", StageKind.RESOLVED),
    ("Archivado", StageKind.CLOSED),
]
CRM_STAGES: list[tuple[str, StageKind]] = [
    ("Nuevo", StageKind.NEW),
    ("En proceso", StageKind.OPEN),
    ("Acción del cliente", StageKind.WAITING_CUSTOMER),
    ("Acción de terceros", StageKind.WAITING_THIRD_PARTY),
    ("Completado", StageKind.RESOLVED),
    ("Cerrado", StageKind.CLOSED),
]

# The pipeline whose presence means the organisation was already built.
MARKER_PIPELINE = "finanzas"


@dataclass(frozen=True)
class TeamSpec:
    name: str
    slug: str
    email: str
    lead: str


@dataclass(frozen=True)
class AgentSpec:
    username: str
    first_name: str
    last_name: str
    role: Role
    teams: tuple[str, ...]
    job_title: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class PipelineSpec:
    name: str
    slug: str
    team: str
    stages: list[tuple[str, StageKind]]
    is_triage: bool = False


@dataclass(frozen=True)
class TypeSpec:
    name: str
    description: str
    owners: tuple[str, ...]
    playbook: str
    guide: str = ""


@dataclass(frozen=True)
class MailboxSpec:
    address: str
    pipeline: str
    name: str
    is_connected: bool = True


@dataclass(frozen=True)
class ContactSpec:
    name: str
    email: str
    phone: str
    owner: str
    # "admin": portal account that may open tickets; "user": portal account
    # that only follows them; "": no portal account.
    portal: str = ""


@dataclass(frozen=True)
class CompanySpec:
    name: str
    kind: CompanyKind
    ruc: str
    domain: str
    contacts: tuple[ContactSpec, ...]
    is_institutional_investor: bool = False
    portal_visibility: PortalVisibility = PortalVisibility.OWN


TEAMS = (
    TeamSpec(
        "Servicio al cliente",
        "servicio-al-cliente",
        f"servicioalcliente@{STAFF_DOMAIN}",
        "lucia",
    ),
    TeamSpec("Comercial", "comercial", f"comercial@{STAFF_DOMAIN}", "rosario"),
    TeamSpec("Finanzas", "finanzas", f"finanzas@{STAFF_DOMAIN}", "milagros"),
    TeamSpec("Cobranzas", "cobranzas", f"cobranza@{STAFF_DOMAIN}", "carmen"),
    TeamSpec("Operaciones", "operaciones", f"operaciones@{STAFF_DOMAIN}", "miguel"),
    TeamSpec("Soporte TD", "soporte-td", f"soportetd@{STAFF_DOMAIN}", "renzo"),
    TeamSpec("Soporte TIC", "soporte-tic", f"soportetic@{STAFF_DOMAIN}", "gianella"),
)

AGENTS = (
    AgentSpec(
        "admin", "Ana", "Gutiérrez", Role.ADMIN, (), "Administradora del sistema"
    ),
    AgentSpec(
        "lucia",
        "Lucía",
        "Paredes",
        Role.SUPERVISOR,
        ("Servicio al cliente",),
        "Asistente de Administración y RRHH",
    ),
    AgentSpec(
        "rosario",
        "Rosario",
        "Quispe",
        Role.AGENT,
        ("Comercial", "Finanzas"),
        "Ejecutiva comercial",
    ),
    AgentSpec(
        "alejandro",
        "Alejandro",
        "Mendoza",
        Role.AGENT,
        ("Finanzas",),
        "Analista de inversiones",
    ),
    AgentSpec(
        "alonso", "Alonso", "Vargas", Role.AGENT, ("Finanzas",), "Analista de tesorería"
    ),
    AgentSpec(
        "milagros",
        "Milagros",
        "Chávez",
        Role.SUPERVISOR,
        ("Finanzas",),
        "Jefa de Finanzas",
    ),
    AgentSpec(
        "carmen", "Carmen", "Rojas", Role.AGENT, ("Cobranzas",), "Analista de cobranzas"
    ),
    AgentSpec(
        "miguel",
        "Miguel",
        "Huamán",
        Role.AGENT,
        ("Operaciones",),
        "Analista de operaciones",
    ),
    AgentSpec(
        "renzo",
        "Renzo",
        "Torres",
        Role.AGENT,
        ("Soporte TD",),
        "Analista de transformación digital",
    ),
    AgentSpec(
        "gianella",
        "Gianella",
        "Flores",
        Role.AGENT,
        ("Soporte TIC",),
        "Especialista de soporte TIC",
    ),
)

PIPELINES = (
    PipelineSpec(
        "Servicio al cliente",
        "servicio-al-cliente",
        "Servicio al cliente",
        HELP_CENTER_STAGES,
        is_triage=True,
    ),
    PipelineSpec("Comercial", "comercial", "Comercial", HELP_CENTER_STAGES),
    PipelineSpec("Finanzas", "finanzas", "Finanzas", CRM_STAGES),
    PipelineSpec("Cobranzas", "cobranzas", "Cobranzas", CRM_STAGES),
    PipelineSpec("Operaciones", "operaciones", "Operaciones", CRM_STAGES),
    PipelineSpec("Soporte TD", "soporte-td", "Soporte TD", CRM_STAGES),
    PipelineSpec("Soporte TIC", "soporte-tic", "Soporte TIC", CRM_STAGES),
)

# Seed 000, "Tipos de Tickets y Cómo Actuar", for Finanzas; the other
# pipelines take their types from the areas seeds 000 and 001 describe.
TICKET_TYPES: dict[str, tuple[TypeSpec, ...]] = {
    "servicio-al-cliente": (
        TypeSpec(
            "Consulta general",
            "Consultas, actualizaciones de datos, comentarios y reclamos que "
            "no son de un área en particular",
            ("lucia",),
            "Responder o derivar al área responsable",
            f"{GUIDES_URL}/centro-de-ayuda/como-se-maneja",
        ),
    ),
    "comercial": (
        TypeSpec(
            "Solicitud de operación de factoring",
            "Un cliente quiere adelantar facturas: cotización y evaluación",
            ("rosario",),
            "Cotizar, crear el negocio y cerrar el ticket",
            f"{GUIDES_URL}/comercial/solicitud-de-operacion",
        ),
        TypeSpec(
            "Cobranza libre",
            "Gestión de cobranza de facturas sin adelanto",
            ("rosario",),
            "Enviar la propuesta de cobranza libre",
        ),
        TypeSpec(
            "Conversión",
            "Pasar una cobranza libre u operación vigente a factoring con adelanto",
            ("rosario",),
            "Evaluar con Riesgos y confirmar el desembolso",
        ),
    ),
    "finanzas": (
        TypeSpec(
            "Inversionista - Adición",
            "Solicitud para invertir",
            ("alejandro", "rosario"),
            "Cerrar ticket y crear un negocio",
            f"{GUIDES_URL}/finanzas/base-de-adiciones",
        ),
        TypeSpec(
            "Inversionista - Rescate",
            "Retiro parcial o total de inversión",
            ("alonso",),
            "Asignar a Alonso y dar seguimiento",
            f"{GUIDES_URL}/finanzas/guia-de-rescates",
        ),
        TypeSpec(
            "Inversionista - Otros",
            "Consultas sobre estados de cuenta, tasas, etc.",
            (),
            "Clasificar y responder",
        ),
        TypeSpec(
            "Inversionistas Institucionales",
            "Consultas de entidades como Larraín o Cordada",
            ("milagros",),
            "Clasificar y atender",
        ),
        TypeSpec(
            "Finanzas - Otros",
            "Facturas, constancias, fechas de pago. Notificaciones SUNAT, SUNAFIL",
            ("alonso", "milagros"),
            "Clasificar, asignar y responder",
        ),
    ),
    "cobranzas": (
        TypeSpec(
            "Consulta de liquidación",
            "Dudas sobre la liquidación de una operación, excedentes y diferencias",
            ("carmen",),
            "Revisar la liquidación y responder con el detalle",
        ),
        TypeSpec(
            "Cobro de operación",
            "Pagos de deudores y seguimiento de facturas cedidas",
            ("carmen",),
            "Aplicar el pago o registrar el compromiso",
        ),
    ),
    "operaciones": (
        TypeSpec(
            "Desembolso de operación",
            "Estado y condiciones del desembolso de una operación aprobada",
            ("miguel",),
            "Confirmar conformidad y programar el desembolso",
        ),
        TypeSpec(
            "Verificación de facturas",
            "Verificación con el deudor y registro de facturas en CAVALI",
            ("miguel",),
            "Verificar con el deudor y registrar",
        ),
    ),
    "soporte-td": (
        TypeSpec(
            "Acceso a plataformas",
            "Usuarios, contraseñas y permisos del portal y del CRM",
            ("renzo",),
            "Validar la identidad y dar el acceso",
        ),
        TypeSpec(
            "Incidencia en sistemas",
            "Errores y mejoras del sistema de operaciones, CRM y reportes",
            ("renzo",),
            "Reproducir, corregir o escalar al proveedor",
        ),
    ),
    "soporte-tic": (
        TypeSpec(
            "Equipos y accesos",
            "Laptops, correo, VPN y altas o bajas de usuarios",
            ("gianella",),
            "Atender o coordinar con el proveedor",
        ),
        TypeSpec(
            "Servicios de telecomunicaciones",
            "Internet, telefonía y líneas móviles de los proveedores",
            ("gianella",),
            "Reportar al proveedor y hacer seguimiento",
        ),
    ),
}

REASONS = ("Ventas", "Soporte", "Pagos", "Comentario", "IT")
PRIORITIES = (("Alta", 1, "#dc2626"), ("Media", 2, "#f59e0b"), ("Baja", 3, "#16a34a"))

MAILBOXES = (
    MailboxSpec(
        f"servicioalcliente@{STAFF_DOMAIN}",
        "servicio-al-cliente",
        "Servicio al cliente",
    ),
    MailboxSpec(f"cobranza@{STAFF_DOMAIN}", "cobranzas", "Cobranzas"),
    MailboxSpec(f"finanzas@{STAFF_DOMAIN}", "finanzas", "Finanzas"),
    MailboxSpec(f"soportetd@{STAFF_DOMAIN}", "soporte-td", "Soporte TD"),
    # R-CAP-1: Operaciones creates its tickets by hand.
    MailboxSpec(
        f"operaciones@{STAFF_DOMAIN}", "operaciones", "Operaciones", is_connected=False
    ),
)


def ruc(base: str) -> str:
    """A Peruvian RUC: the ten digits given plus SUNAT's modulo-11 check digit.

    Fictional numbers still pass the check a real form would make.
    """
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    total = sum(
        int(digit) * weight for digit, weight in zip(base, weights, strict=True)
    )
    check = 11 - total % 11
    return f"{base}{check - 10 if check >= 10 else check}"


def _c(name: str, email: str, phone: str, owner: str, portal: str = "") -> ContactSpec:
    return ContactSpec(name, email, phone, owner, portal)


# Customers use reserved ".example" domains: demo data must never reach a
# real mailbox if someone configures outgoing mail. The authorities keep
# their real domains because rules recognise them by it.
COMPANIES = (
    CompanySpec(
        "Genera Factoring S.A.C.",
        CompanyKind.INTERNAL,
        ruc("2060158237"),
        STAFF_DOMAIN,
        (
            _c("Diego Salazar Ríos", "diego.salazar@generafactoring.pe", "", "lucia"),
            _c("Karina Huamán Soto", "karina.huaman@generafactoring.pe", "", "lucia"),
            _c(
                "Fiorella Castillo Vega",
                "fiorella.castillo@generafactoring.pe",
                "",
                "lucia",
            ),
        ),
    ),
    # Investors: family offices and small investment companies, whose
    # people are the individual investors.
    CompanySpec(
        "Inversiones Andinas S.A.C.",
        CompanyKind.INVESTOR,
        ruc("2054871236"),
        "inversionesandinas.example",
        (
            _c(
                "María Torres Benavides",
                "maria.torres@inversionesandinas.example",
                "987 654 321",
                "alejandro",
                "admin",
            ),
            _c(
                "Jorge Salas Quiroz",
                "jorge.salas@inversionesandinas.example",
                "998 112 233",
                "alejandro",
                "user",
            ),
        ),
        portal_visibility=PortalVisibility.COMPANY,
    ),
    CompanySpec(
        "Benavides Capital Family Office S.A.C.",
        CompanyKind.INVESTOR,
        ruc("2060347719"),
        "benavidescapital.example",
        (
            _c(
                "Ricardo Benavides Loli",
                "ricardo@benavidescapital.example",
                "991 234 567",
                "rosario",
                "admin",
            ),
            _c(
                "Claudia Benavides Ugarte",
                "claudia@benavidescapital.example",
                "994 876 210",
                "rosario",
                "user",
            ),
        ),
        portal_visibility=PortalVisibility.COMPANY,
    ),
    CompanySpec(
        "Inversiones Pacífico Sur E.I.R.L.",
        CompanyKind.INVESTOR,
        ruc("2060992145"),
        "pacificosur.example",
        (
            _c(
                "Carlos Zevallos Paz",
                "carlos.zevallos@pacificosur.example",
                "956 321 478",
                "alejandro",
                "admin",
            ),
        ),
    ),
    CompanySpec(
        "Grupo Inversor Huascarán S.A.C.",
        CompanyKind.INVESTOR,
        ruc("2055612908"),
        "huascaran.example",
        (
            _c(
                "Ana Lucía Fernández Prado",
                "alfernandez@huascaran.example",
                "945 778 120",
                "alonso",
                "admin",
            ),
            _c(
                "Óscar Medina Villar",
                "omedina@huascaran.example",
                "912 450 336",
                "alonso",
            ),
        ),
    ),
    CompanySpec(
        "Inversiones Larraín Perú S.A.",
        CompanyKind.INVESTOR,
        ruc("2051930046"),
        "larrainperu.example",
        (
            _c(
                "Sebastián Correa Vial",
                "scorrea@larrainperu.example",
                "(01) 611 4400",
                "milagros",
                "admin",
            ),
            _c(
                "Javiera Ortúzar Lagos",
                "jortuzar@larrainperu.example",
                "(01) 611 4412",
                "milagros",
                "user",
            ),
        ),
        is_institutional_investor=True,
        portal_visibility=PortalVisibility.COMPANY,
    ),
    CompanySpec(
        "Cordada Capital S.A.C.",
        CompanyKind.INVESTOR,
        ruc("2060741183"),
        "cordadacapital.example",
        (
            _c(
                "Tomás Irarrázaval Ruiz",
                "tomas.irarrazaval@cordadacapital.example",
                "(01) 705 2200",
                "milagros",
                "admin",
            ),
            _c(
                "Daniela Pizarro Núñez",
                "daniela.pizarro@cordadacapital.example",
                "(01) 705 2231",
                "milagros",
            ),
        ),
        is_institutional_investor=True,
    ),
    # Factoring clients.
    CompanySpec(
        "Textiles del Sur S.A.",
        CompanyKind.CLIENT,
        ruc("2010045872"),
        "textilesdelsur.example",
        (
            _c(
                "Pedro Ruiz Gallo",
                "pedro.ruiz@textilesdelsur.example",
                "954 120 987",
                "rosario",
                "admin",
            ),
            _c(
                "Rosa Mamani Condori",
                "rosa.mamani@textilesdelsur.example",
                "967 300 451",
                "rosario",
                "user",
            ),
        ),
    ),
    CompanySpec(
        "Agroexportadora San Lorenzo S.A.C.",
        CompanyKind.CLIENT,
        ruc("2048239915"),
        "sanlorenzo.example",
        (
            _c(
                "Julio César Atoche Ramos",
                "jatoche@sanlorenzo.example",
                "969 554 102",
                "rosario",
                "admin",
            ),
            _c(
                "Mariela Sánchez Flores",
                "msanchez@sanlorenzo.example",
                "973 218 640",
                "rosario",
            ),
        ),
        portal_visibility=PortalVisibility.COMPANY,
    ),
    CompanySpec(
        "Constructora Los Andes S.A.C.",
        CompanyKind.CLIENT,
        ruc("2060412376"),
        "losandes.example",
        (
            _c(
                "Víctor Huamaní Quispe",
                "vhuamani@losandes.example",
                "981 442 907",
                "rosario",
                "admin",
            ),
        ),
    ),
    CompanySpec(
        "Distribuidora Norte Chico E.I.R.L.",
        CompanyKind.CLIENT,
        ruc("2053318840"),
        "nortechico.example",
        (
            _c(
                "Elena Castañeda Ríos",
                "elena.castaneda@nortechico.example",
                "943 667 015",
                "alejandro",
                "admin",
            ),
            _c(
                "Raúl Chumpitaz León",
                "raul.chumpitaz@nortechico.example",
                "958 016 274",
                "alejandro",
                "user",
            ),
        ),
    ),
    # Debtors ("clientes adquirientes") of the factored invoices.
    CompanySpec(
        "Corporación Minera Altiplano S.A.A.",
        CompanyKind.DEBTOR,
        ruc("2010097763"),
        "mineraaltiplano.example",
        (
            _c(
                "Silvia Ramos Tello",
                "tesoreria@mineraaltiplano.example",
                "(01) 415 9000",
                "carmen",
            ),
        ),
    ),
    CompanySpec(
        "Supermercados La Canasta S.A.",
        CompanyKind.DEBTOR,
        ruc("2010238846"),
        "lacanasta.example",
        (
            _c(
                "Héctor Villanueva Soria",
                "proveedores@lacanasta.example",
                "(01) 619 3500",
                "carmen",
            ),
            _c(
                "Liliana Ávila Cruz",
                "lavila@lacanasta.example",
                "(01) 619 3512",
                "carmen",
            ),
        ),
    ),
    # Suppliers write straight to the areas (seed 001).
    CompanySpec(
        "Conecta Telecom Perú S.A.A.",
        CompanyKind.SUPPLIER,
        ruc("2046781235"),
        "conectatelecom.example",
        (
            _c(
                "Gerardo Paz Soldán",
                "empresas@conectatelecom.example",
                "0800 1 2345",
                "gianella",
            ),
            _c(
                "Lorena Paredes Ibáñez",
                "facturacion@conectatelecom.example",
                "",
                "alonso",
            ),
        ),
    ),
    CompanySpec(
        "Enlace Móvil Perú S.A.",
        CompanyKind.SUPPLIER,
        ruc("2050670913"),
        "enlacemovil.example",
        (
            _c(
                "Mónica Sifuentes Alva",
                "msifuentes@enlacemovil.example",
                "998 000 145",
                "gianella",
            ),
        ),
    ),
    CompanySpec(
        "Útiles y Suministros Lima S.A.C.",
        CompanyKind.SUPPLIER,
        ruc("2060114587"),
        "utileslima.example",
        (
            _c(
                "Jesús Aguilar Campos",
                "ventas@utileslima.example",
                "(01) 332 1840",
                "alonso",
            ),
        ),
    ),
    CompanySpec(
        "Rivera & Asociados Contadores S.C.R.L.",
        CompanyKind.SUPPLIER,
        ruc("2051547720"),
        "riveracontadores.example",
        (
            _c(
                "Gabriela Rivera Montes",
                "grivera@riveracontadores.example",
                "987 120 554",
                "milagros",
            ),
            _c(
                "Martín Ochoa Delgado",
                "mochoa@riveracontadores.example",
                "976 445 801",
                "alonso",
            ),
        ),
    ),
    CompanySpec(
        "SUNAT",
        CompanyKind.AUTHORITY,
        "",
        "sunat.gob.pe",
        (
            _c(
                "SUNAT - Buzón Electrónico",
                "notificaciones@sunat.gob.pe",
                "",
                "milagros",
            ),
        ),
    ),
    CompanySpec(
        "SUNAFIL",
        CompanyKind.AUTHORITY,
        "",
        "sunafil.gob.pe",
        (
            _c(
                "SUNAFIL - Casilla Electrónica",
                "notificaciones@sunafil.gob.pe",
                "",
                "milagros",
            ),
        ),
    ),
)


def _first_contact(portal: str) -> ContactSpec:
    return next(
        contact
        for company in COMPANIES
        for contact in company.contacts
        if contact.portal == portal
    )


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, name, what they show) of the accounts worth trying."""
    logins = [(agent.username, agent.full_name, agent.job_title) for agent in AGENTS]
    admin_contact, plain_contact = _first_contact("admin"), _first_contact("user")
    company = next(c for c in COMPANIES if admin_contact in c.contacts)
    logins.append(
        (
            admin_contact.email,
            admin_contact.name,
            f"Portal: administra las solicitudes de {company.name}",
        )
    )
    plain = "Portal: solo consulta, no abre tickets"
    logins.append((plain_contact.email, plain_contact.name, plain))
    return logins


def organisation_exists() -> bool:
    return Pipeline.objects.filter(slug=MARKER_PIPELINE).exists()


@transaction.atomic
def build_organisation() -> None:
    """Create the R-DEMO organisation, unless it is there already.

    1. Agents first, then their teams, so that each team is created with
       its lead; then the agents join their teams.
    2. Pipelines with their stages, ticket types with default owners and
       playbooks, reasons and priorities.
    3. Mailboxes, each feeding its pipeline (operaciones@ not connected).
    4. Companies with their contacts, contact owners and portal accounts.
    """
    if organisation_exists():
        return
    # Every demo account shares one password: hash it once (the hasher
    # costs a deliberate fraction of a second per call).
    password_hash = make_password(DEMO_PASSWORD)
    users = _build_staff(password_hash)
    _build_pipelines(users)
    _build_customers(users, password_hash)


def _build_staff(password_hash: str) -> dict[str, User]:
    agents = {
        spec.username: directory.create_agent(
            username=spec.username,
            email=f"{spec.username}@{STAFF_DOMAIN}",
            first_name=spec.first_name,
            last_name=spec.last_name,
            password=None,
            password_hash=password_hash,
            role=spec.role,
            job_title=spec.job_title,
        )
        for spec in AGENTS
    }
    teams: dict[str, Team] = {
        spec.name: directory.create_team(
            name=spec.name,
            slug=spec.slug,
            email=spec.email,
            lead=agents[spec.lead].user,
        )
        for spec in TEAMS
    }
    for spec in AGENTS:
        for team_name in spec.teams:
            directory.add_agent_to_team(agents[spec.username], team=teams[team_name])
    return {username: agent.user for username, agent in agents.items()}


def _build_pipelines(users: dict[str, User]) -> None:
    teams = {team.name: team for team in Team.objects.all()}
    created: dict[str, Pipeline] = {}
    for position, spec in enumerate(PIPELINES):
        created[spec.slug] = pipelines.create_pipeline(
            name=spec.name,
            slug=spec.slug,
            team=teams[spec.team],
            stages=spec.stages,
            is_triage=spec.is_triage,
            position=position,
        )
    for slug, types in TICKET_TYPES.items():
        for position, type_spec in enumerate(types):
            pipelines.create_ticket_type(
                pipeline=created[slug],
                name=type_spec.name,
                description=type_spec.description,
                default_owners=[users[name] for name in type_spec.owners],
                playbook=type_spec.playbook,
                guide_url=type_spec.guide,
                position=position,
            )
    for position, reason in enumerate(REASONS):
        pipelines.create_reason(name=reason, position=position)
    for name, rank, color in PRIORITIES:
        pipelines.create_priority(name=name, rank=rank, color=color)
    for mailbox in MAILBOXES:
        mail.create_mailbox(
            address=mailbox.address,
            pipeline=created[mailbox.pipeline],
            name=mailbox.name,
            is_connected=mailbox.is_connected,
        )


def _build_customers(users: dict[str, User], password_hash: str) -> None:
    for spec in COMPANIES:
        company = directory.create_company(
            name=spec.name,
            kind=spec.kind,
            tax_id=spec.ruc,
            domain=spec.domain,
            is_institutional_investor=spec.is_institutional_investor,
            portal_visibility=spec.portal_visibility,
        )
        for contact_spec in spec.contacts:
            contact = directory.create_contact(
                name=contact_spec.name,
                email=contact_spec.email,
                phone=contact_spec.phone,
                company=company,
                owner=users[contact_spec.owner],
            )
            if contact_spec.portal:
                directory.create_customer_user(
                    contact,
                    password=None,
                    password_hash=password_hash,
                    is_company_admin=contact_spec.portal == "admin",
                )
