"""One demo ticket's story: the steps of its life, each one action.

A ``TicketStory`` is built from a plan (which request, how it should end,
when it arrives) and yields its steps with the gap before each; the
generator runs them with the clock moved to when they happen.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.contrib.auth.models import User
from django.utils import timezone

from ventanilla.channels.mail.models import Mailbox
from ventanilla.demo import texts
from ventanilla.demo.documents import simple_pdf
from ventanilla.demo.office import OfficeCalendar
from ventanilla.demo.texts import Entry, Story
from ventanilla.directory.models import Agent, Company, CompanyKind, Contact
from ventanilla.pipelines.models import (
    Category,
    Pipeline,
    Priority,
    Reason,
    Scope,
    Stage,
    StageKind,
    TicketType,
)
from ventanilla.tickets import actions
from ventanilla.tickets.actors import Actor
from ventanilla.tickets.attachments import NewAttachment
from ventanilla.tickets.models import Channel, LinkKind, Ticket

Action = Callable[[], None]
_T = TypeVar("_T")

STORIES_BY_KEY = {story.key: story for story in texts.STORIES}
_CHANNELS = {
    Entry.TRIAGE: Channel.EMAIL,
    Entry.MAILBOX: Channel.EMAIL,
    Entry.PORTAL: Channel.PORTAL,
    Entry.WHATSAPP: Channel.WHATSAPP,
    Entry.PHONE: Channel.PHONE,
    Entry.WALK_IN: Channel.WALK_IN,
    Entry.AGENT: Channel.INTERNAL,
}
# Entries that land in the triage pipeline, and those an agent registers
# (already classified, R-CAP-7).
_TO_TRIAGE = (Entry.TRIAGE, Entry.PORTAL, Entry.WHATSAPP)
_MANUAL = (Entry.PHONE, Entry.WALK_IN, Entry.AGENT)
_TECHNICAL_PIPELINES = ("soporte-td", "soporte-tic")
_AUTO_CLOSE = timedelta(days=3)
_AUTO_CLOSE_LABEL = "Cierre automático"

# -- the organisation, as the generator needs it ------------------------------


@dataclass
class Org:
    pipelines: dict[str, Pipeline]
    stages: dict[tuple[str, str], Stage]
    types: dict[tuple[str, str], TicketType]
    type_owners: dict[int, list[User]]
    team_users: dict[str, list[User]]
    reasons: dict[str, Reason]
    priorities: dict[str, Priority]
    users: dict[str, User]
    pools: dict[str, list[Contact]]
    company_names: dict[str, list[str]]
    mailbox_pipelines: set[str]
    own_ruc: str
    triage: Pipeline

    def stage(self, slug: str, kind: StageKind) -> Stage | None:
        return self.stages.get((slug, kind))

    def lead_of(self, slug: str) -> User | None:
        lead = self.pipelines[slug].team.lead
        return lead if lead is not None and hasattr(lead, "agent") else None


def load_org() -> Org:
    pipelines = {p.slug: p for p in Pipeline.objects.select_related("team__lead")}
    stages: dict[tuple[str, str], Stage] = {}
    for stage in Stage.objects.select_related("pipeline").order_by("position"):
        stages.setdefault((stage.pipeline.slug, stage.kind), stage)
    types = {}
    type_owners = {}
    for ticket_type in TicketType.objects.select_related("pipeline").prefetch_related(
        "default_owners"
    ):
        types[(ticket_type.pipeline.slug, ticket_type.name)] = ticket_type
        type_owners[ticket_type.pk] = sorted(
            (u for u in ticket_type.default_owners.all() if u.is_active),
            key=lambda user: user.username,
        )
    agents = list(
        Agent.objects.select_related("user")
        .prefetch_related("teams")
        .filter(user__is_active=True)
        .order_by("user__username")
    )
    team_users = {
        slug: [a.user for a in agents if pipeline.team in a.teams.all()]
        for slug, pipeline in pipelines.items()
    }
    contacts = list(
        Contact.objects.select_related("company", "customer_user").order_by("email")
    )
    companies = list(Company.objects.order_by("name"))
    triage = next(p for p in pipelines.values() if p.is_triage)
    own = next((c for c in companies if c.kind == CompanyKind.INTERNAL), None)
    return Org(
        pipelines=pipelines,
        stages=stages,
        types=types,
        type_owners=type_owners,
        team_users=team_users,
        reasons={r.name: r for r in Reason.objects.all()},
        priorities={p.name: p for p in Priority.objects.all()},
        users={a.user.username: a.user for a in agents},
        pools=_pools(contacts),
        company_names={
            kind: [c.name for c in companies if c.kind == kind]
            for kind in (CompanyKind.CLIENT, CompanyKind.DEBTOR, CompanyKind.SUPPLIER)
        },
        mailbox_pipelines=set(
            Mailbox.objects.filter(is_connected=True).values_list(
                "pipeline__slug", flat=True
            )
        ),
        own_ruc=own.tax_id if own else "",
        triage=triage,
    )


def _pools(contacts: list[Contact]) -> dict[str, list[Contact]]:
    """The contacts each story may come from, by the pool names of texts.py."""

    def of(test: Callable[[Company], bool]) -> list[Contact]:
        return [c for c in contacts if c.company is not None and test(c.company)]

    def is_investor(company: Company) -> bool:
        return company.kind == CompanyKind.INVESTOR

    return {
        "investor": of(lambda c: is_investor(c) and not c.is_institutional_investor),
        "institutional": of(lambda c: is_investor(c) and c.is_institutional_investor),
        "client": of(lambda c: c.kind == CompanyKind.CLIENT),
        "customer": of(lambda c: c.kind in (CompanyKind.CLIENT, CompanyKind.INVESTOR)),
        "debtor": of(lambda c: c.kind == CompanyKind.DEBTOR),
        "supplier": of(lambda c: c.kind == CompanyKind.SUPPLIER),
        "telecom": of(lambda c: c.domain in texts.TELECOM_DOMAINS),
        "sunat": of(lambda c: c.domain == "sunat.gob.pe"),
        "sunafil": of(lambda c: c.domain == "sunafil.gob.pe"),
        "internal": of(lambda c: c.kind == CompanyKind.INTERNAL),
    }


@dataclass
class Plan:
    story: Story
    kind: StageKind | None
    extra: str = ""
    entry: Entry | None = None
    start: datetime | None = None
    # A fixed plan must reach its outcome (it shows something the demo
    # promises, or makes a second ticket the count relies on).
    fixed: bool = False

    @property
    def tickets(self) -> int:
        return 2 if self.extra else 1


@dataclass(frozen=True)
class Step:
    gap: timedelta
    # "any": exactly after the gap (mail arrives at night, robots close);
    # "business": when the office is open; "review": at a triage round.
    when: str
    action: Action


def _required(value: _T | None) -> _T:
    """``value``, which the order of a story's steps guarantees is set."""
    if value is None:
        raise RuntimeError("demo story step ran out of order")
    return value


