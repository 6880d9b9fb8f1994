"""Every API error is JSON ``{"code": ..., "message": ...}`` with a stable
code: invalid input is 422 with the fields at fault, a refused action 422
(409 when the ticket changed meanwhile), a row the user may not see 404."""

from __future__ import annotations

import logging
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from ventanilla.core.errors import ActionRefused, StaleVersion

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """Raised by endpoints: answered as ``status`` with a JSON body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Not found."))


def staff_only() -> ApiError:
    return ApiError(403, "staff_only", _("Only staff may do this."))


def invalid(field: str, message: str) -> ApiError:
    """A 422 for one input field (a reference to a row that does not exist
    or may not be used, a value out of range...)."""
    return ApiError(
        422,
        "invalid_input",
        _("The request has invalid fields."),
        errors=[{"field": field, "message": message, "type": "invalid"}],
    )


def _field(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in {"body", "query", "path", "form"}]
    return ".".join(parts[1:] if parts and parts[0] == "payload" else parts)


def install_handlers(api: NinjaAPI) -> None:
    def respond(
        request: HttpRequest, status: int, body: dict[str, Any]
    ) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        body = {"code": exc.code, "message": exc.message, **exc.extra}
        response = respond(request, exc.status, body)
        for name, value in exc.headers.items():
            response[name] = value
        return response

    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {
                "field": _field(error.get("loc", ())),
                "message": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
            for error in exc.errors
        ]
        body = {
            "code": "invalid_input",
            "message": _("The request has invalid fields."),
            "errors": errors,
        }
        return respond(request, 422, body)

    def stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
        return respond(request, 409, {"code": exc.code, "message": str(exc)})

    def refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
        body: dict[str, Any] = {"code": exc.code or "refused", "message": str(exc)}
        fields = (exc.params or {}).get("fields")
        if isinstance(fields, list):
            body["fields"] = [str(f) for f in fields]
        return respond(request, 422, body)

    def django_invalid(
        request: HttpRequest, exc: DjangoValidationError
    ) -> HttpResponse:
        body = {"code": "invalid_input", "message": " ".join(exc.messages)}
        return respond(request, 422, body)

    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, {"code": "not_found", "message": _("Not found.")})

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        body = {
            "code": "not_authenticated",
            "message": _("Send a valid API token: Authorization: Bearer <token>."),
        }
        response = respond(request, 401, body)
        response["WWW-Authenticate"] = 'Bearer realm="ventanilla"'
        return response

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(
            request, 403, {"code": "forbidden", "message": _("Not allowed.")}
        )

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # a body that is not JSON or form data
            body = {
                "code": "invalid_input",
                "message": _("The request body cannot be read."),
                "errors": [{"field": "body", "message": exc.message, "type": "parse"}],
            }
            return respond(request, 422, body)
        code = "csrf_failed" if "CSRF" in exc.message else f"http_{exc.status_code}"
        body = {"code": code, "message": exc.message}
        return respond(request, exc.status_code, body)

    def crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
        body = {"code": "server_error", "message": _("Internal error.")}
        return respond(request, 500, body)

    add = cast(Any, api.add_exception_handler)  # handlers narrow the type
    add(Exception, crash)
    add(HttpError, http_error)
    add(AuthenticationError, unauthenticated)
    add(PermissionDenied, forbidden)
    add(Http404, missing)
    add(DjangoValidationError, django_invalid)
    add(ActionRefused, refused)
    add(StaleVersion, stale)
    add(NinjaValidationError, validation)
    add(ApiError, api_error)
