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
from aurum.keys.chains import KeyChains
from aurum.keys.repository import SigningKeyRepository
from aurum.oauth.clients import ClientService
from aurum.oauth.repository import ClientRepository
from aurum.oauth.schemas import PUBLIC_CLIENT, SECRET_BASIC, ClientCreate, ClientCreated, ClientRead
from aurum.pagination import Page
from aurum.security.keys import KeyMaker

clients_app = typer.Typer(help="OAuth clients (never their secrets).", no_args_is_help=True)

T = TypeVar("T")


def _run(action: Callable[[ClientService], Awaitable[T]]) -> T:
    async def run() -> T:
        settings = get_settings()
        async with command_session(settings) as db:
            audit = AuditLog(AuditRepository(db), client=None)  # the operator
            chains = KeyChains(
                SigningKeyRepository(db), KeyMaker(settings.secret_key.get_secret_value())
            )
            return await action(ClientService(ClientRepository(db), audit, chains))

    return asyncio.run(run())


@clients_app.command("create")
def create_client(
    name: Annotated[str, typer.Argument(help="The app's name, shown on the consent page.")],
    redirect_uri: Annotated[
        list[str] | None,
        typer.Option(help="Where its codes may go, compared exactly (repeat for several)."),
    ] = None,
    post_logout_redirect_uri: Annotated[
        list[str] | None,
        typer.Option(help="Where a person may be sent after signing out (repeatable)."),
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(help="What it may ask for (repeatable; default: openid profile email)."),
    ] = None,
    grant_type: Annotated[
        list[str] | None,
        typer.Option(help="Its grants (repeatable; default: authorization_code refresh_token)."),
    ] = None,
    public: Annotated[
        bool, typer.Option("--public", help="A single-page or mobile app: no secret, PKCE.")
    ] = False,
    first_party: Annotated[
        bool, typer.Option("--first-party", help="An app of the platform: no consent page.")
    ] = False,
    id_token_alg: Annotated[
        str | None,
        typer.Option(help="How its ID tokens are signed: RS256, ES256 or Ed25519."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Register an app that signs people in; its secret is printed once, never again."""
    data = ClientCreate.model_validate(
        {
            "name": name,
            "grant_types": grant_type or ["authorization_code", "refresh_token"],
            "scopes": scope or ["openid", "profile", "email"],
            "first_party": first_party,
            "redirect_uris": redirect_uri or [],
            "post_logout_redirect_uris": post_logout_redirect_uri or [],
            "token_endpoint_auth_method": PUBLIC_CLIENT if public else SECRET_BASIC,
            "id_token_signed_response_alg": id_token_alg,
        }
    )
    client, secret = _run(lambda service: service.create(data, actor=None))
    created = ClientCreated.model_validate(
        {**ClientRead.model_validate(client).model_dump(), "client_secret": secret}
    )
    if as_json:
        print_json(created)
        return
    print_fields(
        {
            "client_id": created.client_id,
            "client_secret": secret or "none (a public client)",
            "name": created.name,
            "grant types": ", ".join(created.grant_types),
            "scopes": ", ".join(created.scopes) or None,
            "redirect URIs": ", ".join(created.redirect_uris) or None,
            "ID tokens": created.id_token_signed_response_alg or "the service's default",
        }
    )
    if secret is not None:
        typer.echo("\nThe secret is shown only now: store it in the app's configuration.")


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
            "created": client.created_at,
            "updated": client.updated_at,
        }
    )
