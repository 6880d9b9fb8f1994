from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ventanilla.api.models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “ERP integration”."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=Scope.choices, initial=Scope.READ
    )
