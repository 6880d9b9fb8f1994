"""Who did it: the actor written on every TicketEvent."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from ventanilla.directory.models import Contact
from ventanilla.tickets.models import ActorType


@dataclass(frozen=True)
class Actor:
    type: ActorType
    label: str
    user: User | None = None
    contact_id: int | None = None
    rule_id: int | None = None

    @classmethod
    def for_user(cls, user: User) -> Actor:
        return cls(
            ActorType.USER, user.get_full_name() or user.get_username(), user=user
        )

    @classmethod
    def for_contact(cls, contact: Contact) -> Actor:
        return cls(ActorType.CONTACT, str(contact), contact_id=contact.pk)

    @classmethod
    def for_rule(cls, rule_id: int, name: str) -> Actor:
        return cls(ActorType.RULE, name, rule_id=rule_id)

    @classmethod
    def system(cls, label: str = "") -> Actor:
        return cls(ActorType.SYSTEM, label or _("System"))

    @property
    def data(self) -> dict[str, int]:
        """Ids of the actor, for the event's ``data``."""
        ids = {"contact_id": self.contact_id, "rule_id": self.rule_id}
        return {key: value for key, value in ids.items() if value is not None}


ActorLike = Actor | User | Contact


def as_actor(who: ActorLike) -> Actor:
    if isinstance(who, Actor):
        return who
    if isinstance(who, Contact):
        return Actor.for_contact(who)
    return Actor.for_user(who)
