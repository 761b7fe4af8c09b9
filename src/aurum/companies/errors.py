from __future__ import annotations

from aurum.errors import AppError, Conflict, Forbidden, NotFound


class CompanyNotFound(NotFound):
    code = "company_not_found"
    message = "No company with that id or slug."
    message_es = "No existe una empresa con ese id o slug."


class CompanyNameTaken(Conflict):
    code = "company_name_taken"
    message = "A company with that name already exists."
    message_es = "Ya existe una empresa con ese nombre."


class SlugTaken(Conflict):
    code = "slug_taken"
    message = "That slug is already in use."
    message_es = "Ese slug ya está en uso."


class CityRequiresEcuador(AppError):
    status_code = 422
    code = "city_requires_ecuador"
    message = "A city from the catalog can only be set for companies in Ecuador (EC)."
    message_es = "Solo las empresas en Ecuador (EC) pueden tener una ciudad del catálogo."


class AdminOnlyField(Forbidden):
    code = "admin_only_field"
    message = "Only platform administrators can set `verified` and `partnership_tier`."
    message_es = (
        "Solo los administradores de la plataforma pueden cambiar `verified` y `partnership_tier`."
    )


class MemberNotFound(NotFound):
    code = "member_not_found"
    message = "That user is not a member of the company."
    message_es = "Ese usuario no es miembro de la empresa."


class LastOwner(Conflict):
    code = "last_owner"
    message = "A company must keep at least one owner."
    message_es = "Una empresa debe conservar al menos un propietario."


class AlreadyMember(Conflict):
    code = "already_member"
    message = "That user is already a member of the company."
    message_es = "Ese usuario ya es miembro de la empresa."


class InvalidInvitation(AppError):
    status_code = 400
    code = "invalid_invitation"
    message = "The invitation is invalid, expired, revoked or already used."
    message_es = "La invitación no es válida, expiró, fue revocada o ya se usó."


class InvitationNotForYou(Forbidden):
    code = "invitation_not_for_you"
    message = "This invitation was sent to another email address."
    message_es = "Esta invitación fue enviada a otra dirección de correo."


class EmailNotVerified(Forbidden):
    code = "email_not_verified"
    message = "Confirm your email address before accepting invitations sent to it."
    message_es = "Confirma tu dirección de correo antes de aceptar invitaciones enviadas a ella."


class InvitationNotFound(NotFound):
    code = "invitation_not_found"
    message = "No pending invitation with that id."
    message_es = "No existe una invitación pendiente con ese id."
