"""The OpenAPI schema and the interactive docs, served without a CDN."""

from __future__ import annotations

import re

from django.test import Client


def test_openapi_schema_lists_the_resources(db: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/tickets",
        "/api/v1/tickets/{number}",
        "/api/v1/tickets/{number}/messages",
        "/api/v1/tickets/{number}/attachments",
        "/api/v1/tickets/{number}/events",
        "/api/v1/tickets/{number}/deal",
        "/api/v1/contacts",
        "/api/v1/contacts/import",
        "/api/v1/companies",
        "/api/v1/pipelines",
        "/api/v1/priorities",
        "/api/v1/reasons",
        "/api/v1/teams",
        "/api/v1/users",
    } <= paths
    errors = schema["paths"]["/api/v1/tickets"]["post"]["responses"]
    assert {"401", "403", "422", "429"} <= set(errors)


def test_docs_load_swagger_from_this_server(db: None) -> None:
    # when
    page = Client().get("/api/v1/docs")
    # then
    html = page.content.decode()
    assert page.status_code == 200
    # Every script, style and image comes from this server (a random CSRF
    # token may well contain "cdn": look at the addresses, not the text).
    addresses = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert addresses
    assert all(a.startswith("/") and not a.startswith("//") for a in addresses)
    assert "https://" not in html and "http://" not in html
    for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        url = f"/api/v1/docs-assets/{name}"
        assert url in html
        asset = Client().get(url)
        assert asset.status_code == 200
        assert len(b"".join(asset.streaming_content)) > 100


def test_only_swagger_assets_are_served(db: None) -> None:
    assert Client().get("/api/v1/docs-assets/..%2F..%2F__init__.py").status_code == 404
    assert Client().get("/api/v1/docs-assets/redoc.standalone.js").status_code == 404
