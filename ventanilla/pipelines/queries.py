"""Reads of the pipeline configuration."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ventanilla.core.errors import ActionRefused
from ventanilla.pipelines.models import Pipeline, Stage, StageKind


def stage_of_kind(pipeline: Pipeline, kind: StageKind) -> Stage:
    """The first stage (by position) of ``kind`` in ``pipeline``."""
    stage = pipeline.stages.filter(kind=kind).order_by("position").first()
    if stage is None:
        raise ActionRefused(
            _("The pipeline “%(pipeline)s” has no stage of kind “%(kind)s”.")
            % {"pipeline": pipeline.name, "kind": kind.label},
            code="pipeline_lacks_stage",
        )
    return stage


def pipelines_with_stages() -> QuerySet[Pipeline]:
    return Pipeline.objects.select_related("team").prefetch_related("stages", "types")
