from __future__ import annotations

from aurum.errors import AppError


class InvalidResetToken(AppError):
    status_code = 400
    code = "invalid_reset_token"
    message = "The password reset link is invalid, expired or already used."
    message_es = "El enlace para restablecer la contraseña no es válido, caducó o ya se usó."


class InvalidVerificationToken(AppError):
    status_code = 400
    code = "invalid_verification_token"
    message = "The verification link is invalid, expired or already used."
    message_es = "El enlace de verificación no es válido, caducó o ya se usó."
