"""Teams and agents are configured in the admin through directory.actions."""

from __future__ import annotations

from django.contrib.auth.models import User

from ventanilla.directory.models import Agent, Role


def test_admin_creates_an_agent_who_can_sign_in_to_the_desk(client, admin, org):
    client.force_login(admin)

    response = client.post(
        "/admin/directory/agent/add/",
        {
            "username": "nora",
            "first_name": "Nora",
            "last_name": "Huamán",
            "email": "nora@example.com",
            "password": "una-clave-larga-2025",
            "role": Role.AGENT,
            "teams": [str(org.cobranzas_team.pk)],
            "job_title": "Analista",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    agent = Agent.objects.get(user__username="nora")
    assert list(agent.teams.all()) == [org.cobranzas_team]
    assert agent.user.is_staff and not agent.user.is_superuser
    client.logout()
    signed_in = client.post(
        "/desk/sign-in/", {"username": "nora", "password": "una-clave-larga-2025"}
    )
    assert signed_in.status_code == 302


def test_admin_refuses_a_weak_password_and_a_taken_username(client, admin, rosario):
    client.force_login(admin)

    response = client.post(
        "/admin/directory/agent/add/",
        {
            "username": "ROSARIO",
            "first_name": "Otra",
            "email": "otra@example.com",
            "password": "123",
            "role": Role.AGENT,
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"username", "password"}
    assert User.objects.filter(username__iexact="rosario").count() == 1


def test_admin_promotes_moves_and_switches_off_an_agent(client, admin, org, rosario):
    client.force_login(admin)
    agent = rosario.agent

    response = client.post(
        f"/admin/directory/agent/{agent.pk}/change/",
        {
            "username": "ignored",
            "first_name": "Rosario",
            "last_name": "Quispe",
            "email": "rosario@example.com",
            "role": Role.ADMIN,
            "teams": [str(org.cobranzas_team.pk)],
            "job_title": "Jefa",
        },
    )

    assert response.status_code == 302
    rosario.refresh_from_db()
    assert rosario.username == "rosario"
    assert rosario.is_superuser
    assert not rosario.is_active
    assert list(rosario.agent.teams.all()) == [org.cobranzas_team]


def test_admin_edits_a_team(client, admin, org, alonso):
    client.force_login(admin)

    response = client.post(
        f"/admin/directory/team/{org.finanzas_team.pk}/change/",
        {
            "name": "Finanzas",
            "slug": "finanzas",
            "email": "finanzas@example.com",
            "lead": str(alonso.pk),
        },
    )

    assert response.status_code == 302
    org.finanzas_team.refresh_from_db()
    assert org.finanzas_team.lead == alonso
