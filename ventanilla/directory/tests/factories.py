from __future__ import annotations

import factory
from django.contrib.auth.models import User

from ventanilla.directory.models import (
    Agent,
    Company,
    CompanyKind,
    Contact,
    CustomerUser,
    Role,
    Team,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"usuario{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    first_name = factory.Faker("first_name", locale="es_ES")
    last_name = factory.Faker("last_name", locale="es_ES")
    password = factory.PostGenerationMethodCall("set_password", "clave-de-prueba")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Equipo {n}")
    slug = factory.Sequence(lambda n: f"equipo-{n}")


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, is_staff=True)
    role = Role.AGENT

    @factory.post_generation
    def teams(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.teams.set(extracted)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Empresa {n} S.A.C.")
    kind = CompanyKind.CLIENT
    domain = factory.Sequence(lambda n: f"empresa{n}.example")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Faker("name", locale="es_ES")
    email = factory.Sequence(lambda n: f"contacto{n}@example.test")
    company = factory.SubFactory(CompanyFactory)


class CustomerUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerUser

    contact = factory.SubFactory(ContactFactory)
    user = factory.SubFactory(
        UserFactory, username=factory.SelfAttribute("..contact.email")
    )
    is_company_admin = False
