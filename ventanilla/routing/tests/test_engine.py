"""The engine decides from facts alone: first rule per field, tags added up,
stop-processing, type/pipeline coherence and the triage flag."""

from __future__ import annotations

from typing import Any

from ventanilla.routing.engine import (
    Choice,
    Facts,
    Skipped,
    TriageFlag,
    compile_rule,
    decide,
)
from ventanilla.routing.schemas import RuleActions, RuleConditions

TRIAGE, FINANZAS, COBRANZAS = 1, 2, 3


def rule(
    rule_id: int,
    conditions: dict[str, Any],
    actions: dict[str, Any],
    *,
    type_pipeline: int | None = None,
):
    return compile_rule(
        rule_id=rule_id,
        name=f"regla {rule_id}",
        conditions=RuleConditions.model_validate(conditions),
        actions=RuleActions.model_validate(actions),
        type_pipeline_id=type_pipeline,
    )


def mail(**facts: Any) -> Facts:
    base: dict[str, Any] = {
        "mailbox": "servicioalcliente@generafactoring.pe",
        "channel": "email",
        "default_pipeline_id": TRIAGE,
        "triage": True,
    }
    return Facts(**{**base, **facts})


def test_first_applying_rule_sets_each_field_and_later_rules_fill_the_rest():
    # given
    rules = [
        rule(1, {"keywords": ["inversion"]}, {"priority": 10}),
        rule(2, {"keywords": ["factura"]}, {"priority": 30, "reason": 7}),
    ]

    # when
    decision = decide(mail(subject="Factura de mi inversión"), rules)

    # then
    assert decision.priority == Choice(10, 1, "regla 1")
    assert decision.reason == Choice(7, 2, "regla 2")
    assert decision.matched_rule_ids == (1, 2)


def test_tags_accumulate_over_rules_without_duplicates():
    rules = [
        rule(1, {}, {"tags": ["Inversionistas", "urgente"]}),
        rule(2, {}, {"tags": ["URGENTE", "sunat"]}),
    ]

    decision = decide(mail(subject="x"), rules)

    assert [(t.value, t.rule_id) for t in decision.tags] == [
        ("Inversionistas", 1),
        ("urgente", 1),
        ("sunat", 2),
    ]


def test_stop_processing_ends_the_evaluation():
    rules = [
        rule(1, {"sender_domains": ["spam.example"]}, {"stop_processing": True}),
        rule(2, {}, {"priority": 30}),
    ]

    stopped = decide(mail(sender="a@spam.example"), rules)
    other = decide(mail(sender="a@cliente.example"), rules)

    assert stopped.priority is None
    assert stopped.matched_rule_ids == (1,)
    assert other.priority == Choice(30, 2, "regla 2")


def test_a_type_without_pipeline_brings_its_pipeline_with_it():
    rules = [rule(1, {"keywords": ["rescate"]}, {"type": 40}, type_pipeline=FINANZAS)]

    decision = decide(mail(subject="Solicitud de rescate"), rules)

    assert decision.pipeline == Choice(FINANZAS, 1, "regla 1")
    assert decision.type == Choice(40, 1, "regla 1")
    assert decision.triage_flag is None


def test_a_type_of_another_pipeline_than_the_decided_one_is_skipped():
    rules = [
        rule(1, {"subject_initials": ["COB"]}, {"pipeline": COBRANZAS}),
        rule(2, {"keywords": ["rescate"]}, {"type": 40}, type_pipeline=FINANZAS),
    ]

    decision = decide(mail(subject="COB: rescate de excedente"), rules)

    assert decision.pipeline == Choice(COBRANZAS, 1, "regla 1")
    assert decision.type is None
    assert decision.skipped == (Skipped(2, "regla 2", "type", "pipeline_mismatch"),)


def test_a_type_that_no_longer_exists_is_skipped():
    rules = [rule(1, {}, {"type": 99}, type_pipeline=None)]

    decision = decide(mail(), rules)

    assert decision.type is None
    assert decision.skipped[0].reason == "unknown_type"


def test_all_needs_every_test_and_any_needs_one():
    both = {"sender_domains": ["sunat.gob.pe"], "keywords": ["notificacion"]}
    rules_all = [rule(1, both, {"priority": 20})]
    rules_any = [rule(1, {**both, "match": "any"}, {"priority": 20})]
    only_domain = mail(sender="buzon@sunat.gob.pe", subject="Aviso")

    assert decide(only_domain, rules_all).priority is None
    assert decide(only_domain, rules_any).priority == Choice(20, 1, "regla 1")


