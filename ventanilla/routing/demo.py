"""The seeds' routing rules for the demo organisation (R-DEMO, R-CLS-2/4/5).

``install_demo_rules()`` runs after ``demo.organisation.build_organisation``
and finds what it refers to by slug (pipelines), name (types, priorities,
reasons) and username (agents). Running it again puts the rules back as the
seeds describe them (idempotent; rules are matched by name).

Order matters (the first rule that sets a field wins):

1. Subject initials of internal requests (seed 001): COB, OPE, FIN, SOP.
2. Investor topics (seed 000): institutional investors, rescue, addition,
   other investor questions. All Alta. The type's default owners take the
   ticket (Adición: Alejandro or Rosario, least loaded; Rescate: Alonso;
   Institucionales: Milagros).
3. SUNAT/SUNAFIL notices: Finanzas - Otros, Media, Milagros.
4. Supplier invoices and payment proofs: Finanzas - Otros, Baja, Alonso.
5. Staff senders (the company's domain) are internal scope (R-CLS-7).
6. Each connected mailbox's pipeline, last, so that a specific rule above
   can send a triage message elsewhere first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from ventanilla.core.errors import ActionRefused
from ventanilla.pipelines.models import Pipeline, Priority, Reason, TicketType
from ventanilla.routing import actions
from ventanilla.routing.models import Rule

STAFF_DOMAIN = "generafactoring.pe"

INITIALS = (
    ("COB", "cobranzas", "Cobranzas"),
    ("OPE", "operaciones", "Operaciones"),
    ("FIN", "finanzas", "Finanzas"),
    ("SOP", "soporte-td", "Soporte TD"),
)
MAILBOXES = (
    ("servicioalcliente", "servicio-al-cliente"),
    ("cobranza", "cobranzas"),
    ("finanzas", "finanzas"),
    ("soportetd", "soporte-td"),
)
RESCUE_WORDS = [
    "rescate",
    "rescatar",
    "retiro de inversion",
    "retiro parcial",
    "retiro total",
    "retirar mi inversion",
    "retirar mi capital",
    "liquidar mi inversion",
]
ADDITION_WORDS = [
    "adicion",
    "adicionar",
    "invertir",
    "nueva inversion",
    "aumentar mi inversion",
    "ampliar mi inversion",
    "aporte de capital",
]
INVESTOR_WORDS = [
    "inversionista",
    "mi inversion",
    "estado de cuenta de inversion",
    "tasa de rendimiento",
    "rentabilidad",
    "intereses ganados",
]
NOTICE_WORDS = ["sunat", "sunafil"]
NOTICE_DOMAINS = ["sunat.gob.pe", "sunafil.gob.pe"]
INVOICE_WORDS = ["factura", "recibo por honorarios", "nota de credito", "comprobante"]
PAYMENT_PROOF_WORDS = [
    "constancia de pago",
    "constancia de deposito",
    "constancia de transferencia",
    "comprobante de pago",
    "voucher de pago",
    "confirmacion de pago",
]


@dataclass
class _Lookup:
    """Finds the demo configuration by its natural keys, noting what is missing."""

    missing: list[str] = field(default_factory=list)

    def pipeline(self, slug: str) -> int:
        return self._id(Pipeline.objects.filter(slug=slug), f"pipeline {slug}")

    def type(self, pipeline: str, name: str) -> int:
        qs = TicketType.objects.filter(pipeline__slug=pipeline, name=name)
        return self._id(qs, f"type {name!r} of {pipeline}")

    def priority(self, name: str) -> int:
        return self._id(Priority.objects.filter(name=name), f"priority {name}")

    def reason(self, name: str) -> int:
        return self._id(Reason.objects.filter(name=name), f"reason {name}")

    def agent(self, username: str) -> int:
        qs = User.objects.filter(username=username, agent__isnull=False)
        return self._id(qs, f"agent {username}")

    def _id(self, qs: Any, label: str) -> int:
        pk = qs.values_list("pk", flat=True).first()
        if pk is None:
            self.missing.append(label)
            return 0
        return int(pk)


def demo_rules() -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(name, description, conditions, actions) of the seed rules, in order."""
    find = _Lookup()
    alta, media, baja = (find.priority(n) for n in ("Alta", "Media", "Baja"))
    finanzas_otros = find.type("finanzas", "Finanzas - Otros")
    rules: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
        (
            f"Inicial {code} → {label}",
            "R-CLS-2: pedidos internos con la inicial del área en el asunto.",
            {"subject_initials": [code]},
            {"pipeline": find.pipeline(slug)},
        )
        for code, slug, label in INITIALS
    ]
    rules += [
        (
            "Inversionistas institucionales",
            "Seed 000: entidades marcadas como inversionista institucional "
            "en el maestro de clientes (Larraín, Cordada). Milagros.",
            {"institutional_investor": True},
            {
                "type": find.type("finanzas", "Inversionistas Institucionales"),
                "priority": alta,
            },
        ),
        (
            "Inversionista - Rescate",
            "Seed 000: retiro parcial o total de inversión. Alonso.",
            {"keywords": RESCUE_WORDS},
            {
                "type": find.type("finanzas", "Inversionista - Rescate"),
                "priority": alta,
                "reason": find.reason("Pagos"),
            },
        ),
        (
            "Inversionista - Adición",
            "Seed 000: solicitud para invertir. Alejandro o Rosario.",
            {"keywords": ADDITION_WORDS},
            {
                "type": find.type("finanzas", "Inversionista - Adición"),
                "priority": alta,
                "reason": find.reason("Ventas"),
            },
        ),
        (
            "Inversionista - Otros",
            "Seed 000: consultas de inversionistas (estados de cuenta, tasas).",
            {
                "match": "any",
                "company_kinds": ["investor"],
                "keywords": INVESTOR_WORDS,
            },
            {
                "type": find.type("finanzas", "Inversionista - Otros"),
                "priority": alta,
            },
        ),
        (
            "Notificaciones SUNAT / SUNAFIL",
            "Seed 000: prioridad Media, propietaria inicial Milagros.",
            {
                "match": "any",
                "keywords": NOTICE_WORDS,
                "sender_domains": NOTICE_DOMAINS,
            },
            {
                "type": finanzas_otros,
                "priority": media,
                "owner": find.agent("milagros"),
            },
        ),
        (
            "Constancias de pago",
            "Seed 000: confirmación de pago (constancia). Baja, Alonso.",
            {"keywords": PAYMENT_PROOF_WORDS},
            {
                "type": finanzas_otros,
                "priority": baja,
                "reason": find.reason("Pagos"),
                "owner": find.agent("alonso"),
            },
        ),
        (
            "Facturas de proveedores",
            "Seed 000: factura de proveedor. Baja, Alonso.",
            {"company_kinds": ["supplier"], "keywords": INVOICE_WORDS},
            {
                "type": finanzas_otros,
                "priority": baja,
                "reason": find.reason("Pagos"),
                "owner": find.agent("alonso"),
            },
        ),
        (
            "Facturas recibidas en finanzas@",
            "Seed 000: facturas que llegan al buzón de Finanzas.",
            {"mailboxes": [f"finanzas@{STAFF_DOMAIN}"], "keywords": INVOICE_WORDS},
            {
                "type": finanzas_otros,
                "priority": baja,
                "reason": find.reason("Pagos"),
                "owner": find.agent("alonso"),
            },
        ),
        (
            "Remitentes internos",
            "R-CLS-7: correo del personal (dominio de la empresa).",
            {"sender_domains": [STAFF_DOMAIN]},
            {"scope": "internal"},
        ),
    ]
    rules += [
        (
            f"Buzón {local}@ → {slug}",
            "R-CAP-1: el pipeline por defecto del buzón.",
            {"mailboxes": [f"{local}@{STAFF_DOMAIN}"]},
            {"pipeline": find.pipeline(slug)},
        )
        for local, slug in MAILBOXES
    ]
    if find.missing:
        raise ActionRefused(
            _("The demo organisation is incomplete; missing: %(missing)s")
            % {"missing": ", ".join(find.missing)},
            code="demo_incomplete",
        )
    return rules


@transaction.atomic
def install_demo_rules() -> list[Rule]:
    """Create or reset the seed rules at positions 10, 20, 30...

    Rules an administrator added keep their own positions and names.
    """
    installed = []
    for index, (name, description, conditions, rule_actions) in enumerate(
        demo_rules(), start=1
    ):
        position = index * 10
        existing = Rule.objects.filter(name=name).first()
        if existing is None:
            rule = actions.create_rule(
                name=name,
                description=description,
                conditions=conditions,
                actions=rule_actions,
                position=position,
            )
        else:
            rule = actions.update_rule(
                existing,
                description=description,
                conditions=conditions,
                actions=rule_actions,
                position=position,
            )
        installed.append(rule)
    return installed
