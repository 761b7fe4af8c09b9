"""The invitation email: its text, in Spanish and English, and its delivery after commit."""

from __future__ import annotations

import unicodedata
from email.message import EmailMessage
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from aurum.account_mail.messages import link
from aurum.config import Settings
from aurum.db.after_commit import after_commit
from aurum.mail.message import bilingual_message
from aurum.mail.queue import MailQueue
from aurum.models.company import Company, CompanyInvitation, CompanyRole
from aurum.models.user import User

ACCEPT_PATH = "/accept-invitation"  # the web app's page, which POSTs the token

ROLE_NAMES: dict[CompanyRole, tuple[str, str]] = {  # (Spanish, English)
    CompanyRole.OWNER: ("propietario", "owner"),
    CompanyRole.ADMIN: ("administrador", "admin"),
    CompanyRole.EDITOR: ("editor", "editor"),
    CompanyRole.VIEWER: ("lector", "viewer"),
}


class InvitationNotices:
    """Queues the invitation email once the invitation has committed (never if it rolls back)."""

    def __init__(self, db: AsyncSession, mail: MailQueue, settings: Settings) -> None:
        self.db = db
        self.mail = mail
        self.settings = settings

    def invitation_created(
        self, invitation: CompanyInvitation, company: Company, inviter: User, token: str
    ) -> None:
        # Built now, from what the request knows; the token exists only in this message
        # (the database keeps its digest), until the queue hands it to the mail server.
        message = invitation_message(
            self.settings,
            to=invitation.email,
            company=company,
            inviter=inviter,
            role=invitation.role,
            token=token,
        )
        after_commit(self.db, partial(self.mail.submit, partial(_ready, message)))


async def _ready(message: EmailMessage) -> EmailMessage:
    return message


def invitation_message(
    settings: Settings,
    *,
    to: str,
    company: Company,
    inviter: User,
    role: CompanyRole,
    token: str,
) -> EmailMessage:
    url = link(settings, ACCEPT_PATH, token)
    days = settings.company_invitation_expire_days
    days_es, days_en = ("1 día", "1 day") if days == 1 else (f"{days} días", f"{days} days")
    name = _one_line(company.name)
    who = _one_line(
        f"{inviter.full_name} ({inviter.username})" if inviter.full_name else inviter.username
    )
    role_es, role_en = ROLE_NAMES[role]
    # Anyone may create a company and name it: say so when Aurum has not checked it.
    unverified_es = "" if company.verified else " (empresa no verificada por Aurum)"
    unverified_en = "" if company.verified else " (a company Aurum has not verified)"
    spanish = (
        f"{who} te invitó a unirte a «{name}»{unverified_es} en Aurum con el rol de "
        f"{role_es}. Para aceptar, abre este enlace e inicia sesión con la cuenta de esta "
        f"dirección de correo (o crea una):\n\n{url}\n\n"
        f"El enlace sirve una sola vez y caduca en {days_es}. Si no esperabas esta "
        "invitación, ignora este mensaje."
    )
    english = (
        f"{who} invited you to join “{name}”{unverified_en} on Aurum as {role_en}. To "
        "accept, open this link and sign in with the account of this email address (or "
        f"create one):\n\n{url}\n\n"
        f"The link works once and expires in {days_en}. If you did not expect this "
        "invitation, ignore this message."
    )
    return bilingual_message(
        sender=settings.email_from,
        to=to,
        subject="Invitación a una empresa / Company invitation - Aurum",
        spanish=spanish,
        english=english,
    )


def _one_line(text: str) -> str:
    """Names typed by users, on one line and without control or formatting characters."""
    visible = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    return " ".join(visible.split())
