from __future__ import annotations

from aurum.errors import AppError, NotFound


class WebhookNotFound(NotFound):
    code = "webhook_not_found"
    message = "No webhook endpoint with that id."
    message_es = "No existe un endpoint de webhook con ese id."


class WebhookMessageNotFound(NotFound):
    code = "webhook_message_not_found"
    message = "No message with that id for this webhook endpoint."
    message_es = "No existe un mensaje con ese id para este endpoint de webhook."


class MessageStillPending(AppError):
    status_code = 409
    code = "webhook_message_pending"
    message = "The message is still being delivered."
    message_es = "El mensaje todavía se está entregando."
