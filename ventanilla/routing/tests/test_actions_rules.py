"""Rules are written through routing.actions, validated strictly and with
their references checked; the admin form uses the same path."""

from __future__ import annotations

import json

import pytest

from ventanilla.core.errors import ActionRefused
from ventanilla.directory.actions import deactivate_user
from ventanilla.routing import actions
from ventanilla.routing.models import Rule, RuleChange, RuleChangeKind


def test_create_rule_stores_the_normalised_documents_after_the_last_rule(org):
    # given
    actions.create_rule(name="Primera", conditions={}, actions={"tags": ["a"]})

    # when
    rule = actions.create_rule(
        name="  Facturas ",
        conditions={"keywords": [" Factura "], "sender_domains": ["@X.pe"]},
        actions={"priority": org.baja.pk, "stop_processing": False},
    )

    # then
    assert rule.name == "Facturas"
    assert rule.position == 20
    assert rule.conditions == {"keywords": ["Factura"], "sender_domains": ["x.pe"]}
    assert rule.actions == {"priority": org.baja.pk}


@pytest.mark.parametrize(
    ("conditions", "rule_actions", "message"),
    [
        ({}, {"pipeline": 999_999}, "actions.pipeline"),
        ({}, {"priority": "1"}, "actions.priority"),
        ({"companies": [999_999]}, {"tags": ["x"]}, "conditions.companies"),
        ({"sender": "x"}, {"tags": ["x"]}, "conditions.sender"),
        ({}, {}, "at least one action"),
    ],
)
def test_create_rule_refuses_invalid_documents_and_saves_nothing(
    org, conditions, rule_actions, message
):
    with pytest.raises(ActionRefused) as refused:
        actions.create_rule(name="Mala", conditions=conditions, actions=rule_actions)

    assert refused.value.code == "rule_invalid"
    assert message in str(refused.value)
    assert not Rule.objects.exists()


def test_a_type_must_belong_to_the_pipeline_of_the_same_rule(org):
    with pytest.raises(ActionRefused, match=r"actions\.type"):
        actions.create_rule(
            name="Mezcla",
            conditions={},
            actions={"pipeline": org.cobranzas.pk, "type": org.rescate.pk},
        )


def test_the_owner_must_be_an_active_agent(org, alonso, requester):
    deactivate_user(alonso)

    with pytest.raises(ActionRefused, match=r"actions\.owner"):
        actions.create_rule(name="Alonso", conditions={}, actions={"owner": alonso.pk})


def test_update_rule_changes_what_is_given_and_validates_documents(org, make_rule):
    rule = make_rule({"keywords": ["sunat"]}, {"priority": org.media.pk})

    rule = actions.update_rule(rule, enabled=False, position=5)
    assert (rule.enabled, rule.position) == (False, 5)
    assert rule.conditions == {"keywords": ["sunat"]}

    with pytest.raises(ActionRefused):
        actions.update_rule(rule, actions={"priority": "alta"})
    rule.refresh_from_db()
    assert rule.actions == {"priority": org.media.pk}


def test_admin_creates_a_rule_through_the_actions(client, admin, org):
    # given
    client.force_login(admin)

    # when
    response = client.post(
        "/admin/routing/rule/add/",
        {
            "name": "SUNAT",
            "description": "",
            "position": "",
            "enabled": "on",
            "conditions": json.dumps({"keywords": ["SUNAT"]}),
            "actions": json.dumps({"priority": org.media.pk}),
        },
    )

    # then
    assert response.status_code == 302
    rule = Rule.objects.get()
    assert (rule.name, rule.position) == ("SUNAT", 10)
    assert rule.actions == {"priority": org.media.pk}


def test_admin_shows_validation_errors_and_saves_nothing(client, admin, org):
    client.force_login(admin)

    response = client.post(
        "/admin/routing/rule/add/",
        {
            "name": "Mala",
            "position": "1",
            "enabled": "on",
            "conditions": json.dumps({"keywrods": ["x"]}),
            "actions": json.dumps({"priority": str(org.media.pk)}),
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "conditions.keywrods" in errors["conditions"][0]
    assert "actions.priority" in errors["actions"][0]
    assert not Rule.objects.exists()


def test_admin_edits_and_deletes_a_rule_through_the_actions(
    client, admin, org, make_rule
):
    rule = make_rule({"keywords": ["sunat"]}, {"priority": org.media.pk}, name="SUNAT")
    client.force_login(admin)

    response = client.post(
        f"/admin/routing/rule/{rule.pk}/change/",
        {
            "name": "SUNAT y SUNAFIL",
            "position": "7",
            "enabled": "on",
            "conditions": json.dumps({"keywords": ["sunat", "sunafil"]}),
            "actions": json.dumps({"priority": org.media.pk}),
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.position) == ("SUNAT y SUNAFIL", 7)
    assert rule.conditions == {"keywords": ["sunat", "sunafil"]}

    response = client.post(f"/admin/routing/rule/{rule.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Rule.objects.exists()

    history = list(RuleChange.objects.order_by("id"))
    assert [(c.kind, c.actor) for c in history] == [
        (RuleChangeKind.CREATED, None),
        (RuleChangeKind.CHANGED, admin),
        (RuleChangeKind.DELETED, admin),
    ]
    changed, deleted = history[1], history[2]
    assert changed.before["conditions"] == {"keywords": ["sunat"]}
    assert changed.after["conditions"] == {"keywords": ["sunat", "sunafil"]}
    assert (changed.before["name"], changed.after["name"]) == (
        "SUNAT",
        "SUNAT y SUNAFIL",
    )
    assert deleted.before["name"] == "SUNAT y SUNAFIL"
    assert (deleted.rule, deleted.after) == (None, None)
    assert client.get("/admin/routing/rulechange/").status_code == 200


def test_saving_a_rule_unchanged_leaves_no_history(org, make_rule, admin):
    rule = make_rule({"keywords": ["sunat"]}, {"priority": org.media.pk})

    actions.update_rule(rule, name=rule.name, enabled=True, actor=admin)

    assert list(RuleChange.objects.values_list("kind", flat=True)) == [
        RuleChangeKind.CREATED
    ]


def test_admin_dry_run_shows_the_decision_without_changing_anything(
    client, admin, org, make_rule
):
    make_rule({"subject_initials": ["FIN"]}, {"pipeline": org.finanzas.pk}, name="FIN")
    client.force_login(admin)

    response = client.post(
        "/admin/routing/rule/dry-run/",
        {"subject": "FIN: estado de cuenta", "sender": "karina@generafactoring.pe"},
    )

    assert response.status_code == 200
    lines = response.context["result"].lines
    assert [(line.field, line.value, line.rule_name) for line in lines] == [
        ("pipeline", "Finanzas", "FIN")
    ]
    assert b"Finanzas" in response.content


def test_outsiders_cannot_reach_the_rules_admin(client, outsider):
    client.force_login(outsider)

    response = client.get("/admin/routing/rule/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]
