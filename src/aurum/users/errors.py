from __future__ import annotations

from aurum.errors import AppError, Conflict, Forbidden, NotFound


class UserNotFound(NotFound):
    code = "user_not_found"
    message = "No user with that username."
    message_es = "No existe un usuario con ese nombre."


class UsernameTaken(Conflict):
    code = "username_taken"
    message = "That username is already taken."
    message_es = "Ese nombre de usuario ya está en uso."


class EmailTaken(Conflict):
    code = "email_taken"
    message = "That email address is already registered."
    message_es = "Ese correo electrónico ya está registrado."


class PasswordTooShort(AppError):
    status_code = 422
    code = "password_too_short"
    message = "The password is too short."
    message_es = "La contraseña es demasiado corta."


class PasswordTooLong(AppError):
    status_code = 422
    code = "password_too_long"
    message = "The password is too long."
    message_es = "La contraseña es demasiado larga."


class WrongPassword(AppError):
    status_code = 400
    code = "wrong_password"
    message = "The current password is not correct."
    message_es = "La contraseña actual no es correcta."


class CannotDeleteSelf(Forbidden):
    code = "cannot_delete_self"
    message = "Administrators cannot delete their own account."
    message_es = "Un administrador no puede eliminar su propia cuenta."


class PasswordRequired(AppError):
    status_code = 422
    code = "password_required"
    message = "Confirm with your password to delete your account."
    message_es = "Confirma con tu contraseña para eliminar tu cuenta."


class PasswordTooCommon(AppError):
    status_code = 422
    code = "password_too_common"
    message = "This password is too common. Choose one that is harder to guess."
    message_es = "Esta contraseña es demasiado común. Elige una más difícil de adivinar."


class PasswordTooSimilar(AppError):
    status_code = 422
    code = "password_too_similar"
    message = "The password must not be based on your username or email address."
    message_es = "La contraseña no debe basarse en tu nombre de usuario ni en tu correo."
