"""The invitation email: its text, in Spanish and English, and its job.

The invitation's token exists only in the request (the database keeps its digest), so the
job carries it: in the job's payload, which is encrypted at rest (docs/jobs.md).
"""

from __future__ import annotations

import unicodedata
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncSession

from aurum.account_mail.messages import link
from aurum.config import Settings
from aurum.jobs.kinds import JobContext, Payload
from aurum.jobs.runner import JobRunner
from aurum.mail.delivery import MailDelivery
from aurum.mail.message import bilingual_message
from aurum.models.company import Company, CompanyInvitation, CompanyRole
from aurum.models.user import User

INVITATION_MAIL = "mail.invitation"

ACCEPT_PATH = "/accept-invitation"  # the web app's page, which POSTs the token

ROLE_NAMES: dict[CompanyRole, tuple[str, str]] = {  # (Spanish, English)
    CompanyRole.OWNER: ("propietario", "owner"),
    CompanyRole.ADMIN: ("administrador", "admin"),
    CompanyRole.EDITOR: ("editor", "editor"),
    CompanyRole.VIEWER: ("lector", "viewer"),
}


class InvitationNotices:
    """Records the invitation email's job in the invitation's transaction."""

    def __init__(self, db: AsyncSession, jobs: JobRunner) -> None:
        self.db = db
        self.jobs = jobs

    def invitation_created(
        self, invitation: CompanyInvitation, company: Company, inviter: User, token: str
    ) -> None:
        fields = invitation_fields(
            to=invitation.email, company=company, inviter=inviter, role=invitation.role, token=token
        )
        self.jobs.enqueue(self.db, INVITATION_MAIL, fields)


class InvitationMailJobs:
    def __init__(self, delivery: MailDelivery) -> None:
        self.delivery = delivery

    async def run(self, job: JobContext) -> None:
        await self.delivery.send(job, render_invitation(self.delivery.settings, job.payload))


def invitation_fields(
    *, to: str, company: Company, inviter: User, role: CompanyRole, token: str
) -> Payload:
    """What the message says, from what the request knows (names as they were then)."""
    who = f"{inviter.full_name} ({inviter.username})" if inviter.full_name else inviter.username
    return {
        "to": to,
        "company": company.name,
        "verified": company.verified,
        "inviter": who,
        "role": role.value,
        "token": token,
    }


def invitation_message(
    settings: Settings,
    *,
    to: str,
    company: Company,
    inviter: User,
    role: CompanyRole,
    token: str,
) -> EmailMessage:
    fields = invitation_fields(to=to, company=company, inviter=inviter, role=role, token=token)
    return render_invitation(settings, fields)


def render_invitation(settings: Settings, fields: Payload) -> EmailMessage:
    url = link(settings, ACCEPT_PATH, fields["token"])
    days = settings.company_invitation_expire_days
    days_es, days_en = ("1 día", "1 day") if days == 1 else (f"{days} días", f"{days} days")
    name = _one_line(fields["company"])
    who = _one_line(fields["inviter"])
    role_es, role_en = ROLE_NAMES[CompanyRole(fields["role"])]
    # Anyone may create a company and name it: say so when Aurum has not checked it.
    verified = fields["verified"]
    unverified_es = "" if verified else " (empresa no verificada por Aurum)"
    unverified_en = "" if verified else " (a company Aurum has not verified)"
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
        to=fields["to"],
        subject="Invitación a una empresa / Company invitation - Aurum",
        spanish=spanish,
        english=english,
    )


def _one_line(text: str) -> str:
    """Names typed by users, on one line and without control or formatting characters."""
    visible = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    return " ".join(visible.split())
