"""Admins register webhook endpoints and follow their deliveries."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from aurum.callers.dependencies import AdminUser
from aurum.webhooks.dependencies import WebhookServiceDep
from aurum.webhooks.schemas import (
    AttemptRead,
    MessageDetail,
    MessagePage,
    MessageQuery,
    MessageRead,
    PageQuery,
    WebhookCreate,
    WebhookCreated,
    WebhookPage,
    WebhookRead,
    WebhookSecret,
    WebhookUpdate,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

MessageId = Annotated[str, Path(max_length=40)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_webhook(
    data: WebhookCreate, admin: AdminUser, webhooks: WebhookServiceDep
) -> WebhookCreated:
    """Register an endpoint; its signing `secret` is shown only in this response."""
    endpoint, secret = await webhooks.create(data, actor=admin)
    return WebhookCreated.model_validate(
        {**WebhookRead.model_validate(endpoint).model_dump(), "secret": secret}
    )


@router.get("")
async def list_webhooks(
    query: Annotated[PageQuery, Query()], _: AdminUser, webhooks: WebhookServiceDep
) -> WebhookPage:
    """Endpoints, oldest first (never their secrets); follow `next_cursor` for more."""
    page, next_cursor = await webhooks.list_page(limit=query.limit, cursor=query.cursor)
    return WebhookPage(
        items=[WebhookRead.model_validate(endpoint) for endpoint in page], next_cursor=next_cursor
    )


@router.get("/{webhook_id}")
async def read_webhook(
    webhook_id: uuid.UUID, _: AdminUser, webhooks: WebhookServiceDep
) -> WebhookRead:
    """One endpoint."""
    return WebhookRead.model_validate(await webhooks.get(webhook_id))


@router.patch("/{webhook_id}")
async def update_webhook(
    webhook_id: uuid.UUID, data: WebhookUpdate, admin: AdminUser, webhooks: WebhookServiceDep
) -> WebhookRead:
    """Change the URL, description, event types or enabled; only the fields sent."""
    return WebhookRead.model_validate(await webhooks.update(webhook_id, data, actor=admin))


@router.post("/{webhook_id}/secret")
async def rotate_webhook_secret(
    webhook_id: uuid.UUID, admin: AdminUser, webhooks: WebhookServiceDep
) -> WebhookSecret:
    """A new secret (shown once); the old one keeps signing beside it for a grace period."""
    endpoint, secret = await webhooks.rotate_secret(webhook_id, actor=admin)
    return WebhookSecret(
        secret=secret, previous_secret_expires_at=endpoint.previous_secret_expires_at
    )


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_webhook(
    webhook_id: uuid.UUID, admin: AdminUser, webhooks: WebhookServiceDep
) -> Response:
    """Delete an endpoint with its messages and delivery log."""
    await webhooks.delete(webhook_id, actor=admin)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/messages")
async def list_webhook_messages(
    webhook_id: uuid.UUID,
    query: Annotated[MessageQuery, Query()],
    _: AdminUser,
    webhooks: WebhookServiceDep,
) -> MessagePage:
    """The endpoint's messages, newest first; `status` filters; follow `next_cursor`."""
    page, next_cursor = await webhooks.messages(
        webhook_id, status=query.status, limit=query.limit, cursor=query.cursor
    )
    return MessagePage(
        items=[MessageRead.model_validate(message) for message in page], next_cursor=next_cursor
    )


@router.get("/{webhook_id}/messages/{message_id}")
async def read_webhook_message(
    webhook_id: uuid.UUID, message_id: MessageId, _: AdminUser, webhooks: WebhookServiceDep
) -> MessageDetail:
    """One message: its payload and every delivery attempt (status, answer, duration)."""
    message, log = await webhooks.message(webhook_id, message_id)
    return MessageDetail.model_validate(
        {
            **MessageRead.model_validate(message).model_dump(),
            "payload": message.payload,
            "log": [AttemptRead.model_validate(attempt) for attempt in log],
        }
    )


@router.post("/{webhook_id}/messages/{message_id}/redeliver", status_code=status.HTTP_202_ACCEPTED)
async def redeliver_webhook_message(
    webhook_id: uuid.UUID, message_id: MessageId, admin: AdminUser, webhooks: WebhookServiceDep
) -> MessageRead:
    """Send a delivered or dead message again, with the same `webhook-id`."""
    return MessageRead.model_validate(await webhooks.redeliver(webhook_id, message_id, actor=admin))
