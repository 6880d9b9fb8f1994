"""Personal tokens: how they authenticate, their scope, and the limits."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings

from ventanilla.api import auth
from ventanilla.api.actions import create_token, revoke_token
from ventanilla.api.models import ApiToken, Scope
from ventanilla.api.tests.conftest import ApiClient, ApiFor
from ventanilla.tickets.models import Ticket


def test_token_is_stored_hashed_and_authenticates(rosario: User) -> None:
    # given
    issued = create_token(rosario, name="ERP", scope=Scope.READ)
    # when
    response = ApiClient(issued.plaintext).get("/tickets")
    # then
    assert response.status_code == 200
    row = ApiToken.objects.get()
    # vnt_<prefix>_<secret>; the secret itself may contain "_"
    secret = issued.plaintext.split("_", 2)[2]
    assert len(secret) >= 43
    assert secret not in row.secret_sha256
    assert row.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert row.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["", "Bearer nope", "Bearer vnt_abc_def", "Token x", "Bearer vnt__"],
)
def test_missing_or_wrong_token_is_401_json(db: None, header: str) -> None:
    # when
    headers = {"Authorization": header} if header else {}
    response = Client().get("/api/v1/tickets", headers=headers)
    # then
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_wrong_secret_with_a_real_prefix_is_refused(rosario: User) -> None:
    # given
    issued = create_token(rosario, name="ERP")
    forged = issued.plaintext[:-4] + "AAAA"
    # then
    assert ApiClient(forged).get("/tickets").status_code == 401


def test_revoked_token_and_inactive_user_are_refused(rosario: User) -> None:
    # given
    revoked = create_token(rosario, name="old")
    revoke_token(revoked.token)
    live = create_token(rosario, name="live")
    assert ApiClient(live.plaintext).get("/tickets").status_code == 200
    # when
    rosario.is_active = False
    rosario.save(update_fields=["is_active"])
    # then
    assert ApiClient(revoked.plaintext).get("/tickets").status_code == 401
    assert ApiClient(live.plaintext).get("/tickets").status_code == 401


def test_read_token_gets_403_on_writes(
    api_for: ApiFor, rosario: User, ticket: Ticket
) -> None:
    # given
    api = api_for(rosario, Scope.READ)
    # when
    response = api.post(
        f"/tickets/{ticket.number}/messages", {"kind": "note", "body_text": "x"}
    )
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_token"
    assert not ticket.messages.filter(kind="note").exists()


@override_settings(VENTANILLA_API_RATE_PER_MINUTE=3)
def test_rate_limit_is_per_token_with_retry_after(
    api_for: ApiFor, rosario: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: 20 s into a one-minute window, for the whole test
    monkeypatch.setattr(auth, "clock", lambda: 60 * 29_000_000 + 20.0)
    first, second = api_for(rosario), api_for(rosario)
    # when
    codes = [first.get("/tickets").status_code for _ in range(4)]
    # then
    assert codes == [200, 200, 200, 429]
    limited = first.get("/tickets")
    assert limited.json()["code"] == "rate_limited"
    assert limited["Retry-After"] == "41"
    assert second.get("/tickets").status_code == 200


def test_session_auth_needs_csrf_for_writes(rosario: User, ticket: Ticket) -> None:
    # given
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(rosario)
    # when
    read = browser.get(f"/api/v1/tickets/{ticket.number}")
    write = browser.post(
        f"/api/v1/tickets/{ticket.number}/messages",
        {"kind": "note", "body_text": "x"},
        content_type="application/json",
    )
    # then
    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["code"] == "csrf_failed"


def test_create_token_command_prints_a_working_token(
    rosario: User, capsys: pytest.CaptureFixture[str]
) -> None:
    # when
    call_command(
        "create_token", "--user", "rosario", "--scope", "write", "--name", "ERP"
    )
    # then
    plaintext = capsys.readouterr().out.strip()
    assert ApiToken.objects.get().scope == Scope.WRITE
    assert ApiClient(plaintext).get("/tickets").status_code == 200


def test_create_token_command_refuses_unknown_user(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_token", "--user", "nadie")


def test_tokens_page_shows_a_new_token_once_and_revokes(rosario: User) -> None:
    # given
    browser = Client()
    browser.force_login(rosario)
    # when
    created = browser.post("/api/tokens/", {"name": "ERP", "scope": "write"})
    # then
    assert created.status_code == 201
    plaintext = created.context["new_token"]
    assert plaintext in created.content.decode()
    assert ApiClient(plaintext).get("/tickets").status_code == 200
    listing = browser.get("/api/tokens/")
    assert plaintext not in listing.content.decode()
    assert "ERP" in listing.content.decode()
    # when
    token = ApiToken.objects.get()
    browser.post(f"/api/tokens/{token.pk}/revoke/")
    # then
    assert ApiClient(plaintext).get("/tickets").status_code == 401


def test_customer_has_a_tokens_page_too(cliente: User) -> None:
    browser = Client()
    browser.force_login(cliente)
    response = browser.post("/api/tokens/", {"name": "Mi ERP", "scope": "read"})
    assert response.status_code == 201
    assert ApiClient(response.context["new_token"]).get("/tickets").status_code == 200


def test_nobody_revokes_someone_elses_token(rosario: User, alonso: User) -> None:
    # given
    issued = create_token(rosario, name="ERP")
    browser = Client()
    browser.force_login(alonso)
    # when
    browser.post(f"/api/tokens/{issued.token.pk}/revoke/")
    # then
    assert ApiClient(issued.plaintext).get("/tickets").status_code == 200


def test_tokens_page_needs_sign_in(db: None) -> None:
    response = Client().get("/api/tokens/")
    assert response.status_code == 302


def test_session_auth_with_csrf_token_may_write(rosario: User, ticket: Ticket) -> None:
    # given
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(rosario)
    browser.get("/api/tokens/")  # sets the CSRF cookie, as any page does
    csrf = browser.cookies["csrftoken"].value
    # when
    write = browser.post(
        f"/api/v1/tickets/{ticket.number}/messages",
        {"kind": "note", "body_text": "desde el navegador"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    # then
    assert write.status_code == 201, write.content
    assert ticket.messages.filter(body_text="desde el navegador").exists()


def test_the_token_comes_with_its_user_and_staff_row(
    rosario: User, cliente: User, django_assert_num_queries: Any
) -> None:
    from ventanilla.api.queries import unrevoked_token
    from ventanilla.directory.access import agent_role

    staff = create_token(rosario, name="ERP", scope=Scope.READ).plaintext
    customer = create_token(cliente, name="Portal", scope=Scope.READ).plaintext
    with django_assert_num_queries(2):
        agent_token = unrevoked_token(staff.split("_")[1])
        customer_token = unrevoked_token(customer.split("_")[1])
    assert agent_token is not None and customer_token is not None
    with django_assert_num_queries(0):
        assert agent_token.user == rosario
        assert agent_role(agent_token.user) == rosario.agent.role
        assert agent_token.user.agent.user is agent_token.user
        assert agent_role(customer_token.user) is None
    assert agent_token.created_at.tzinfo is not None
    revoke_token(agent_token)
    assert unrevoked_token(staff.split("_")[1]) is None
