from __future__ import annotations

from aurum.errors import AppError


class InvalidCredentials(AppError):
    status_code = 401
    code = "invalid_credentials"
    message = "Incorrect username or password."
    message_es = "Usuario o contraseña incorrectos."
    headers = {"WWW-Authenticate": "Bearer"}  # noqa: RUF012


class InvalidRefreshToken(AppError):
    status_code = 401
    code = "invalid_refresh_token"
    message = "The refresh token is invalid, expired or revoked."
    message_es = "El token de actualización no es válido, expiró o fue revocado."
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}  # noqa: RUF012


class RefreshTokenReused(InvalidRefreshToken):
    """A rotated token came back: its whole session is revoked, and that must be kept."""

    commit_changes = True


class SignInFailed(InvalidCredentials):
    """The same answer as InvalidCredentials; keeps the audit record of the failure."""

    commit_changes = True


class PasswordGrantDisabled(AppError):
    """PASSWORD_GRANT_ENABLED=false: the legacy password path is closed. The code is the
    one RFC 6749 §5.2 gives a token endpoint for a grant it does not support."""

    code = "unsupported_grant_type"
    message = (
        "Signing in with a password here is turned off; "
        "sign in through the authorization endpoint (Sign in with Aurum)."
    )
    message_es = (
        "El inicio de sesión con contraseña aquí está desactivado; "
        "inicia sesión a través del punto de autorización (Iniciar sesión con Aurum)."
    )
