"""HTML input for rules: JSON documents checked by the same validation as
``routing.actions`` (pydantic, strict, plus the ids they refer to)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ventanilla.core.errors import ActionRefused
from ventanilla.routing.actions import validate_rule
from ventanilla.routing.models import Rule

CONDITIONS_HELP = _(
    'JSON. Keys: "match" ("all" or "any"), "mailboxes", "channels", '
    '"sender_addresses", "sender_domains", "subject_initials", '
    '"subject_keywords", "body_keywords", "keywords" (subject or body), '
    '"companies" (ids), "company_kinds", "institutional_investor" (true/false), '
    '"scopes", "urgent" (true/false). Lists match when any value does; '
    "keywords ignore accents and case."
)
ACTIONS_HELP = _(
    'JSON. Keys: "pipeline", "type", "reason", "priority", "team", "owner" '
    '(ids), "tags" (names), "scope" ("internal"/"external"), '
    '"stop_processing" (true/false), "admit_bulk" (true/false: list and '
    "bulk mail that matches opens tickets)."
)


class _JSONText(forms.CharField):
    """A JSON document edited as text; the value stays text until validated."""

    widget = forms.Textarea(attrs={"rows": 8, "cols": 80, "class": "vLargeTextField"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value


class RuleForm(forms.ModelForm):  # type: ignore[type-arg]
    conditions = _JSONText(label=_("conditions"), help_text=CONDITIONS_HELP)
    actions = _JSONText(label=_("actions"), help_text=ACTIONS_HELP)

    class Meta:
        model = Rule
        fields = ["name", "description", "position", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        if self.instance.pk is not None:
            self.initial["conditions"] = self.instance.conditions
            self.initial["actions"] = self.instance.actions
        else:
            self.initial.setdefault("conditions", {})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        conditions = cleaned.get("conditions") or "{}"
        actions = cleaned.get("actions") or "{}"
        try:
            parsed_conditions, parsed_actions = validate_rule(conditions, actions)
        except ActionRefused as refused:
            for message in (refused.params or {}).get("errors", [str(refused)]):
                field = (
                    "conditions" if str(message).startswith("conditions") else "actions"
                )
                self.add_error(field, str(message))
            return cleaned
        cleaned["parsed_conditions"] = parsed_conditions
        cleaned["parsed_actions"] = parsed_actions
        return cleaned


class DryRunForm(forms.Form):
    mailbox = forms.EmailField(label=_("mailbox"), required=False)
    sender = forms.EmailField(label=_("sender"), required=False)
    subject = forms.CharField(label=_("subject"), max_length=300, required=False)
    body = forms.CharField(label=_("body"), widget=forms.Textarea, required=False)
    inbound = forms.IntegerField(
        label=_("or a stored inbound message (id)"),
        required=False,
        help_text=_("Read the raw message as ingestion would: sender, mailbox, text."),
    )
    ticket = forms.IntegerField(
        label=_("or the ticket number"),
        required=False,
        help_text=_("Use the stored ticket's subject, first message and requester."),
    )
