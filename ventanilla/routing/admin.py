"""Rules are edited in the admin; every save goes through routing.actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from ventanilla.channels.mail.models import InboundMessage
from ventanilla.core.admin import ReadOnlyAdmin
from ventanilla.directory.models import Company
from ventanilla.pipelines.models import Pipeline
from ventanilla.routing import actions
from ventanilla.routing.engine import Facts
from ventanilla.routing.forms import DryRunForm, RuleForm
from ventanilla.routing.models import Rule, RuleChange, Tag, TicketRouting
from ventanilla.routing.queries import dry_run, facts_for_inbound, facts_for_ticket
from ventanilla.tickets.models import Ticket


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = RuleForm
    list_display = ["position", "name", "enabled", "updated_at"]
    list_display_links = ["name"]
    list_filter = ["enabled"]
    search_fields = ["name", "description"]
    ordering = ["position", "id"]
    fields = ["name", "description", "position", "enabled", "conditions", "actions"]

    def save_model(
        self, request: HttpRequest, obj: Rule, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            saved = actions.update_rule(
                obj,
                name=data["name"],
                description=data["description"],
                position=data["position"] if data["position"] is not None else None,
                enabled=data["enabled"],
                conditions=data["parsed_conditions"],
                actions=data["parsed_actions"],
                actor=request.user,
            )
        else:
            saved = actions.create_rule(
                name=data["name"],
                description=data["description"],
                position=data["position"],
                enabled=data["enabled"],
                conditions=data["parsed_conditions"],
                actions=data["parsed_actions"],
                actor=request.user,
            )
        obj.pk = saved.pk
        obj.position = saved.position

    def delete_model(self, request: HttpRequest, obj: Rule) -> None:
        actions.delete_rule(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Rule]) -> None:
        for rule in queryset:
            actions.delete_rule(rule, actor=request.user)

    def get_urls(self) -> list[URLPattern]:
        dry = path(
            "dry-run/",
            self.admin_site.admin_view(self.dry_run_view),
            name="routing_rule_dry_run",
        )
        return [dry, *super().get_urls()]

    def dry_run_view(self, request: HttpRequest) -> HttpResponse:
        """What the enabled rules would do with a message or a stored ticket."""
        form = DryRunForm(request.POST or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = dry_run(_facts(form.cleaned_data))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Dry run",
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "admin/routing/rule/dry_run.html", context)


def _facts(data: dict[str, Any]) -> Facts:
    """Facts of the stored ticket named in the form, or of the typed message."""
    mailbox = data.get("mailbox") or ""
    if data.get("inbound"):
        inbound = (
            InboundMessage.objects.select_related("mailbox")
            .filter(pk=data["inbound"])
            .first()
        )
        if inbound is not None:
            return facts_for_inbound(inbound)
    if data.get("ticket"):
        ticket = (
            Ticket.objects.select_related("pipeline", "requester", "company")
            .filter(number=data["ticket"])
            .first()
        )
        if ticket is not None:
            return facts_for_ticket(ticket, mailbox=mailbox)
    sender = (data.get("sender") or "").lower()
    company = (
        Company.objects.filter(domain=sender.rpartition("@")[2]).first()
        if sender
        else None
    )
    pipeline = _mailbox_pipeline(mailbox)
    return Facts(
        subject=data.get("subject") or "",
        body=data.get("body") or "",
        sender=sender,
        mailbox=mailbox,
        channel="email" if mailbox else "",
        company_id=company.pk if company else None,
        company_kind=company.kind if company else "",
        institutional_investor=bool(company and company.is_institutional_investor),
        scope="internal" if company and company.kind == "internal" else "",
        default_pipeline_id=pipeline.pk if pipeline else None,
        triage=bool(pipeline and pipeline.is_triage),
    )


def _mailbox_pipeline(address: str) -> Pipeline | None:
    if not address:
        return None
    return Pipeline.objects.filter(mailboxes__address__iexact=address).first()


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    list_display = ["name", "color"]
    search_fields = ["name"]


@admin.register(TicketRouting)
class TicketRoutingAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "triage_flag", "routed_at"]
    list_filter = ["triage_flag"]
    list_select_related = ["ticket"]


@admin.register(RuleChange)
class RuleChangeAdmin(ReadOnlyAdmin):
    """The history of the rules: who changed what, before and after."""

    list_display = ["created_at", "rule_name", "kind", "actor"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    search_fields = ["rule_name"]
    date_hierarchy = "created_at"
