from __future__ import annotations

import factory

from ventanilla.directory.tests.factories import TeamFactory
from ventanilla.pipelines.models import (
    Pipeline,
    Priority,
    Reason,
    Stage,
    StageKind,
    TicketType,
)

# The two vocabularies of the seeds.
CRM_STAGES = [
    ("Nuevo", StageKind.NEW),
    ("En proceso", StageKind.OPEN),
    ("Acción del cliente", StageKind.WAITING_CUSTOMER),
    ("Acción de terceros", StageKind.WAITING_THIRD_PARTY),
    ("Completado", StageKind.RESOLVED),
    ("Cerrado", StageKind.CLOSED),
]
HELP_CENTER_STAGES = [
    ("To Do", StageKind.NEW),
    ("Doing - esperando acción por nuestra parte", StageKind.OPEN),
    ("Doing - esperando el contacto", StageKind.WAITING_CUSTOMER),
    ("Done", StageKind.RESOLVED),
    ("Archivado", StageKind.CLOSED),
]


class PipelineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pipeline
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Pipeline {n}")
    slug = factory.Sequence(lambda n: f"pipeline-{n}")
    team = factory.SubFactory(TeamFactory)

    @factory.post_generation
    def stages(obj, create, extracted, **kwargs):
        if create:
            for position, (name, kind) in enumerate(extracted or CRM_STAGES):
                Stage.objects.create(
                    pipeline=obj, name=name, kind=kind, position=position
                )


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType

    pipeline = factory.SubFactory(PipelineFactory)
    name = factory.Sequence(lambda n: f"Tipo {n}")


class ReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reason
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Motivo {n}")


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Prioridad {n}")
    rank = factory.Sequence(lambda n: n + 10)
