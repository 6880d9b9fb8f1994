"""Property-based run of every operation in the OpenAPI schema: no 5xx,
every response matches the documented schema (status, content type, body),
and data the schema forbids is refused."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.generation.meta import GenerationMode, ParameterLocation

from config.wsgi import application
from conftest import Org
from ventanilla.api.actions import create_token
from ventanilla.api.models import Scope
from ventanilla.tickets import actions
from ventanilla.tickets.models import Ticket

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# Bounded so the whole run stays well under a minute on two CPUs.
MAX_EXAMPLES = 15


@dataclass
class Fuzz:
    token: str
    numbers: list[int]
    pipeline: int


@pytest.fixture
def _keep_connection() -> Iterator[None]:
    """The WSGI app ends each request by closing old connections, which on
    PostgreSQL would close the test's transaction; Django's test client
    switches this off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz(
    _keep_connection: None,
    org: Org,
    rosario: User,
    classified_ticket: Ticket,
    ticket: Ticket,
) -> Fuzz:
    """An agent with tickets, messages and a note to read and write."""
    actions.add_note(classified_ticket, author=rosario, body_text="nota interna")
    return Fuzz(
        token=create_token(rosario, name="fuzz", scope=Scope.WRITE).plaintext,
        numbers=[classified_ticket.number, ticket.number],
        pipeline=org.finanzas.pk,
    )


def _negative(case: schemathesis.Case) -> set[ParameterLocation]:
    """The parts of the request generated to break the schema."""
    meta = case.meta
    if meta is None:
        return set()
    return {
        location
        for location, info in meta.components.items()
        if info.mode == GenerationMode.NEGATIVE
    }


def _aim(case: schemathesis.Case, fuzz: Fuzz) -> dict[str, str] | None:
    """Point most generated ticket numbers and pipelines at real rows, so
    the operations get past 404 and 422 to the code behind them, and sign
    the request with the agent's token.

    What schemathesis generated to break the schema is left broken: a bad
    ticket number is not replaced by a good one, and a bad Authorization
    header is sent as generated (the API must answer 401), else the request
    would turn valid while the check still expects a refusal."""
    negative = _negative(case)
    params = case.path_parameters or {}
    number = params.get("number")
    if (
        ParameterLocation.PATH not in negative
        and isinstance(number, int)
        and number % 4 != 3
    ):
        params["number"] = fuzz.numbers[number % 2]
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("pipeline"), int):
        body["pipeline"] = fuzz.pipeline
        for name in ("type", "reason", "priority", "owner", "team", "requester"):
            if isinstance(body.get(name), int):
                del body[name]
    if ParameterLocation.HEADER in negative:
        return None
    return {"Authorization": f"Bearer {fuzz.token}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, fuzz: Fuzz) -> None:
    headers = _aim(case, fuzz)
    case.call_and_validate(
        headers=headers,
        # A well-formed reference to a row that does not exist, or that this
        # agent may not use, is refused with 422 by design: that is meaning,
        # not shape, and no schema can say it.
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
