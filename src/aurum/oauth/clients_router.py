"""Admins register and manage OAuth clients."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from aurum.callers.dependencies import AdminUser
from aurum.oauth.dependencies import ClientServiceDep
from aurum.oauth.schemas import (
    ClientCreate,
    ClientCreated,
    ClientPage,
    ClientRead,
    ClientSecret,
    ClientUpdate,
)

router = APIRouter(prefix="/oauth/clients", tags=["oauth clients"])

ClientId = Annotated[str, Path(max_length=64)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_client(
    data: ClientCreate, admin: AdminUser, clients: ClientServiceDep
) -> ClientCreated:
    """Register a client; the `client_secret` is shown only in this response."""
    client, secret = await clients.create(data, actor=admin)
    return ClientCreated.model_validate(
        {**ClientRead.model_validate(client).model_dump(), "client_secret": secret}
    )


@router.get("")
async def list_clients(
    _: AdminUser,
    clients: ClientServiceDep,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> ClientPage:
    """Registered clients, oldest first (never their secrets)."""
    page = await clients.list_page(limit=limit, offset=offset)
    return ClientPage(items=[ClientRead.model_validate(client) for client in page])


@router.get("/{client_id}")
async def read_client(client_id: ClientId, _: AdminUser, clients: ClientServiceDep) -> ClientRead:
    """One client."""
    return ClientRead.model_validate(await clients.get(client_id))


@router.patch("/{client_id}")
async def update_client(
    client_id: ClientId, data: ClientUpdate, admin: AdminUser, clients: ClientServiceDep
) -> ClientRead:
    """Change name, grant types, scopes, first-party or disabled; only the fields sent."""
    return ClientRead.model_validate(await clients.update(client_id, data, actor=admin))


@router.post("/{client_id}/secret")
async def new_client_secret(
    client_id: ClientId, admin: AdminUser, clients: ClientServiceDep
) -> ClientSecret:
    """Issue a new secret (shown once); the old one stops working at once."""
    client, secret = await clients.new_secret(client_id, actor=admin)
    return ClientSecret(client_id=client.client_id, client_secret=secret)


@router.delete("/{client_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_client(
    client_id: ClientId, admin: AdminUser, clients: ClientServiceDep
) -> Response:
    """Delete a client: its sign-ins end and its tokens stop working at once."""
    await clients.delete(client_id, actor=admin)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
