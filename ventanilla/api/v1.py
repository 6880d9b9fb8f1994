"""The REST API, version 1: ``/api/v1/`` with its OpenAPI schema at
``/api/v1/openapi.json`` and interactive docs at ``/api/v1/docs``."""

from __future__ import annotations

from ninja import NinjaAPI

from ventanilla.api.auth import BrowserSession, TokenAuth
from ventanilla.api.docs import LocalSwagger
from ventanilla.api.endpoints import config, directory, tickets
from ventanilla.api.errors import install_handlers

api = NinjaAPI(
    title="Ventanilla API",
    version="1",
    description=(
        "Tickets, messages, attachments, contacts and configuration of "
        "Ventanilla. Authenticate with a personal token "
        "(`Authorization: Bearer vnt_...`) created at /api/tokens/, or with "
        "the browser session (CSRF token on writes). Errors are JSON "
        '`{"code": ..., "message": ...}`.'
    ),
    urls_namespace="api:api-v1",
    auth=[TokenAuth(), BrowserSession()],
    docs=LocalSwagger(),
)
install_handlers(api)
api.add_router("", tickets.router)
api.add_router("", directory.router)
api.add_router("", config.router)
