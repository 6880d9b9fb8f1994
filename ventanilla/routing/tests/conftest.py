from __future__ import annotations

from typing import Any

import pytest

from ventanilla.routing import actions
from ventanilla.routing.models import Rule


@pytest.fixture
def make_rule(db: None):
    """Create a rule through the action, with a unique default name."""
    counter = iter(range(1, 10_000))

    def make(
        conditions: dict[str, Any], rule_actions: dict[str, Any], **kw: Any
    ) -> Rule:
        kw.setdefault("name", f"Regla {next(counter)}")
        return actions.create_rule(conditions=conditions, actions=rule_actions, **kw)

    return make
