"""HTML input of activities; validation only, the writes are in actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ventanilla.agenda import queries
from ventanilla.agenda.models import ActivityKind
from ventanilla.tickets.models import Ticket


class DueInput(forms.DateTimeInput):
    """The browser's date and time picker, in the organisation's zone."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class OwnerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class ActivityForm(forms.Form):
    """A new activity; on a ticket, with the owner to give it to."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=ActivityKind.choices, initial=ActivityKind.TASK
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    due_at = forms.DateTimeField(label=_("Due"), widget=DueInput())
    owner = OwnerChoiceField(
        label=_("Owner"), queryset=queries.possible_owners(None), required=False
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, ticket: Ticket | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if ticket is None:
            # An agent's own to-do: it goes on their agenda.
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = queries.possible_owners(ticket)  # type: ignore[attr-defined]
            self.fields["owner"].empty_label = _("The ticket's owner, or me")  # type: ignore[attr-defined]


class RescheduleForm(forms.Form):
    due_at = forms.DateTimeField(label=_("New due time"), widget=DueInput())
