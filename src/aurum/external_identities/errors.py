from __future__ import annotations

from aurum.errors import AppError, Conflict, Forbidden, NotFound, ServiceUnavailable


class SsoUnavailable(ServiceUnavailable):
    code = "sso_unavailable"
    message = "The single sign-on provider cannot be reached. Try again shortly."
    message_es = (
        "No se puede contactar al proveedor de inicio de sesión único. Inténtalo de nuevo en breve."
    )


class SsoEmailConflict(Conflict):
    code = "sso_email_conflict"
    message = (
        "An account with this email address already exists. Sign in to that account "
        "and link your single sign-on identity to it (POST /api/v1/sso/identities)."
    )
    message_es = (
        "Ya existe una cuenta con este correo electrónico. Inicia sesión en esa cuenta "
        "y vincula tu identidad de inicio de sesión único (POST /api/v1/sso/identities)."
    )


class SsoAccountNotLinked(Forbidden):
    code = "sso_account_not_linked"
    message = "This single sign-on identity is not linked to an account. Sign in and link it first."
    message_es = (
        "Esta identidad de inicio de sesión único no está vinculada a ninguna cuenta. "
        "Inicia sesión y vincúlala primero."
    )


class SsoIdentityTaken(Conflict):
    code = "sso_identity_taken"
    message = "This single sign-on identity is already linked to another account."
    message_es = "Esta identidad de inicio de sesión único ya está vinculada a otra cuenta."


class InvalidExternalToken(AppError):
    status_code = 400
    code = "invalid_external_token"
    message = "The single sign-on token is invalid, expired, revoked or not meant for us."
    message_es = (
        "El token de inicio de sesión único no es válido, expiró, fue revocado "
        "o no está dirigido a este servicio."
    )


class SsoNotConfigured(NotFound):
    code = "sso_not_configured"
    message = "Single sign-on is not configured on this service."
    message_es = "El inicio de sesión único no está configurado en este servicio."


class ExternalIdentityNotFound(NotFound):
    code = "identity_not_found"
    message = "No linked identity with that id."
    message_es = "No existe una identidad vinculada con ese id."
