"""`aurum clients`: the registered OAuth clients, as the admin API shows them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer

from aurum.audit.repository import AuditRepository
from aurum.audit.service import AuditLog
from aurum.config import get_settings
from aurum.console.options import Cursor, Json
from aurum.console.output import print_fields, print_json, print_table
from aurum.console.session import command_session
from aurum.oauth.clients import ClientService
from aurum.oauth.repository import ClientRepository
from aurum.oauth.schemas import ClientRead
from aurum.pagination import Page

clients_app = typer.Typer(help="OAuth clients (never their secrets).", no_args_is_help=True)

T = TypeVar("T")


def _run(action: Callable[[ClientService], Awaitable[T]]) -> T:
    async def run() -> T:
        async with command_session(get_settings()) as db:
            audit = AuditLog(AuditRepository(db), client=None)  # the operator
            return await action(ClientService(ClientRepository(db), audit))

    return asyncio.run(run())


@clients_app.command("list")
def list_clients(
    limit: Annotated[int, typer.Option(min=1, max=100, help="Clients per page.")] = 20,
    cursor: Cursor = None,
    as_json: Json = False,
) -> None:
    """Registered clients, oldest first, a page at a time."""
    clients, next_cursor = _run(lambda service: service.list_after(limit=limit, cursor=cursor))
    items = [ClientRead.model_validate(client) for client in clients]
    if as_json:
        print_json(Page[ClientRead](items=items, next_cursor=next_cursor))
        return
    if not items:
        typer.echo("No OAuth clients." if cursor is None else "No more OAuth clients.")
        return
    print_table(
        ["CLIENT_ID", "NAME", "GRANT_TYPES", "SCOPES", "FIRST_PARTY", "STATUS", "CREATED"],
        [
            [
                client.client_id,
                client.name,
                ",".join(client.grant_types),
                ",".join(client.scopes) or "-",
                client.first_party,
                "disabled" if client.disabled else "enabled",
                client.created_at,
            ]
            for client in items
        ],
    )
    if next_cursor:
        typer.echo(f"\nNext page: aurum clients list --limit {limit} --cursor {next_cursor}")


@clients_app.command("show")
def show_client(
    client_id: Annotated[str, typer.Argument(metavar="CLIENT_ID", help="The client's id.")],
    as_json: Json = False,
) -> None:
    """One client (its secret is stored hashed and never shown)."""
    client = ClientRead.model_validate(_run(lambda service: service.get(client_id)))
    if as_json:
        print_json(client)
        return
    print_fields(
        {
            "client_id": client.client_id,
            "name": client.name,
            "grant types": ", ".join(client.grant_types),
            "scopes": ", ".join(client.scopes) or None,
            "first party": client.first_party,
            "status": "disabled" if client.disabled else "enabled",
            "back-channel logout": client.backchannel_logout_uri,
            "created": client.created_at,
            "updated": client.updated_at,
        }
    )
