"""HTML input of the portal; validation only, the writes are in actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ventanilla.pipelines.models import Category, TicketType
from ventanilla.portal.uploads import FilesField

MAX_BODY = 20_000


class ListFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All requests")),
            ("open", _("Open requests")),
            ("closed", _("Closed requests")),
        ],
    )
    category = forms.ChoiceField(
        label=_("Request category"),
        required=False,
        choices=[("", _("All categories")), *Category.choices],
    )
    type = forms.ModelChoiceField(
        label=_("Type"),
        required=False,
        queryset=TicketType.objects.none(),
        empty_label=_("All types"),
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, types: QuerySet[TicketType], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["type"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = types


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = FilesField(label=_("Attachments"))

    def clean_body(self) -> str:
        body = str(self.cleaned_data["body"]).strip()
        if not body:
            raise forms.ValidationError(_("Write your message."))
        return body


class NewTicketForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Request category"),
        choices=Category.choices,
        widget=forms.RadioSelect,
        initial=Category.GENERAL,
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attachments = FilesField(label=_("Attachments"))


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how your request was handled?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
