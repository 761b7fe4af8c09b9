from __future__ import annotations

from aurum.errors import AppError, Conflict


class MfaAlreadyEnabled(Conflict):
    code = "mfa_already_enabled"
    message = "Two-step verification is already on. Turn it off first to enrol again."
    message_es = (
        "La verificación en dos pasos ya está activada. Desactívala para volver a inscribirte."
    )


class MfaNotEnabled(Conflict):
    code = "mfa_not_enabled"
    message = "Two-step verification is not on."
    message_es = "La verificación en dos pasos no está activada."


class MfaEnrollmentNotStarted(Conflict):
    code = "mfa_enrollment_not_started"
    message = "Start the enrolment first: no authenticator is waiting to be confirmed."
    message_es = "Primero inicia la inscripción: no hay un autenticador pendiente de confirmar."


class InvalidMfaCode(AppError):
    status_code = 400
    code = "invalid_mfa_code"
    message = "The code is not correct, or it was already used."
    message_es = "El código no es correcto o ya se usó."


class MfaSignInCodeRejected(InvalidMfaCode):
    """A wrong code against a sign-in challenge: the failed attempt is kept."""

    commit_changes = True


class InvalidMfaToken(AppError):
    status_code = 401
    code = "invalid_mfa_token"
    message = "The sign-in challenge is invalid, expired or already used. Sign in again."
    message_es = (
        "El desafío de inicio de sesión no es válido, caducó o ya se usó. Vuelve a iniciar sesión."
    )
    headers = {"WWW-Authenticate": "Bearer"}  # noqa: RUF012
