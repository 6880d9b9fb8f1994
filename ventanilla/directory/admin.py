"""Teams and agents are configured here, through ``directory.actions``;
customers (companies, contacts, portal accounts) are shown read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ventanilla.core.admin import ConfigAdmin, ReadOnlyAdmin
from ventanilla.directory import actions
from ventanilla.directory.models import (
    Agent,
    Company,
    Contact,
    CustomerUser,
    Role,
    Team,
)


@admin.register(Team)
class TeamAdmin(ConfigAdmin):
    list_display = ["name", "email", "lead"]
    list_select_related = ["lead"]
    fields = ["name", "slug", "email", "lead"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(
        self, request: HttpRequest, obj: Team, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            actions.update_team(obj, **data)
        else:
            obj.pk = actions.create_team(**data).pk


class AgentForm(forms.ModelForm):  # type: ignore[type-arg]
    """The staff user and the agent profile in one form."""

    username = forms.CharField(label=_("username"), max_length=150)
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("email"))
    password = forms.CharField(
        label=_("password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Only for a new agent; they can change it in their profile."),
    )
    is_active = forms.BooleanField(label=_("may sign in"), required=False, initial=True)

    class Meta:
        model = Agent
        fields = ["role", "teams", "job_title"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            user = self.instance.user
            for name in ("username", "first_name", "last_name", "email", "is_active"):
                self.initial[name] = getattr(user, name)
            self.fields["username"].disabled = True
            del self.fields["password"]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if (
            not self.instance.pk
            and User.objects.filter(username__iexact=username).exists()
        ):
            raise forms.ValidationError(_("That username is taken."))
        return username

    def clean_password(self) -> str:
        password: str = self.cleaned_data.get("password") or ""
        if not self.instance.pk:
            if not password:
                raise forms.ValidationError(_("A new agent needs a password."))
            validate_password(password)
        return password


@admin.register(Agent)
class AgentAdmin(ConfigAdmin):
    form = AgentForm
    list_display = ["__str__", "user__username", "role", "job_title", "user__is_active"]
    list_filter = ["role", "teams", "user__is_active"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    filter_horizontal = ["teams"]
    fields = [
        "username",
        "first_name",
        "last_name",
        "email",
        "password",
        "role",
        "teams",
        "job_title",
        "is_active",
    ]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        return [f for f in fields if f != "password"] if obj else fields

    def save_model(
        self, request: HttpRequest, obj: Agent, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            actions.update_agent(
                obj,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=Role(data["role"]),
                teams=data["teams"],
                job_title=data["job_title"],
                is_active=data["is_active"],
            )
            return
        agent = actions.create_agent(
            username=data["username"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            password=data["password"],
            role=Role(data["role"]),
            teams=data["teams"],
            job_title=data["job_title"],
        )
        if not data["is_active"]:
            actions.deactivate_user(agent.user)
        obj.pk, obj.user_id = agent.pk, agent.user_id

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        """The teams were saved by the action."""


@admin.register(Company)
class CompanyAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "tax_id", "domain", "is_institutional_investor"]
    list_filter = ["kind", "is_institutional_investor"]
    search_fields = ["name", "tax_id", "domain"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["name", "email", "company", "owner"]
    list_filter = ["company__kind"]
    list_select_related = ["company", "owner"]
    search_fields = ["name", "email"]


@admin.register(CustomerUser)
class CustomerUserAdmin(ReadOnlyAdmin):
    list_display = ["contact", "is_company_admin"]
    list_select_related = ["contact"]