def test_each_condition_kind_is_tested():
    facts = mail(
        sender="Maria@Andinas.example",
        subject="Consulta",
        body="Adjunto la CONSTANCIA de depósito",
        company_id=5,
        company_kind="investor",
        institutional_investor=True,
        channel="portal",
        urgent=True,
    )
    cases = {
        "mailboxes": (["servicioalcliente@generafactoring.pe"], ["otro@x.pe"]),
        "channels": (["portal"], ["email"]),
        "sender_addresses": (["maria@andinas.example"], ["jorge@andinas.example"]),
        "sender_domains": (["andinas.example"], ["textiles.example"]),
        "subject_keywords": (["consulta"], ["constancia"]),
        "body_keywords": (["constancia de deposito"], ["consulta"]),
        "keywords": (["constancia"], ["factura"]),
        "companies": ([5], [6]),
        "company_kinds": (["investor"], ["supplier"]),
        "institutional_investor": (True, False),
        "scopes": (["external"], ["internal"]),
        "urgent": (True, False),
    }
    for key, (hit, miss) in cases.items():
        scope_facts = Facts(**{**facts.__dict__, "scope": "external"})
        assert decide(scope_facts, [rule(1, {key: hit}, {"priority": 1})]).priority, key
        assert not decide(
            scope_facts, [rule(1, {key: miss}, {"priority": 1})]
        ).priority, key


def test_a_domain_covers_its_subdomains():
    rules = [rule(1, {"sender_domains": ["sunat.gob.pe"]}, {"priority": 20})]

    assert decide(mail(sender="x@mail.sunat.gob.pe"), rules).priority is not None
    assert decide(mail(sender="x@notsunat.gob.pe"), rules).priority is None


def test_subject_initial_condition_uses_r_cls_2_reading():
    rules = [rule(1, {"subject_initials": ["FIN"]}, {"pipeline": FINANZAS})]

    routed = decide(mail(subject="RE: fin - estado de cuenta"), rules)
    not_routed = decide(mail(subject="Fin de mes"), rules)

    assert routed.pipeline == Choice(FINANZAS, 1, "regla 1")
    assert routed.initial == "FIN"
    assert not_routed.pipeline is None


def test_scope_condition_sees_the_scope_decided_by_an_earlier_rule():
    rules = [
        rule(1, {"sender_domains": ["generafactoring.pe"]}, {"scope": "internal"}),
        rule(2, {"scopes": ["internal"]}, {"tags": ["interno"]}),
    ]

    decision = decide(mail(sender="karina@generafactoring.pe"), rules)

    assert decision.scope == Choice("internal", 1, "regla 1")
    assert [t.value for t in decision.tags] == ["interno"]


def test_triage_mail_that_no_rule_routes_is_flagged_with_the_reason():
    rules = [rule(1, {"subject_initials": ["FIN"]}, {"pipeline": FINANZAS})]

    assert decide(mail(subject="Consulta"), rules).triage_flag == (
        TriageFlag.MISSING_INITIAL
    )
    assert decide(mail(subject="XYZ: algo"), rules).triage_flag == (
        TriageFlag.UNKNOWN_INITIAL
    )
    assert decide(mail(subject="COB: algo"), rules).triage_flag == (
        TriageFlag.UNROUTED_INITIAL
    )
    assert decide(mail(subject="FIN: algo"), rules).triage_flag is None


def test_triage_mail_routed_back_to_the_triage_pipeline_is_still_flagged():
    rules = [rule(1, {}, {"pipeline": TRIAGE})]

    assert decide(mail(subject="Hola"), rules).triage_flag == TriageFlag.MISSING_INITIAL


def test_mail_outside_triage_is_never_flagged():
    facts = mail(triage=False, default_pipeline_id=FINANZAS, subject="Hola")

    assert decide(facts, []).triage_flag is None


def test_a_rule_without_conditions_applies_to_everything():
    decision = decide(mail(), [rule(1, {"match": "any"}, {"tags": ["todo"]})])

    assert [t.value for t in decision.tags] == ["todo"]


def test_the_decision_serialises_with_the_rules_that_made_it():
    rules = [rule(1, {}, {"priority": 10, "tags": ["a"]})]

    record = decide(mail(subject="XYZ: x"), rules).as_json()

    assert record["priority"] == {"value": 10, "rule_id": 1, "rule": "regla 1"}
    assert record["tags"] == [{"value": "a", "rule_id": 1, "rule": "regla 1"}]
    assert record["triage_flag"] == "unknown_initial"
    assert record["initial"] == "XYZ"


def test_an_urgency_mark_changes_priority_only_when_a_rule_says_so():
    urgent = mail(subject="URGENTE: pago", urgent=True)

    assert decide(urgent, []).priority is None
    assert decide(urgent, [rule(1, {"urgent": True}, {"priority": 10})]).priority == (
        Choice(10, 1, "regla 1")
    )
