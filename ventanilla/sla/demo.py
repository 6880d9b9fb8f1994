"""SLA configuration for the demo organisation (R-DEMO, R-SLA-1).

The seeds set no figures; these follow their spirit: "Alta" is everything
about investors and is answered the same morning; supplier invoices
("Baja") are closed "para el viernes", within the week. Business hours are
Lima's office hours with Peruvian holidays. Idempotent: matched by name.
"""

from __future__ import annotations

from django.db import transaction

from ventanilla.pipelines.models import Priority
from ventanilla.sla import actions
from ventanilla.sla.models import BusinessCalendar, SlaPolicy

CALENDAR = "Lima - oficina"
# priority name: (first response, resolution), in business hours.
TARGETS = {"Alta": (2, 16), "Media": (4, 24), "Baja": (8, 40)}


@transaction.atomic
def install_demo_sla() -> list[SlaPolicy]:
    calendar = BusinessCalendar.objects.filter(name=CALENDAR).first()
    if calendar is None:
        calendar = actions.create_calendar(name=CALENDAR, is_default=True)
    installed = []
    for priority in Priority.objects.filter(name__in=TARGETS):
        first, resolution = TARGETS[priority.name]
        name = f"Prioridad {priority.name}"
        policy = SlaPolicy.objects.filter(name=name).first()
        if policy is None:
            policy = actions.create_policy(
                name=name,
                calendar=calendar,
                priority=priority,
                first_response_minutes=first * 60,
                resolution_minutes=resolution * 60,
            )
        else:
            policy = actions.update_policy(
                policy,
                calendar=calendar,
                priority=priority,
                first_response_minutes=first * 60,
                resolution_minutes=resolution * 60,
            )
        installed.append(policy)
    return installed
