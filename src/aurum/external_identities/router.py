"""Single sign-on identities linked to the signed-in account."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from aurum.callers.dependencies import CurrentUser
from aurum.external_identities.dependencies import ExternalIdentityServiceDep
from aurum.external_identities.schemas import ExternalIdentityRead, IdentityLink

router = APIRouter(prefix="/sso", tags=["single sign-on"])


@router.get("/identities")
async def list_identities(
    user: CurrentUser, identities: ExternalIdentityServiceDep
) -> list[ExternalIdentityRead]:
    """Your linked single sign-on identities."""
    return [ExternalIdentityRead.model_validate(i) for i in await identities.list_for(user)]


@router.post("/identities", status_code=status.HTTP_201_CREATED)
async def link_identity(
    data: IdentityLink, user: CurrentUser, identities: ExternalIdentityServiceDep
) -> ExternalIdentityRead:
    """Link the identity of a provider's access token to your account."""
    return ExternalIdentityRead.model_validate(await identities.link(user, data.token))


@router.delete("/identities/{identity_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unlink_identity(
    identity_id: uuid.UUID, user: CurrentUser, identities: ExternalIdentityServiceDep
) -> Response:
    """Unlink one of your single sign-on identities."""
    await identities.unlink(user, identity_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
