"""Rule documents are validated strictly (R-CLS-6)."""

from __future__ import annotations

import typing

import pytest
from pydantic import ValidationError

from ventanilla.directory.models import CompanyKind
from ventanilla.pipelines.models import Scope
from ventanilla.routing import engine
from ventanilla.routing.models import TriageFlag
from ventanilla.routing.schemas import (
    ChannelName,
    CompanyKindName,
    RuleActions,
    RuleConditions,
    ScopeName,
)
from ventanilla.tickets.models import Channel


@pytest.mark.parametrize(
    "document",
    [
        {"pipeline": "3"},
        {"pipeline": False},
        {"pipeline": 3.0},
        {"pipeline": 0},
        {"tags": "urgente"},
        {"scope": "interno"},
        {"stop_processing": "yes"},
        {"pipline": 3},
        {},
    ],
)
def test_actions_refuse_what_lax_mode_would_coerce(document):
    with pytest.raises(ValidationError):
        RuleActions.model_validate(document)


@pytest.mark.parametrize(
    "document",
    [
        {"match": "some"},
        {"mailboxes": ["no-es-un-correo"]},
        {"sender_domains": ["sin punto"]},
        {"subject_initials": ["F1N"]},
        {"keywords": ["   "]},
        {"companies": ["1"]},
        {"institutional_investor": 1},
        {"channels": ["fax"]},
        {"sender": "x@y.pe"},
    ],
)
def test_conditions_refuse_invalid_values_and_unknown_keys(document):
    with pytest.raises(ValidationError):
        RuleConditions.model_validate(document)


def test_conditions_are_normalised():
    conditions = RuleConditions.model_validate(
        {
            "mailboxes": [" Finanzas@GeneraFactoring.pe "],
            "sender_domains": ["@SUNAT.gob.pe"],
            "subject_initials": ["fin"],
            "keywords": ["  nueva   inversión "],
        }
    )

    assert conditions.mailboxes == ["finanzas@generafactoring.pe"]
    assert conditions.sender_domains == ["sunat.gob.pe"]
    assert conditions.subject_initials == ["FIN"]
    assert conditions.keywords == ["nueva inversión"]


def test_json_text_is_validated_strictly_too():
    with pytest.raises(ValidationError):
        RuleActions.model_validate_json('{"priority": "2"}')
    assert RuleActions.model_validate_json('{"priority": 2}').priority == 2


def test_value_sets_follow_the_model_choices():
    assert set(typing.get_args(ChannelName)) == set(Channel.values)
    assert set(typing.get_args(CompanyKindName)) == set(CompanyKind.values)
    assert set(typing.get_args(ScopeName)) == set(Scope.values)
    assert {flag.value for flag in engine.TriageFlag} == set(TriageFlag.values)
