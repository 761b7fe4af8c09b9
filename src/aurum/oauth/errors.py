"""RFC 6749 §5.2 errors: `error` is the RFC code and `error_description` says why.

They stay in the project's one error shape (`message` too, in the request's language).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from aurum.auth.errors import PasswordGrantDisabled
from aurum.errors import AppError, ErrorResponse, NotFound


class OAuthErrorResponse(ErrorResponse):
    """The body of the RFC 6749 endpoints' errors."""

    error_description: str = Field(description="The same text as `message` (RFC 6749 §5.2).")


# Documented on the token, introspection and revocation endpoints.
OAUTH_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": OAuthErrorResponse, "description": "An RFC 6749 §5.2 error."},
}


class OAuthError(AppError):
    status_code = 400

    def body(self, language: str) -> dict[str, Any]:
        body = super().body(language)
        body["error_description"] = body["message"]
        return body


class InvalidRequest(OAuthError):
    code = "invalid_request"
    message = "The request is missing a parameter, repeats one, or is otherwise malformed."
    message_es = "A la solicitud le falta un parámetro, lo repite o está mal formada."


class InvalidClient(OAuthError):
    """Client authentication failed. 401 with the scheme the server supports."""

    status_code = 401
    code = "invalid_client"
    message = "Client authentication failed."
    message_es = "La autenticación del cliente falló."
    headers = {"WWW-Authenticate": 'Basic realm="aurum", charset="UTF-8"'}  # noqa: RUF012


class InvalidGrant(OAuthError):
    code = "invalid_grant"
    message = "The grant or refresh token is invalid, expired, revoked or issued to another client."
    message_es = (
        "La concesión o el token de actualización no es válido, expiró, fue revocado "
        "o pertenece a otro cliente."
    )


class ReusedCodeGrant(InvalidGrant):
    """A code presented twice: the tokens issued from it are revoked (RFC 6749 §4.1.2),
    and that must be kept."""

    commit_changes = True


class InvalidCredentialsGrant(InvalidGrant):
    message = "Incorrect username or password."
    message_es = "Usuario o contraseña incorrectos."
    commit_changes = True  # the failed attempt is counted and audited


class SecondFactorRequiredGrant(InvalidGrant):
    """The password grant cannot carry a second factor; such accounts sign in at /token."""

    message = "This account uses a second factor: sign in at /api/v1/token."
    message_es = "Esta cuenta usa un segundo factor: inicia sesión en /api/v1/token."


class ReusedRefreshTokenGrant(InvalidGrant):
    """A spent refresh token came back: its session is revoked, and that must be kept."""

    commit_changes = True


class UnauthorizedClient(OAuthError):
    code = "unauthorized_client"
    message = "This client is not allowed to do this."
    message_es = "Este cliente no tiene permiso para hacer esto."


class UnsupportedGrantType(OAuthError):
    code = "unsupported_grant_type"
    message = "The grant type is not supported."
    message_es = "El tipo de concesión no es compatible."


class PasswordGrantDisabledGrant(UnsupportedGrantType):
    """PASSWORD_GRANT_ENABLED=false."""

    message = PasswordGrantDisabled.message
    message_es = PasswordGrantDisabled.message_es


class InvalidScope(OAuthError):
    code = "invalid_scope"
    message = "The requested scope is invalid, unknown, or exceeds what was granted."
    message_es = "El alcance solicitado no es válido, es desconocido o excede lo concedido."


class InvalidClientMetadata(OAuthError):
    """RFC 7591's code, for client registrations that break a rule."""

    code = "invalid_client_metadata"
    message = "The password grant is only for first-party clients."
    message_es = "La concesión por contraseña es solo para clientes propios."


class ClientNotFound(NotFound):
    code = "client_not_found"
    message = "No OAuth client with that client_id."
    message_es = "No existe un cliente OAuth con ese client_id."
