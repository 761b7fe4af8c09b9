"""What a person allowed apps that sign them in: listed, and taken back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel

from aurum.callers.dependencies import CurrentUser
from aurum.db.session import SessionDep
from aurum.errors import NotFound
from aurum.oauth.authorization_repository import AuthorizationRepository

router = APIRouter(prefix="/users/me/consents", tags=["oauth"])


class ConsentRead(BaseModel):
    client_id: str
    client_name: str
    scope: str
    granted_at: datetime


class ConsentPage(BaseModel):
    items: list[ConsentRead]


class ConsentNotFound(NotFound):
    code = "consent_not_found"
    message = "You have not allowed that app anything."
    message_es = "No le has permitido nada a esa aplicación."


@router.get("")
async def list_consents(user: CurrentUser, db: SessionDep) -> ConsentPage:
    """The apps you allowed to sign you in, and what each may see."""
    rows = await AuthorizationRepository(db).consents(user.id)
    return ConsentPage(
        items=[
            ConsentRead(
                client_id=consent.client_id,
                client_name=name,
                scope=consent.scope,
                granted_at=consent.granted_at,
            )
            for consent, name in rows
        ]
    )


@router.delete("/{client_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_consent(
    client_id: Annotated[str, Path(max_length=64)], user: CurrentUser, db: SessionDep
) -> Response:
    """Take back what you allowed an app; its sessions of yours end, and it asks again."""
    if not await AuthorizationRepository(db).forget_consent(user.id, client_id):
        raise ConsentNotFound
    return Response(status_code=status.HTTP_204_NO_CONTENT)
