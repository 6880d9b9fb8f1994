from __future__ import annotations

import pytest

from ventanilla.channels.mail.actions import create_mailbox
from ventanilla.channels.mail.models import Mailbox


@pytest.fixture
def finanzas_mailbox(org) -> Mailbox:
    return create_mailbox(address="finanzas@generafactoring.pe", pipeline=org.finanzas)


@pytest.fixture
def operaciones_mailbox(org) -> Mailbox:
    """Configured, but not connected (R-CAP-1)."""
    return create_mailbox(
        address="operaciones@generafactoring.pe",
        pipeline=org.cobranzas,
        is_connected=False,
    )
