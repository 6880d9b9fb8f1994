"""HTML input of the desk; validation only, the writes are in actions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from ventanilla.desk import queries
from ventanilla.desk.catalogue import Catalogue, agents, priorities, reasons, teams
from ventanilla.desk.queries import QueueFilter
from ventanilla.directory.access import AnyUser, visible_pipelines
from ventanilla.directory.models import Team
from ventanilla.pipelines.models import Pipeline, Scope, Stage, TicketType
from ventanilla.routing.models import Tag
from ventanilla.tickets.attachments import NewAttachment
from ventanilla.tickets.models import Channel, LinkKind, Ticket

MAX_BULK = 100


class AgentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class StageChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Stages of several pipelines, named with their pipeline."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.pipeline.name} · {obj.name}"


class TypeChoiceField(StageChoiceField):
    pass


class DateInput(forms.DateInput):
    input_type = "date"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data if item]
        return [clean_one(data, initial)] if data else []


def new_attachments(files: list[UploadedFile]) -> list[NewAttachment]:
    return [
        NewAttachment(
            filename=upload.name or "adjunto",
            content=upload.read(),
            content_type=upload.content_type or "",
        )
        for upload in files
    ]


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


# Django's select template includes a template per option; the desk's
# selects (forty stages, every agent) render their options inline instead,
# a third of a queue page's time otherwise. Options carry no attributes but
# ``selected``, which this template writes.
SELECT_TEMPLATE = "desk/widgets/select.html"


def _empty_labels(form: forms.Form, text: Any) -> None:
    """Name the empty option of every select that still has Django's dashes
    (and render every select with ``SELECT_TEMPLATE``)."""
    for field in form.fields.values():
        if type(field.widget) in (forms.Select, forms.SelectMultiple):
            field.widget.template_name = SELECT_TEMPLATE
        if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
            if set(str(field.empty_label)) == {"-"}:
                field.empty_label = text
        elif isinstance(field, forms.ChoiceField) and not field.required:
            choices = list(cast(Iterable[Any], field.choices))
            if choices and choices[0][0] == "":
                field.choices = [("", text), *choices[1:]]


def _offer(form: forms.Form, name: str, rows: Callable[[], Iterable[Any]]) -> None:
    """Give the select ``name`` the options ``rows()`` (from the page's
    catalogue, read when the select is rendered) instead of running its
    queryset to render; the queryset still validates what comes back."""
    field = cast("forms.ModelChoiceField[Any]", form.fields[name])
    blank = [] if field.empty_label is None else [("", field.empty_label)]
    label = field.label_from_instance

    def options() -> list[tuple[Any, Any]]:
        return [*blank, *((row.pk, label(row)) for row in rows())]

    field.widget.choices = options


# -- queues ------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("active", _("Active")),
            ("resolved", _("Resolved")),
            ("closed", _("Closed")),
            ("all", _("All")),
        ],
    )
    pipeline = forms.ModelChoiceField(
        label=_("Pipeline"), queryset=Pipeline.objects.none(), required=False
    )
    stage = StageChoiceField(
        label=_("Stage"), queryset=Stage.objects.none(), required=False
    )
    owner = AgentChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=teams(), required=False)
    priority = forms.ModelChoiceField(
        label=_("Priority"), queryset=priorities(), required=False
    )
    type = TypeChoiceField(
        label=_("Type"), queryset=TicketType.objects.none(), required=False
    )
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=reasons(), required=False
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=_blank(Scope.choices), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=_blank(Channel.choices), required=False
    )
    company = forms.CharField(label=_("Company"), required=False, max_length=100)
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.all(), required=False
    )
    created_from = forms.DateField(
        label=_("Created from"), required=False, widget=DateInput
    )
    created_to = forms.DateField(label=_("to"), required=False, widget=DateInput)
    updated_from = forms.DateField(
        label=_("Updated from"), required=False, widget=DateInput
    )
    updated_to = forms.DateField(label=_("to"), required=False, widget=DateInput)

    def __init__(
        self,
        *args: Any,
        user: AnyUser,
        catalogue: Catalogue | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        pipelines = visible_pipelines(user)
        self.fields["pipeline"].queryset = pipelines  # type: ignore[attr-defined]
        self.fields["stage"].queryset = queries.stages_of(pipelines)  # type: ignore[attr-defined]
        self.fields["type"].queryset = queries.types_of(pipelines)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = agents()  # type: ignore[attr-defined]
        _empty_labels(self, _("Any"))
        if catalogue is not None:
            _offer(self, "pipeline", lambda: catalogue.pipelines)
            _offer(self, "stage", lambda: catalogue.visible_stages())
            _offer(self, "type", lambda: catalogue.visible_types())
            _offer(self, "owner", lambda: catalogue.agents)
            _offer(self, "team", lambda: catalogue.teams)
            _offer(self, "priority", lambda: catalogue.priorities)
            _offer(self, "reason", lambda: catalogue.reasons)
            _offer(self, "tag", lambda: catalogue.tags)

    def queue_filter(self, **preset: Any) -> QueueFilter:
        """The filter the form describes, on top of the queue's own preset."""
        data = self.cleaned_data if self.is_valid() else {}
        values: dict[str, Any] = {
            name: data.get(name) or None
            for name in ("stage", "owner", "team", "priority", "type", "reason", "tag")
        }
        values.update(
            scope=data.get("scope") or "",
            channel=data.get("channel") or "",
            company=(data.get("company") or "").strip(),
            status=data.get("status") or "active",
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            updated_from=data.get("updated_from"),
            updated_to=data.get("updated_to"),
            text=(data.get("q") or "").strip(),
            pipeline=data.get("pipeline") or None,
        )
        values.update({k: v for k, v in preset.items() if v is not None})
        return QueueFilter(**values)

    def params(self) -> dict[str, str]:
        """The valid, non-empty values as query-string text (what a saved
        filter keeps)."""
        if not self.is_valid():
            return {}
        return {
            name: str(self.data[name]).strip()
            for name in queries.FILTER_PARAMS
            if name in self.fields
            and self.cleaned_data.get(name) not in (None, "")
            and str(self.data.get(name, "")).strip()
        }

    @property
    def active_count(self) -> int:
        data = self.cleaned_data if self.is_valid() else {}
        return sum(1 for k, v in data.items() if v and k != "status")


class SaveFilterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    view = forms.ChoiceField(choices=[(v, v) for v in queries.QUEUE_VIEWS])
    # Not "team": the filter form posted alongside has a team filter.
    share_team = forms.ModelChoiceField(
        label=_("Share with team"), queryset=Team.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["share_team"].queryset = Team.objects.filter(agents__user=user.pk)  # type: ignore[attr-defined]
        _empty_labels(self, _("Only me"))


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"))
    language = forms.ChoiceField(label=_("Language"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            (code, name) for code, name in settings.LANGUAGES
        ]


class BulkForm(forms.Form):
    ACTIONS = [
        ("owner", _("Assign owner")),
        ("stage", _("Move to stage")),
        ("priority", _("Change priority")),
        ("merge", _("Merge into ticket")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    owner = AgentChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False
    )
    stage = StageChoiceField(
        label=_("Stage"), queryset=Stage.objects.none(), required=False
    )
    priority = forms.ModelChoiceField(
        label=_("Priority"), queryset=priorities(), required=False
    )
    merge = forms.IntegerField(
        label=_("Merge into ticket number"),
        min_value=1,
        max_value=2**62,
        required=False,
        widget=forms.NumberInput(attrs={"placeholder": _("Ticket number")}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        user: AnyUser,
        catalogue: Catalogue | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = agents()  # type: ignore[attr-defined]
        self.fields["stage"].queryset = queries.stages_of(visible_pipelines(user))  # type: ignore[attr-defined]
        _empty_labels(self, _("Choose…"))
        if catalogue is not None:
            _offer(self, "owner", lambda: catalogue.agents)
            _offer(self, "stage", lambda: catalogue.visible_stages())
            _offer(self, "priority", lambda: catalogue.priorities)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = self.data.getlist("tickets") if hasattr(self.data, "getlist") else []
        numbers = sorted({int(n) for n in raw if str(n).isdigit()})
        if not numbers:
            raise forms.ValidationError(_("Select at least one ticket."))
        if len(numbers) > MAX_BULK:
            raise forms.ValidationError(
                _("Select at most %(max)s tickets at a time.") % {"max": MAX_BULK}
            )
        action = data.get("action")
        if action and not data.get(action):
            self.add_error(action, _("Choose the new value."))
        data["tickets"] = numbers
        return data


# -- the ticket page ---------------------------------------------------------


class VersionedForm(forms.Form):
    """Carries the ticket version the page was rendered with."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        *args: Any,
        ticket: Ticket,
        catalogue: Catalogue | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", ticket.version)
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.catalogue = catalogue
        _empty_labels(self, "—")

    def _stages(
        self, catalogue: Catalogue, *, open_only: bool = False
    ) -> Callable[[], list[Stage]]:
        """The ticket's pipeline's stages from the catalogue, by position."""
        pipeline = self.ticket.pipeline_id

        def rows() -> list[Stage]:
            stages = [
                s
                for s in catalogue.stages
                if s.pipeline_id == pipeline and not (open_only and s.kind == "closed")
            ]
            return sorted(stages, key=lambda s: s.position)

        return rows


class ReplyForm(VersionedForm):
    body = forms.CharField(
        label=_("Reply"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=100_000,
    )
    stage = forms.ModelChoiceField(
        label=_("And set the stage to"),
        queryset=Stage.objects.none(),
        required=False,
        empty_label=_("(keep the current stage)"),
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, ticket=ticket, **kwargs)
        self.fields["stage"].queryset = ticket.pipeline.stages.exclude(  # type: ignore[attr-defined]
            kind="closed"
        ).order_by("position")
        if self.catalogue is not None:
            _offer(self, "stage", self._stages(self.catalogue, open_only=True))


class NoteForm(VersionedForm):
    body = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=100_000,
    )
    attachments = MultipleFileField(label=_("Attachments"))


class StageForm(VersionedForm):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none())

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("stage", ticket.stage_id)
        super().__init__(*args, ticket=ticket, **kwargs)
        self.fields["stage"].queryset = ticket.pipeline.stages.order_by("position")  # type: ignore[attr-defined]
        if self.catalogue is not None:
            _offer(self, "stage", self._stages(self.catalogue))


class ClassificationForm(VersionedForm):
    type = forms.ModelChoiceField(
        label=_("Type"), queryset=TicketType.objects.none(), required=False
    )
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=reasons(), required=False
    )
    priority = forms.ModelChoiceField(
        label=_("Priority"), queryset=priorities(), required=False
    )
    owner = AgentChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=teams(), required=False)
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        for name in ("type", "reason", "priority", "owner", "team"):
            initial.setdefault(name, getattr(ticket, f"{name}_id"))
        initial.setdefault("scope", ticket.scope)
        super().__init__(*args, ticket=ticket, **kwargs)
        self.fields["type"].queryset = ticket.pipeline.types.all()  # type: ignore[attr-defined]
        self.fields["owner"].queryset = agents()  # type: ignore[attr-defined]
        catalogue = self.catalogue
        if catalogue is not None:
            pipeline = ticket.pipeline_id
            _offer(
                self,
                "type",
                lambda: [t for t in catalogue.types if t.pipeline_id == pipeline],
            )
            _offer(self, "reason", lambda: catalogue.reasons)
            _offer(self, "priority", lambda: catalogue.priorities)
            _offer(self, "owner", lambda: catalogue.agents)
            _offer(self, "team", lambda: catalogue.teams)


class MoveForm(VersionedForm):
    pipeline = forms.ModelChoiceField(
        label=_("Move to pipeline"), queryset=Pipeline.objects.none()
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, ticket=ticket, **kwargs)
        self.fields["pipeline"].queryset = Pipeline.objects.exclude(  # type: ignore[attr-defined]
            pk=ticket.pipeline_id
        )
        self.fields["pipeline"].empty_label = _("Choose a pipeline…")  # type: ignore[attr-defined]
        catalogue = self.catalogue
        if catalogue is not None:
            current = ticket.pipeline_id
            _offer(
                self,
                "pipeline",
                lambda: [p for p in catalogue.all_pipelines if p.pk != current],
            )


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Merge this ticket into ticket number"), min_value=1
    )


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Relation"), choices=LinkKind.choices)
    other = forms.IntegerField(label=_("Ticket number"), min_value=1)


# -- triage ------------------------------------------------------------------


class TriageForm(VersionedForm):
    pipeline = forms.ModelChoiceField(
        label=_("Pipeline"), queryset=Pipeline.objects.none(), required=False
    )
    type = TypeChoiceField(
        label=_("Type"), queryset=TicketType.objects.none(), required=False
    )
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=reasons(), required=False
    )
    priority = forms.ModelChoiceField(
        label=_("Priority"), queryset=priorities(), required=False
    )
    owner = AgentChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        for name in ("type", "reason", "priority", "owner"):
            initial.setdefault(name, getattr(ticket, f"{name}_id"))
        kwargs.setdefault("prefix", f"t{ticket.number}")
        super().__init__(*args, ticket=ticket, **kwargs)
        everything = Pipeline.objects.all()
        self.fields["pipeline"].queryset = everything  # type: ignore[attr-defined]
        self.fields["type"].queryset = queries.types_of(everything)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = agents()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(
            data.get(n) for n in ("pipeline", "type", "reason", "priority", "owner")
        ):
            raise forms.ValidationError(_("Choose at least one value."))
        return data


# -- new ticket --------------------------------------------------------------

MANUAL_CHANNELS = [
    (Channel.PHONE.value, Channel.PHONE.label),
    (Channel.WALK_IN.value, Channel.WALK_IN.label),
    (Channel.INTERNAL.value, Channel.INTERNAL.label),
    (Channel.EMAIL.value, Channel.EMAIL.label),
    (Channel.WHATSAPP.value, Channel.WHATSAPP.label),
]


class NewTicketForm(forms.Form):
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    requester_email = forms.EmailField(label=_("Requester email"), required=False)
    requester_name = forms.CharField(
        label=_("Requester name"), required=False, max_length=200
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=MANUAL_CHANNELS)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(
        label=_("Request"), widget=forms.Textarea(attrs={"rows": 6}), max_length=100_000
    )
    pipeline = forms.ModelChoiceField(
        label=_("Pipeline"), queryset=Pipeline.objects.none()
    )
    type = TypeChoiceField(
        label=_("Type"), queryset=TicketType.objects.none(), required=False
    )
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=reasons(), required=False
    )
    priority = forms.ModelChoiceField(
        label=_("Priority"), queryset=priorities(), required=False
    )
    owner = AgentChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pipelines = visible_pipelines(user)
        self.fields["pipeline"].queryset = pipelines  # type: ignore[attr-defined]
        self.fields["type"].queryset = queries.types_of(pipelines)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = agents()  # type: ignore[attr-defined]
        _empty_labels(self, "—")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact_id = data.get("contact")
        data["contact_obj"] = queries.contact_by_id(contact_id) if contact_id else None
        if not (
            data["contact_obj"]
            or data.get("requester_email")
            or data.get("requester_name")
        ):
            self.add_error(
                "requester_name", _("Who asks? Give a name or an email address.")
            )
        ticket_type = data.get("type")
        pipeline = data.get("pipeline")
        if ticket_type and pipeline and ticket_type.pipeline_id != pipeline.pk:
            self.add_error("type", _("This type belongs to another pipeline."))
        return data


def share_choices(many: list[forms.Form]) -> None:
    """Read each choice list once for many copies of one form.

    A form per row (triage) would otherwise query every select's options
    again for every row.
    """
    if not many:
        return
    first = many[0]
    for name, field in first.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            # iter(): list() of the iterator itself would COUNT first.
            options = list(iter(cast(Iterable[Any], field.choices)))
            for form in many:
                form.fields[name].choices = options  # type: ignore[attr-defined]
