"""The security events the audit log records. Values are stable: clients filter on them."""

from __future__ import annotations

from enum import StrEnum


class AuditEventType(StrEnum):
    SIGN_IN_SUCCEEDED = "sign_in.succeeded"
    SIGN_IN_FAILED = "sign_in.failed"
    # A failed attempt left the account, or the account from that address, throttled.
    SIGN_IN_LOCKED = "sign_in.locked"
    SESSION_REVOKED = "session.revoked"
    REFRESH_TOKEN_REUSED = "refresh_token.reused"  # noqa: S105 - an event name
    PASSWORD_CHANGED = "password.changed"  # noqa: S105 - an event name
    USER_REGISTERED = "user.registered"
    # A sign-up named an email that already has an account (its owner was notified).
    REGISTRATION_CONFLICT = "user.registration_conflict"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    ROLE_CHANGED = "user.role_changed"
    USER_DISABLED = "user.disabled"
    USER_ENABLED = "user.enabled"
    USER_DELETED = "user.deleted"
    # Sent a reset link to an account (requests for unknown addresses leave no trace).
    PASSWORD_RESET_REQUESTED = "password_reset.requested"  # noqa: S105 - an event name
    PASSWORD_RESET_COMPLETED = "password_reset.completed"  # noqa: S105 - an event name
    EMAIL_VERIFIED = "email.verified"
    EMAIL_CHANGED = "email.changed"
    MFA_ENABLED = "mfa.enabled"
    MFA_DISABLED = "mfa.disabled"  # by the user, or reset by an admin (`reason`)
    MFA_RECOVERY_CODES_REGENERATED = "mfa.recovery_codes_regenerated"
    # A wrong authenticator or recovery code at the second step of a sign-in.
    SIGN_IN_MFA_FAILED = "sign_in.mfa_failed"
    # A client revoked one of its own service (client-credentials) tokens.
    SERVICE_TOKEN_REVOKED = "service_token.revoked"  # noqa: S105 - an event name
    OAUTH_CLIENT_CREATED = "oauth_client.created"
    OAUTH_CLIENT_UPDATED = "oauth_client.updated"
    OAUTH_CLIENT_DELETED = "oauth_client.deleted"
    OAUTH_CLIENT_SECRET_ROTATED = "oauth_client.secret_rotated"  # noqa: S105 - an event name
    WEBHOOK_CREATED = "webhook.created"
    WEBHOOK_UPDATED = "webhook.updated"
    WEBHOOK_DELETED = "webhook.deleted"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated"  # noqa: S105 - an event name
    WEBHOOK_MESSAGE_REDELIVERED = "webhook.message_redelivered"
