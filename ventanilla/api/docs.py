"""The interactive API docs (Swagger UI), served from this installation.

django-ninja bundles Swagger UI in its package's ``static/ninja`` folder but
uses its CDN template unless ``ninja`` is an installed app. These assets are
served by ``asset`` below instead, so the docs never load code from a CDN.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"}
)


class LocalSwagger(Swagger):
    def render_page(
        self, request: HttpRequest, api: NinjaAPI, **kwargs: Any
    ) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "csrf": get_token(request),
            "tokens_url": reverse("api:tokens"),
        }
        return render(request, "api/docs.html", context)


@require_GET
def asset(request: HttpRequest, name: str) -> FileResponse:
    """One of Swagger UI's files, from the installed django-ninja."""
    if name not in ASSETS:
        raise Http404("No such asset")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
