"""The visitor's form; validation only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ventanilla.portal.uploads import FilesField


class RequestForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email"), max_length=254)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    message = forms.CharField(
        label=_("Message"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachments = FilesField(label=_("Attachment"))
    # Invisible to people (hidden by CSS, skipped by keyboard and screen
    # readers); bots that fill every field give themselves away.
    website = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)
