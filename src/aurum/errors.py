"""One error family, one JSON shape, one set of handlers.

Every error response is ``{"error": <stable code>, "message": <text for people>,
"request_id": <the request's id>}``, with ``details`` for malformed input. The code never
changes with the language; the message is English, or Spanish when the request prefers it
(``Accept-Language: es``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from aurum.logs.access import REQUEST_ID_HEADER
from aurum.logs.context import current_request_id

logger = logging.getLogger(__name__)


class AppError(Exception):
    """A failure the client can act on. Subclasses set the status, code and messages."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    message: ClassVar[str] = "The request cannot be processed."
    message_es: ClassVar[str] = "La solicitud no se puede procesar."
    headers: ClassVar[dict[str, str] | None] = None
    # Errors that record something (a revoked token family, a failed attempt) keep the
    # request's writes; every other error rolls them back.
    commit_changes: ClassVar[bool] = False

    def __init__(self, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(self.code)
        self.details = details

    def response_headers(self) -> dict[str, str] | None:
        """Headers for the response; errors whose headers vary per instance override this."""
        return self.headers

    def body(self, language: str) -> dict[str, Any]:
        text = self.message_es if language == "es" else self.message
        body: dict[str, Any] = {"error": self.code, "message": text}
        if self.details:
            body["details"] = self.details
        return body


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"
    message = "Authentication is required."
    message_es = "Se requiere autenticación."
    headers = {"WWW-Authenticate": "Bearer"}  # noqa: RUF012 - read-only


class InvalidToken(AppError):
    status_code = 401
    code = "invalid_token"
    message = "The access token is invalid or has expired."
    message_es = "El token de acceso no es válido o ha expirado."
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}  # noqa: RUF012


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "You do not have permission to do this."
    message_es = "No tienes permiso para realizar esta acción."


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    message = "The resource was not found."
    message_es = "No se encontró el recurso."


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    message = "The request conflicts with the current state of the resource."
    message_es = "La solicitud entra en conflicto con el estado actual del recurso."


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"
    message = "The service is temporarily unavailable. Try again shortly."
    message_es = "El servicio no está disponible temporalmente. Inténtalo de nuevo en breve."
    headers = {"Retry-After": "5"}  # noqa: RUF012


class InternalError(AppError):
    status_code = 500
    code = "internal_error"
    message = "Something went wrong on our side."
    message_es = "Algo salió mal de nuestro lado."


_HTTP_CODES: dict[int, tuple[str, str, str]] = {
    404: ("not_found", "The resource was not found.", "No se encontró el recurso."),
    405: ("method_not_allowed", "Method not allowed.", "Método no permitido."),
    413: ("payload_too_large", "The request body is too large.", "El cuerpo es demasiado grande."),
    415: ("unsupported_media_type", "Unsupported media type.", "Tipo de contenido no admitido."),
}


class ErrorDetail(BaseModel):
    loc: list[str]
    type: str
    msg: str


class ErrorResponse(BaseModel):
    """The body of every error response."""

    error: str = Field(description="A stable machine-readable code; never translated.")
    message: str = Field(description="For people: English, or Spanish (`Accept-Language: es`).")
    details: list[ErrorDetail] | None = Field(
        default=None, description="Malformed input (422 `validation_error`): what and where."
    )
    request_id: str | None = Field(
        default=None, description="The request's id (also the `X-Request-ID` header)."
    )


# Documented on every operation: client errors (401, 403, 404, 409, 422, 429...) and a
# database that cannot be reached. A route may document its own codes over these.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorResponse, "description": "The request cannot be served as sent."},
    503: {"model": ErrorResponse, "description": "Temporarily unavailable; see Retry-After."},
}


def request_language(request: Request) -> str:
    """Pick `es` or `en` from Accept-Language, honouring q-values; default English."""
    best, best_q = "en", 0.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in {"en", "es"}:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q > best_q:
            best, best_q = primary, q
    return best


def _error_response(
    body: dict[str, Any], status_code: int, headers: Mapping[str, str] | None
) -> JSONResponse:
    """The body and headers with the request's id, to quote when reporting a problem."""
    request_id = current_request_id()
    if request_id is None:
        return JSONResponse(body, status_code=status_code, headers=headers)
    body["request_id"] = request_id
    return JSONResponse(
        body,
        status_code=status_code,
        headers={**(headers or {}), REQUEST_ID_HEADER: request_id},
    )


def _render(request: Request, error: AppError) -> JSONResponse:
    return _error_response(
        error.body(request_language(request)), error.status_code, error.response_headers()
    )


class ValidationFailed(AppError):
    status_code = 422
    code = "validation_error"
    message = "The request is malformed or has invalid fields."
    message_es = "La solicitud está mal formada o tiene campos no válidos."


def http_error_response(
    request: Request,
    status_code: int,
    detail: str = "",
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The error shape for the HTTP errors of the framework (404, 405, 413, 415...)."""
    code, en, es = _HTTP_CODES.get(status_code, ("http_error", detail, detail))
    text = es if request_language(request) == "es" else en
    return _error_response({"error": code, "message": text}, status_code, headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors():
        details.append(
            {
                "loc": [str(part) for part in err.get("loc", ())],
                "type": str(err.get("type", "")),
                "msg": str(err.get("msg", "")),
            }
        )
    return details


def _is_bad_value(exc: Exception) -> bool:
    """A value the database refused (SQLSTATE class 22, data exception): the client's fault."""
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, DataError) or str(sqlstate or "").startswith("22")


def install_error_handlers(app: FastAPI) -> None:
    async def on_app_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)  # noqa: S101 - registered for AppError only
        return _render(request, exc)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)  # noqa: S101
        return _render(request, ValidationFailed(details=_validation_details(exc)))

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)  # noqa: S101
        if exc.status_code == 400:
            # A body the framework could not parse (JSON nested too deep, broken multipart):
            # malformed input, answered like every other malformed body.
            detail = {"loc": ["body"], "type": "body_unreadable", "msg": str(exc.detail)}
            return _render(request, ValidationFailed(details=[detail]))
        return http_error_response(request, exc.status_code, str(exc.detail), exc.headers)

    async def on_integrity(request: Request, exc: Exception) -> JSONResponse:
        # Services translate the constraints they expect; anything left is still a conflict.
        logger.warning("unexpected integrity error: %s", type(exc).__name__)
        return _render(request, Conflict())

    async def on_database_down(request: Request, exc: Exception) -> JSONResponse:
        if _is_bad_value(exc):  # e.g. a NUL character, which PostgreSQL text cannot hold
            return _render(request, ValidationFailed())
        logger.error("database unavailable: %s", type(exc).__name__)
        return _render(request, ServiceUnavailable())

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return _render(request, InternalError())

    app.add_exception_handler(AppError, on_app_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(IntegrityError, on_integrity)
    app.add_exception_handler(OperationalError, on_database_down)
    app.add_exception_handler(DBAPIError, on_database_down)
    app.add_exception_handler(PoolTimeout, on_database_down)  # every connection is busy
    app.add_exception_handler(OSError, on_database_down)
    app.add_exception_handler(Exception, on_unexpected)
