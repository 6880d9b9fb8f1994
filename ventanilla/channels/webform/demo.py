"""The demo's web form: generafactoring.pe's contact form, embeddable from
the demo server itself (``ventanilla demo`` serves on 127.0.0.1:8000)."""

from __future__ import annotations

from ventanilla.channels.webform.actions import create_web_form
from ventanilla.channels.webform.models import WebForm
from ventanilla.pipelines.models import Pipeline

DEMO_FORM_KEY = "generafactoring"


def install_demo_web_form() -> WebForm | None:
    """Create the form once, in the triage pipeline; idempotent."""
    existing = WebForm.objects.filter(key=DEMO_FORM_KEY).first()
    if existing is not None:
        return existing
    triage = Pipeline.objects.filter(is_triage=True).order_by("position").first()
    if triage is None:
        return None
    return create_web_form(
        name="Contáctenos · Genera Factoring",
        pipeline=triage,
        allowed_origins=["http://127.0.0.1:8000", "http://localhost:8000"],
        key=DEMO_FORM_KEY,
    )
