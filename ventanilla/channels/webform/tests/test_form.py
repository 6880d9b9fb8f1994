"""The embeddable request form (R-CAP-8)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import Org
from ventanilla.channels.webform.models import WebForm
from ventanilla.tickets.models import Channel, Ticket

pytestmark = pytest.mark.django_db

SITE = "https://www.andinas.example"


@pytest.fixture(autouse=True)
def _clean(settings: Any, tmp_path: Any) -> None:
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def web_form(org: Org) -> WebForm:
    return WebForm.objects.create(
        name="Contacto", pipeline=org.servicio, allowed_origins=f"{SITE}\n"
    )


def _token(client: Client, form: WebForm) -> str:
    page = client.get(reverse("webform:form", args=[form.key]))
    found = re.search(r'name="token" value="([^"]+)"', page.content.decode())
    assert found is not None
    return found.group(1)


def _post(client: Client, form: WebForm, *, origin: str = SITE, **extra: Any) -> Any:
    data = {
        "name": "Carla Núñez",
        "email": "carla@nuevo.example",
        "subject": "Quiero información sobre factoring",
        "message": "¿Qué requisitos piden a una pyme?",
        "token": _token(client, form),
        **extra,
    }
    headers = {"Origin": origin} if origin else {}
    return client.post(reverse("webform:form", args=[form.key]), data, headers=headers)


def test_page_may_be_framed_only_by_allowed_origins(web_form: WebForm) -> None:
    response = Client().get(reverse("webform:form", args=[web_form.key]))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert f"frame-ancestors 'self' {SITE};" in response["Content-Security-Policy"]


def test_other_pages_still_refuse_framing(db: None) -> None:
    response = Client().get(reverse("portal:login"))
    assert response["X-Frame-Options"] == "DENY"


def test_visitor_opens_a_ticket_and_gets_an_acknowledgement(
    org: Org, web_form: WebForm, django_capture_on_commit_callbacks: Any
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            Client(),
            web_form,
            attachments=[SimpleUploadedFile("ruc.pdf", b"%PDF-1.7 ruc")],
        )
    # then
    assert response.status_code == 200
    assert "recibimos su solicitud" in response.content.decode()
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.WEB_FORM
    assert ticket.pipeline == org.servicio
    assert ticket.requester is not None
    assert ticket.requester.email == "carla@nuevo.example"
    assert ticket.requester.name == "Carla Núñez"
    assert ticket.attachments.get().content_type == "application/pdf"
    assert len(mail.outbox) == 1
    assert ticket.token in mail.outbox[0].subject


def test_known_domain_joins_its_company(org: Org, web_form: WebForm) -> None:
    _post(Client(), web_form, email="nuevo@andinas.example")
    assert Ticket.objects.get().company == org.acme


def test_posts_from_other_sites_are_refused(web_form: WebForm) -> None:
    response = _post(Client(), web_form, origin="https://malo.example")
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_posts_without_origin_or_referer_are_refused(web_form: WebForm) -> None:
    response = _post(Client(), web_form, origin="")
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_the_iframe_itself_may_post(web_form: WebForm) -> None:
    response = _post(Client(), web_form, origin="http://testserver")
    assert response.status_code == 200
    assert Ticket.objects.count() == 1


def test_forged_or_missing_token_is_refused(web_form: WebForm) -> None:
    response = _post(Client(), web_form, token="forjado:xyz")
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_honeypot_stores_nothing(web_form: WebForm) -> None:
    response = _post(Client(), web_form, website="http://spam.example")
    assert response.status_code == 200
    assert not Ticket.objects.exists()


def test_submissions_are_limited_per_address(settings: Any, web_form: WebForm) -> None:
    settings.VENTANILLA_WEBFORM_MAX_PER_IP = 2
    client = Client()
    statuses = [
        _post(client, web_form, email=f"p{n}@nuevo.example").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert Ticket.objects.count() == 2


def test_submissions_are_limited_per_email(settings: Any, web_form: WebForm) -> None:
    settings.VENTANILLA_WEBFORM_MAX_PER_EMAIL = 1
    first = _post(Client(REMOTE_ADDR="10.0.0.1"), web_form)
    second = _post(Client(REMOTE_ADDR="10.0.0.2"), web_form)
    assert (first.status_code, second.status_code) == (200, 429)
    assert Ticket.objects.count() == 1


def test_invalid_input_is_shown_not_a_500(web_form: WebForm) -> None:
    response = _post(Client(), web_form, email="no-es-correo", subject="")
    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_inactive_or_unknown_forms_are_404(web_form: WebForm) -> None:
    assert Client().get(reverse("webform:form", args=["nada"])).status_code == 404
    web_form.is_active = False
    web_form.save(update_fields=["is_active"])
    assert Client().get(reverse("webform:form", args=[web_form.key])).status_code == 404
    assert (
        Client().get(reverse("webform:embed", args=[web_form.key])).status_code == 404
    )


def test_embed_script_inserts_the_iframe(web_form: WebForm) -> None:
    response = Client().get(reverse("webform:embed", args=[web_form.key]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript")
    assert f'"http://testserver/forms/{web_form.key}/"' in body
    assert 'createElement("iframe")' in body


def test_allowed_origins_are_validated(org: Org) -> None:
    from django.core.exceptions import ValidationError

    form = WebForm(name="x", pipeline=org.servicio, allowed_origins="javascript:x")
    with pytest.raises(ValidationError):
        form.full_clean()


def test_routing_rules_apply_to_web_form_requests(org: Org, web_form: WebForm) -> None:
    from ventanilla.routing.actions import create_rule

    create_rule(
        name="Factoring por la web",
        conditions={"channels": ["web_form"], "keywords": ["factoring"]},
        actions={"priority": org.alta.pk, "tags": ["web"]},
    )

    assert _post(Client(), web_form).status_code in {200, 302}

    ticket = Ticket.objects.get()
    assert ticket.priority == org.alta
    assert ticket.events.filter(actor_type="rule").exists()