def _minutes(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(minutes=rng.uniform(low, high))


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low, high))


# -- one ticket's story ------------------------------------------------------


class TicketStory:
    """The steps of one plan, and the state they share as they run."""

    def __init__(
        self, plan: Plan, org: Org, rng: random.Random, cal: OfficeCalendar
    ) -> None:
        self.plan = plan
        self.story = plan.story
        self.org = org
        self.rng = rng
        self.cal = cal
        self.start = _required(plan.start)
        self.target = org.pipelines[self.story.pipeline]
        self.type = org.types[(self.story.pipeline, self.story.type)]
        self.requester = rng.choice(org.pools[self.story.requesters])
        self.entry = self._entry(plan.entry)
        self.owner = self._owner()
        self.kind = self._feasible(_required(plan.kind))
        self.internal = bool(
            self.requester.company
            and self.requester.company.kind == CompanyKind.INTERNAL
        )
        # A sender's urgency mark; the owner then raises the priority. Staff
        # keep their area initial first (R-CLS-2), so they do not add one.
        self.urgent = (
            self.story.signed
            and not self.internal
            and self.story.priority != "Alta"
            and rng.random() < 0.06
        )
        self.ctx = self._context()
        self.body_index = 0
        self.ticket: Ticket | None = None
        self.other: Ticket | None = None  # duplicate, follow-up or related
        self.related_story = self.story
        self.related_owner = self.owner

    # choosing

    def _entry(self, forced: Entry | None) -> Entry:
        entry = forced or self.rng.choice(self.story.entries)
        if entry == Entry.MAILBOX and self.story.pipeline not in (
            self.org.mailbox_pipelines
        ):
            entry = Entry.TRIAGE
        if entry == Entry.PORTAL and not self._is_company_admin(self.requester):
            admins = [
                c
                for c in self.org.pools[self.story.requesters]
                if self._is_company_admin(c)
            ]
            if admins:
                self.requester = self.rng.choice(admins)
            else:
                entry = Entry.TRIAGE
        return entry

    @staticmethod
    def _is_company_admin(contact: Contact) -> bool:
        customer = getattr(contact, "customer_user", None)
        return bool(customer and customer.is_company_admin)

    def _owner(self) -> User:
        users = self.org.users
        if self.story.owner in users:
            return users[self.story.owner]
        candidates = self.org.type_owners.get(self.type.pk) or self.org.team_users.get(
            self.story.pipeline
        )
        if candidates:
            return self.rng.choice(candidates)
        return next(iter(users.values()))

    def _feasible(self, kind: StageKind) -> StageKind:
        """The wanted outcome, or the nearest one this story can reach."""
        slug = self.story.pipeline
        can_ask = bool(self.story.ask) and self.story.replies
        if kind == StageKind.WAITING_THIRD_PARTY and not (
            self.story.third_party and self.org.stage(slug, kind)
        ):
            kind = StageKind.WAITING_CUSTOMER
        if kind == StageKind.WAITING_CUSTOMER and not can_ask:
            kind = (
                StageKind.WAITING_THIRD_PARTY
                if self.story.third_party
                and self.org.stage(slug, StageKind.WAITING_THIRD_PARTY)
                else StageKind.OPEN
            )
        return kind

    def _context(self) -> dict[str, str]:
        rng, org = self.rng, self.org
        contact = self.requester
        company = contact.company
        local = self.start.astimezone(self.cal.zone)
        past = local.date() - timedelta(days=rng.randint(2, 20))
        due = self.cal.next_workday(local.date() + timedelta(days=rng.randint(3, 15)))
        debtors = org.company_names[CompanyKind.DEBTOR] + list(texts.OTHER_DEBTORS)
        context = {
            "nombre": contact.name.split()[0],
            "nombre_completo": contact.name,
            "empresa": company.name if company else contact.name,
            "ruc": (company.tax_id if company else "") or "—",
            "ruc_propio": org.own_ruc,
            "monto_usd": f"US$ {rng.randrange(10_000, 250_000, 500):,.2f}",
            "monto_pen": f"S/ {rng.randrange(800_000, 40_000_000) / 100:,.2f}",
            "monto_pen2": f"S/ {rng.randrange(15_000, 480_000) / 100:,.2f}",
            "fecha": past.strftime("%d/%m/%Y"),
            "fecha_pago": due.strftime("%d/%m/%Y"),
            "mes": texts.MONTHS[(local.month - 2) % 12],
            "anio": str(local.year),
            "anio_prev": str(local.year - 1),
            "factura": f"F{rng.randint(1, 3):03d}-{rng.randint(1_200, 98_000):08d}",
            "operacion": f"OP-{local.year}-{rng.randint(100, 2_999):05d}",
            "banco": rng.choice(texts.BANKS),
            "cuenta": f"{rng.randint(1_000, 9_999)}",
            "cuenta_completa": (
                f"{rng.randint(191, 194)}-{rng.randint(1_000_000, 9_999_999)}-"
                f"{rng.randint(0, 1)}-{rng.randint(10, 99)}"
            ),
            "deudor": rng.choice(debtors),
            "cliente": rng.choice(
                org.company_names[CompanyKind.CLIENT] or ["un cliente"]
            ),
            "proveedor": rng.choice(
                org.company_names[CompanyKind.SUPPLIER] or ["un proveedor"]
            ),
            "resolucion": f"0{rng.randint(230_240_000_000, 239_999_999_999)}",
            "orden": f"{rng.randint(1_000, 9_999)}-{local.year}-SUNAFIL/ILM",
            "tasa": f"{rng.choice((8.5, 9.0, 9.5, 10.0, 10.5, 11.0)):.2f} %",
            "tasa_mensual": f"{rng.choice((1.15, 1.25, 1.35, 1.45, 1.6)):.2f} %",
            "plazo": rng.choice(("60", "90", "180")),
            "servicio": texts.SERVICES.get(
                company.domain if company else "", texts.DEFAULT_SERVICE
            ),
            "codigo": f"INC-{rng.randint(100_000, 999_999)}",
            "dni4": f"{rng.randint(0, 9_999):04d}",
            "voucher": f"{rng.randint(10_000_000, 99_999_999)}",
            "telefono": (
                f"9{rng.randint(10, 99)} {rng.randint(100, 999)} "
                f"{rng.randint(100, 999)}"
            ),
            "n_facturas": str(rng.randint(2, 8)),
            "agente": self.owner.first_name,
        }
        missing = texts.PLACEHOLDERS - context.keys()
        if missing:
            raise RuntimeError(f"demo texts need placeholders: {sorted(missing)}")
        return context

    # wording

    def _fill(self, template: str) -> str:
        return template.format_map(self.ctx)

    def _greeting(self) -> str:
        if self.internal:
            return self.rng.choice(texts.GREETINGS_INTERNAL)
        hour = timezone.localtime(timezone.now(), self.cal.zone).hour
        choices = texts.GREETINGS_MORNING if hour < 12 else texts.GREETINGS_AFTERNOON
        return self.rng.choice(choices + texts.GREETINGS_ANY)

    def _customer_text(self, body: str) -> str:
        if not self.story.signed:
            return self._fill(body)
        contact = self.requester
        signature = [contact.name]
        if contact.company and contact.company.kind != CompanyKind.INTERNAL:
            signature.append(contact.company.name)
        elif contact.company:
            signature.append(f"Genera Factoring · Anexo {self.rng.randint(200, 260)}")
        if contact.phone:
            signature.append(f"Tel. {contact.phone}")
        return "\n".join(
            [
                self._greeting(),
                "",
                self._fill(body),
                "",
                self.rng.choice(
                    texts.CLOSINGS_INTERNAL if self.internal else texts.CLOSINGS
                ),
                *signature,
            ]
        )

    def _agent_text(self, author: User, body: str) -> str:
        hour = timezone.localtime(timezone.now(), self.cal.zone).hour
        greeting = "Buenos días" if hour < 12 else "Buenas tardes"
        first = self.ctx["nombre"]
        job = getattr(getattr(author, "agent", None), "job_title", "")
        signature = [author.get_full_name(), job, "Genera Factoring"]
        return "\n".join(
            [
                f"{greeting}, {first}:",
                "",
                self._fill(body),
                "",
                self.rng.choice(texts.AGENT_CLOSINGS),
                *[line for line in signature if line],
            ]
        )

    def _subject(self) -> str:
        index = self.rng.randrange(len(self.story.subjects))
        self.body_index = (
            index
            if len(self.story.bodies) == len(self.story.subjects)
            else self.rng.randrange(len(self.story.bodies))
        )
        subject = self._fill(self.story.subjects[index])
        return f"URGENTE - {subject}" if self.urgent else subject

    # steps

    def steps(self) -> list[Step]:
        rng = self.rng
        steps = [Step(timedelta(0), "any", self._open)]
        if self.plan.extra == "duplicate":
            steps.append(Step(_minutes(rng, 10, 120), "any", self._open_duplicate))
        if self.kind == StageKind.NEW:
            if self.entry in _TO_TRIAGE and rng.random() < 0.3:
                steps.append(Step(_hours(rng, 1, 3), "review", self._triage_note))
            return steps
        if self.entry not in _MANUAL:
            when = "review" if self.entry in _TO_TRIAGE else "business"
            steps.append(Step(_minutes(rng, 5, 90), when, self._classify))
        if self.plan.extra == "duplicate":
            steps.append(Step(_minutes(rng, 1, 4), "any", self._merge_duplicate))
        if self.urgent:
            steps.append(Step(_minutes(rng, 1, 10), "any", self._raise_priority))
        if self.story.key == "sunafil" and rng.random() < 0.4:
            steps.append(Step(_hours(rng, 1, 6), "business", self._reassign))
        if self.plan.extra == "related":
            steps.append(Step(_minutes(rng, 20, 180), "business", self._open_related))
            steps.append(Step(_hours(rng, 1, 6), "business", self._related_ack))
        steps += self._path()
        if self.plan.extra == "follow_up":
            steps.append(Step(_hours(rng, 24, 200), "any", self._follow_up))
            steps.append(Step(_hours(rng, 0.5, 5), "business", self._follow_up_ack))
            if rng.random() < 0.5:
                steps.append(
                    Step(_hours(rng, 2, 24), "business", self._follow_up_solve)
                )
        return steps

    def _path(self) -> list[Step]:
        """The steps from the first answer to the planned outcome."""
        rng = self.rng
        kind = self.kind
        slug = self.story.pipeline
        can_ask = bool(self.story.ask) and self.story.replies
        can_wait = bool(self.story.third_party) and bool(
            self.org.stage(slug, StageKind.WAITING_THIRD_PARTY)
        )
        ack = Step(_minutes(rng, 15, 240), "business", self._acknowledge)
        ask = Step(_hours(rng, 0.2, 4), "business", self._ask)
        answer = Step(_hours(rng, 2, 40), "business", self._answer)
        wait = Step(_hours(rng, 0.5, 5), "business", self._wait_third_party)
        solve = Step(_hours(rng, 1, 30), "business", self._solve)
        note = Step(_minutes(rng, 10, 120), "business", self._note)
        if kind == StageKind.OPEN:
            return [ack, note] if rng.random() < 0.5 else [ack]
        if kind == StageKind.WAITING_CUSTOMER:
            return [ack, ask] if rng.random() < 0.5 else [ask]
        if kind == StageKind.WAITING_THIRD_PARTY:
            return [ack, wait]
        routes = [[ack, solve]]
        if can_ask:
            routes += [[ask, answer, solve], [ack, ask, answer, solve]]
        if can_wait:
            routes.append([ack, wait, solve])
        path = rng.choice(routes)
        if rng.random() < 0.3:
            path.insert(1, note)
        if kind == StageKind.RESOLVED:
            return path
        if self.story.key == "adicion" or rng.random() < 0.3:
            close = Step(_minutes(rng, 5, 120), "business", self._close_by_agent)
        else:
            close = Step(_AUTO_CLOSE + _minutes(rng, 0, 30), "any", self._auto_close)
        if can_ask and rng.random() < 0.1:
            again = Step(_hours(rng, 2, 48), "business", self._answer)
            path += [again, Step(_hours(rng, 1, 8), "business", self._solve)]
        return [*path, close]

    # -- the actions, one per step --

    @property
    def _ticket(self) -> Ticket:
        return _required(self.ticket)

    def _stage(self, kind: StageKind, slug: str | None = None) -> Stage:
        return _required(self.org.stage(slug or self.story.pipeline, kind))

    def _open(self) -> None:
        story = self.story
        subject = self._subject()
        manual = self.entry in _MANUAL
        pipeline = self.org.triage if self.entry in _TO_TRIAGE else self.target
        body = story.bodies[self.body_index]
        cc = []
        colleagues = [
            c
            for c in self.org.pools[story.requesters]
            if c.company_id == self.requester.company_id and c != self.requester
        ]
        if colleagues and not self.internal and self.rng.random() < 0.15:
            cc = [self.rng.choice(colleagues)]
        # An agent registering a call or a visit writes it down plainly and
        # classifies it at once (R-CAP-7).
        self.ticket = actions.open_ticket(
            subject=subject,
            pipeline=pipeline,
            channel=_CHANNELS[self.entry],
            actor=self.owner if manual else self.requester,
            requester=self.requester,
            body_text=self._fill(body) if manual else self._customer_text(body),
            scope=Scope.INTERNAL if self.internal else Scope.EXTERNAL,
            category=Category.TECHNICAL
            if manual and story.pipeline in _TECHNICAL_PIPELINES
            else Category.GENERAL,
            cc=cc,
            attachments=self._documents(),
            type=self.type if manual else None,
            reason=self.org.reasons[story.reason] if manual else None,
            priority=self.org.priorities[story.priority] if manual else None,
            owner=self.owner if manual else None,
            team=self.target.team if manual else None,
        )

    def _documents(self) -> list[NewAttachment]:
        """The PDF a supplier's invoice or a payment proof comes with."""
        if self.story.key not in ("factura_proveedor", "constancia_pago"):
            return []
        if self.rng.random() < 0.3:
            return []
        ctx = self.ctx
        title = (
            "FACTURA ELECTRÓNICA"
            if self.story.key == "factura_proveedor"
            else "CONSTANCIA DE TRANSFERENCIA"
        )
        lines = [
            title,
            f"{ctx['empresa']} - RUC {ctx['ruc']}",
            f"Documento: {ctx['factura']}",
            "Cliente: GENERA FACTORING S.A.C.",
            f"Fecha: {ctx['fecha']}",
            f"Importe total: {ctx['monto_pen']}",
        ]
        return [
            NewAttachment(
                filename=f"{ctx['factura']}.pdf",
                content=simple_pdf(lines),
                content_type="application/pdf",
            )
        ]

    def _open_duplicate(self) -> None:
        original = self._ticket
        self.other = actions.open_ticket(
            subject=f"RV: {original.subject}",
            pipeline=self.org.triage,
            channel=Channel.EMAIL,
            actor=self.requester,
            requester=self.requester,
            body_text=texts.DUPLICATE_BODY.format(
                original=self._customer_text(self.story.bodies[self.body_index])
            ),
        )

    def _triage_note(self) -> None:
        author = self.org.lead_of(self.org.triage.slug) or self.owner
        actions.add_note(
            self._ticket, author=author, body_text=self.rng.choice(texts.TRIAGE_NOTES)
        )

    def _classifier(self, ticket: Ticket) -> User:
        """Triage is the admin assistant's job; an area's mail its lead's."""
        slug = (
            self.org.triage.slug
            if ticket.pipeline_id == self.org.triage.pk
            else self.story.pipeline
        )
        return self.org.lead_of(slug) or self.owner

    def _classify_one(self, ticket: Ticket) -> Ticket:
        story, org = self.story, self.org
        who = self._classifier(ticket)
        reason = org.reasons[story.reason]
        priority = org.priorities[story.priority]
        category = (
            Category.TECHNICAL
            if story.pipeline in _TECHNICAL_PIPELINES
            else Category.GENERAL
        )
        if ticket.pipeline_id != self.target.pk:
            ticket = actions.move_to_pipeline(
                ticket, pipeline=self.target, actor=who, type=self.type
            )
            ticket = actions.set_classification(
                ticket, actor=who, reason=reason, priority=priority, category=category
            )
        else:
            ticket = actions.set_classification(
                ticket,
                actor=who,
                type=self.type,
                reason=reason,
                priority=priority,
                category=category,
            )
        return actions.assign(
            ticket, actor=who, owner=self.owner, team=self.target.team
        )

    def _classify(self) -> None:
        self.ticket = self._classify_one(self._ticket)

    def _merge_duplicate(self) -> None:
        # Both arrived at the shared address: triage spots the resend.
        duplicate = _required(self.other)
        who = self._classifier(duplicate)
        duplicate = self._classify_one(duplicate)
        actions.merge_tickets(duplicate, into=self._ticket, actor=who)

    def _raise_priority(self) -> None:
        self.ticket = actions.set_classification(
            self._ticket, actor=self.owner, priority=self.org.priorities["Alta"]
        )
        actions.add_note(self._ticket, author=self.owner, body_text=texts.URGENT_NOTE)

    def _reassign(self) -> None:
        previous = self.owner
        others = [u for u in self.org.type_owners[self.type.pk] if u != previous]
        if not others:
            return
        self.owner = self.rng.choice(others)
        self.ctx["agente"] = self.owner.first_name
        self.ticket = actions.assign(self._ticket, actor=previous, owner=self.owner)
        actions.add_note(
            self._ticket,
            author=previous,
            body_text=self._fill(texts.REASSIGN_NOTE),
        )

    def _reply(self, body: str, kind: StageKind) -> None:
        actions.add_reply(
            self._ticket,
            deliver=False,
            author=self.owner,
            body_text=self._agent_text(self.owner, body),
            new_stage=self._stage(kind),
        )

    def _acknowledge(self) -> None:
        # Notices cannot be answered, and the caller or visitor was already
        # answered in person: the owner just starts working.
        if not self.story.replies or self.entry in _MANUAL:
            self.ticket = actions.change_stage(
                self._ticket, stage=self._stage(StageKind.OPEN), actor=self.owner
            )
            actions.add_note(
                self._ticket,
                author=self.owner,
                body_text=self._fill(self.story.notes[0]),
            )
            return
        internal = self._ticket.scope == Scope.INTERNAL
        bank = texts.ACKS_INTERNAL if internal else texts.ACKS_EXTERNAL
        self._reply(self.rng.choice(bank), StageKind.OPEN)

    def _ask(self) -> None:
        self._reply(self.story.ask, StageKind.WAITING_CUSTOMER)

    def _answer(self) -> None:
        # R-WF-2: the answer brings a waiting (or resolved) ticket back to us.
        actions.add_customer_message(
            self._ticket,
            contact=self.requester,
            body_text=self._customer_text(self.story.answer),
            channel=_CHANNELS[self.entry]
            if self.entry in (Entry.PORTAL, Entry.WHATSAPP)
            else Channel.EMAIL,
        )

    def _wait_third_party(self) -> None:
        actions.add_note(
            self._ticket,
            author=self.owner,
            body_text=self._fill(self.story.third_party),
        )
        self.ticket = actions.change_stage(
            self._ticket,
            stage=self._stage(StageKind.WAITING_THIRD_PARTY),
            actor=self.owner,
        )

    def _note(self) -> None:
        actions.add_note(
            self._ticket,
            author=self.owner,
            body_text=self._fill(self.rng.choice(self.story.notes)),
        )

    def _solve(self) -> None:
        if self.story.replies:
            self._reply(self.story.solution, StageKind.RESOLVED)
            return
        actions.add_note(
            self._ticket, author=self.owner, body_text=self._fill(self.story.solution)
        )
        self.ticket = actions.change_stage(
            self._ticket, stage=self._stage(StageKind.RESOLVED), actor=self.owner
        )

    def _close_by_agent(self) -> None:
        if self.story.key == "adicion":
            # The playbook of the type: close the ticket and create a deal.
            actions.add_note(
                self._ticket,
                author=self.owner,
                body_text=self._fill(self.story.notes[0]),
            )
        self.ticket = actions.change_stage(
            self._ticket, stage=self._stage(StageKind.CLOSED), actor=self.owner
        )

    def _auto_close(self) -> None:
        # R-WF-3: a resolved ticket closes itself after a while.
        self.ticket = actions.change_stage(
            self._ticket,
            stage=self._stage(StageKind.CLOSED),
            actor=Actor.system(_AUTO_CLOSE_LABEL),
        )

    def _follow_up(self) -> None:
        # R-WF-3: writing to a closed ticket opens a new one, linked to it.
        message = actions.add_customer_message(
            self._ticket,
            contact=self.requester,
            body_text=self._customer_text(self.rng.choice(texts.FOLLOW_UPS)),
            channel=Channel.EMAIL,
        )
        self.other = message.ticket

    def _follow_up_ack(self) -> None:
        actions.add_reply(
            _required(self.other),
            deliver=False,
            author=self.owner,
            body_text=self._agent_text(self.owner, texts.FOLLOW_UP_ACK),
            new_stage=self._stage(StageKind.OPEN),
        )

    def _follow_up_solve(self) -> None:
        actions.add_reply(
            _required(self.other),
            deliver=False,
            author=self.owner,
            body_text=self._agent_text(self.owner, texts.FOLLOW_UP_SOLUTION),
            new_stage=self._stage(StageKind.RESOLVED),
        )

    def _open_related(self) -> None:
        # Another area's part of the request: its own ticket, for the same
        # customer, so it shows in their history, linked to this one.
        related = texts.RELATED_STORIES[self.story.key]
        story = STORIES_BY_KEY[related.story]
        ticket_type = self.org.types[(story.pipeline, story.type)]
        pipeline = self.org.pipelines[story.pipeline]
        owners = self.org.type_owners.get(ticket_type.pk) or [self.owner]
        self.related_story = story
        self.related_owner = self.rng.choice(owners)
        body = texts.RELATED_BODY.format(
            numero=self._ticket.number,
            area=self.target.name,
            texto=self._fill(related.body),
        )
        self.other = actions.open_ticket(
            subject=self._fill(related.subject),
            pipeline=pipeline,
            channel=Channel.INTERNAL,
            actor=self.owner,
            requester=self.requester,
            body_text=body,
            type=ticket_type,
            reason=self.org.reasons[story.reason],
            priority=self.org.priorities[story.priority],
            owner=self.related_owner,
            team=pipeline.team,
        )
        actions.link_tickets(
            self._ticket, other=self.other, kind=LinkKind.RELATED, actor=self.owner
        )
        actions.add_note(
            self._ticket,
            author=self.owner,
            body_text=texts.RELATED_NOTE.format(
                numero=self.other.number, area=pipeline.name
            ),
        )

    def _related_ack(self) -> None:
        other = actions.change_stage(
            _required(self.other),
            stage=self._stage(StageKind.OPEN, self.related_story.pipeline),
            actor=self.related_owner,
        )
        actions.add_note(
            other,
            author=self.related_owner,
            body_text=self.rng.choice(texts.ACKS_INTERNAL),
        )
