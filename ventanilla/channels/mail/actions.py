"""Writes of the mail channel's configuration."""

from __future__ import annotations

from ventanilla.channels.mail.models import Mailbox
from ventanilla.pipelines.models import Pipeline


def create_mailbox(
    *, address: str, pipeline: Pipeline, name: str = "", is_connected: bool = True
) -> Mailbox:
    return Mailbox.objects.create(
        address=address.strip().lower(),
        pipeline=pipeline,
        name=name,
        is_connected=is_connected,
    )
