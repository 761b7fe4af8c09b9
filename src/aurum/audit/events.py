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
