"""The configuration stamp and what each process keeps while it holds."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from ventanilla.core.configuration import Kept, StampPerRequest, current_stamp
from ventanilla.core.models import ConfigurationStamp
from ventanilla.directory import actions as directory
from ventanilla.pipelines.models import Priority

pytestmark = pytest.mark.django_db


def test_saving_or_deleting_a_watched_row_renews_the_stamp(org):
    before = current_stamp()
    priority = Priority.objects.create(name="Crítica", rank=0)
    created = current_stamp()
    priority.name = "Muy alta"
    priority.save()
    renamed = current_stamp()
    priority.delete()
    deleted = current_stamp()
    assert len({before, created, renamed, deleted}) == 4


def test_an_agent_joining_a_team_renews_the_stamp(org, alonso):
    before = current_stamp()
    directory.add_agent_to_team(alonso.agent, team=org.finanzas_team)
    assert current_stamp() != before


def test_signing_in_does_not_renew_the_stamp(org, rosario):
    before = current_stamp()
    rosario.last_login = timezone.now()
    rosario.save(update_fields=["last_login"])
    assert current_stamp() == before
    rosario.first_name = "Rosa"
    rosario.save()
    assert current_stamp() != before


def test_a_rolled_back_change_takes_its_stamp_back_with_it(org):
    before = current_stamp()
    with pytest.raises(RuntimeError), transaction.atomic():
        Priority.objects.create(name="Crítica", rank=0)
        assert current_stamp() != before
        raise RuntimeError
    assert current_stamp() == before


def test_kept_builds_once_per_stamp(org, django_assert_num_queries):
    built: list[int] = []

    def build() -> int:
        built.append(User.objects.count())
        return built[-1]

    kept = Kept(build)
    first = kept.get()
    with django_assert_num_queries(1):  # the stamp only
        assert kept.get() == first
    assert len(built) == 1
    Priority.objects.create(name="Crítica", rank=0)
    User.objects.create(username="nuevo")
    assert kept.get() == first + 1
    assert len(built) == 2


def test_customers_accounts_leave_the_stamp_alone(org, cliente_admin, rosario):
    # given
    before = current_stamp()
    # when a customer signs up and edits their account
    customer = User.objects.create(username="cliente.nuevo")
    customer.first_name = "Ana"
    customer.save()
    cliente_admin.last_name = "Paz"
    cliente_admin.save()
    customer.delete()
    # then nothing kept changed
    assert current_stamp() == before
    # but an agent's account is kept: renaming it renews the stamp
    rosario.last_name = "Quispe Díaz"
    rosario.save()
    assert current_stamp() != before


def test_without_a_stamp_row_nothing_is_kept(org):
    ConfigurationStamp.objects.all().delete()
    calls: list[None] = []
    kept = Kept(lambda: calls.append(None))
    kept.get()
    kept.get()
    assert len(calls) == 2
    # the next change writes the row again
    Priority.objects.create(name="Crítica", rank=0)
    assert current_stamp() is not None


def test_a_request_reads_the_stamp_once_for_every_kept_value(
    org, django_assert_num_queries
):
    first, second = Kept(lambda: "pipelines"), Kept(lambda: "subscriptions")
    first.get(), second.get()  # built
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        with django_assert_num_queries(1):  # the stamp, once
            seen.extend([first.get(), second.get(), first.get()])
        with pytest.raises(RuntimeError), transaction.atomic():
            Priority.objects.create(name="Crítica", rank=0)  # a new stamp...
            raise RuntimeError  # ... rolled back
        # from a change on, every read asks (the change may be rolled back)
        with django_assert_num_queries(2):
            seen.extend([first.get(), first.get()])
        return HttpResponse()

    before = current_stamp()
    StampPerRequest(view)(RequestFactory().get("/"))
    assert seen == ["pipelines", "subscriptions", "pipelines"] + ["pipelines"] * 2
    assert current_stamp() == before
    # outside a request every read asks the database
    with django_assert_num_queries(2):
        first.get()
        first.get()


def test_a_request_whose_change_rolls_back_sees_the_tables_without_it(org):
    priorities = Kept(lambda: Priority.objects.count())
    seen: list[int] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(priorities.get())
        with pytest.raises(RuntimeError), transaction.atomic():
            Priority.objects.create(name="Crítica", rank=0)
            seen.append(priorities.get())  # inside the change: with it
            raise RuntimeError
        seen.append(priorities.get())  # rolled back: without it again
        return HttpResponse()

    StampPerRequest(view)(RequestFactory().get("/"))
    assert seen == [seen[0], seen[0] + 1, seen[0]]
